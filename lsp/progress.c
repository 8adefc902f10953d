/* Work-done progress. The live progresses sit in a small list so a cancel
 * notification can find its token; a progress whose create request is still
 * unanswered stays allocated until the answer (or shutdown) arrives, because the
 * rpc callback holds a pointer to it. */
#include "lsp/progress.h"
#include "lsp/rpc.h"
#include "lsp/server.h"
#include "base/xalloc.h"
#include "base/clock.h"
#include "base/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct progress {
    struct server *srv;
    cJSON *token;               /* NULL: no progress for this client */
    char *title;
    char *message;              /* latest state, sent with begin if still waiting */
    bool awaiting_create;
    bool begun;
    bool ended;
    uint64_t last_report_ms;
    progress_cancel_fn on_cancel;
    void *data;
    struct progress *next;
};

static struct progress *live;   /* one server per process */
static unsigned long next_token = 1;

static void unlink_progress(struct progress *p)
{
    for (struct progress **pp = &live; *pp; pp = &(*pp)->next)
        if (*pp == p) { *pp = p->next; return; }
}

static void release(struct progress *p)
{
    unlink_progress(p);
    cJSON_Delete(p->token);
    free(p->title);
    free(p->message);
    free(p);
}

static void send_value(struct progress *p, cJSON *value)
{
    cJSON *params = cJSON_CreateObject();
    cJSON_AddItemToObject(params, "token", cJSON_Duplicate(p->token, true));
    cJSON_AddItemToObject(params, "value", value);
    rpc_notify(p->srv, "$/progress", params);
}

static void send_begin(struct progress *p)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "kind", "begin");
    cJSON_AddStringToObject(v, "title", p->title);
    cJSON_AddBoolToObject(v, "cancellable", p->on_cancel != NULL);
    if (p->message) cJSON_AddStringToObject(v, "message", p->message);
    send_value(p, v);
    p->begun = true;
    p->last_report_ms = clock_monotonic_ms();
}

static void send_end(struct progress *p, const char *message)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "kind", "end");
    if (message) cJSON_AddStringToObject(v, "message", message);
    send_value(p, v);
}

static void on_created(struct server *srv, const cJSON *result, const cJSON *error, void *data)
{
    (void)srv; (void)result;
    struct progress *p = data;
    p->awaiting_create = false;
    if (p->ended) { release(p); return; }
    if (error) {   /* the client refused the token: carry on without progress */
        log_debug("client refused progress token");
        cJSON_Delete(p->token);
        p->token = NULL;
        return;
    }
    send_begin(p);
}

struct progress *progress_begin(struct server *srv, const cJSON *token, const char *title,
                                const char *message, progress_cancel_fn on_cancel, void *data)
{
    struct progress *p = xcalloc(1, sizeof *p);
    p->srv = srv;
    p->title = xstrdup(title ? title : "switchboard");
    p->message = xstrdup(message);
    p->on_cancel = on_cancel;
    p->data = data;
    p->next = live;
    live = p;
    if (token && (cJSON_IsString(token) || cJSON_IsNumber(token))) {
        p->token = cJSON_Duplicate(token, true);
        send_begin(p);
    } else if (cJSON_IsTrue(server_client_capability(srv, "window.workDoneProgress"))) {
        char name[48];
        snprintf(name, sizeof name, "switchboard-%lu", next_token++);
        p->token = cJSON_CreateString(name);
        p->awaiting_create = true;
        cJSON *params = cJSON_CreateObject();
        cJSON_AddStringToObject(params, "token", name);
        rpc_call(srv, "window/workDoneProgress/create", params, on_created, p);
    }
    return p;
}

void progress_report(struct progress *p, const char *message, int percentage)
{
    if (!p || p->ended) return;
    free(p->message);
    p->message = xstrdup(message);
    if (!p->begun || !p->token) return;
    uint64_t now = clock_monotonic_ms();
    if (p->last_report_ms && now - p->last_report_ms < 100) return;
    p->last_report_ms = now;
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "kind", "report");
    if (message) cJSON_AddStringToObject(v, "message", message);
    if (percentage >= 0) cJSON_AddNumberToObject(v, "percentage", percentage > 100 ? 100 : percentage);
    send_value(p, v);
}

void progress_end(struct progress *p, const char *message)
{
    if (!p) return;
    p->ended = true;
    p->on_cancel = NULL;
    if (p->begun && p->token) send_end(p, message);
    if (!p->awaiting_create) release(p);
}

void progress_cancel_notification(struct server *srv, const cJSON *params)
{
    const cJSON *token = json_member(params, "token");
    if (!token) return;
    for (struct progress *p = live; p; p = p->next) {
        if (p->srv != srv || !p->token || p->ended || !cJSON_Compare(p->token, token, true))
            continue;
        if (p->on_cancel) {
            progress_cancel_fn fn = p->on_cancel;
            p->on_cancel = NULL;   /* once; the callback usually ends the progress */
            fn(p->data);
        }
        return;
    }
}
