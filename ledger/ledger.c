/* The ledger writer. Lines are queued in memory and written by one libuv fs request
 * at a time (never blocking the loop); whatever queued up while a write was in flight
 * goes out as the next batch. Before a batch that would take the file past max_bytes,
 * the file is rotated with a chain of async requests: close, rename PATH.(keep-1) ->
 * PATH.keep ... PATH -> PATH.1, open a fresh PATH (0600). Opening (directories, file,
 * the scan of earlier spend) is synchronous: it happens once, before serving, and
 * reads the files newest line first only as far back as a budget can look (its cost
 * is the window's lines, not the ledger's size). */
#include "ledger/ledger.h"
#include "ledger/ledger_read.h"
#include "ledger/ledger_scan.h"
#include "ledger/ledger_spend.h"
#include "ledger/ledger_tail.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY_MS (24LL * 3600 * 1000)
#define SPEND_HORIZON_MS (62 * DAY_MS)   /* longer than any budget window */
#define SPEND_PRUNE_EVERY 4096           /* buckets added between prunes */
/* How far back the open-time scan counts spend: the longest budget window is a local
 * calendar month, which starts at most 31 days and a time zone's offset ago. */
#define SPEND_SCAN_MS (33 * DAY_MS)
/* Lines are appended as attempts end, so times run backwards as the scan goes, but
 * not strictly (a long attempt ends after a short one that began later, and clocks
 * are set). The scan stops at the first attempt this much older than its window. */
#define SPEND_SCAN_SLACK_MS DAY_MS

struct pending {
    struct pending *next;
    char *line;                 /* with its newline */
    size_t len;
};

struct ledger {
    uv_loop_t *loop;
    char *path;
    long max_bytes;             /* <= 0: never rotate */
    int keep;
    uv_file fd;                 /* -1 after a failed reopen: lines are dropped */
    int64_t size;
    struct pending *head, *tail;
    uv_fs_t req;                /* the one request in flight */
    bool busy, closing;
    struct buf batch;           /* bytes being written */
    size_t batch_off;
    int rotate_step;            /* rename PATH.(step) -> PATH.(step+1); 0 means PATH itself */
    struct spend_table spend;
    size_t prune_at;            /* prune spend when it holds this many buckets */
    ledger_listener_fn listener;
    void *listener_data;
};

static void pump(struct ledger *l);

char *ledger_default_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    if (state && *state == '/') return xasprintf("%s/switchboard/ledger.jsonl", state);
    const char *home = getenv("HOME");
    return xasprintf("%s/.local/state/switchboard/ledger.jsonl", home && *home ? home : ".");
}

char *ledger_new_attempt_id(void)
{
    static unsigned counter;
    static unsigned long stamp;
    if (!stamp) {
        uv_timeval64_t tv;
        uv_gettimeofday(&tv);
        stamp = ((unsigned long)tv.tv_sec * 1000003UL) ^ ((unsigned long)tv.tv_usec << 8) ^
                (unsigned long)getpid();
        stamp &= 0xffffffffUL;
    }
    return xasprintf("%08lx-%u", stamp, ++counter);
}

/* mkdir -p for the parent directories of path, each created 0700. */
static int make_parents(const char *path, char *err, size_t errlen)
{
    char *dir = xstrdup(path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "ledger: cannot create directory %s: %s", dir, strerror(errno));
            free(dir);
            return -1;
        }
        *p = '/';
    }
    free(dir);
    return 0;
}

static uv_file open_file(uv_loop_t *loop, const char *path, uv_fs_cb cb, uv_fs_t *req)
{
    return uv_fs_open(loop, req, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600, cb);
}

struct spend_scan {
    struct spend_table *spend;
    int64_t since;          /* count attempts that ended at or after this */
    int64_t time_ms;        /* fields of the line being scanned */
    const char *model, *provider, *outcome;
    double cost;
};

