/* Retry policy: what to do after a failed attempt, and how long to wait.
 *
 * Delays use exponential backoff with full jitter, random(0, min(cap, base * 2^n))
 * for the n-th retry (n from 0), so clients never synchronise into waves. A server's
 * own delay (retry-after and friends, already parsed by the adapter into
 * retry_after_ms) is honoured exactly when it is at most max_server_delay_ms; a longer
 * one means "not this target for now". Pure functions: the random draw is passed in. */
#ifndef ROUTER_BACKOFF_H
#define ROUTER_BACKOFF_H
#include "providers/provider.h"
#include "config/config.h"
#include <stdbool.h>

enum retry_action {
    RETRY_SAME = 0,   /* transient: retry this target after a delay (if retries remain) */
    RETRY_NEXT,       /* not worth repeating here: go to the next target at once */
    RETRY_STOP,       /* give up the run (cancelled) */
};

/* quota, billing, auth and bad_request are never retried (RETRY_NEXT: another
 * provider may still serve); context_length goes to the next (larger) target;
 * timeouts go to the next target too (a slow target stays slow). */
enum retry_action retry_action_for(enum provider_error_class cls);
/* Whether a failure of this class counts against the target's circuit breaker.
 * Rate limits have their own cooldown; bad requests and context length are the
 * task's fault, not the target's. */
bool error_counts_against_target(enum provider_error_class cls);

/* Full-jitter backoff for the retry-th retry (0-based); u01 in [0, 1). */
long backoff_delay_ms(const struct retry_settings *s, int retry, double u01);
/* Delay before retrying the same target after err: the server's hint when present
 * and <= max_server_delay_ms, else backoff. Returns -1 when the server asked for
 * longer than max_server_delay_ms (do not retry this target now). */
long retry_delay_ms(const struct retry_settings *s, const struct provider_error *err, int retry,
                    double u01);

#endif
