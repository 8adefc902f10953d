/* switchboard entry point (placeholder until the LSP core lands). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("switchboard %s\n", SWITCHBOARD_VERSION);
        return 0;
    }
    fprintf(stderr, "switchboard: not yet implemented\n");
    return 1;
}
