/* `switchboard check --json`: the findings of `check` as one JSON document on stdout
 * (shape in docs/configuration.md, "switchboard check --json"). Keys are reported by
 * presence and source variable name, never by value. */
#ifndef CLI_CHECK_JSON_H
#define CLI_CHECK_JSON_H
#include "config/config.h"

/* Where the file came from: path (NULL = defaults) and how it was found
 * ("--config", "SWITCHBOARD_CONFIG", "XDG_CONFIG_HOME", "HOME", "defaults"). */
struct check_source {
    const char *path;
    const char *found_by;
};

/* A loaded configuration: providers (key presence, reachability of loopback ones),
 * models, routes, budgets, warnings and what is missing. */
void check_json_valid(const struct config *cfg, const struct check_source *src);
/* A configuration that did not load: err is the loader's "FILE: PATH: problem". */
void check_json_invalid(const struct check_source *src, const char *err);

#endif
