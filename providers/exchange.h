/* One exchange with a model backend: the request/stream/parse driver that a router
 * attempt and `switchboard probe` share. It builds the request with the adapter,
 * starts it on the HTTP engine, feeds a 2xx body to the SSE or NDJSON parser and the
 * adapter's parse_event, keeps a bounded copy of a non-2xx body, and when the
 * transfer ends classifies it once: ok, or a provider_error saying why not (with a
 * finer `fail` for callers that word failures their own way).
 *
 * No policy lives here: which limits, what to do with text, retries, accounting and
 * usage estimates are the caller's. The storage is the caller's too (embed a struct
 * exchange); read x->stream (usage, finish reason, done) and x->status, write nothing.
 *
 * Contract: after exchange_start returns 0, exactly one of on_done or exchange_cancel
 * ends the exchange; exchange_free then releases it (also after a failed start). Never
 * call exchange_cancel from inside one of the exchange's own callbacks: return
 * nonzero from on_text instead (the exchange then ends ok, stopped). */
#ifndef PROVIDERS_EXCHANGE_H
#define PROVIDERS_EXCHANGE_H
#include "providers/http.h"
#include "providers/provider.h"
#include "providers/stream.h"
#include "base/buf.h"
#include <stdint.h>

#define EXCHANGE_ERROR_BODY_MAX 65536   /* of a non-2xx body, enough for any API's error JSON */

enum exchange_fail {
    EXCHANGE_FAIL_NONE = 0,
    EXCHANGE_FAIL_BUILD,           /* the adapter could not build the request: bad_request */
    EXCHANGE_FAIL_START,           /* the engine refused to start it (e.g. insecure URL): network */
    EXCHANGE_FAIL_STATUS,          /* a non-2xx response, classified by the adapter */
    EXCHANGE_FAIL_IN_BAND,         /* an error event inside a 2xx stream, classified by the adapter */
    EXCHANGE_FAIL_MALFORMED,       /* bytes the adapter could not parse: network */
    EXCHANGE_FAIL_EVENT_TOO_LARGE, /* one event over the parser's bound: network */
    EXCHANGE_FAIL_CUT,             /* a clean end before the API's end marker: network */
    EXCHANGE_FAIL_TRANSPORT,       /* the engine's outcome (timeouts, network, too large) */
};

struct exchange_result {
    bool ok;
    bool stopped;                  /* ok because on_text asked to stop */
    enum exchange_fail fail;
    struct provider_error error;   /* cls PERR_NONE when ok */
    enum http_outcome outcome;     /* the engine's, for EXCHANGE_FAIL_TRANSPORT */
    int status;                    /* HTTP status, 0 if none arrived */
    long total_ms;                 /* the engine's measure of the whole transfer */
};

struct exchange_callbacks {
    /* Answer text as the adapter produces it (never empty), of choice `choice` (0
     * unless the task asked for several, task.n > 1, and the adapter takes them; see
     * provider_choices). Return nonzero to stop: the transfer is aborted, its
     * connection closed, and the exchange ends ok. */
    int (*on_text)(void *data, int choice, const char *text, size_t len);
    /* Exactly once per started exchange, unless cancelled. The caller may free the
     * exchange from here (exchange_free, then its storage). */
    void (*on_done)(void *data, const struct exchange_result *result);
};

struct exchange {
    const struct provider_ops *ops;
    struct provider_request req;
    struct provider_stream stream; /* usage, finish reason, done, choices asked: readable
                                      after on_done */
    int status;                    /* HTTP status once headers arrived, else 0 */
    uint64_t start_us;             /* monotonic, just before the request was started */
    /* private */
    struct http_request *http;     /* NULL once done or cancelled */
    struct http_limits limits;
    struct sse_parser sse;
    struct ndjson_parser ndjson;
    struct buf error_body;
    enum exchange_fail fail;       /* set while streaming: malformed, too large, in-band */
    struct provider_error error;
    bool stopped;
    const struct exchange_callbacks *cb;
    void *data;
};

/* Builds and starts the request. Returns 0 when it is in flight (on_done will be
 * called), or -1 with *refused filled (BUILD or START) and no callback to come.
 * limits may be NULL (none). x need not be initialised; exchange_free it either way. */
int exchange_start(struct exchange *x, struct http_engine *engine, const struct provider_ops *ops,
                   const struct model_spec *spec, const struct task *task,
                   const struct http_limits *limits, const struct exchange_callbacks *cb,
                   void *data, struct exchange_result *refused);
/* Aborts an exchange in flight (no callback follows; the connection is closed so the
 * backend stops generating). Harmless once it has ended. */
void exchange_cancel(struct exchange *x);
/* Releases what the exchange holds (keys in headers are wiped). Cancels it first if
 * still in flight. */
void exchange_free(struct exchange *x);

#endif
