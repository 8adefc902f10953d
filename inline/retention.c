/* Retention of accepted suggestions (see retention.h). */
#include "inline/retention.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "ledger/ledger.h"
#include "lsp/text_diff.h"
#include <stdlib.h>
#include <string.h>

#define OFFERS 32   /* suggestions remembered: a few screens of cycling and retyping */

struct offer {
    char *attempt_id, *uri, *text;
    struct lsp_position start;
};

struct tracker {
    struct tracker *next;
    struct retention *owner;
    char *attempt_id, *uri;
    char *text;              /* what was accepted (a prefix for a partial accept) */
    size_t len;
    struct lsp_position start_pos;
    bool verified;           /* the document was seen holding the text */
    size_t start, end;       /* the tracked region in snapshot */
    char *snapshot;
    size_t snapshot_len;
    uv_timer_t timer;
};

struct retention {
    struct server *srv;
    struct offer offers[OFFERS];
    size_t next_offer;
    struct tracker *trackers;
};

static long code_points(const char *s, size_t n)
{
    long count = 0;
    for (size_t i = 0; i < n; i++) count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

/* Bytes of the first `chars` code points of s. */
static size_t prefix_bytes(const char *s, size_t len, long chars)
{
    size_t i = 0;
    for (long seen = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && seen++ == chars) break;
    }
    return i;
}

long retention_matching_chars(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t max = alen < blen ? alen : blen, p = 0, s = 0;
    while (p < max && a[p] == b[p]) p++;
    while (p > 0 && p < alen && ((unsigned char)a[p] & 0xC0) == 0x80) p--;   /* whole characters */
    while (s < max - p && a[alen - 1 - s] == b[blen - 1 - s]) s++;
    while (s > 0 && ((unsigned char)a[alen - s] & 0xC0) == 0x80) s--;
    return code_points(a, p) + code_points(a + alen - s, s);
}

