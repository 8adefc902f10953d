/* Inline completion feature (see inline.h and docs/inline.md).
 *
 * Each editor request becomes a `pending`: it builds the task from the document,
 * answers from the cache at once when it can, else waits out the debounce (automatic
 * triggers; a newer request for the document supersedes it meanwhile, so the task
 * still matches the document) and starts one router run per candidate, answering
 * when they end; or, when the first target takes several choices in one request
 * (PROVIDER_CAP_N_CHOICES), one run asking for all the candidates, whose choices
 * land in the slots by index. A newer request for the same document,
 * $/cancelRequest, closing the document or shutdown end it early: its runs are
 * cancelled (the router closes the upstream connection) and the editor gets
 * RequestCancelled. For textDocument/completion a timer bounds the wait: at
 * completion_wait_ms the answer goes out without AI items and the runs continue only
 * to fill the cache.
 * A next-edit prediction at the cursor may add one more item (inline_nes.h); its run
 * goes with the request's runs: answered together, cancelled together.
 *
 * A pending owns a uv timer, so it is freed in the timer's close callback. */
#include "inline/inline.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "inline/inline_cache.h"
#include "inline/inline_context.h"
#include "inline/inline_items.h"
#include "inline/inline_nes.h"
#include "inline/postprocess.h"
#include "inline/retention.h"
#include "ledger/ledger.h"
#include "lsp/services.h"
#include "telemetry/telemetry.h"
#include "router/router.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INLINE_MAX_RUNS 8

enum pending_kind { PENDING_INLINE, PENDING_COMPLETION };

struct pending;

struct run_slot {
    struct pending *owner;
    struct route_run *run;     /* NULL when not running */
    struct buf text;           /* this run's text, or choice k's of a one-request run */
    bool complete;             /* one-request run: choice k is complete (early stop) */
};

struct pending {
    struct pending *next;
    struct server *srv;
    struct inline_state *state;
    struct rpc_request *req;   /* NULL once answered */
    char *request_id;
    enum pending_kind kind;
    char *uri;
    struct lsp_position pos;
    enum task_trigger trigger;
    uint64_t generation;       /* document generation when the request came */
    bool has_selected;         /* selectedCompletionInfo */
    struct lsp_range selected_range;
    char *selected_text;
    uv_timer_t timer;          /* debounce, then (completion) the longest wait */
    uint64_t created_ms;       /* loop time of the editor's request */
    struct task task;
    struct postprocess_ctx pp; /* borrows task.prefix / task.suffix */
    char *variant;             /* cache key part: model and mode */
    char *word;                /* completion: identifier typed before the cursor */
    struct lsp_range word_range;
    struct run_slot slots[INLINE_MAX_RUNS];
    size_t slot_count, slots_done;
    size_t asked;              /* candidates asked for (the cache keeps it) */
    bool first_takes_n;        /* the first target takes several choices in one request */
    int choices;               /* one-request run: candidates asked in it, else 0 */
    int live_choices;          /* ... and those its current attempt's target gives */
    bool launching;
    char *texts[INLINE_MAX_RUNS];
    char *attempts[INLINE_MAX_RUNS];
    size_t result_count;
    char *model;
    char error[512];
    struct inline_nes nes;     /* a next edit served as one more item */
    bool closing;
};

struct inline_state {
    struct pending *pending;
    struct inline_cache *cache;
    /* switchboard.toggleInline: the user's switch, without a restart. A buffer's own
     * setting wins over the global one; it is forgotten when the buffer closes. */
    bool off;
    cJSON *buffers;   /* {uri: enabled}, owned; NULL when none */
    struct retention *retention;   /* offered and accepted suggestions, followed */
};

static size_t configured_cache_capacity(struct server *srv)
{
    struct config *cfg = server_config(srv);
    return cfg && cfg->inline_opts.cache_entries > 0 ? (size_t)cfg->inline_opts.cache_entries : 0;
}

static struct inline_state *state_of(struct server *srv)
{
    struct inline_state *st = server_feature_state(srv, &inline_feature);
    if (!st) {
        st = xcalloc(1, sizeof *st);
        st->retention = retention_new(srv);
        server_set_feature_state(srv, &inline_feature, st);
    }
    /* inline.cache_entries may change at a reload: a new size starts an empty cache. */
    size_t want = configured_cache_capacity(srv);
    if (!st->cache || want != inline_cache_capacity(st->cache)) {
        inline_cache_free(st->cache);
        st->cache = inline_cache_new(want);
    }
    return st;
}

/* ---- lifetime ---- */

