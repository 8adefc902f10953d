/* `switchboard simulate WORKLOAD.json [--config PATH] [--json]` (cli/simulate_cli.c):
 * runs router/simulate.h's replay and prints the result as a table or JSON. */
#ifndef CLI_SIMULATE_CLI_H
#define CLI_SIMULATE_CLI_H
#include <cjson/cJSON.h>

/* The text table of a simulate_run result. malloc'd. */
char *simulate_render_text(const cJSON *result);
/* argv[0] is "simulate". Exit code 0, 1 or 2. */
int cli_simulate(int argc, char **argv);

#endif
