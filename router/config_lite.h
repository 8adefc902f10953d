/* A stand-in loader for the parts of a config file that stats and simulate need
 * (providers by name, models with prices, routes), used until the full loader
 * (router/config.c, config_load) is merged. Plain JSON; produces the same struct
 * config, so callers switch to config_load/config_unref without other changes. */
#ifndef ROUTER_CONFIG_LITE_H
#define ROUTER_CONFIG_LITE_H
#include "router/config.h"

struct config *config_lite_load(const char *path, char *err, size_t errlen);
struct config *config_lite_parse(const char *text, const char *name, char *err, size_t errlen);
void config_lite_free(struct config *cfg);
/* Same as config_model_index: -1 when unknown. */
int config_lite_model_index(const struct config *cfg, const char *name);

#endif
