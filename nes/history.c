/* Edit history (see history.h). Each document has a small ring of edits, oldest first.
 * An edit keeps the replaced and the new text plus the near ends of its line (head,
 * tail) so it renders as a diff of whole lines without the document. Coalescing merges
 * a change into the document's latest edit when the change overlaps or touches that
 * edit's new text: everything the merge needs is either in the latest edit or in the
 * change's own old text, so no copy of the document is kept. */
#include "nes/history.h"
#include "base/xalloc.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT_MAX 160   /* bytes of line context kept on each side of an edit */

struct edit {
    size_t start;            /* byte offset in the document after the edits before it */
    uint32_t line;
    char *old_text, *new_text, *head, *tail;
    size_t old_len, new_len, head_len, tail_len;
    bool truncated;          /* cut to the byte budget: shown, never merged */
    uint64_t seq;            /* workspace-wide order */
};

struct doc_history {
    char *uri, *path;
    struct edit *edits;      /* oldest first */
    size_t count;
    uint64_t last_seq;
};

struct nes_history {
    struct nes_history_limits limits;
    struct doc_history *docs;
    size_t doc_count;
    uint64_t seq;
};

struct nes_history *nes_history_new(struct nes_history_limits limits)
{
    struct nes_history *h = xcalloc(1, sizeof *h);
    h->limits = limits;
    if (!h->limits.edits_per_document) h->limits.edits_per_document = 10;
    if (!h->limits.bytes_per_document) h->limits.bytes_per_document = 2048;
    if (!h->limits.other_file_edits) h->limits.other_file_edits = 3;
    if (!h->limits.documents) h->limits.documents = 64;
    h->docs = xcalloc(h->limits.documents, sizeof *h->docs);
    return h;
}

static void edit_free(struct edit *e)
{
    free(e->old_text); free(e->new_text); free(e->head); free(e->tail);
}

static size_t edit_bytes(const struct edit *e)
{
    return e->old_len + e->new_len + e->head_len + e->tail_len;
}

static void doc_free(struct doc_history *d)
{
    for (size_t i = 0; i < d->count; i++) edit_free(&d->edits[i]);
    free(d->edits); free(d->uri); free(d->path);
    memset(d, 0, sizeof *d);
}

void nes_history_free(struct nes_history *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->doc_count; i++) doc_free(&h->docs[i]);
    free(h->docs);
    free(h);
}

static struct doc_history *find(const struct nes_history *h, const char *uri)
{
    for (size_t i = 0; uri && i < h->doc_count; i++)
        if (strcmp(h->docs[i].uri, uri) == 0) return &h->docs[i];
    return NULL;
}

static void remove_doc(struct nes_history *h, struct doc_history *d)
{
    doc_free(d);
    size_t i = (size_t)(d - h->docs);
    memmove(&h->docs[i], &h->docs[i + 1], (h->doc_count - i - 1) * sizeof *d);
    h->doc_count--;
}

/* A slot for uri; at the document limit the least recently edited one is dropped. */
static struct doc_history *find_or_add(struct nes_history *h, const char *uri, const char *path)
{
    struct doc_history *d = find(h, uri);
    if (!d) {
        if (h->doc_count == h->limits.documents) {
            struct doc_history *oldest = &h->docs[0];
            for (size_t i = 1; i < h->doc_count; i++)
                if (h->docs[i].last_seq < oldest->last_seq) oldest = &h->docs[i];
            remove_doc(h, oldest);
        }
        d = &h->docs[h->doc_count++];
        d->uri = xstrdup(uri);
        d->edits = xcalloc(h->limits.edits_per_document, sizeof *d->edits);
    }
    if (path && (!d->path || strcmp(d->path, path) != 0)) {
        free(d->path);
        d->path = xstrdup(path);
    }
    return d;
}

void nes_history_forget(struct nes_history *h, const char *uri)
{
    struct doc_history *d = find(h, uri);
    if (d) remove_doc(h, d);
}

static char *concat3(const char *a, size_t an, const char *b, size_t bn, const char *c, size_t cn,
                     size_t *len)
{
    char *s = xmalloc(an + bn + cn + 1);
    if (an) memcpy(s, a, an);
    if (bn) memcpy(s + an, b, bn);
    if (cn) memcpy(s + an + bn, c, cn);
    s[an + bn + cn] = '\0';
    *len = an + bn + cn;
    return s;
}

static void set_head(struct edit *e, const char *head, size_t len)
{
    if (len > CONTEXT_MAX) { head += len - CONTEXT_MAX; len = CONTEXT_MAX; }
    free(e->head);
    e->head = xstrndup(head ? head : "", len);
    e->head_len = len;
}