static void on_timer_closed(uv_handle_t *handle)
{
    struct pending *p = handle->data;
    task_free(&p->task);
    for (size_t i = 0; i < INLINE_MAX_RUNS; i++) {
        buf_free(&p->slots[i].text);
        free(p->texts[i]);
        free(p->attempts[i]);
    }
    free(p->request_id); free(p->uri); free(p->selected_text); free(p->variant);
    free(p->word); free(p->model);
    inline_nes_free(&p->nes);
    free(p);
}

/* Unlinks, cancels what still runs, and frees once the timer has closed. Idempotent. */
static void pending_close(struct pending *p)
{
    if (p->closing) return;
    p->closing = true;
    for (struct pending **pp = &p->state->pending; *pp; pp = &(*pp)->next)
        if (*pp == p) { *pp = p->next; break; }
    for (size_t i = 0; i < p->slot_count; i++) {
        if (p->slots[i].run) {
            route_run_cancel(p->slots[i].run);
            p->slots[i].run = NULL;
        }
    }
    inline_nes_cancel(&p->nes);
    uv_timer_stop(&p->timer);
    uv_close((uv_handle_t *)&p->timer, on_timer_closed);
}

static void reply_cancelled(struct pending *p, const char *why)
{
    if (!p->req) return;
    struct rpc_request *req = p->req;
    p->req = NULL;
    rpc_reply_error(req, RPC_REQUEST_CANCELLED, "%s", why);
}

static void on_request_cancel(struct rpc_request *req, void *data)
{
    struct pending *p = data;
    if (p->req != req) return;
    reply_cancelled(p, "request cancelled");
    pending_close(p);
}

static struct pending *pending_new(struct server *srv, struct rpc_request *req, enum pending_kind kind,
                                   const char *uri, struct lsp_position pos,
                                   enum task_trigger trigger, uint64_t generation)
{
    struct inline_state *st = state_of(srv);
    struct pending *p = xcalloc(1, sizeof *p);
    p->srv = srv;
    p->state = st;
    p->req = req;
    p->request_id = xstrdup(rpc_request_id_text(req));
    p->kind = kind;
    p->uri = xstrdup(uri);
    p->pos = pos;
    p->trigger = trigger;
    p->generation = generation;
    uv_timer_init(server_loop(srv), &p->timer);
    p->timer.data = p;
    p->created_ms = uv_now(server_loop(srv));
    p->next = st->pending;
    st->pending = p;
    rpc_request_on_cancel(req, on_request_cancel, p);
    return p;
}

/* A newer request for the same document: the older ones are cancelled, upstream too. */
static void supersede(struct inline_state *st, const char *uri)
{
    struct pending *p = st->pending, *next;
    for (; p; p = next) {
        next = p->next;
        if (strcmp(p->uri, uri) != 0) continue;
        reply_cancelled(p, "superseded by a newer request");
        pending_close(p);
    }
}

/* ---- answers ---- */

static cJSON *result_json(struct pending *p, char *const *texts, char *const *attempts,
                          size_t count, const char *model)
{
    cJSON *result = cJSON_CreateObject();
    if (p->kind == PENDING_COMPLETION) cJSON_AddBoolToObject(result, "isIncomplete", true);
    cJSON *items = cJSON_AddArrayToObject(result, "items");
    struct lsp_range at = { p->pos, p->pos };
    retention_answer(p->state->retention, p->uri);   /* what the editor showed before is replaced */
    for (size_t i = 0; i < count; i++) {
        /* Remembered (in memory only) so an acceptance can be followed in the document. */
        const char *before = p->kind == PENDING_COMPLETION ? p->word : p->has_selected ? p->selected_text : "";
        struct lsp_position start = p->kind == PENDING_COMPLETION ? p->word_range.start
                                    : p->has_selected ? p->selected_range.start : p->pos;
        char *insert = xasprintf("%s%s", before ? before : "", texts[i]);
        retention_offered(p->state->retention, attempts[i], p->uri, start, p->pos, insert);
        free(insert);
        if (p->kind == PENDING_COMPLETION)
            cJSON_AddItemToArray(items, inline_completion_item_json(p->word, texts[i], p->word_range,
                                                                    attempts[i], model, i));
        else
            cJSON_AddItemToArray(items, inline_item_json(p->has_selected ? p->selected_text : "",
                                                         texts[i], p->has_selected ? p->selected_range : at,
                                                         attempts[i], model));
    }
    if (p->kind == PENDING_COMPLETION)
        inline_nes_add_completion_item(&p->nes, items, p->word, p->word_range.start, texts, count);
    else
        inline_nes_add_inline_item(&p->nes, items, texts, count);
    return result;
}

