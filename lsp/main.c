/* switchboard entry point (placeholder until the LSP core lands). */
#include "router/check.h"
#include "base/xalloc.h"
#include "base/log.h"
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("switchboard %s\n", SWITCHBOARD_VERSION);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "check") == 0) {   /* until lsp/cli.c has a table */
        xalloc_init();
        int rc = cli_check(argc - 1, argv + 1);
        log_close();
        return rc;
    }
    fprintf(stderr, "switchboard: not yet implemented\n");
    return 1;
}
