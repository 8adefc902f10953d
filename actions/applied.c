/* Applied and reverted code action edits (see applied.h). Each applied edit has two
 * watches: the edit's new text (its signals) and the action's whole result (only where
 * it stands, for a retry's range). Either ending ends both. */
#include "actions/applied.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "ledger/ledger.h"
#include "lsp/text_watch.h"
#include <stdlib.h>
#include <string.h>

struct applied {
    struct applied *next;
    struct applied_watches *owner;
    char *attempt_id, *action, *model, *uri;
    struct text_watch *edit, *result;   /* either may be NULL, not both */
};

struct applied_watches {
    struct server *srv;
    struct text_watches *watches;
    struct applied *list;
};

struct applied_watches *applied_watches_new(struct server *srv)
{
    struct applied_watches *aw = xcalloc(1, sizeof *aw);
    aw->srv = srv;
    aw->watches = text_watches_new(srv);
    return aw;
}

static void applied_free(struct applied *a)
{
    for (struct applied **pp = &a->owner->list; *pp; pp = &(*pp)->next)
        if (*pp == a) { *pp = a->next; break; }
    free(a->attempt_id);
    free(a->action);
    free(a->model);
    free(a->uri);
    free(a);
}

/* Ends both watches (but not the one ending by itself) and frees a. */
static void applied_end(struct applied *a, const struct text_watch *ending)
{
    if (a->edit && a->edit != ending) text_watch_end(a->edit);
    if (a->result && a->result != ending) text_watch_end(a->result);
    applied_free(a);
}

static void on_watch(void *data, struct text_watch *w, enum text_watch_event event, long kept, long of)
{
    struct applied *a = data;
    struct ledger *ledger = server_ledger(a->owner->srv);
    switch (event) {
    case TEXT_WATCH_SEEN:
        ledger_signal(ledger, SIGNAL_APPLIED, a->attempt_id, -1, -1);
        return;
    case TEXT_WATCH_EDITED:
        if (kept * 2 >= of) return;   /* touched up, not undone */
        ledger_signal(ledger, SIGNAL_REVERTED, a->attempt_id, -1, -1);
        log_debug("code action %s: reverted (%ld of %ld characters left)", a->attempt_id, kept, of);
        applied_end(a, NULL);
        return;
    case TEXT_WATCH_END:
        applied_end(a, w);
        return;
    }
}

/* The result's watch only says where the result stands; its end ends the edit's too.
 * (For a shown answer it is the only watch.) */
static void on_result_watch(void *data, struct text_watch *w, enum text_watch_event event, long kept,
                            long of)
{
    (void)kept; (void)of;
    if (event == TEXT_WATCH_END) applied_end(data, w);
}

static struct applied *applied_new(struct applied_watches *aw, const char *attempt_id, const char *action,
                                   const char *model, const char *uri)
{
    struct applied *a = xcalloc(1, sizeof *a);
    a->owner = aw;
    a->attempt_id = xstrdup(attempt_id);
    a->action = xstrdup(action ? action : "");
    a->model = xstrdup(model ? model : "");
    a->uri = xstrdup(uri);
    a->next = aw->list;
    aw->list = a;
    return a;
}

void applied_watch(struct applied_watches *aw, const struct applied_edit *e, uint64_t window_ms)
{
    if (!aw || !e->attempt_id || !*e->attempt_id || !e->uri || !e->text || e->len == 0) return;
    struct applied *a = applied_new(aw, e->attempt_id, e->action, e->model, e->uri);
    /* Not checked now: the document still has the old text, and the new one might
     * already stand there by chance. The change that applies it shows it. */
    a->edit = text_watch_add(aw->watches, e->uri, e->start, e->text, e->len, window_ms, false, on_watch, a);
    if (e->result && e->result_len)
        a->result = text_watch_add(aw->watches, e->uri, e->result_start, e->result, e->result_len,
                                   window_ms, false, on_result_watch, a);
}

void applied_shown(struct applied_watches *aw, const char *attempt_id, const char *action,
                   const char *model, const char *uri, struct lsp_position start, const char *text,
                   size_t len, uint64_t window_ms)
{
    if (!aw || !attempt_id || !*attempt_id || !uri || !text || len == 0) return;
    struct applied *a = applied_new(aw, attempt_id, action, model, uri);
    /* Checked now: the text the answer was about is in the document already. */
    a->result = text_watch_add(aw->watches, uri, start, text, len, window_ms, true, on_result_watch, a);
}

static bool watch_range(const struct text_watch *w, struct document *doc, enum position_encoding enc,
                        struct lsp_range *out)
{
    size_t start, end;
    if (!text_watch_region(w, &start, &end)) return false;
    *out = (struct lsp_range){ document_position_at(doc, start, enc), document_position_at(doc, end, enc) };
    return true;
}

size_t applied_touching(struct applied_watches *aw, struct document *doc, struct lsp_range range,
                        struct applied_info *out, size_t max)
{
    size_t n = 0;
    if (!aw) return 0;
    enum position_encoding enc = server_encoding(aw->srv);
    for (struct applied *a = aw->list; a && n < max; a = a->next) {
        struct applied_info *info = &out[n];
        struct text_watch *w = a->edit ? a->edit : a->result;
        if (strcmp(a->uri, document_uri(doc)) != 0 || !watch_range(w, doc, enc, &info->edit) ||
            !lsp_ranges_touch(info->edit, range))
            continue;
        if (!a->result || !watch_range(a->result, doc, enc, &info->result)) info->result = info->edit;
        info->attempt_id = a->attempt_id;
        info->action = a->action;
        info->model = a->model;
        n++;
    }
    return n;
}

void applied_forget(struct applied_watches *aw, const char *attempt_id)
{
    for (struct applied *a = aw ? aw->list : NULL; a && attempt_id; a = a->next)
        if (strcmp(a->attempt_id, attempt_id) == 0) {
            applied_end(a, NULL);
            return;
        }
}

void applied_document_changed(struct applied_watches *aw, struct document *doc)
{
    if (aw) text_watches_document_changed(aw->watches, doc);
}

void applied_document_closed(struct applied_watches *aw, const char *uri)
{
    if (aw) text_watches_document_closed(aw->watches, uri);
}

void applied_watches_free(struct applied_watches *aw)
{
    if (!aw) return;
    text_watches_free(aw->watches);
    while (aw->list) applied_free(aw->list);
    free(aw);
}
