/* OpenTelemetry export: the narrow event API the router and the LSP layer call, and
 * the exporter behind it (OTLP/HTTP traces and metrics, Prometheus remote write).
 *
 * Events are plain structs of numbers and short names: task kinds, model and provider
 * names, outcomes. Never source text, prompts, completions, keys or headers; file
 * paths only when the user opted in (telemetry_options.export_paths).
 *
 * Every function accepts t == NULL and then does nothing, so callers need no checks
 * when telemetry is off (the default). Recording is a few microseconds and never
 * waits: spans queue in memory (bounded, drops counted) and leave in batches from the
 * event loop through the process's own HTTP engine. */
#ifndef TELEMETRY_TELEMETRY_H
#define TELEMETRY_TELEMETRY_H
#include "telemetry/options.h"
#include <uv.h>
#include <stdbool.h>
#include <stdint.h>

struct telemetry;

/* Identity of an editor request's span: filled by telemetry_request_begin, kept by
 * the caller, passed to the attempt and end events. All zero = no span. */
struct telemetry_span_context {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    uint64_t start_ns;
    bool valid;
};

struct telemetry_request_info {
    const char *task;           /* inline, refactor, fix, review, ... */
    const char *trigger;        /* automatic, invoked */
    const char *route;          /* the rule's label */
    const char *strategy;       /* fallback, split, hedge */
    const char *outcome;        /* served, fallback, error, cancelled, blocked */
    const char *model;          /* config name of the answering model; NULL when none */
    const char *provider;
    const char *error_type;     /* failure class when outcome is error/blocked */
    const char *path;           /* exported only with export_paths */
    int attempts;
    double cost_usd;
    bool cache_hit;             /* answered from the inline cache, no upstream call */
    bool shown;                 /* an inline suggestion reached the editor */
};

struct telemetry_attempt_info {
    const char *operation;      /* gen_ai.operation.name: chat, text_completion */
    const char *provider_name;  /* gen_ai.provider.name (telemetry_genai_provider) */
    const char *request_model;  /* the API's model id */
    const char *response_model; /* as the API reported it; NULL = request_model */
    const char *server_address;
    int server_port;            /* 0 = unknown */
    const char *model;          /* config names */
    const char *provider;
    const char *task, *trigger, *route, *strategy;
    int attempt;                /* 1-based across the request */
    const char *fallback_reason;/* why the previous attempt did not answer; NULL on the first */
    const char *outcome;        /* the ledger's outcome: ok, timeout, rate_limited, ... */
    int status;                 /* HTTP status, 0 = none */
    long tokens_in, tokens_out;
    double cost_usd;
    long first_token_ms;        /* -1 = none */
    long total_ms;
    const char *attempt_id;     /* links a later acceptance to this attempt */
};

struct telemetry_counters {
    long spans_queued;
    long spans_dropped;         /* queue full */
    long batches_sent;
    long batches_dropped;       /* given up after retries, refused, or sender busy */
    long series_dropped;        /* metric series past the cap */
    long retries;
};

/* NULL when o configures no destination (telemetry off) or on error (message in err;
 * the server runs on without telemetry). The process's service.instance.id is made
 * here. */
struct telemetry *telemetry_new(uv_loop_t *loop, const struct telemetry_options *o, char *err,
                                size_t errlen);
/* Flushes what is queued within the flush deadline, then frees; run the loop until it
 * returns to finish. */
void telemetry_close(struct telemetry *t);

void telemetry_request_begin(struct telemetry *t, struct telemetry_span_context *ctx);
void telemetry_request_end(struct telemetry *t, const struct telemetry_span_context *ctx,
                           const struct telemetry_request_info *info);
void telemetry_attempt_end(struct telemetry *t, const struct telemetry_span_context *parent,
                           const struct telemetry_attempt_info *info);
/* The user accepted the suggestion of that attempt (switchboard.accept). */
void telemetry_suggestion_accepted(struct telemetry *t, const char *attempt_id);

void telemetry_counters(const struct telemetry *t, struct telemetry_counters *out);
/* What `check` shows: destinations and protocol, never headers. Static or t-owned. */
const char *telemetry_describe(const struct telemetry_options *o, char *buf, size_t size);

/* GenAI convention names for a provider kind and host: openai, anthropic,
 * gcp.gemini, mistral_ai, deepseek, ollama, ... */
const char *telemetry_genai_provider(const char *kind, const char *host);

#endif