static void reply_result(struct pending *p, cJSON *result)
{
    if (!p->req) {
        cJSON_Delete(result);
        return;
    }
    struct rpc_request *req = p->req;
    p->req = NULL;
    rpc_reply(req, result);
}

static void reply_empty(struct pending *p)
{
    reply_result(p, result_json(p, NULL, NULL, 0, NULL));
}

static void finish(struct pending *p)
{
    struct inline_state *st = p->state;
    if (p->result_count)
        inline_cache_put(st->cache, p->task.prefix, strlen(p->task.prefix), p->task.suffix,
                         strlen(p->task.suffix), p->variant, p->model,
                         (const char *const *)p->texts, (const char *const *)p->attempts,
                         p->result_count, p->asked);
    if (p->req && !p->result_count && p->error[0] && p->trigger == TRIGGER_INVOKED &&
        p->kind == PENDING_INLINE && !inline_nes_has_item(&p->nes)) {
        struct rpc_request *req = p->req;
        p->req = NULL;
        rpc_reply_error(req, RPC_REQUEST_FAILED, "%s", p->error);
    } else if (p->req) {
        reply_result(p, result_json(p, p->texts, p->attempts, p->result_count, p->model));
    }
    if (p->model) server_send_status(p->srv, p->model);
    pending_close(p);
}

/* ---- router callbacks ---- */

static int on_text(void *data, const char *text, size_t len)
{
    struct run_slot *slot = data;
    buf_append(&slot->text, text, len);
    /* Early stop: the answer is already complete by the post-processing rules. */
    return postprocess_is_complete(buf_str(&slot->text), slot->text.len, &slot->owner->pp) ? 1 : 0;
}

static void on_reset(void *data)
{
    struct run_slot *slot = data;
    buf_reset(&slot->text);
}

static void add_result(struct pending *p, char *text, const char *attempt_id)
{
    for (size_t i = 0; i < p->result_count; i++) {
        if (strcmp(p->texts[i], text) == 0) {   /* same candidate twice: keep one */
            free(text);
            return;
        }
    }
    p->texts[p->result_count] = text;
    p->attempts[p->result_count] = xstrdup(attempt_id);
    p->result_count++;
}

/* The post-processed answer as one more candidate (merged with an identical one). */
static void add_candidate(struct pending *p, const char *raw, const char *attempt_id)
{
    char *text = postprocess_apply(raw, strlen(raw), &p->pp);
    if (text) add_result(p, text, attempt_id);
}

/* A run ended: its model or its error is remembered; the last one finishes p. */
static void run_ended(struct run_slot *slot, const struct route_result *result)
{
    struct pending *p = slot->owner;
    if (result->ok) {
        if (!p->model && result->model) p->model = xstrdup(result->model);
    } else if (!p->error[0]) {
        snprintf(p->error, sizeof p->error, "%s", result->message[0] ? result->message : "no model answered");
        log_info("inline completion for %s failed: %s", p->uri, p->error);
    }
    if (!p->launching && p->slots_done == p->slot_count && !inline_nes_waiting(&p->nes)) finish(p);
}

/* The next-edit prediction ended: the answer waits for nothing else. */
static void on_next_edit(void *data)
{
    struct pending *p = data;
    if (!p->launching && p->slots_done == p->slot_count) finish(p);
}

/* A next edit for this request, unless a completion was selected (the item would have
 * to carry it too). */
static bool wants_next_edit(const struct pending *p)
{
    return !p->has_selected;
}

static void on_done(void *data, const struct route_result *result)
{
    struct run_slot *slot = data;
    slot->run = NULL;
    slot->owner->slots_done++;
    if (result->ok) add_candidate(slot->owner, result->text ? result->text : buf_str(&slot->text),
                                  result->attempt_id);
    run_ended(slot, result);
}

/* ---- one request, several choices ---- */

/* An attempt starts: a target without several choices (a fallback) answers choice 0
 * only, so early stop must not wait for the others. */
static void on_choices_attempt(void *data, const struct model_spec *model, int attempt)
{
    struct pending *p = ((struct run_slot *)data)->owner;
    (void)attempt;
    p->live_choices = provider_choices(provider_find(model->provider_kind), &p->task);
}

/* Choice k's text goes to slot k. Early stop per choice: a complete choice takes no
 * more text, and the request stops once every choice the target gives is complete. */
static int on_choice_text(void *data, int choice, const char *text, size_t len)
{
    struct pending *p = ((struct run_slot *)data)->owner;
    if (choice < 0 || choice >= p->choices) return 0;
    struct run_slot *c = &p->slots[choice];
    if (!c->complete) {
        buf_append(&c->text, text, len);
        c->complete = postprocess_is_complete(buf_str(&c->text), c->text.len, &p->pp);
    }
    for (int k = 0; k < p->live_choices && k < p->choices; k++)
        if (!p->slots[k].complete) return 0;
    return 1;
}

