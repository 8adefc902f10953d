/* The subcommand table (see cli.h). Add one line per command; keep the others. */
#include "cli/cli.h"
#include "cli/check.h"
#include "cli/route_cli.h"
#include "router/simulate.h"
#include "ledger/stats.h"
#include "cli/cli_probe.h"
#include <string.h>

const struct cli_command cli_commands[] = {
    { "check", cli_check, "check [--config PATH]     validate the configuration, list what was found" },
    { "probe", cli_probe, "probe [MODEL...] [--config PATH]   send a tiny real request to each model" },
    { "route", cli_route, "route --task KIND [--language L] [--path P] [--tokens N] [--trigger automatic|invoked]" },
    { "stats", cli_stats, "stats [--since 1d|7d|30d] [--by model|task|provider|day] [--json] [--html FILE]" },
    { "simulate", cli_simulate, "simulate WORKLOAD.json [--config PATH] [--json]   replay a task mix (no network)" },
    { NULL, NULL, NULL },
};

const struct cli_command *cli_find(const char *name)
{
    for (const struct cli_command *c = cli_commands; name && c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}
