/* `switchboard check [--config PATH]` (see check.c). argv[0] is "check". Returns the
 * process exit code: 0 valid, 2 invalid configuration or bad usage. */
#ifndef CLI_CHECK_H
#define CLI_CHECK_H

int cli_check(int argc, char **argv);

#endif