static bool spend_field(void *data, const struct scan_field *f)
{
    struct spend_scan *s = data;
    if (f->type == SCAN_STRING) {
        if (strcmp(f->key, "time") == 0) s->time_ms = ledger_parse_time(f->str);
        else if (strcmp(f->key, "model") == 0) s->model = f->str;
        else if (strcmp(f->key, "provider") == 0) s->provider = f->str;
        else if (strcmp(f->key, "outcome") == 0) s->outcome = f->str;
    } else if (f->type == SCAN_NUMBER && strcmp(f->key, "cost_usd") == 0) {
        s->cost = f->num;
    }
    return true;
}

/* An attempt line (the fields ledger_parse_line requires: time, model, outcome) adds
 * its cost; acceptance, signal and foreign lines are skipped. */
static bool scan_line(void *data, char *line, size_t len)
{
    (void)len;
    struct spend_scan *s = data;
    s->time_ms = -1;
    s->model = s->provider = s->outcome = NULL;
    s->cost = 0;
    if (!ledger_scan_line(line, spend_field, s) || s->time_ms < 0 || !s->model || !*s->model ||
        !s->outcome || !*s->outcome)
        return true;
    if (s->time_ms < s->since - SPEND_SCAN_SLACK_MS) return false;
    if (s->time_ms >= s->since)
        spend_add(s->spend, s->time_ms, s->model, s->provider ? s->provider : "", s->cost);
    return true;
}

struct ledger *ledger_open(uv_loop_t *loop, const char *path, long max_bytes, int keep,
                           char *err, size_t errlen)
{
    char *resolved = path && *path ? xstrdup(path) : ledger_default_path();
    if (make_parents(resolved, err, errlen) != 0) {
        free(resolved);
        return NULL;
    }
    uv_fs_t req;
    uv_file fd = open_file(loop, resolved, NULL, &req);
    uv_fs_req_cleanup(&req);
    if (fd < 0) {
        snprintf(err, errlen, "ledger: cannot open %s: %s", resolved, uv_strerror(fd));
        free(resolved);
        return NULL;
    }
    struct ledger *l = xcalloc(1, sizeof *l);
    l->loop = loop;
    l->path = resolved;
    l->max_bytes = max_bytes;
    l->keep = keep < 0 ? 0 : keep;
    l->fd = fd;
    struct stat st;
    if (fstat(fd, &st) == 0) {
        l->size = (int64_t)st.st_size;
        if ((st.st_mode & 077) && fchmod(fd, 0600) != 0)   /* an older, looser file */
            log_warn("ledger: cannot restrict %s to mode 0600: %s", resolved, strerror(errno));
    }
    l->req.data = l;
    uv_timeval64_t now;
    uv_gettimeofday(&now);
    struct spend_scan scan = { .spend = &l->spend, .since = now.tv_sec * 1000LL - SPEND_SCAN_MS };
    ledger_read_newest_first(l->path, l->size, scan_line, &scan);
    l->prune_at = l->spend.count + SPEND_PRUNE_EVERY;
    return l;
}

static void add_string(cJSON *obj, const char *name, const char *value)
{
    cJSON_AddStringToObject(obj, name, value ? value : "");
}

