/* Zero-config: the configuration document built from the environment when no file
 * exists (see defaults.c for what is detected and the test hooks). */
#ifndef CONFIG_DEFAULTS_H
#define CONFIG_DEFAULTS_H
#include <cjson/cJSON.h>

/* {"providers": {...}, "models": {...}} for every key and local server found; no
 * routes (the loader expands the speed-depth preset). Caller deletes. */
cJSON *defaults_document(void);

#endif