static void on_choices_reset(void *data)
{
    struct pending *p = ((struct run_slot *)data)->owner;
    for (int k = 0; k < p->choices; k++) {
        buf_reset(&p->slots[k].text);
        p->slots[k].complete = false;
    }
}

/* Each choice post-processed on its own, as a separate run's answer would be; items
 * of a several-choice attempt are named ATTEMPT#K (ledger_item_id) so an acceptance
 * says which candidate it was. */
static void on_choices_done(void *data, const struct route_result *result)
{
    struct run_slot *slot = data;
    struct pending *p = slot->owner;
    slot->run = NULL;
    p->slots_done++;
    for (int k = 0; result->ok && k < p->choices; k++) {
        if (k > 0 && !p->slots[k].text.len) continue;
        char *id = result->choices > 1 ? ledger_item_id(result->attempt_id, k) : xstrdup(result->attempt_id);
        add_candidate(p, buf_str(&p->slots[k].text), id);
        free(id);
    }
    run_ended(slot, result);
}

/* One run asking for `want` candidates in one request (task.n): the prompt is billed
 * once. The router's fallback may land on a target without several choices: that
 * answers one candidate. */
static void launch_choices(struct pending *p, size_t want)
{
    static const struct route_callbacks callbacks = {
        .on_attempt = on_choices_attempt, .on_reset = on_choices_reset,
        .on_done = on_choices_done, .on_choice_text = on_choice_text,
    };
    for (size_t k = 0; k < want; k++) p->slots[k].owner = p;
    p->choices = p->live_choices = (int)want;
    p->task.n = (int)want;
    p->slot_count = 1;
    p->slots[0].run = router_run(server_router(p->srv), &p->task, p->request_id, &callbacks, &p->slots[0]);
    if (!p->slots[0].run) p->slots_done++;
}

/* ---- starting ---- */

/* The first model the router would use and the multiline setting: the cache key's
 * variant. Not the single/multi-line decision itself: the context in the key already
 * fixes it for exact hits, and typed-through must reach a suggestion shown on an
 * empty line (multi-line) from the same line once it is typed into (single-line). */
static char *variant_of(const struct model_spec *first, enum multiline_mode mode)
{
    return xasprintf("%s|%d", first && first->name ? first->name : "", (int)mode);
}

/* The first model the router would use for task, or NULL. */
static const struct model_spec *first_target(struct server *srv, const struct task *task)
{
    struct router *router = server_router(srv);
    struct config *cfg = server_config(srv);
    struct route_plan plan;
    if (!router || !cfg || router_plan(router, task, &plan) != 0) return NULL;
    for (size_t i = 0; i < plan.count; i++)
        if (!plan.entries[i].skipped && plan.entries[i].model < cfg->model_count)
            return &cfg->models[plan.entries[i].model];
    return NULL;
}

/* With selectedCompletionInfo the model sees the selected item as already typed. */
static void apply_selected(struct pending *p, struct document *doc, enum position_encoding enc,
                           size_t cursor)
{
    size_t start = document_offset_at(doc, p->selected_range.start, enc);
    size_t replaced = cursor > start ? cursor - start : 0;
    size_t plen = strlen(p->task.prefix);
    if (replaced > plen) replaced = plen;
    char *prefix = xasprintf("%.*s%s", (int)(plen - replaced), p->task.prefix, p->selected_text);
    free(p->task.prefix);
    p->task.prefix = prefix;
}

/* Builds the task and post-processing context. Returns -1 when the file is excluded. */
static int prepare(struct pending *p, struct document *doc)
{
    struct server *srv = p->srv;
    struct config *cfg = server_config(srv);
    enum position_encoding enc = server_encoding(srv);
    struct lsp_position at = p->has_selected ? p->selected_range.end : p->pos;
    size_t cursor = 0;
    if (inline_context_build(&p->task, server_documents(srv), doc, at, enc, cfg,
                             server_root_path(srv), p->trigger, true, &cursor) < 0)
        return -1;
    if (p->has_selected) apply_selected(p, doc, enc, cursor);
    postprocess_init(&p->pp, p->task.prefix, strlen(p->task.prefix), p->task.suffix,
                     strlen(p->task.suffix), cfg->inline_opts.multiline, cfg->inline_opts.max_lines);
    if (!p->pp.multiline) task_add_stop(&p->task, "\n");
    task_estimate_tokens(&p->task);
    if (p->kind == PENDING_COMPLETION) {
        size_t w = inline_word_before(p->pp.line_before, p->pp.line_before_len);
        p->word = xstrndup(p->pp.line_before + p->pp.line_before_len - w, w);
        size_t wstart = cursor >= w ? cursor - w : 0;
        p->word_range.start = document_position_at(doc, wstart, enc);
        p->word_range.end = p->pos;
    }
    const struct model_spec *first = first_target(srv, &p->task);
    p->variant = variant_of(first, cfg->inline_opts.multiline);
    const struct provider_ops *ops = first ? provider_find(first->provider_kind) : NULL;
    p->first_takes_n = ops && (ops->caps & PROVIDER_CAP_N_CHOICES);
    return 0;
}