/* One ledger line (docs/ledger-and-stats.md, "The ledger"), fields in a fixed order. */
static char *format_entry(const struct ledger_entry *e)
{
    char when[32];
    ledger_format_time(e->time_ms, when);
    cJSON *o = cJSON_CreateObject();
    add_string(o, "time", when);
    add_string(o, "request_id", e->request_id);
    add_string(o, "attempt_id", e->attempt_id);
    add_string(o, "task", e->task);
    add_string(o, "trigger", e->trigger);
    if (e->language && *e->language) add_string(o, "language", e->language);
    add_string(o, "route", e->route);
    add_string(o, "model", e->model);
    add_string(o, "provider", e->provider);
    cJSON_AddNumberToObject(o, "attempt", e->attempt);
    if (e->candidate > 0) cJSON_AddNumberToObject(o, "candidate", e->candidate);
    if (e->candidates > 1) cJSON_AddNumberToObject(o, "candidates", e->candidates);
    add_string(o, "outcome", e->outcome);
    cJSON_AddNumberToObject(o, "status", e->status);
    if (e->first_token_ms >= 0) cJSON_AddNumberToObject(o, "first_token_ms", (double)e->first_token_ms);
    else cJSON_AddNullToObject(o, "first_token_ms");
    cJSON_AddNumberToObject(o, "total_ms", (double)e->total_ms);
    cJSON_AddNumberToObject(o, "tokens_in", (double)e->tokens_in);
    cJSON_AddNumberToObject(o, "tokens_out", (double)e->tokens_out);
    cJSON_AddNumberToObject(o, "tokens_cached", (double)e->tokens_cached);
    cJSON_AddNumberToObject(o, "tokens_reasoning", (double)e->tokens_reasoning);
    cJSON_AddBoolToObject(o, "estimated", e->estimated);
    cJSON_AddNumberToObject(o, "cost_usd", e->cost_usd);
    cJSON_AddBoolToObject(o, "accepted", e->accepted);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

const char *ledger_path(const struct ledger *l)
{
    return l ? l->path : NULL;
}

void ledger_set_listener(struct ledger *l, ledger_listener_fn fn, void *data)
{
    if (!l) return;
    l->listener = fn;
    l->listener_data = data;
}

static void enqueue(struct ledger *l, char *text)
{
    if (l->listener) l->listener(l->listener_data, text);
    struct pending *p = xcalloc(1, sizeof *p);
    p->len = strlen(text);
    p->line = xmalloc(p->len + 2);
    memcpy(p->line, text, p->len);
    p->line[p->len++] = '\n';
    p->line[p->len] = '\0';
    free(text);
    if (l->tail) l->tail->next = p;
    else l->head = p;
    l->tail = p;
    pump(l);
}

void ledger_record(struct ledger *l, const struct ledger_entry *e)
{
    if (!l || !e) return;
    if (l->closing) {
        log_warn("ledger closing: attempt %s not recorded", e->attempt_id ? e->attempt_id : "?");
        return;
    }
    spend_add(&l->spend, e->time_ms, e->model, e->provider, e->cost_usd);
    if (l->spend.count >= l->prune_at) {   /* a server that runs for months */
        spend_prune(&l->spend, e->time_ms - SPEND_HORIZON_MS);
        l->prune_at = l->spend.count + SPEND_PRUNE_EVERY;
    }
    enqueue(l, format_entry(e));
}

/* A line that starts with the current time; the caller adds its fields. */
static cJSON *timed_line(void)
{
    uv_timeval64_t now;
    uv_gettimeofday(&now);
    char when[32];
    ledger_format_time(now.tv_sec * 1000LL + now.tv_usec / 1000, when);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "time", when);
    return o;
}

static void enqueue_json(struct ledger *l, cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    enqueue(l, text);
}

char *ledger_item_id(const char *attempt_id, int candidate)
{
    return xasprintf("%s#%d", attempt_id, candidate);
}

size_t ledger_item_split(const char *item_id, int *candidate)
{
    const char *hash = strrchr(item_id, '#');
    char *end = NULL;
    long k = hash && hash[1] ? strtol(hash + 1, &end, 10) : -1;
    if (!hash || !end || *end || k < 0 || k >= 64) {   /* plain (or not ours): the whole id */
        *candidate = -1;
        return strlen(item_id);
    }
    *candidate = (int)k;
    return (size_t)(hash - item_id);
}

/* name: the attempt's id part of item_id, then "candidate" when it named one. */
static void add_item_id(cJSON *o, const char *name, const char *item_id)
{
    int candidate;
    size_t len = ledger_item_split(item_id, &candidate);
    char *attempt = xstrndup(item_id, len);
    cJSON_AddStringToObject(o, name, attempt);
    free(attempt);
    if (candidate >= 0) cJSON_AddNumberToObject(o, "candidate", candidate);
}

