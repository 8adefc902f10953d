/* The subcommand table (see cli.h). Add one line per command; keep the others. */
#include "lsp/cli.h"
#include "router/check.h"
#include <string.h>

const struct cli_command cli_commands[] = {
    { "check", cli_check, "check [--config PATH]     validate the configuration, list what was found" },
    { NULL, NULL, NULL },
};

const struct cli_command *cli_find(const char *name)
{
    for (const struct cli_command *c = cli_commands; name && c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}