/* Automatic requests get one suggestion; an invoked one (the user asked, or cycles)
 * gets inline.candidates of them. */
static size_t wanted_runs(const struct pending *p, const struct config *cfg)
{
    if (p->trigger != TRIGGER_INVOKED || p->kind != PENDING_INLINE || cfg->inline_opts.candidates <= 1)
        return 1;
    return (size_t)cfg->inline_opts.candidates < INLINE_MAX_RUNS ? (size_t)cfg->inline_opts.candidates
                                                                 : INLINE_MAX_RUNS;
}

/* A cache hit is an editor request with no upstream attempt: a request span (and a
 * requests/suggestions count) with switchboard.cache_hit, so dashboards see it. */
static void telemetry_cache_hit(struct pending *p, const struct inline_cache_hit *hit)
{
    struct telemetry *t = services_telemetry(p->srv);
    if (!t) return;
    struct telemetry_span_context ctx;
    telemetry_request_begin(t, &ctx);
    struct telemetry_request_info info = {
        .task = task_kind_name(p->task.kind), .trigger = task_trigger_name(p->task.trigger),
        .outcome = "served", .model = hit->model, .path = p->task.path, .cache_hit = true,
        .shown = hit->count > 0,
    };
    telemetry_request_end(t, &ctx, &info);
}

/* A single-line request typed into a multi-line suggestion: each rest keeps its first
 * line only (as a fresh single-line answer would); empty and repeated ones go. */
static void keep_first_lines(struct inline_cache_hit *hit)
{
    size_t kept = 0;
    for (size_t i = 0; i < hit->count; i++) {
        char *text = hit->texts[i];
        size_t len = strcspn(text, "\n");
        if (len > 0 && text[len - 1] == '\r') len--;
        text[len] = '\0';
        bool repeated = false;
        for (size_t k = 0; k < kept && !repeated; k++) repeated = strcmp(hit->texts[k], text) == 0;
        if (!len || repeated) {
            free(text);
            free(hit->attempt_ids[i]);
            continue;
        }
        hit->texts[kept] = text;
        hit->attempt_ids[kept++] = hit->attempt_ids[i];
    }
    hit->count = kept;
}

/* A hit made with fewer candidates than the request wants (one automatic answer, when
 * the user now asks for several) is not used: the request goes upstream for the set. */
static bool answer_from_cache(struct pending *p, size_t want)
{
    struct inline_cache_hit hit;
    if (!inline_cache_lookup(p->state->cache, p->task.prefix, strlen(p->task.prefix), p->task.suffix,
                             strlen(p->task.suffix), p->variant, &hit))
        return false;
    if (hit.typed_through && !p->pp.multiline) keep_first_lines(&hit);
    if (!hit.count) {   /* typed up to the end of the suggestion's first line */
        inline_cache_hit_free(&hit);
        return false;
    }
    if (hit.asked < want) {
        log_debug("inline %s: cached answer asked for %zu of %zu candidates, asking", p->uri,
                  hit.asked, want);
        inline_cache_hit_free(&hit);
        return false;
    }
    log_debug("inline %s: %s hit, %zu items", p->uri, hit.typed_through ? "typed-through" : "cache",
              hit.count);
    telemetry_cache_hit(p, &hit);
    reply_result(p, result_json(p, hit.texts, hit.attempt_ids, hit.count, hit.model));
    inline_cache_hit_free(&hit);
    return true;
}

static void on_wait_over(uv_timer_t *timer)
{
    struct pending *p = timer->data;
    /* The editor's other completion sources must not wait longer: answer with what
     * is there; the runs go on to fill the cache for the next keystroke. */
    reply_result(p, result_json(p, p->texts, p->attempts, p->result_count, p->model));
}

/* The document as the request saw it, or NULL (answered empty and closed) when it is
 * gone or changed since: a newer request will come. */
