/* What `switchboard probe` prints for one model: a pure formatter, separate from the
 * command's I/O (cli/cli_probe.c) so it can be tested without a network. */
#ifndef CLI_PROBE_REPORT_H
#define CLI_PROBE_REPORT_H
#include "providers/provider.h"
#include <stdbool.h>
#include <stddef.h>

struct probe_outcome {
    const char *model;          /* config model name */
    const char *provider;       /* config provider name */
    const char *key_source;     /* "ANTHROPIC_API_KEY", "api_key_cmd" or NULL */
    bool ok;
    long first_token_ms;        /* -1: no text arrived */
    long total_ms;
    struct provider_usage usage;
    bool estimated;             /* the API reported no usage */
    double cost_usd;
    struct provider_error error;   /* when !ok */
    char detail[160];           /* timeouts and network errors: what happened */
};

/* One line without the model name: "ok, first token 312 ms, ..." or the error in
 * plain words, e.g. "anthropic: key in ANTHROPIC_API_KEY rejected (401)". */
void probe_describe(const struct probe_outcome *o, char *out, size_t len);

#endif
