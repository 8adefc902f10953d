/* Subcommands of the switchboard binary (`switchboard check`, `probe`, `route`,
 * `stats`, `simulate`): a NULL-terminated table in cli/cli.c, one entry per command,
 * each implemented in its own module. run gets argv starting at the command name and
 * returns the exit code (0 ok, 1 runtime failure, 2 bad usage or configuration). */
#ifndef CLI_CLI_H
#define CLI_CLI_H

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;        /* one line: "check [--config PATH]   validate the config" */
};

extern const struct cli_command cli_commands[];   /* terminated by { NULL } */

const struct cli_command *cli_find(const char *name);

#endif