static void set_tail(struct edit *e, const char *tail, size_t len)
{
    if (len > CONTEXT_MAX) len = CONTEXT_MAX;
    free(e->tail);
    e->tail = xstrndup(tail ? tail : "", len);
    e->tail_len = len;
}

/* Merges change c (old text doc[s,e)) into the latest edit p whose new text is doc[ps,pe).
 * The merged edit covers [a,b) = [min(s,ps), max(e,pe)) of the current text. */
static bool try_merge(struct edit *p, const struct nes_change *c)
{
    size_t s = c->start, e = c->start + c->old_len, ps = p->start, pe = p->start + p->new_len;
    if (p->truncated || s > pe || e < ps) return false;
    size_t a = s < ps ? s : ps, b = e > pe ? e : pe;
    /* old: doc[a,ps) + p.old + doc[pe,b); doc[a,ps) and doc[pe,b) lie in the change's old text */
    size_t old_len, new_len;
    char *old = concat3(c->old_text, ps - a, p->old_text, p->old_len,
                        c->old_text + (pe > s ? pe - s : 0), b - pe, &old_len);
    /* new: doc[a,s) + c.new + doc[e,b); doc[a,s) and doc[e,b) lie in p's new text */
    char *nw = concat3(p->new_text, s - a, c->new_text, c->new_len,
                       p->new_text + (e > ps ? e - ps : 0), b - e, &new_len);
    free(p->old_text); free(p->new_text);
    p->old_text = old; p->old_len = old_len;
    p->new_text = nw; p->new_len = new_len;
    if (s < ps) { set_head(p, c->head, c->head_len); p->line = c->line; }
    if (e > pe) set_tail(p, c->tail, c->tail_len);
    p->start = a;
    return true;
}

static void drop_oldest(struct doc_history *d)
{
    edit_free(&d->edits[0]);
    memmove(&d->edits[0], &d->edits[1], (d->count - 1) * sizeof *d->edits);
    d->count--;
}

static size_t doc_bytes(const struct doc_history *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++) n += edit_bytes(&d->edits[i]);
    return n;
}

/* An edit alone over the budget keeps the starts of its texts only. */
static void truncate_to(struct edit *e, size_t budget)
{
    size_t half = budget / 2;
    if (e->old_len > half) { e->old_len = half; e->old_text[half] = '\0'; e->truncated = true; }
    if (e->new_len > half) { e->new_len = half; e->new_text[half] = '\0'; e->truncated = true; }
}

static void enforce_bounds(const struct nes_history *h, struct doc_history *d)
{
    size_t budget = h->limits.bytes_per_document;
    while (d->count > 1 && doc_bytes(d) > budget) drop_oldest(d);
    if (d->count == 1 && doc_bytes(d) > budget) {
        struct edit *e = &d->edits[0];
        size_t context = e->head_len + e->tail_len;
        truncate_to(e, budget > context ? budget - context : 0);
    }
}

static bool is_noop(const struct edit *e)
{
    return e->old_len == e->new_len && memcmp(e->old_text, e->new_text, e->old_len) == 0;
}

void nes_history_record(struct nes_history *h, const struct nes_change *c)
{
    if (!c->uri || (!c->old_len && !c->new_len)) return;
    struct doc_history *d = find_or_add(h, c->uri, c->path);
    d->last_seq = ++h->seq;
    if (d->count && try_merge(&d->edits[d->count - 1], c)) {
        struct edit *last = &d->edits[d->count - 1];
        last->seq = h->seq;
        if (is_noop(last)) {   /* typed then deleted again: nothing happened */
            edit_free(last);
            d->count--;
        }
        enforce_bounds(h, d);
        return;
    }
    if (d->count == h->limits.edits_per_document) drop_oldest(d);
    struct edit *e = &d->edits[d->count++];
    memset(e, 0, sizeof *e);
    e->start = c->start;
    e->line = c->line;
    e->old_text = xstrndup(c->old_text ? c->old_text : "", c->old_len);
    e->old_len = c->old_len;
    e->new_text = xstrndup(c->new_text ? c->new_text : "", c->new_len);
    e->new_len = c->new_len;
    set_head(e, c->head, c->head_len);
    set_tail(e, c->tail, c->tail_len);
    e->seq = h->seq;
    enforce_bounds(h, d);
}

size_t nes_history_edit_count(const struct nes_history *h, const char *uri)
{
    const struct doc_history *d = find(h, uri);
    return d ? d->count : 0;
}

size_t nes_history_bytes(const struct nes_history *h, const char *uri)
{
    const struct doc_history *d = find(h, uri);
    return d ? doc_bytes(d) : 0;
}