static void accept_line(struct ledger *l, const char *attempt_id, bool inferred)
{
    if (!l || !attempt_id || l->closing) return;
    cJSON *o = timed_line();
    add_item_id(o, "accept", attempt_id);
    if (inferred) cJSON_AddBoolToObject(o, "inferred", true);
    enqueue_json(l, o);
}

void ledger_accept(struct ledger *l, const char *attempt_id) { accept_line(l, attempt_id, false); }
void ledger_accept_inferred(struct ledger *l, const char *attempt_id) { accept_line(l, attempt_id, true); }

static const char *const signal_names[SIGNAL_COUNT] = {
    "shown", "partial", "rejected", "retained", "offered", "applied", "reverted",
    "finding_fixed", "finding_dismissed", "retry_stronger", "invalid_answer",
};

const char *ledger_signal_name(enum ledger_signal kind)
{
    return (unsigned)kind < SIGNAL_COUNT ? signal_names[kind] : NULL;
}

int ledger_signal_parse(const char *name)
{
    for (int i = 0; name && i < SIGNAL_COUNT; i++)
        if (strcmp(name, signal_names[i]) == 0) return i;
    return -1;
}

static void signal_line(struct ledger *l, enum ledger_signal kind, const char *attempt_id,
                        long chars, long of, bool inferred)
{
    if (!l || !attempt_id || !*attempt_id || l->closing || !ledger_signal_name(kind) ||
        kind == SIGNAL_OFFERED)
        return;
    cJSON *o = timed_line();
    cJSON_AddStringToObject(o, "signal", ledger_signal_name(kind));
    add_item_id(o, "attempt_id", attempt_id);
    if (chars >= 0) cJSON_AddNumberToObject(o, "chars", (double)chars);
    if (of >= 0) cJSON_AddNumberToObject(o, "of", (double)of);
    if (inferred) cJSON_AddBoolToObject(o, "inferred", true);
    enqueue_json(l, o);
}

void ledger_signal(struct ledger *l, enum ledger_signal kind, const char *attempt_id,
                   long chars, long of)
{
    signal_line(l, kind, attempt_id, chars, of, false);
}

void ledger_signal_inferred(struct ledger *l, enum ledger_signal kind, const char *attempt_id,
                            long chars)
{
    signal_line(l, kind, attempt_id, chars, -1, true);
}

void ledger_offered(struct ledger *l, const char *task, const char *model, long count)
{
    if (!l || l->closing || !task || !model) return;
    cJSON *o = timed_line();
    cJSON_AddStringToObject(o, "signal", "offered");
    cJSON_AddStringToObject(o, "task", task);
    cJSON_AddStringToObject(o, "model", model);
    cJSON_AddNumberToObject(o, "count", (double)count);
    enqueue_json(l, o);
}

double ledger_spend_since(struct ledger *l, int64_t since_ms, const char *model,
                          const char *provider)
{
    return l ? spend_sum(&l->spend, since_ms, model, provider) : 0;
}

/* ---- the write / rotate / close state machine ---- */

static void free_ledger(struct ledger *l)
{
    while (l->head) {
        struct pending *p = l->head;
        l->head = p->next;
        free(p->line);
        free(p);
    }
    buf_free(&l->batch);
    spend_free(&l->spend);
    free(l->path);
    free(l);
}

static void on_write(uv_fs_t *req)
{
    struct ledger *l = req->data;
    ssize_t written = req->result;
    uv_fs_req_cleanup(req);
    if (written < 0) {
        log_error("ledger: write to %s failed: %s; %zu bytes lost", l->path,
                  uv_strerror((int)written), l->batch.len - l->batch_off);
        written = (ssize_t)(l->batch.len - l->batch_off);
    } else {
        l->size += written;
    }
    l->batch_off += (size_t)written;
    if (l->batch_off < l->batch.len) {   /* short write: send the rest */
        uv_buf_t b = uv_buf_init(l->batch.data + l->batch_off, (unsigned)(l->batch.len - l->batch_off));
        uv_fs_write(l->loop, &l->req, l->fd, &b, 1, -1, on_write);
        return;
    }
    buf_reset(&l->batch);
    l->batch_off = 0;
    l->busy = false;
    pump(l);
}

