/* `switchboard route --task KIND [--language L] [--path P] [--tokens N]
 *  [--trigger automatic|invoked] [--config PATH] [--json]`: prints the plan the
 * router would follow for such a task now, and why each target was chosen or
 * skipped. argv[0] is the command name ("route"). Exit: 0, or 2 on bad usage or an
 * invalid configuration. */
#ifndef CLI_ROUTE_CLI_H
#define CLI_ROUTE_CLI_H

int cli_route(int argc, char **argv);

#endif