static struct document *current_document(struct pending *p)
{
    struct server *srv = p->srv;
    struct document *doc = document_store_get(server_documents(srv), p->uri);
    if (!server_config(srv) || !server_router(srv) || !doc || document_generation(doc) != p->generation) {
        reply_empty(p);
        pending_close(p);
        return NULL;
    }
    return doc;
}

/* Builds the task and answers what needs no backend: excluded files and cache hits.
 * Returns true when p is answered (and closed), false when it must go upstream. */
static bool answer_locally(struct pending *p)
{
    struct document *doc = current_document(p);
    if (!doc) return true;
    if (prepare(p, doc) < 0) {
        log_debug("inline %s: excluded by privacy globs, nothing sent", p->uri);
        reply_empty(p);
        pending_close(p);
        return true;
    }
    /* a cache hit answers at once: with the live next edit only, no model call */
    if (wants_next_edit(p)) inline_nes_live(&p->nes, p->srv, p->uri, p->pos);
    if (answer_from_cache(p, wanted_runs(p, server_config(p->srv)))) {
        pending_close(p);
        return true;
    }
    return false;
}

/* Starts the router runs for the prepared task: several candidates in one request
 * where the first target takes that, else one run per candidate. */
static void launch(struct pending *p)
{
    struct server *srv = p->srv;
    struct config *cfg = server_config(srv);
    struct router *router = server_router(srv);
    size_t runs = wanted_runs(p, cfg);
    static const struct route_callbacks callbacks = {
        .on_attempt = NULL, .on_text = on_text, .on_reset = on_reset, .on_done = on_done,
    };
    p->launching = true;
    if (wants_next_edit(p))
        inline_nes_start(&p->nes, srv, p->uri, p->pos, p->request_id, on_next_edit, p);
    p->asked = runs;
    if (runs > 1 && p->first_takes_n) {
        launch_choices(p, runs);
    } else {
        for (size_t i = 0; i < runs; i++) {
            struct run_slot *slot = &p->slots[p->slot_count++];
            slot->owner = p;
            p->task.candidate = (int)i;   /* each candidate samples differently (router copies the task) */
            slot->run = router_run(router, &p->task, p->request_id, &callbacks, slot);
            if (!slot->run) p->slots_done++;   /* could not start: no callback comes */
        }
    }
    p->launching = false;
    if (p->slots_done == p->slot_count && !inline_nes_waiting(&p->nes)) {
        finish(p);
        return;
    }
    if (p->kind == PENDING_COMPLETION && cfg->inline_opts.completion_wait_ms > 0) {
        /* The wait counts from the editor's request, debounce included. */
        uint64_t waited = uv_now(server_loop(srv)) - p->created_ms;
        uint64_t limit = (uint64_t)cfg->inline_opts.completion_wait_ms;
        if (waited >= limit) on_wait_over(&p->timer);
        else uv_timer_start(&p->timer, on_wait_over, limit - waited, 0);
    }
}

/* The debounce is over and no newer request superseded this one, so the document is
 * as the task was built from it (else it is answered empty). */
static void on_debounced(uv_timer_t *timer)
{
    struct pending *p = timer->data;
    if (current_document(p)) launch(p);
}

/* ---- requests ---- */

static bool switched_on(const struct inline_state *st, const char *uri)
{
    const cJSON *own = st->buffers ? cJSON_GetObjectItemCaseSensitive(st->buffers, uri) : NULL;
    return own ? cJSON_IsTrue(own) : !st->off;
}

