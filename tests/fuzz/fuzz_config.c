/* Fuzz target: the configuration loader (JSON with comments and trailing commas,
 * validation, defaults) on arbitrary text. It must either load or give a message
 * naming the problem, never crash or leak. */
#include "config/config.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        xalloc_init();
        setenv("SWITCHBOARD_NO_PROBE_LOCAL", "1", 1);
        setenv("SWITCHBOARD_NO_KEY_CMD", "1", 1);   /* never run commands from fuzz input */
        init = 1;
    }
    char *text = xstrndup((const char *)data, size);
    char err[512] = "";
    struct config *cfg = config_load_text(text, "fuzz.json", NULL, err, sizeof err);
    if (cfg) config_unref(cfg);
    else if (err[0] == '\0') abort();   /* a rejection always says why */
    free(text);
    return 0;
}
