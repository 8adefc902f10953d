/* Watched texts in documents (see text_watch.h). */
#include "lsp/text_watch.h"
#include "base/xalloc.h"
#include "lsp/text_diff.h"
#include <stdlib.h>
#include <string.h>

struct text_watch {
    struct text_watch *next;
    struct text_watches *owner;
    char *uri;
    char *text;
    size_t len;
    struct lsp_position start_pos;
    bool seen;
    bool ended;              /* unlinked; a loop that held it as next skips it */
    size_t start, end;       /* the region in snapshot, once seen */
    char *snapshot;
    size_t snapshot_len;
    text_watch_fn fn;
    void *data;
    uv_timer_t timer;
};

struct text_watches {
    struct server *srv;
    struct text_watch *list;
};

long text_code_points(const char *s, size_t n)
{
    long count = 0;
    for (size_t i = 0; i < n; i++) count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

long text_matching_chars(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t max = alen < blen ? alen : blen, p = 0, s = 0;
    while (p < max && a[p] == b[p]) p++;
    while (p > 0 && p < alen && ((unsigned char)a[p] & 0xC0) == 0x80) p--;   /* whole characters */
    while (s < max - p && a[alen - 1 - s] == b[blen - 1 - s]) s++;
    while (s > 0 && ((unsigned char)a[alen - s] & 0xC0) == 0x80) s--;
    return text_code_points(a, p) + text_code_points(a + alen - s, s);
}

struct text_watches *text_watches_new(struct server *srv)
{
    struct text_watches *ws = xcalloc(1, sizeof *ws);
    ws->srv = srv;
    return ws;
}

static void on_closed(uv_handle_t *handle)
{
    struct text_watch *w = handle->data;
    free(w->uri);
    free(w->text);
    free(w->snapshot);
    free(w);
}

void text_watch_end(struct text_watch *w)
{
    if (!w || w->ended) return;
    w->ended = true;
    for (struct text_watch **pp = &w->owner->list; *pp; pp = &(*pp)->next)
        if (*pp == w) { *pp = w->next; break; }
    uv_timer_stop(&w->timer);
    uv_close((uv_handle_t *)&w->timer, on_closed);
}

static long kept_chars(const struct text_watch *w)
{
    return text_matching_chars(w->text, w->len, w->snapshot + w->start, w->end - w->start);
}

static void finish(struct text_watch *w)
{
    long kept = w->seen ? kept_chars(w) : -1, of = w->seen ? text_code_points(w->text, w->len) : -1;
    text_watch_fn fn = w->fn;
    void *data = w->data;
    text_watch_end(w);   /* freed only when the timer has closed: w stays valid here */
    fn(data, w, TEXT_WATCH_END, kept, of);
}

static void on_timer(uv_timer_t *timer)
{
    finish(timer->data);
}

/* Does the document hold the text at its start? Then takes the snapshot. */
static bool check(struct text_watch *w, struct document *doc)
{
    size_t len;
    char *text = document_text(doc, &len);
    size_t at = document_offset_at(doc, w->start_pos, server_encoding(w->owner->srv));
    if (at + w->len <= len && memcmp(text + at, w->text, w->len) == 0) {
        w->seen = true;
        w->start = at;
        w->end = at + w->len;
        free(w->snapshot);
        w->snapshot = text;
        w->snapshot_len = len;
        return true;
    }
    free(text);
    return false;
}

static void check_and_tell(struct text_watch *w, struct document *doc)
{
    if (check(w, doc)) w->fn(w->data, w, TEXT_WATCH_SEEN, (long)text_code_points(w->text, w->len),
                             text_code_points(w->text, w->len));
}

struct text_watch *text_watch_add(struct text_watches *ws, const char *uri, struct lsp_position start,
                                  const char *text, size_t len, uint64_t window_ms,
                                  bool check_now, text_watch_fn fn, void *data)
{
    struct text_watch *w = xcalloc(1, sizeof *w);
    w->owner = ws;
    w->uri = xstrdup(uri);
    w->text = xstrndup(text, len);
    w->len = len;
    w->start_pos = start;
    w->fn = fn;
    w->data = data;
    uv_timer_init(server_loop(ws->srv), &w->timer);
    w->timer.data = w;
    w->next = ws->list;
    ws->list = w;
    uv_timer_start(&w->timer, on_timer, window_ms, 0);
    struct document *doc = check_now ? document_store_get(server_documents(ws->srv), uri) : NULL;
    if (doc) check_and_tell(w, doc);
    return w;
}

struct text_watch *text_watch_find(struct text_watches *ws, const void *data)
{
    for (struct text_watch *w = ws ? ws->list : NULL; w; w = w->next)
        if (w->data == data) return w;
    return NULL;
}

void text_watch_extend(struct text_watch *w, const char *text, size_t len)
{
    if (!w || len <= w->len) return;
    free(w->text);
    w->text = xstrndup(text, len);
    w->len = len;
    w->seen = false;   /* until the document is seen holding the longer text */
    struct document *doc = document_store_get(server_documents(w->owner->srv), w->uri);
    if (doc) check(w, doc);
}

size_t text_watch_length(const struct text_watch *w) { return w ? w->len : 0; }

bool text_watch_region(const struct text_watch *w, size_t *start, size_t *end)
{
    if (!w || !w->seen) return false;
    *start = w->start;
    *end = w->end;
    return true;
}

/* Moves or widens the region through one edit of the snapshot; true when it touched it. */
static bool follow(struct text_watch *w, const struct text_edit *e)
{
    long delta = (long)(e->new_end - e->new_start) - (long)(e->end - e->start);
    if (e->end <= w->start) {   /* before it (an insertion right at its start too) */
        w->start = (size_t)((long)w->start + delta);
        w->end = (size_t)((long)w->end + delta);
        return false;
    }
    if (e->start >= w->end) return false;
    size_t end = w->end > e->end ? (size_t)((long)w->end + delta) : e->new_end;
    if (e->start < w->start) w->start = e->start;
    w->end = end;
    return true;
}

void text_watches_document_changed(struct text_watches *ws, struct document *doc)
{
    if (!ws) return;
    const char *uri = document_uri(doc);
    struct text_watch *w = ws->list, *next;
    for (; w; w = next) {
        next = w->next;   /* a callback may end w, or others (then skipped here) */
        if (w->ended || strcmp(w->uri, uri) != 0) continue;
        if (!w->seen) {
            check_and_tell(w, doc);
            continue;
        }
        size_t len;
        char *text = document_text(doc, &len);
        struct text_edit e;
        bool touched = text_diff(w->snapshot, w->snapshot_len, text, len, &e) && follow(w, &e);
        free(w->snapshot);
        w->snapshot = text;
        w->snapshot_len = len;
        if (touched) w->fn(w->data, w, TEXT_WATCH_EDITED, kept_chars(w), text_code_points(w->text, w->len));
    }
}

void text_watches_document_closed(struct text_watches *ws, const char *uri)
{
    if (!ws) return;
    struct text_watch *w = ws->list, *next;
    for (; w; w = next) {
        next = w->next;
        if (!w->ended && strcmp(w->uri, uri) == 0) finish(w);
    }
}

void text_watches_free(struct text_watches *ws)
{
    if (!ws) return;
    while (ws->list) text_watch_end(ws->list);
    free(ws);
}