static void handle(struct server *srv, struct rpc_request *req, const cJSON *params,
                   enum pending_kind kind)
{
    const char *uri = json_get_string(params, "textDocument.uri");
    struct lsp_position pos;
    if (!uri || !json_to_position(json_get(params, "position"), &pos)) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "%s needs textDocument.uri and position",
                        rpc_request_method(req));
        return;
    }
    long trigger_kind = 2;
    json_get_int(params, "context.triggerKind", &trigger_kind);
    /* inlineCompletion: 1 Invoked, 2 Automatic. completion: 1 Invoked (explicit), 2
     * trigger character, 3 re-trigger of an incomplete list: all automatic. */
    enum task_trigger trigger = (kind == PENDING_INLINE && trigger_kind == 1)
                                ? TRIGGER_INVOKED : TRIGGER_AUTOMATIC;
    struct config *cfg = server_config(srv);
    struct document *doc = document_store_get(server_documents(srv), uri);
    struct inline_state *st = state_of(srv);
    supersede(st, uri);
    if (!cfg || !server_router(srv)) {
        static bool said;
        if (!said) log_warn("inline completion: no model router available; answering without suggestions");
        said = true;
    }
    if (!cfg || !server_router(srv) || !cfg->inline_opts.enabled || !doc || !switched_on(st, uri)) {
        cJSON *empty = cJSON_CreateObject();
        if (kind == PENDING_COMPLETION) cJSON_AddBoolToObject(empty, "isIncomplete", false);
        cJSON_AddArrayToObject(empty, "items");
        rpc_reply(req, empty);
        return;
    }
    struct pending *p = pending_new(srv, req, kind, uri, pos, trigger, document_generation(doc));
    const cJSON *sel = json_get(params, "context.selectedCompletionInfo");
    const char *sel_text = json_get_string(sel, "text");
    if (kind == PENDING_INLINE && sel_text && json_to_range(json_get(sel, "range"), &p->selected_range)) {
        p->has_selected = true;
        p->selected_text = xstrdup(sel_text);
    }
    /* What needs no backend is answered at once, cache and typed-through hits
     * included. Only what goes upstream waits out the debounce on automatic triggers
     * of both methods: a burst of keystrokes costs one upstream request, not a string
     * of cancelled ones. */
    if (answer_locally(p)) return;
    if (trigger == TRIGGER_AUTOMATIC && cfg->inline_opts.debounce_ms > 0)
        uv_timer_start(&p->timer, on_debounced, (uint64_t)cfg->inline_opts.debounce_ms, 0);
    else
        launch(p);
}

static void handle_inline(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    handle(srv, req, params, PENDING_INLINE);
}

static void handle_completion(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    handle(srv, req, params, PENDING_COMPLETION);
}

/* arguments[0]: the item's attempt id (from its switchboard.accept command). */
static const char *attempt_argument(struct rpc_request *req, const cJSON *params, const char *command)
{
    const cJSON *args = json_get(params, "arguments");
    const cJSON *id = cJSON_IsArray(args) ? cJSON_GetArrayItem(args, 0) : NULL;
    if (!cJSON_IsString(id) || !id->valuestring[0]) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "%s: arguments[0] must be the attempt id of the item",
                        command);
        return NULL;
    }
    return id->valuestring;
}

void inline_command_accept(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *id = attempt_argument(req, params, "switchboard.accept");
    if (!id) return;
    retention_accept(state_of(srv)->retention, id);
    rpc_reply(req, NULL);
}

static void command_shown(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *id = attempt_argument(req, params, "switchboard.shown");
    if (!id) return;
    ledger_signal(server_ledger(srv), SIGNAL_SHOWN, id, -1, -1);
    rpc_reply(req, NULL);
}

static void command_rejected(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *id = attempt_argument(req, params, "switchboard.rejected");
    if (!id) return;
    retention_reject(state_of(srv)->retention, id);
    rpc_reply(req, NULL);
}

/* arguments: [attempt_id, chars]: chars = all characters accepted so far by word or
 * line (Unicode code points of the item's insertText). */
static void command_partial(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const char *id = attempt_argument(req, params, "switchboard.partialAccept");
    if (!id) return;
    const cJSON *chars = cJSON_GetArrayItem(json_get(params, "arguments"), 1);
    if (!cJSON_IsNumber(chars) || chars->valuedouble < 1 || chars->valuedouble > 1e9) {
        rpc_reply_error(req, RPC_INVALID_PARAMS,
                        "switchboard.partialAccept: arguments[1] must be the number of characters "
                        "accepted so far (a positive integer)");
        return;
    }
    long n = (long)chars->valuedouble;
    retention_partial(state_of(srv)->retention, id, n);
    rpc_reply(req, NULL);
}

static void publish_switch(struct server *srv, const struct inline_state *st)
{
    server_set_status_field(srv, "inline_enabled", cJSON_CreateBool(!st->off));
    server_set_status_field(srv, "inline_buffers",
                            st->buffers ? cJSON_Duplicate(st->buffers, 1) : cJSON_CreateObject());
}

/* [{enabled?, uri?}]: sets (or, without enabled, flips) suggestions for one buffer or,
 * without uri, for all; replies {"enabled": global, "uri"?, "uri_enabled"?}. */
