/* The ledger folded per attempt: each attempt line with what happened to its answer
 * afterwards (acceptance and signal lines, docs/ledger-and-stats.md "Signals"). The one
 * reader that stats and adaptive routing share, so both count the same way.
 *
 * Folding reads the current file and its rotated predecessors (oldest first), keeps
 * the attempts at or after `since_ms`, folds every acceptance and signal line into the
 * attempt with its attempt_id (wherever in the files it is; a signal for an attempt
 * outside the window or unknown is ignored), then calls back once per attempt in file
 * order, and once per "offered" line in the window. Lines that are not ledger lines
 * (a torn last line, foreign text) are skipped. Synchronous; no global state, so it
 * may run on a pool thread. A 100 MB ledger folds in a fraction of a second
 * (bench/ledger.c): lines are scanned in place without a JSON tree. */
#ifndef LEDGER_SIGNALS_H
#define LEDGER_SIGNALS_H
#include "ledger/ledger.h"
#include <stdbool.h>
#include <stdint.h>

struct signal_record {
    struct ledger_entry entry;   /* the attempt line, entry.accepted folded in; strings
                                    (never NULL, "" when absent) valid during the callback */
    bool shown;                  /* a "shown" line came */
    bool rejected;
    long partial_chars;          /* the largest "chars" of its partial lines; 0 when none */
    bool retained_known;         /* a "retained" line came (the last one counts): */
    long retained_chars, retained_of;
    bool applied, reverted;      /* code actions */
    long findings_fixed, findings_dismissed;   /* review: one line per finding */
    bool retry_stronger;
};

struct signal_offer {
    int64_t time_ms;
    const char *task, *model;    /* valid during the callback */
    long count;
};

struct signal_fold_callbacks {
    void (*attempt)(void *data, const struct signal_record *record);   /* may be NULL */
    void (*offered)(void *data, const struct signal_offer *offer);     /* may be NULL */
};

/* path NULL = the default ledger path. Returns the number of files read (0 when none
 * exists: an empty fold, not an error). */
int ledger_signals_fold(const char *path, int64_t since_ms, const struct signal_fold_callbacks *cb,
                        void *data);

/* Folds one line at a time from memory (tests, and readers with their own files):
 * begin, feed lines (writable, without newline), then end calls back and frees. */
struct signal_fold;
struct signal_fold *signal_fold_begin(int64_t since_ms);
void signal_fold_line(struct signal_fold *fold, char *line);
void signal_fold_end(struct signal_fold *fold, const struct signal_fold_callbacks *cb, void *data);

#endif