static void on_reopen(uv_fs_t *req)
{
    struct ledger *l = req->data;
    l->fd = (uv_file)req->result;
    uv_fs_req_cleanup(req);
    if (l->fd < 0) log_error("ledger: cannot reopen %s after rotation: %s", l->path, uv_strerror(l->fd));
    l->size = 0;
    l->busy = false;
    pump(l);
}

static void rotate_next(struct ledger *l);

static void on_rotate_step(uv_fs_t *req)
{
    struct ledger *l = req->data;
    if (req->result < 0 && req->result != UV_ENOENT)
        log_warn("ledger: rotating %s: %s", l->path, uv_strerror((int)req->result));
    uv_fs_req_cleanup(req);
    l->rotate_step--;
    rotate_next(l);
}

static void rotate_next(struct ledger *l)
{
    if (l->rotate_step < 0) {
        open_file(l->loop, l->path, on_reopen, &l->req);
        return;
    }
    char *from = l->rotate_step ? xasprintf("%s.%d", l->path, l->rotate_step) : xstrdup(l->path);
    char *to = xasprintf("%s.%d", l->path, l->rotate_step + 1);
    uv_fs_rename(l->loop, &l->req, from, to, on_rotate_step);
    free(from);
    free(to);
}

static void on_rotate_close(uv_fs_t *req)
{
    struct ledger *l = req->data;
    uv_fs_req_cleanup(req);
    l->fd = -1;
    if (l->keep == 0) {   /* nothing kept: remove the file, then start a new one */
        l->rotate_step = 0;
        uv_fs_unlink(l->loop, &l->req, l->path, on_rotate_step);
        return;
    }
    l->rotate_step = l->keep - 1;
    rotate_next(l);
}

static void on_final_close(uv_fs_t *req)
{
    struct ledger *l = req->data;
    uv_fs_req_cleanup(req);
    free_ledger(l);
}

/* Moves queued lines into the batch while they fit under max_bytes. Returns false
 * when the first queued line does not fit (rotation needed). */
static bool fill_batch(struct ledger *l)
{
    while (l->head) {
        struct pending *p = l->head;
        int64_t after = l->size + (int64_t)l->batch.len + (int64_t)p->len;
        bool empty = l->size == 0 && l->batch.len == 0;   /* an oversize line still goes in */
        if (l->max_bytes > 0 && after > l->max_bytes && !empty) break;
        buf_append(&l->batch, p->line, p->len);
        l->head = p->next;
        if (!l->head) l->tail = NULL;
        free(p->line);
        free(p);
    }
    return l->batch.len > 0;
}

static void pump(struct ledger *l)
{
    if (l->busy) return;
    if (l->fd < 0) {   /* the file is gone; drop rather than grow without bound */
        while (l->head) {
            struct pending *p = l->head;
            l->head = p->next;
            free(p->line);
            free(p);
        }
        l->tail = NULL;
        if (l->closing) free_ledger(l);
        return;
    }
    if (!l->head) {
        if (l->closing) {
            l->busy = true;
            uv_fs_close(l->loop, &l->req, l->fd, on_final_close);
        }
        return;
    }
    l->busy = true;
    if (!fill_batch(l)) {
        uv_fs_close(l->loop, &l->req, l->fd, on_rotate_close);
        return;
    }
    uv_buf_t b = uv_buf_init(l->batch.data, (unsigned)l->batch.len);
    l->batch_off = 0;
    int rc = uv_fs_write(l->loop, &l->req, l->fd, &b, 1, -1, on_write);
    if (rc < 0) {   /* not submitted: the callback will not run */
        l->req.result = rc;
        on_write(&l->req);
    }
}

void ledger_close(struct ledger *l)
{
    if (!l || l->closing) return;
    l->closing = true;
    pump(l);
}