void inline_command_toggle(struct server *srv, struct rpc_request *req, const cJSON *params)
{
    const cJSON *args = json_get(params, "arguments");
    const cJSON *opts = cJSON_IsArray(args) ? cJSON_GetArrayItem(args, 0) : NULL;
    if (opts && !cJSON_IsObject(opts)) {
        rpc_reply_error(req, RPC_INVALID_PARAMS, "switchboard.toggleInline: the argument must be {enabled?, uri?}");
        return;
    }
    const cJSON *enabled = json_get(opts, "enabled");
    const cJSON *uri = json_get(opts, "uri");
    if ((enabled && !cJSON_IsBool(enabled)) || (uri && (!cJSON_IsString(uri) || !uri->valuestring[0]))) {
        rpc_reply_error(req, RPC_INVALID_PARAMS,
                        "switchboard.toggleInline: enabled must be a boolean and uri a non-empty string");
        return;
    }
    struct inline_state *st = state_of(srv);
    if (uri) {
        bool on = enabled ? cJSON_IsTrue(enabled) : !switched_on(st, uri->valuestring);
        if (!st->buffers) st->buffers = cJSON_CreateObject();
        cJSON_DeleteItemFromObjectCaseSensitive(st->buffers, uri->valuestring);
        cJSON_AddBoolToObject(st->buffers, uri->valuestring, on);
        if (!on) supersede(st, uri->valuestring);
    } else {
        st->off = enabled ? !cJSON_IsTrue(enabled) : !st->off;
        /* The global switch is the user's latest word: buffers follow it again. */
        cJSON_Delete(st->buffers);
        st->buffers = NULL;
        while (st->off && st->pending) {
            struct pending *p = st->pending;
            reply_cancelled(p, "inline suggestions switched off");
            pending_close(p);
        }
    }
    publish_switch(srv, st);
    cJSON *result = cJSON_CreateObject();
    cJSON_AddBoolToObject(result, "enabled", !st->off);
    if (uri) {
        cJSON_AddStringToObject(result, "uri", uri->valuestring);
        cJSON_AddBoolToObject(result, "uri_enabled", switched_on(st, uri->valuestring));
    }
    rpc_reply(req, result);
    server_send_status(srv, NULL);
}

/* ---- feature hooks ---- */

static void add_capabilities(struct server *srv, cJSON *caps)
{
    cJSON_AddBoolToObject(caps, "inlineCompletionProvider", true);
    /* Editors with inline completion get ghost text only, not the same suggestion
     * twice; the others get AI items in their completion menu. */
    if (!server_client_capability(srv, "textDocument.inlineCompletion")) {
        cJSON *completion = cJSON_AddObjectToObject(caps, "completionProvider");
        cJSON_AddBoolToObject(completion, "resolveProvider", false);
    }
}

static void init(struct server *srv)
{
    publish_switch(srv, state_of(srv));
    struct router *router = server_router(srv);
    struct config *cfg = server_config(srv);
    if (router && cfg && cfg->inline_opts.enabled) router_warm_inline(router);
}

static void shutdown_feature(struct server *srv)
{
    struct inline_state *st = server_feature_state(srv, &inline_feature);
    if (!st) return;
    while (st->pending) {
        struct pending *p = st->pending;
        reply_cancelled(p, "server shutting down");
        pending_close(p);
    }
    inline_cache_free(st->cache);
    cJSON_Delete(st->buffers);
    retention_free(st->retention);
    free(st);
    server_set_feature_state(srv, &inline_feature, NULL);
}

static void document_changed(struct server *srv, struct document *doc)
{
    struct inline_state *st = server_feature_state(srv, &inline_feature);
    if (st) retention_document_changed(st->retention, doc);
}

static void document_will_change(struct server *srv, struct document *doc, const struct lsp_range *range,
                                 const char *text, size_t len)
{
    struct inline_state *st = server_feature_state(srv, &inline_feature);
    if (st) retention_will_change(st->retention, doc, range, text, len);
}

static void document_closed(struct server *srv, const char *uri)
{
    struct inline_state *st = server_feature_state(srv, &inline_feature);
    if (!st) return;
    supersede(st, uri);
    retention_document_closed(st->retention, uri);
    if (st->buffers && cJSON_GetObjectItemCaseSensitive(st->buffers, uri)) {
        cJSON_DeleteItemFromObjectCaseSensitive(st->buffers, uri);
        publish_switch(srv, st);
    }
}

static const struct lsp_method methods[] = {
    { "textDocument/inlineCompletion", handle_inline, NULL },
    { "textDocument/completion", handle_completion, NULL },
    { NULL, NULL, NULL },
};

static const struct lsp_command inline_commands[] = {
    { "switchboard.accept", inline_command_accept },
    { "switchboard.toggleInline", inline_command_toggle },
    { "switchboard.shown", command_shown },
    { "switchboard.partialAccept", command_partial },
    { "switchboard.rejected", command_rejected },
    { NULL, NULL },
};

const struct lsp_feature inline_feature = {
    .name = "inline",
    .methods = methods,
    .add_capabilities = add_capabilities,
    .init = init,
    .shutdown = shutdown_feature,
    .document_changed = document_changed,
    .document_closed = document_closed,
    .document_will_change = document_will_change,
    .commands = inline_commands,
};
