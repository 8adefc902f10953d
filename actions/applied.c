/* Applied and reverted code action edits (see applied.h). */
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
    char *attempt_id;
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
    free(a);
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
        text_watch_end(w);
        applied_free(a);
        return;
    case TEXT_WATCH_END:
        applied_free(a);
        return;
    }
}

void applied_watch(struct applied_watches *aw, const char *attempt_id, const char *uri,
                   struct lsp_position start, const char *text, size_t len, uint64_t window_ms)
{
    if (!aw || !attempt_id || !*attempt_id || !uri || !text || len == 0) return;
    struct applied *a = xcalloc(1, sizeof *a);
    a->owner = aw;
    a->attempt_id = xstrdup(attempt_id);
    a->next = aw->list;
    aw->list = a;
    /* Not checked now: the document still has the old text, and the new one might
     * already stand there by chance. The change that applies it shows it. */
    text_watch_add(aw->watches, uri, start, text, len, window_ms, false, on_watch, a);
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
