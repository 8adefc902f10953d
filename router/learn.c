/* Learning from the ledger (router.h router_learn): the replay of the recent ledger
 * and the live feed of new lines, both folded by quality_note_line.
 *
 * The two must not count a line twice or miss one. The replay takes lines strictly
 * before its cut-off (the time it started); everything written from then on reaches
 * the listener, which, while the replay runs, only keeps the lines (in order) and
 * folds them after the replayed table is in place. So a signal written during the
 * replay for an attempt the replay reads still finds its attempt. */
#include "router/router_int.h"
#include "ledger/ledger_read.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define LEARN_WINDOW_MS ((int64_t)LEARN_WINDOW_DAYS * 24 * 3600 * 1000)
#define HELD_LINES_MAX 100000   /* lines written during one replay; more are dropped */

struct held_line {
    struct held_line *next;
    char text[];
};

struct learn_job {
    uv_work_t work;
    struct router *router;           /* NULL once the router is freed */
    atomic_bool stop;                /* set with router = NULL: the replay gives up */
    char *path;
    int64_t since, until;
    struct quality_table *table;     /* built off the loop */
    struct held_line *head, *tail;   /* lines written while it runs */
    size_t held, dropped;
};

/* Lines before the window are skipped on their time alone, without parsing them: a
 * ledger of many months costs its window's lines, not its size. An exiting server
 * does not wait for the replay to finish reading. */
static bool replay_line(void *data, const char *line)
{
    struct learn_job *job = data;
    if (atomic_load_explicit(&job->stop, memory_order_relaxed)) return false;
    int64_t t = ledger_line_time(line);
    if (t >= 0 && t < job->since) return true;
    quality_note_line(job->table, line, job->since, job->until);
    return true;
}

static void replay(struct learn_job *job)
{
    ledger_read_all_while(job->path, replay_line, job);
}

static void on_work(uv_work_t *w)
{
    replay(w->data);
}

static void free_job(struct learn_job *job)
{
    while (job->head) {
        struct held_line *h = job->head;
        job->head = h->next;
        free(h);
    }
    quality_free(job->table);
    free(job->path);
    free(job);
}

/* On the loop: the replayed table replaces the live one, then the held lines. */
static void install(struct learn_job *job)
{
    struct router *r = job->router;
    quality_free(r->quality);
    r->quality = job->table;
    job->table = NULL;
    r->state.quality = r->quality;
    r->learning = NULL;
    for (struct held_line *h = job->head; h; h = h->next)
        quality_note_line(r->quality, h->text, job->since, INT64_MAX);
    if (job->dropped)
        log_warn("adaptive: %zu ledger lines written during the replay were not learned", job->dropped);
    log_info("adaptive: learned %zu (task, language, model) estimates from %s",
             quality_key_count(r->quality), job->path);
}

static void on_done(uv_work_t *w, int status)
{
    struct learn_job *job = w->data;
    if (job->router && status == 0) install(job);
    else if (job->router) job->router->learning = NULL;
    free_job(job);
}

static void on_line(void *data, const char *line)
{
    struct router *r = data;
    struct learn_job *job = r->learning;
    if (!job) {
        quality_note_line(r->quality, line, 0, INT64_MAX);
        return;
    }
    if (job->held >= HELD_LINES_MAX) {
        job->dropped++;
        return;
    }
    size_t len = strlen(line);
    struct held_line *h = xmalloc(sizeof *h + len + 1);
    memcpy(h->text, line, len + 1);
    h->next = NULL;
    if (job->tail) job->tail->next = h;
    else job->head = h;
    job->tail = h;
    job->held++;
}

void router_listen(struct router *r)
{
    if (r->ledger) ledger_set_listener(r->ledger, on_line, r);
}

void router_learn_detach(struct router *r)
{
    if (r->ledger) ledger_set_listener(r->ledger, NULL, NULL);
    if (r->learning) {   /* its table is freed when it ends */
        r->learning->router = NULL;
        atomic_store(&r->learning->stop, true);
    }
    r->learning = NULL;
}

void router_learn(struct router *r, bool background)
{
    const char *path = ledger_path(r->ledger);
    if (!path || r->learning) return;
    struct learn_job *job = xcalloc(1, sizeof *job);
    job->router = r;
    job->path = xstrdup(path);
    job->until = (int64_t)router_now(r);
    job->since = job->until - LEARN_WINDOW_MS;
    job->table = quality_new();
    job->work.data = job;
    r->learning = job;
    if (background && uv_queue_work(r->loop, &job->work, on_work, on_done) == 0) return;
    replay(job);
    on_done(&job->work, 0);
}

bool router_learning(const struct router *r)
{
    return r->learning != NULL;
}
