/* Quality estimates for adaptive routing: per (task, language, model), how often what
 * the model delivered was kept, and what it cost. Folded from ledger lines (the same
 * JSON the ledger writes), both when the server starts (the recent ledger, replayed
 * off the event loop) and live (each line as it is written), so learning survives a
 * restart and the two paths cannot disagree.
 *
 * A delivered answer is an attempt with outcome "ok", one per editor request: the
 * extra candidates of an explicit inline trigger (lines with "candidate" > 0) are paid
 * for but are no deliveries of their own, and what the user does with one of them
 * counts for the request's first candidate (acceptance is per request, as in stats).
 * Its value is what the user did
 * with it (docs/routing.md "Adaptive"): accepted in full 1, only partly accepted 0.5,
 * a code action applied 1; then scaled by the share of the accepted characters still
 * in the document 30 s later ("retained"), and 0 when the action was reverted or the
 * user retried it on a stronger model. The estimate is the mean of a Beta(1, 1)
 * posterior: (value + 1) / (delivered + 2).
 *
 * Only counts, lengths, names and costs are read: no text is ever in a ledger line.
 * Pure data structure: no clock, no I/O; lookups never allocate. */
#ifndef ROUTER_QUALITY_H
#define ROUTER_QUALITY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct quality_table;

struct quality_estimate {
    double quality;            /* posterior mean of the value per delivered answer, (0, 1) */
    long delivered;            /* observations: answers delivered (ok attempts) */
    long accepted;             /* accepted in full (inline) or applied (actions) */
    long partial;              /* only partly accepted */
    double retained_chars;     /* accepted characters still there 30 s later */
    double cost_usd;           /* all attempts, failed ones included */
    double cost_per_request;   /* all spend / answers delivered; < 0 when none yet */
};

struct quality_table *quality_new(void);
void quality_free(struct quality_table *q);

/* Folds one ledger line (an attempt, an acceptance or a signal line) whose time is in
 * [since_ms, until_ms): older lines fall out of the window (models change), and a
 * replay stops where the live lines begin. Malformed lines are ignored. Returns true
 * when the line changed an estimate. */
bool quality_note_line(struct quality_table *q, const char *line, int64_t since_ms,
                       int64_t until_ms);

/* The estimate for (task, language, model); language NULL or "" matches lines that
 * had none. Returns false (and a prior-only estimate: quality 0.5, no observations)
 * when nothing was observed. */
bool quality_lookup(const struct quality_table *q, const char *task, const char *language,
                    const char *model, struct quality_estimate *out);

/* Number of (task, language, model) keys, for tests and `route`. */
size_t quality_key_count(const struct quality_table *q);

#endif