/* ---- rendering ---- */

struct lines { const char **at; size_t *len; size_t count; };

/* Splits text into lines without their endings (\n or \r\n); a final line ending does
 * not start another line. */
static void split_lines(const char *text, size_t len, struct lines *out)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++) cap += text[i] == '\n';
    out->at = xcalloc(cap, sizeof *out->at);
    out->len = xcalloc(cap, sizeof *out->len);
    out->count = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n') continue;
        if (i == len && start == len && (len == 0 || text[len - 1] == '\n')) break;
        size_t end = i;
        if (end > start && text[end - 1] == '\r') end--;
        out->at[out->count] = text + start;
        out->len[out->count++] = end - start;
        start = i + 1;
    }
}

static bool same_line(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->at[i], b->at[j], a->len[i]) == 0;
}

static void put_lines(struct buf *out, char mark, const struct lines *l, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        buf_putc(out, mark);
        buf_append(out, l->at[i], l->len[i]);
        buf_putc(out, '\n');
    }
}

/* One hunk: the edit's whole lines before and after, common lines as context. */
static void render_edit(const struct edit *e, struct buf *out)
{
    size_t old_len, new_len;
    char *old = concat3(e->head, e->head_len, e->old_text, e->old_len, e->tail, e->tail_len, &old_len);
    char *nw = concat3(e->head, e->head_len, e->new_text, e->new_len, e->tail, e->tail_len, &new_len);
    struct lines a, b;
    split_lines(old, old_len, &a);
    split_lines(nw, new_len, &b);
    size_t lead = 0;
    while (lead < a.count && lead < b.count && same_line(&a, lead, &b, lead)) lead++;
    size_t trail = 0;
    while (trail < a.count - lead && trail < b.count - lead &&
           same_line(&a, a.count - 1 - trail, &b, b.count - 1 - trail))
        trail++;
    buf_printf(out, "@@ -%u,%zu +%u,%zu @@%s\n", e->line + 1, a.count, e->line + 1, b.count,
               e->truncated ? " (cut short)" : "");
    put_lines(out, ' ', &a, 0, lead);
    put_lines(out, '-', &a, lead, a.count - trail);
    put_lines(out, '+', &b, lead, b.count - trail);
    put_lines(out, ' ', &a, a.count - trail, a.count);
    free(a.at); free(a.len); free(b.at); free(b.len);
    free(old); free(nw);
}

static void render_header(const struct doc_history *d, struct buf *out)
{
    const char *name = d->path ? d->path : d->uri;
    buf_printf(out, "--- a/%s\n+++ b/%s\n", name, name);
}

struct picked { const struct doc_history *doc; const struct edit *edit; };

/* The latest `want` edits of documents other than uri, oldest first (insertion sort:
 * want is a handful). Returns how many. */
static size_t pick_others(const struct nes_history *h, const char *uri, struct picked *out, size_t want,
                          nes_may_send_fn may_send, void *data)
{
    size_t n = 0;
    for (size_t i = 0; i < h->doc_count; i++) {
        const struct doc_history *d = &h->docs[i];
        if (uri && strcmp(d->uri, uri) == 0) continue;
        if (may_send && !may_send(data, d->uri)) continue;
        for (size_t k = 0; k < d->count; k++) {
            const struct edit *e = &d->edits[k];
            if (n == want && e->seq < out[0].edit->seq) continue;
            if (n == want) { memmove(&out[0], &out[1], (n - 1) * sizeof *out); n--; }
            size_t at = n;
            while (at > 0 && out[at - 1].edit->seq > e->seq) { out[at] = out[at - 1]; at--; }
            out[at] = (struct picked){ d, e };
            n++;
        }
    }
    return n;
}

void nes_history_render(const struct nes_history *h, const char *uri, struct buf *out)
{
    nes_history_render_filtered(h, uri, out, NULL, NULL);
}

void nes_history_render_filtered(const struct nes_history *h, const char *uri, struct buf *out,
                                 nes_may_send_fn may_send, void *data)
{
    size_t want = h->limits.other_file_edits;
    struct picked *others = xcalloc(want + 1, sizeof *others);
    size_t n = pick_others(h, uri, others, want, may_send, data);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || others[i].doc != others[i - 1].doc) render_header(others[i].doc, out);
        render_edit(others[i].edit, out);
    }
    free(others);
    const struct doc_history *self = find(h, uri);
    if (!self || !self->count) return;
    render_header(self, out);
    for (size_t k = 0; k < self->count; k++) render_edit(&self->edits[k], out);
}
