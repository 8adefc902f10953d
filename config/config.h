/* Configuration: the JSON file of docs/configuration.md (comments and trailing
 * commas accepted), found at --config, $SWITCHBOARD_CONFIG,
 * $XDG_CONFIG_HOME/switchboard/config.json, else zero-config defaults detected from
 * the environment; the editor's initializationOptions / didChangeConfiguration
 * deep-merged over it.
 *
 * A loaded config is immutable and reference counted: the running server swaps in a
 * new one on reload and in-flight work keeps the one it started with. Validation
 * errors name the file, the JSON path and the problem; a bad config is never applied. */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H
#include "providers/task.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct provider_config {
    char *name;
    char *kind;              /* adapter name */
    char *base_url;
    char *api_key_env;       /* NULL when the provider needs no key */
    char **api_key_cmd;      /* argv, NULL-terminated; run once without a shell */
    char *api_key;           /* resolved; NULL when missing. Never printed. */
    char *key_source;        /* "ANTHROPIC_API_KEY", "api_key_cmd", or NULL: safe to print */
    char **headers;          /* extra "Name: value", NULL-terminated; may be NULL */
    int max_concurrency;     /* 0 = unlimited */
    bool allow_insecure;     /* plain http:// to a non-loopback host explicitly allowed */
};

/* CASCADE plans like FALLBACK; code actions with a validator escalate to the next target
 * when an answer fails it (actions/answer_check.h). */
enum route_strategy { STRATEGY_FALLBACK = 0, STRATEGY_SPLIT, STRATEGY_HEDGE, STRATEGY_ADAPTIVE,
                      STRATEGY_CASCADE };

struct route_rule {
    unsigned task_mask;      /* bit (1u << kind); 0 = any */
    unsigned trigger_mask;   /* bit (1u << trigger); 0 = any */
    char **languages;        /* NULL-terminated; NULL = any */
    char **path_globs;       /* NULL-terminated; NULL = any */
    long min_tokens;         /* estimated prompt tokens; 0 = no bound */
    long max_tokens;         /* 0 = no bound */
    enum route_strategy strategy;
    size_t *targets;         /* indexes into config.models */
    double *weights;         /* split: one per target */
    size_t target_count;
    long hedge_after_ms;
    /* adaptive (router/adaptive.h): quality within quality_floor x the best (default
     * 0.9), exploration share (0.05), answers per target before estimates are
     * trusted (20). */
    double quality_floor;
    double explore;
    long min_observations;
    char *label;             /* "routes[2]" or the rule's "name" */
};

enum budget_action { BUDGET_DOWNGRADE = 0, BUDGET_BLOCK };
enum budget_scope { BUDGET_OVERALL = 0, BUDGET_PROVIDER, BUDGET_MODEL };
struct budget_rule {
    enum budget_scope scope;
    char *name;              /* provider or model name; NULL for overall */
    double daily_usd;        /* 0 = no limit */
    double monthly_usd;
    enum budget_action action;
};

struct timeout_settings {    /* milliseconds */
    long connect;
    long first_token;
    long idle;
    long total;
};

enum multiline_mode { MULTILINE_AUTO = 0, MULTILINE_ALWAYS, MULTILINE_NEVER };

struct inline_settings {
    bool enabled;
    int debounce_ms;          /* automatic triggers; default 150 */
    int max_lines;            /* multi-line cap; default 12 */
    enum multiline_mode multiline;
    int prefix_tokens;        /* context budgets; defaults 1500 / 500 */
    int suffix_tokens;
    bool snippets;            /* other open documents of the same language */
    int snippet_tokens;       /* default 500 */
    int max_output_tokens;    /* default 128 */
    int candidates;           /* invoked trigger: how many items; default 3 */
    int completion_wait_ms;   /* textDocument/completion: longest wait; default 800 */
    int cache_entries;        /* default 64 */
    int retention_ms;         /* how long after acceptance retained chars are measured; 30000 */
};

struct next_edit_settings {   /* next-edit suggestions (nes/, docs/next-edit.md) */
    bool enabled;             /* default true */
    int region_lines;         /* editable region: lines each side of the cursor; default 10 */
    int context_lines;        /* shown beyond the region each side; default 20 */
    int history_edits;        /* recent edits kept per document; default 10 */
    int history_bytes;        /* ... and at most this much of their text; default 2048 */
    int max_output_tokens;    /* default 1024 */
    bool serve_inline;        /* also offer at-cursor edits as inline/completion items; false */
};

struct retry_settings {
    int max_retries;          /* per target; default 2 */
    long base_ms;             /* default 250 */
    long cap_ms;              /* default 4000 */
    long max_server_delay_ms; /* longest retry-after honoured; default 10000 */
};

struct breaker_settings {
    int failure_threshold;    /* consecutive failures that open it; default 3 */
    double failure_rate;      /* or this share of failures ... default 0.5 */
    int min_requests;         /* ... over at least this many in the window; default 10 */
    long window_ms;           /* default 60000 */
    long cooldown_ms;         /* default 30000 */
};

struct action_config {        /* user-defined code action */
    char *id;
    char *title;
    char *kind;               /* LSP code action kind, e.g. "refactor.rewrite.switchboard.myid" */
    enum task_kind task;      /* for routing */
    char *prompt;             /* template with {{selection}} {{language}} {{path}} ... */
};

/* The "telemetry" section (docs/telemetry.md). Only the configuration file sets it:
 * editor settings may not (a workspace must not redirect telemetry). Laid over the
 * OTEL_* variables by telemetry/setup.c; 0 / NULL / -1 mean "not set here". */
