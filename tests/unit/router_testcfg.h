/* Hand-built configurations for router unit tests (no loader needed). Everything is
 * heap-allocated like a loaded config; tcfg_free releases it. */
#ifndef TESTS_UNIT_ROUTER_TESTCFG_H
#define TESTS_UNIT_ROUTER_TESTCFG_H
#include "config/config.h"

struct config *tcfg_new(void);
/* key_env NULL: no key needed; key NULL with key_env set: key missing. */
size_t tcfg_provider(struct config *cfg, const char *name, const char *kind, const char *base_url,
                     const char *key_env, const char *key, int max_concurrency);
size_t tcfg_model(struct config *cfg, const char *name, size_t provider, double price_in,
                  double price_out, long context_window);
/* targets: model names, NULL-terminated. Returns the rule to adjust matchers. */
struct route_rule *tcfg_route(struct config *cfg, const char *label, enum route_strategy strategy,
                              const char *const *targets);
void tcfg_rule_languages(struct route_rule *r, const char *const *languages);
void tcfg_rule_globs(struct route_rule *r, const char *const *globs);
void tcfg_rule_weights(struct route_rule *r, const double *weights);
void tcfg_budget(struct config *cfg, enum budget_scope scope, const char *name, double daily,
                 double monthly, enum budget_action action);
void tcfg_free(struct config *cfg);

#endif
