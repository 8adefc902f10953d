/* Circuit breaker for one model target. Closed: requests flow and outcomes are
 * counted. It opens after failure_threshold consecutive failures, or when at least
 * min_requests finished within window_ms and failure_rate of them failed. While open
 * the target is skipped (no request, no added latency). After cooldown_ms exactly one
 * trial request is let through (half-open); its success closes the breaker, its
 * failure opens it again for another cooldown.
 *
 * All state is fixed-size (the rate window is a ring of time buckets), so the breaker
 * never allocates. Time is passed in (milliseconds, any epoch) so tests control it. */
#ifndef ROUTER_BREAKER_H
#define ROUTER_BREAKER_H
#include "config/config.h"
#include <stdbool.h>
#include <stdint.h>

enum breaker_state { BREAKER_CLOSED = 0, BREAKER_OPEN, BREAKER_HALF_OPEN };

#define BREAKER_BUCKETS 10

struct breaker {
    enum breaker_state state;
    int consecutive_failures;
    uint64_t open_until;       /* OPEN: when the trial becomes allowed */
    bool trial_in_flight;      /* HALF_OPEN: the single trial has been started */
    /* Rate window: BREAKER_BUCKETS buckets of window_ms / BREAKER_BUCKETS each. */
    uint64_t bucket_start[BREAKER_BUCKETS];
    int bucket_requests[BREAKER_BUCKETS];
    int bucket_failures[BREAKER_BUCKETS];
};

void breaker_init(struct breaker *b);
/* The state as seen at `now`: an OPEN breaker whose cooldown has passed reads
 * HALF_OPEN (its trial is available). */
enum breaker_state breaker_state_at(const struct breaker *b, uint64_t now);
const char *breaker_state_name(enum breaker_state state);   /* "closed" "open" "half-open" */
/* May a request start now? False while open, or half-open with the trial taken.
 * *retry_at (may be NULL) gets when it may, for explanations (0 = unknown). */
bool breaker_allows(const struct breaker *b, uint64_t now, uint64_t *retry_at);
/* A request starts (call only when breaker_allows said yes). Returns true when it
 * is the half-open trial; pass that back to breaker_on_result / breaker_on_abandon. */
bool breaker_on_start(struct breaker *b, uint64_t now);
/* A request finished: success, or a failure that counts against the target. Results
 * of requests started before the breaker opened (trial false while it is open or
 * half-open) are ignored: only the trial decides. */
void breaker_on_result(struct breaker *b, const struct breaker_settings *s, uint64_t now,
                       bool success, bool trial);
/* A request ended without a verdict (cancelled, or an error that says nothing about
 * the target's health): frees the trial slot so another trial can run. */
void breaker_on_abandon(struct breaker *b, bool trial);

#endif
