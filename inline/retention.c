/* Offered suggestions, their outcomes and the retention of accepted ones (see
 * retention.h), on inline/outcome and lsp/text_watch. */
#include "inline/retention.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "inline/outcome.h"
#include "ledger/ledger.h"
#include "lsp/services.h"
#include "lsp/text_watch.h"
#include "telemetry/telemetry.h"
#include <stdlib.h>
#include <string.h>

#define OFFERS 32   /* suggestions remembered: a few screens of cycling and retyping */

struct offer {
    char *attempt_id, *uri, *text;
    struct lsp_position start;
    struct inline_outcome outcome;   /* followed while inferring (borrows text) */
    bool inferring;                  /* of the document's latest answer, outcome open */
    /* What the ledger already has for the attempt, explicit or inferred: written once. */
    bool accepted, rejected;
    long partial;                    /* the largest partial chars written */
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
    size_t inferring;   /* offers inferring: none, and a didChange costs one comparison */
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

static void offer_clear(struct retention *rt, struct offer *o)
{
    if (o->inferring) rt->inferring--;
    free(o->attempt_id);
    free(o->uri);
    free(o->text);
    memset(o, 0, sizeof *o);
}

static struct offer *offer_find(struct retention *rt, const char *attempt_id)
{
    for (size_t i = 0; rt && attempt_id && i < OFFERS; i++)
        if (rt->offers[i].attempt_id && strcmp(rt->offers[i].attempt_id, attempt_id) == 0)
            return &rt->offers[i];
    return NULL;
}

static void stop_inferring(struct retention *rt, struct offer *o)
{
    if (o->inferring) rt->inferring--;
    o->inferring = false;
}

void retention_answer(struct retention *rt, const char *uri)
{
    for (size_t i = 0; rt && rt->inferring && i < OFFERS; i++)
        if (rt->offers[i].inferring && strcmp(rt->offers[i].uri, uri) == 0) stop_inferring(rt, &rt->offers[i]);
}

/* Starts following the offer in its document: what of it is already there (the word a
 * completion item replaces, the typed part of a selected item). */
static void start_inferring(struct retention *rt, struct offer *o, struct lsp_position cursor)
{
    struct document *doc = document_store_get(server_documents(rt->srv), o->uri);
    if (!doc || o->accepted || o->rejected) return;
    enum position_encoding enc = server_encoding(rt->srv);
    size_t start = document_offset_at(doc, o->start, enc), at = document_offset_at(doc, cursor, enc);
    size_t line_start = document_offset_at(doc, (struct lsp_position){ o->start.line, 0 }, enc), n = 0;
    char *present = at > start ? document_slice(doc, start, at, &n) : NULL;
    outcome_init(&o->outcome, o->text, strlen(o->text), start, line_start, present ? present : "", n);
    free(present);
    if (o->outcome.done >= o->outcome.len) return;
    o->inferring = true;
    rt->inferring++;
}

void retention_offered(struct retention *rt, const char *attempt_id, const char *uri,
                       struct lsp_position start, struct lsp_position cursor, const char *insert_text)
{
    if (!rt || !attempt_id || !*attempt_id || !uri || !insert_text || !*insert_text) return;
    /* The latest offer of an attempt counts. In the same document (the rest of it
     * offered again as it is typed through) what the ledger has for it stays known;
     * elsewhere (the cache's answer in another file) it is a new showing. */
    struct offer *old = offer_find(rt, attempt_id);
    bool same = old && strcmp(old->uri, uri) == 0;
    bool accepted = same && old->accepted, rejected = same && old->rejected;
    long partial = same ? old->partial : 0;
    if (old) offer_clear(rt, old);
    struct offer *o = &rt->offers[rt->next_offer];
    rt->next_offer = (rt->next_offer + 1) % OFFERS;
    offer_clear(rt, o);
    *o = (struct offer){ .attempt_id = xstrdup(attempt_id), .uri = xstrdup(uri), .text = xstrdup(insert_text),
                         .start = start, .accepted = accepted, .rejected = rejected, .partial = partial };
    start_inferring(rt, o, cursor);
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

/* Where the offer starts now: moved by the edits before it while it was followed. */
static struct lsp_position offer_start(struct retention *rt, const struct offer *o)
{
    struct document *doc = o->inferring ? document_store_get(server_documents(rt->srv), o->uri) : NULL;
    return doc ? document_position_at(doc, o->outcome.start, server_encoding(rt->srv)) : o->start;
}

/* Follows the first `chars` characters of the offer (< 0: all) for the retained signal. */
static void follow_accepted(struct retention *rt, const struct offer *o, long chars)
{
    size_t full_len = strlen(o->text);
    size_t len = chars < 0 ? full_len : prefix_bytes(o->text, full_len, chars);
    if (len == 0) return;
    struct accepted *a = rt->accepted;
    while (a && strcmp(a->attempt_id, o->attempt_id) != 0) a = a->next;
    if (a) {   /* a longer partial accept, or the rest accepted: follow the longer text */
        text_watch_extend(a->watch, o->text, len);
        return;
    }
    struct config *cfg = server_config(rt->srv);
    a = xcalloc(1, sizeof *a);
    a->owner = rt;
    a->attempt_id = xstrdup(o->attempt_id);
    a->next = rt->accepted;
    rt->accepted = a;
    a->watch = text_watch_add(rt->watches, o->uri, offer_start(rt, o), o->text, len,
                              (uint64_t)(cfg ? cfg->inline_opts.retention_ms : 30000), true, on_watch, a);
}

/* The one writer of an inline answer's acceptance, partial and rejected lines, so an
 * outcome the editor reported and the one the document shows are written once. o is
 * NULL when the attempt is no longer remembered (written as told). */
static void record_accept(struct retention *rt, struct offer *o, const char *attempt_id, bool inferred)
{
    if (o && o->accepted) return;
    struct ledger *ledger = server_ledger(rt->srv);
    if (inferred) ledger_accept_inferred(ledger, attempt_id);
    else ledger_accept(ledger, attempt_id);
    int candidate;   /* an item of a several-choice attempt, ATTEMPT#K: telemetry knows ATTEMPT */
    char *attempt = xstrndup(attempt_id, ledger_item_split(attempt_id, &candidate));
    telemetry_suggestion_accepted(services_telemetry(rt->srv), attempt);
    free(attempt);
    if (!o) return;
    o->accepted = true;
    follow_accepted(rt, o, -1);
    stop_inferring(rt, o);
}

static void record_partial(struct retention *rt, struct offer *o, const char *attempt_id, long chars,
                           bool inferred)
{
    if (o && (o->accepted || chars <= o->partial)) return;
    struct ledger *ledger = server_ledger(rt->srv);
    if (inferred) ledger_signal_inferred(ledger, SIGNAL_PARTIAL, attempt_id, chars);
    else ledger_signal(ledger, SIGNAL_PARTIAL, attempt_id, chars, -1);
    if (!o) return;
    o->partial = chars;
    follow_accepted(rt, o, chars);
}

static void record_rejected(struct retention *rt, struct offer *o, const char *attempt_id, bool inferred)
{
    /* Inferred: only what was never accepted, even in part (the editors do the same). */
    if (o && (o->rejected || (inferred && (o->accepted || o->partial)))) return;
    struct ledger *ledger = server_ledger(rt->srv);
    if (inferred) ledger_signal_inferred(ledger, SIGNAL_REJECTED, attempt_id, -1);
    else ledger_signal(ledger, SIGNAL_REJECTED, attempt_id, -1, -1);
    if (!o) return;
    o->rejected = true;
    stop_inferring(rt, o);
}

void retention_accept(struct retention *rt, const char *attempt_id)
{
    record_accept(rt, offer_find(rt, attempt_id), attempt_id, false);
}

void retention_partial(struct retention *rt, const char *attempt_id, long chars)
{
    record_partial(rt, offer_find(rt, attempt_id), attempt_id, chars, false);
}

void retention_reject(struct retention *rt, const char *attempt_id)
{
    record_rejected(rt, offer_find(rt, attempt_id), attempt_id, false);
}

/* One change of an answer's items: the first item that still applies is the one the
 * editor shows; the others are alternatives it may cycle to. A change that ends them
 * all rejects that first one only. */
void retention_will_change(struct retention *rt, struct document *doc, const struct lsp_range *range,
                           const char *text, size_t len)
{
    if (!rt || !rt->inferring) return;
    const char *uri = document_uri(doc);
    size_t cs = 0, ce = 0;
    bool located = false;
    struct offer *shown = NULL;
    bool applies = false;
    for (size_t j = 0; j < OFFERS && rt->inferring; j++) {   /* oldest first: answer order */
        struct offer *o = &rt->offers[(rt->next_offer + j) % OFFERS];
        if (!o->inferring || strcmp(o->uri, uri) != 0) continue;
        if (range && !located) {   /* only for a document with a suggestion open */
            cs = document_offset_at(doc, range->start, server_encoding(rt->srv));
            ce = document_offset_at(doc, range->end, server_encoding(rt->srv));
            located = true;
        }
        if (!range || cs > ce) {   /* a whole-text sync, or a range the document skips */
            stop_inferring(rt, o);
            continue;
        }
        long chars = 0;
        switch (outcome_change(&o->outcome, cs, ce, text, len, &chars)) {
        case OUTCOME_NONE: applies = true; break;
        case OUTCOME_PARTIAL: applies = true; record_partial(rt, o, o->attempt_id, chars, true); break;
        case OUTCOME_ACCEPTED: applies = true; record_accept(rt, o, o->attempt_id, true); break;
        case OUTCOME_TYPED_THROUGH: applies = true; stop_inferring(rt, o); break;
        case OUTCOME_REJECTED:
            if (!shown) shown = o;
            stop_inferring(rt, o);
            break;
        }
    }
    if (shown && !applies) record_rejected(rt, shown, shown->attempt_id, true);
}

void retention_document_changed(struct retention *rt, struct document *doc)
{
    if (rt) text_watches_document_changed(rt->watches, doc);
}

void retention_document_closed(struct retention *rt, const char *uri)
{
    if (!rt) return;
    text_watches_document_closed(rt->watches, uri);
    for (size_t i = 0; i < OFFERS; i++)
        if (rt->offers[i].uri && strcmp(rt->offers[i].uri, uri) == 0) offer_clear(rt, &rt->offers[i]);
}

void retention_free(struct retention *rt)
{
    if (!rt) return;
    text_watches_free(rt->watches);
    while (rt->accepted) accepted_free(rt->accepted);
    for (size_t i = 0; i < OFFERS; i++) offer_clear(rt, &rt->offers[i]);
    free(rt);
}