struct retention *retention_new(struct server *srv)
{
    struct retention *rt = xcalloc(1, sizeof *rt);
    rt->srv = srv;
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

static void on_tracker_closed(uv_handle_t *handle)
{
    struct tracker *t = handle->data;
    free(t->attempt_id);
    free(t->uri);
    free(t->text);
    free(t->snapshot);
    free(t);
}

static void tracker_drop(struct tracker *t)
{
    struct retention *rt = t->owner;
    for (struct tracker **pp = &rt->trackers; *pp; pp = &(*pp)->next)
        if (*pp == t) { *pp = t->next; break; }
    uv_timer_stop(&t->timer);
    uv_close((uv_handle_t *)&t->timer, on_tracker_closed);
}

/* Writes the retained signal (when the text was ever seen in place) and drops t. */
static void measure(struct tracker *t)
{
    if (t->verified) {
        long kept = retention_matching_chars(t->text, t->len, t->snapshot + t->start, t->end - t->start);
        long of = code_points(t->text, t->len);
        ledger_signal(server_ledger(t->owner->srv), SIGNAL_RETAINED, t->attempt_id, kept, of);
        log_debug("inline %s: %ld of %ld accepted characters retained", t->attempt_id, kept, of);
    } else {
        log_debug("inline %s: accepted text never seen in %s; retention not measured",
                  t->attempt_id, t->uri);
    }
    tracker_drop(t);
}

static void on_timer(uv_timer_t *timer)
{
    measure(timer->data);
}

/* Checks whether doc holds the accepted text at its start position; takes a snapshot. */
static void verify(struct tracker *t, struct document *doc)
{
    size_t len;
    char *text = document_text(doc, &len);
    size_t at = document_offset_at(doc, t->start_pos, server_encoding(t->owner->srv));
    if (at + t->len <= len && memcmp(text + at, t->text, t->len) == 0) {
        t->verified = true;
        t->start = at;
        t->end = at + t->len;
        free(t->snapshot);
        t->snapshot = text;
        t->snapshot_len = len;
        return;
    }
    free(text);
}

static struct tracker *find_tracker(struct retention *rt, const char *attempt_id)
{
    for (struct tracker *t = rt->trackers; t; t = t->next)
        if (strcmp(t->attempt_id, attempt_id) == 0) return t;
    return NULL;
}

bool retention_accepted(struct retention *rt, const char *attempt_id, long chars)
{
    if (!rt || !attempt_id) return false;
    const struct offer *o = NULL;
    for (size_t i = 0; i < OFFERS; i++)
        if (rt->offers[i].attempt_id && strcmp(rt->offers[i].attempt_id, attempt_id) == 0) o = &rt->offers[i];
    struct tracker *t = find_tracker(rt, attempt_id);
    if (!o && !t) return false;
    const char *full = o ? o->text : t->text;
    size_t full_len = strlen(full);
    size_t len = chars < 0 ? full_len : prefix_bytes(full, full_len, chars);
    if (len == 0) return false;
    struct document *doc = document_store_get(server_documents(rt->srv), o ? o->uri : t->uri);
    if (t) {   /* a longer partial accept, or the rest accepted: track the longer text */
        if (len <= t->len || !o) return true;
        free(t->text);
        t->text = xstrndup(full, len);
        t->len = len;
        t->verified = false;
        if (doc) verify(t, doc);
        return true;
    }
    struct config *cfg = server_config(rt->srv);
    t = xcalloc(1, sizeof *t);
    t->owner = rt;
    t->attempt_id = xstrdup(attempt_id);
    t->uri = xstrdup(o->uri);
    t->text = xstrndup(full, len);
    t->len = len;
    t->start_pos = o->start;
    uv_timer_init(server_loop(rt->srv), &t->timer);
    t->timer.data = t;
    t->next = rt->trackers;
    rt->trackers = t;
    /* The editor may run the command before its didChange arrives: then the first
     * change that shows the text verifies it. */
    if (doc) verify(t, doc);
    uv_timer_start(&t->timer, on_timer, (uint64_t)(cfg ? cfg->inline_opts.retention_ms : 30000), 0);
    return true;
}

/* Moves or widens the tracked region through one edit of the snapshot. */
static void follow(struct tracker *t, const struct text_edit *e)
{
    long delta = (long)(e->new_end - e->new_start) - (long)(e->end - e->start);
    if (e->end <= t->start && !(e->start == e->end && e->start == t->start && t->start == t->end)) {
        t->start = (size_t)((long)t->start + delta);
        t->end = (size_t)((long)t->end + delta);
    } else if (e->start >= t->end) {
        return;
    } else {
        size_t end = t->end > e->end ? (size_t)((long)t->end + delta) : e->new_end;
        if (e->start < t->start) t->start = e->start;
        t->end = end;
    }
}

void retention_document_changed(struct retention *rt, struct document *doc)
{
    if (!rt) return;
    const char *uri = document_uri(doc);
    for (struct tracker *t = rt->trackers; t; t = t->next) {
        if (strcmp(t->uri, uri) != 0) continue;
        if (!t->verified) {
            verify(t, doc);
            continue;
        }
        size_t len;
        char *text = document_text(doc, &len);
        struct text_edit e;
        if (text_diff(t->snapshot, t->snapshot_len, text, len, &e)) follow(t, &e);
        free(t->snapshot);
        t->snapshot = text;
        t->snapshot_len = len;
    }
}

void retention_document_closed(struct retention *rt, const char *uri)
{
    if (!rt) return;
    struct tracker *t = rt->trackers, *next;
    for (; t; t = next) {
        next = t->next;
        if (strcmp(t->uri, uri) == 0) measure(t);
    }
}

void retention_free(struct retention *rt)
{
    if (!rt) return;
    while (rt->trackers) tracker_drop(rt->trackers);
    for (size_t i = 0; i < OFFERS; i++) offer_clear(&rt->offers[i]);
    free(rt);
}
