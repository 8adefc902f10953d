/* The ledger: one JSON line per upstream attempt, appended asynchronously (libuv fs
 * requests, never blocking the loop) to $XDG_STATE_HOME/switchboard/ledger.jsonl or
 * the configured path, with size-based rotation. Mode 0600. No source text and no
 * key is ever written: entries hold only the fields below.
 *
 * Line format (docs/ledger-and-stats.md, "The ledger"):
 * {"time":"2026-11-27T21:00:00.123Z","request_id":"7","attempt_id":"a1b2-3","task":"inline",
 *  "trigger":"automatic","language":"python","route":"routes[0]","model":"fast",
 *  "provider":"deepseek","attempt":1,"outcome":"ok","status":200,"first_token_ms":180,
 *  "total_ms":420,"tokens_in":812,"tokens_out":24,"tokens_cached":0,"tokens_reasoning":0,
 *  "estimated":false,"cost_usd":0.000237,"accepted":false}
 * ("language" is omitted when the editor did not say.)
 * Acceptance is a later line {"time":...,"accept":"<attempt_id>"} which readers fold
 * into the attempt's "accepted"; what the editor and the document did with an answer
 * afterwards (shown, partial, rejected, retained, applied, reverted, ...) are signal
 * lines, written by ledger_signal / ledger_offered (ledger/signals.h) and folded by
 * ledger_signals_fold. The runs of the extra candidates of one editor request carry
 * "candidate":k (k >= 1) after "attempt"; readers count them as that request. */
#ifndef LEDGER_LEDGER_H
#define LEDGER_LEDGER_H
#include <uv.h>
#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

struct ledger;

struct ledger_entry {
    int64_t time_ms;            /* wall clock, epoch ms */
    const char *request_id;
    const char *attempt_id;
    const char *task;           /* task kind name */
    const char *trigger;
    const char *language;       /* the document's language id; NULL/"" = none (not written) */
    const char *route;          /* rule label */
    const char *model;
    const char *provider;
    int attempt;                /* 1-based across the run */
    int candidate;              /* 0, or k for the k-th extra candidate an explicit inline
                                   trigger asked for (its own run, same request_id);
                                   written as "candidate" only when > 0 */
    int candidates;             /* how many candidates the one request asked for (the
                                   API's `n`, prompt billed once); written as
                                   "candidates" only when > 1 */
    const char *outcome;        /* ok, cancelled, timeout, rate_limited, overloaded, server_error,
                                   auth, quota, bad_request, context_length, budget, network */
    int status;
    long first_token_ms;        /* -1 when none */
    long total_ms;
    long tokens_in, tokens_out, tokens_cached, tokens_reasoning;
    bool estimated;
    double cost_usd;
    bool accepted;
};

/* path NULL = default location. Creates directories (0700) and the file (0600).
 * Returns NULL with a message in err when the path cannot be used. */
struct ledger *ledger_open(uv_loop_t *loop, const char *path, long max_bytes, int keep,
                           char *err, size_t errlen);
void ledger_record(struct ledger *ledger, const struct ledger_entry *entry);
/* The candidates of one request that asked for several at once (ledger_entry
 * candidates > 1) share its attempt; the editor's item for candidate K is named
 * "ATTEMPT#K". ledger_accept and ledger_signal take an attempt id or such an item id,
 * and write the attempt's id plus "candidate": K for the latter, so acceptance and
 * retention count per editor request and still say which candidate it was. */
char *ledger_item_id(const char *attempt_id, int candidate);   /* malloc'd */
/* The length of the attempt id that item_id starts with; *candidate gets K, or -1 when
 * item_id is a plain attempt id. */
size_t ledger_item_split(const char *item_id, int *candidate);
void ledger_accept(struct ledger *ledger, const char *attempt_id);
/* What happened to an answer after it was given (docs/ledger-and-stats.md "Signals"). */
enum ledger_signal {
    SIGNAL_SHOWN = 0,          /* the editor displayed the suggestion */
    SIGNAL_PARTIAL,            /* chars: cumulative characters accepted by word/line */
    SIGNAL_REJECTED,           /* dismissed or typed over */
    SIGNAL_RETAINED,           /* chars of the `of` accepted characters still there later */
    SIGNAL_OFFERED,            /* code actions listed (no attempt: see ledger_offered) */
    SIGNAL_APPLIED,            /* a code action's edit reached the document */
    SIGNAL_REVERTED,           /* ... and was undone or rewritten soon after */
    SIGNAL_FINDING_FIXED,      /* a review finding's range was edited, then it went away */
    SIGNAL_FINDING_DISMISSED,  /* a review finding went away untouched */
    SIGNAL_RETRY_STRONGER,     /* reserved: "Retry with <stronger model>" */
    SIGNAL_INVALID_ANSWER,     /* a cascade's validator refused the answer: the attempt's
                                * outcome is "invalid_answer" and the next target ran */
    SIGNAL_COUNT
};
/* "shown", "partial", ... ; NULL for an unknown kind. */
const char *ledger_signal_name(enum ledger_signal kind);
/* The kind named, or -1. */
int ledger_signal_parse(const char *name);

/* A signal line about an earlier attempt: {"time","signal":NAME,"attempt_id"} plus
 * "chars" when chars >= 0 and "of" when of >= 0 (partial: chars; retained: chars, of).
 * Counts only: never text. */
void ledger_signal(struct ledger *ledger, enum ledger_signal kind, const char *attempt_id,
                   long chars, long of);
/* The same acceptance and signal lines when the server inferred them from the
 * document (the editor reported nothing): "inferred":true is added. Readers fold them
 * as any other. */
void ledger_accept_inferred(struct ledger *ledger, const char *attempt_id);
void ledger_signal_inferred(struct ledger *ledger, enum ledger_signal kind, const char *attempt_id,
                            long chars);
/* {"time","signal":"offered","task","model","count"}: code actions listed in a menu
 * before any attempt exists. */
void ledger_offered(struct ledger *ledger, const char *task, const char *model, long count);
/* Spend so far (USD) since a wall-clock time, from this process and earlier ones
 * (the file is scanned once at open). Optional filters may be NULL. */
double ledger_spend_since(struct ledger *ledger, int64_t since_ms, const char *model,
                          const char *provider);
/* Flushes queued lines, then frees; run the loop until it returns to finish. */
void ledger_close(struct ledger *ledger);
/* fn (NULL: none) hears every line as it is queued, without its newline: attempts,
 * acceptances, signals. The router learns from them (router/quality.h) with the same
 * code that replays the file at start-up. One listener. */
typedef void (*ledger_listener_fn)(void *data, const char *line);
void ledger_set_listener(struct ledger *ledger, ledger_listener_fn fn, void *data);
/* The file the ledger appends to. */
const char *ledger_path(const struct ledger *ledger);
/* Default path: $XDG_STATE_HOME/switchboard/ledger.jsonl or ~/.local/state/... (malloc'd). */
char *ledger_default_path(void);
/* A new unique attempt id (malloc'd). */
char *ledger_new_attempt_id(void);

#endif
