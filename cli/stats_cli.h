/* `switchboard stats [--since D] [--by K] [--json] [--html FILE] [--ledger PATH]
 * [--config PATH] [--now TIME]` (cli/stats_cli.c); argv[0] is "stats". Returns the
 * exit code: 0, 1 when the HTML file cannot be written, 2 on bad usage or an invalid
 * configuration. */
#ifndef CLI_STATS_CLI_H
#define CLI_STATS_CLI_H

int cli_stats(int argc, char **argv);

#endif
