/* Retention of accepted suggestions (see retention.h), on lsp/text_watch. */
#include "inline/retention.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "ledger/ledger.h"
#include "lsp/text_watch.h"
#include <stdlib.h>
#include <string.h>

#define OFFERS 32   /* suggestions remembered: a few screens of cycling and retyping */

struct offer {
    char *attempt_id, *uri, *text;
    struct lsp_position start;
};

/* One accepted suggestion being followed; the watch's data. */
struct accepted {
    struct accepted *next;
    struct retention *owner;
    char *attempt_id;
    struct text_watch *watch;
};

struct retention {
    struct server *srv;
    struct offer offers[OFFERS];
    size_t next_offer;
    struct text_watches *watches;
    struct accepted *accepted;
};

long retention_matching_chars(const char *accepted, size_t accepted_len, const char *now,
                              size_t now_len)
{
    return text_matching_chars(accepted, accepted_len, now, now_len);
}

/* Bytes of the first `chars` code points of s. */
static size_t prefix_bytes(const char *s, size_t len, long chars)
{
    size_t i = 0;
    for (long seen = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && seen++ == chars) break;
    return i;
}

struct retention *retention_new(struct server *srv)
{
    struct retention *rt = xcalloc(1, sizeof *rt);
    rt->srv = srv;
    rt->watches = text_watches_new(srv);
    return rt;
}

static void offer_clear(struct offer *o)
{
    free(o->attempt_id);
    free(o->uri);
    free(o->text);
    memset(o, 0, sizeof *o);
}

void retention_offered(struct retention *rt, const char *attempt_id, const char *uri,
                       struct lsp_position start, const char *insert_text)
{
    if (!rt || !attempt_id || !*attempt_id || !uri || !insert_text || !*insert_text) return;
    for (size_t i = 0; i < OFFERS; i++)   /* the latest offer of an attempt counts */
        if (rt->offers[i].attempt_id && strcmp(rt->offers[i].attempt_id, attempt_id) == 0)
            offer_clear(&rt->offers[i]);
    struct offer *o = &rt->offers[rt->next_offer];
    rt->next_offer = (rt->next_offer + 1) % OFFERS;
    offer_clear(o);
    *o = (struct offer){ xstrdup(attempt_id), xstrdup(uri), xstrdup(insert_text), start };
}

static void accepted_free(struct accepted *a)
{
    for (struct accepted **pp = &a->owner->accepted; *pp; pp = &(*pp)->next)
        if (*pp == a) { *pp = a->next; break; }
    free(a->attempt_id);
    free(a);
}

/* At the end of the window (or when the document closes): the retained signal. */
static void on_watch(void *data, struct text_watch *w, enum text_watch_event event, long kept, long of)
{
    (void)w;
    struct accepted *a = data;
    if (event != TEXT_WATCH_END) return;
    if (of >= 0) {
        ledger_signal(server_ledger(a->owner->srv), SIGNAL_RETAINED, a->attempt_id, kept, of);
        log_debug("inline %s: %ld of %ld accepted characters retained", a->attempt_id, kept, of);
    } else {
        log_debug("inline %s: the accepted text was never seen in place; retention not measured",
                  a->attempt_id);
    }
    accepted_free(a);
}

bool retention_accepted(struct retention *rt, const char *attempt_id, long chars)
{
    if (!rt || !attempt_id) return false;
    const struct offer *o = NULL;
    for (size_t i = 0; i < OFFERS; i++)
        if (rt->offers[i].attempt_id && strcmp(rt->offers[i].attempt_id, attempt_id) == 0) o = &rt->offers[i];
    struct accepted *a = rt->accepted;
    while (a && strcmp(a->attempt_id, attempt_id) != 0) a = a->next;
    if (!o) return a != NULL;
    size_t full_len = strlen(o->text);
    size_t len = chars < 0 ? full_len : prefix_bytes(o->text, full_len, chars);
    if (len == 0) return false;
    if (a) {   /* a longer partial accept, or the rest accepted: follow the longer text */
        text_watch_extend(a->watch, o->text, len);
        return true;
    }
    struct config *cfg = server_config(rt->srv);
    a = xcalloc(1, sizeof *a);
    a->owner = rt;
    a->attempt_id = xstrdup(attempt_id);
    a->next = rt->accepted;
    rt->accepted = a;
    a->watch = text_watch_add(rt->watches, o->uri, o->start, o->text, len,
                              (uint64_t)(cfg ? cfg->inline_opts.retention_ms : 30000), true, on_watch, a);
    return true;
}

void retention_document_changed(struct retention *rt, struct document *doc)
{
    if (rt) text_watches_document_changed(rt->watches, doc);
}

void retention_document_closed(struct retention *rt, const char *uri)
{
    if (rt) text_watches_document_closed(rt->watches, uri);
}

void retention_free(struct retention *rt)
{
    if (!rt) return;
    text_watches_free(rt->watches);
    while (rt->accepted) accepted_free(rt->accepted);
    for (size_t i = 0; i < OFFERS; i++) offer_clear(&rt->offers[i]);
    free(rt);
}
