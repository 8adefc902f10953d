/* Work-done progress ($/progress begin / report / end) for long-running requests.
 * Uses the token the client put in the request (workDoneToken) or, when the client
 * advertises window.workDoneProgress, creates one with window/workDoneProgress/create
 * and starts reporting once the client has answered. Without either, every call is a
 * no-op, so callers never need to check. A cancellable progress calls on_cancel when
 * the client sends window/workDoneProgress/cancel for its token. */
#ifndef LSP_PROGRESS_H
#define LSP_PROGRESS_H
#include <cjson/cJSON.h>
#include <stdbool.h>

struct server;
struct progress;

typedef void (*progress_cancel_fn)(void *data);

/* token: the request's workDoneToken (borrowed; copied) or NULL. on_cancel may be NULL
 * (not cancellable). Never returns NULL. */
struct progress *progress_begin(struct server *srv, const cJSON *token, const char *title,
                                const char *message, progress_cancel_fn on_cancel, void *data);
/* Reports are throttled to one per 100 ms, except the first; percentage < 0: none. */
void progress_report(struct progress *p, const char *message, int percentage);
/* Sends end (when begin was sent) and releases p; on_cancel is never called after. */
void progress_end(struct progress *p, const char *message);

/* window/workDoneProgress/cancel handler: calls on_cancel of the matching progress. */
void progress_cancel_notification(struct server *srv, const cJSON *params);

#endif