struct telemetry_config {
    int enabled;                    /* -1 unset, 0 off, 1 on */
    char *endpoint;                 /* OTLP base: /v1/traces and /v1/metrics appended */
    char *traces_endpoint, *metrics_endpoint;
    int protocol;                   /* -1 unset, 0 http/protobuf, 1 http/json */
    char **headers;                 /* "Name: value"; secrets, masked in logs */
    long timeout_ms, metric_interval_ms, span_delay_ms, flush_deadline_ms;
    int max_queue, max_batch;
    char *service_name;
    char **resource_attributes;     /* "key=value" */
    bool export_paths, export_workspace_name;
    char *remote_write_url;
    char **remote_write_headers;
    long remote_write_interval_ms;
};

struct config {
    int refcount;
    char *source;             /* file path, "defaults", or "defaults+initializationOptions" */
    struct provider_config *providers;
    size_t provider_count;
    struct model_spec *models;      /* api_key resolved from its provider */
    size_t model_count;
    size_t *model_provider;         /* models[i] belongs to providers[model_provider[i]] */
    struct route_rule *routes;
    size_t route_count;
    struct budget_rule *budgets;
    size_t budget_count;
    struct timeout_settings inline_timeouts;   /* defaults 2000/1500/1000/5000 */
    struct timeout_settings action_timeouts;   /* defaults 10000/60000/30000/300000 */
    struct inline_settings inline_opts;
    struct next_edit_settings next_edit;
    struct retry_settings retry;
    struct breaker_settings breaker;
    char **exclude_globs;           /* privacy: never sent; NULL-terminated; starts as
                                       config_default_excludes */
    char **local_only_globs;        /* privacy: sent only to models on this machine; NULL-terminated */
    bool redact_secrets;            /* default true */
    struct action_config *actions;
    size_t action_count;
    char *ledger_path;              /* resolved path */
    long ledger_max_bytes;          /* rotation size; default 10 MiB */
    int ledger_keep;                /* rotated files kept; default 3 */
    char **insecure_hosts;          /* NULL-terminated */
    char *preset;                   /* name when a preset generated the routes */
    struct telemetry_config telemetry;
    char **warnings;                /* unknown keys etc.; NULL-terminated */
    /* Non-NULL: this configuration serves nothing and every task is refused with this
     * text (the load error). See config_refusing. */
    char *refusal;
};

struct config *config_ref(struct config *cfg);
void config_unref(struct config *cfg);

/* Where the file comes from: explicit path, else $SWITCHBOARD_CONFIG, else
 * $XDG_CONFIG_HOME/switchboard/config.json if it exists; NULL means defaults.
 * Returned string is malloc'd. */
char *config_find_path(const char *explicit_path);

/* Loads path (NULL = zero-config defaults) with overrides (may be NULL) deep-merged
 * over it. On error returns NULL and writes "FILE: json.path: problem" into err. */
struct config *config_load(const char *path, const cJSON *overrides, char *err, size_t errlen);
/* Same from JSON text already in memory (tests). name is used in messages. */
struct config *config_load_text(const char *text, const char *name, const cJSON *overrides,
                                char *err, size_t errlen);

/* A configuration that serves nothing: no providers, models or routes, default
 * settings, and refusal = reason (a load error, "FILE: json.path: problem"). The
 * server runs on it when the file is invalid at start-up, so a mistake in the file
 * never sends code anywhere the file did not name (zero-config is only for when no
 * file exists). source names the file. */
struct config *config_refusing(const char *source, const char *reason);

int config_model_index(const struct config *cfg, const char *name);   /* -1 if unknown */
/* The name the file uses for a strategy ("fallback", "split", "hedge", "adaptive"):
 * one table, so a new strategy cannot be missing from a printer's own copy. */
const char *config_strategy_name(enum route_strategy s);
const struct provider_config *config_model_provider(const struct config *cfg, size_t model);

/* Parses JSON with // and block comments and trailing commas. NULL on error, with
 * "line L column C: problem" in err. */
cJSON *jsonc_parse(const char *text, char *err, size_t errlen);
/* Deep merge: objects merge key by key, everything else in src replaces dst; a null
 * in src removes the key from dst (how editors say "unset"). */
void json_deep_merge(cJSON *dst, const cJSON *src);

/* Extensions (config branch). */
/* Plain-words advice shown when zero-config found no provider (also in warnings). */
const char *config_setup_hint(void);
/* Provider kind facts: local servers (ollama, llamacpp) cost nothing. */
bool config_kind_is_local(const char *kind);
/* The model can fill in the middle natively or through a FIM template. */
bool config_model_fim_capable(const struct model_spec *model);
/* The model's API answers instructions (code actions); FIM-only APIs do not. */
bool config_model_chat_capable(const struct model_spec *model);
/* The model's API can run a code action at all: a chat API, or a raw prompt the
 * request is flattened into (openai-completions, llamacpp). Only FIM-only APIs
 * (mistral-fim) cannot. Weaker than chat_capable, which presets rank actions by. */
bool config_model_action_capable(const struct model_spec *model);
/* The model thinks before its first token: a reasoning model at any effort above
 * "minimal". Inline completion avoids those (its first-token limit is 1.5 s). A
 * thinking_budget does not count: adapters never send it for inline completion. */
bool config_model_thinks(const struct model_spec *model);

/* The privacy excludes every configuration starts with (.env files, *.pem, *.key,
 * id_rsa files, anything under a directory named secrets), NULL-terminated. The one
 * list: lsp/privacy.c falls back on it when no configuration is given. */
extern char *const config_default_excludes[];

#endif
