/* Circuit breaker state machine (see breaker.h). */
#include "router/breaker.h"
#include <string.h>

void breaker_init(struct breaker *b) { memset(b, 0, sizeof *b); }

const char *breaker_state_name(enum breaker_state state)
{
    switch (state) {
    case BREAKER_OPEN: return "open";
    case BREAKER_HALF_OPEN: return "half-open";
    default: return "closed";
    }
}

enum breaker_state breaker_state_at(const struct breaker *b, uint64_t now)
{
    if (b->state == BREAKER_OPEN && now >= b->open_until) return BREAKER_HALF_OPEN;
    return b->state;
}

bool breaker_allows(const struct breaker *b, uint64_t now, uint64_t *retry_at)
{
    if (retry_at) *retry_at = 0;
    switch (breaker_state_at(b, now)) {
    case BREAKER_CLOSED:
        return true;
    case BREAKER_OPEN:
        if (retry_at) *retry_at = b->open_until;
        return false;
    case BREAKER_HALF_OPEN:
        /* Only one trial: the slot is taken only once a request actually starts. */
        return b->state == BREAKER_OPEN || !b->trial_in_flight;
    }
    return true;
}

bool breaker_on_start(struct breaker *b, uint64_t now)
{
    if (breaker_state_at(b, now) != BREAKER_HALF_OPEN || b->trial_in_flight) return false;
    b->state = BREAKER_HALF_OPEN;
    b->trial_in_flight = true;
    return true;
}

static void clear_window(struct breaker *b)
{
    memset(b->bucket_start, 0, sizeof b->bucket_start);
    memset(b->bucket_requests, 0, sizeof b->bucket_requests);
    memset(b->bucket_failures, 0, sizeof b->bucket_failures);
}

static void open_breaker(struct breaker *b, const struct breaker_settings *s, uint64_t now)
{
    b->state = BREAKER_OPEN;
    b->open_until = now + (uint64_t)(s->cooldown_ms > 0 ? s->cooldown_ms : 0);
    b->trial_in_flight = false;
    b->consecutive_failures = 0;
    clear_window(b);
}

static void close_breaker(struct breaker *b)
{
    b->state = BREAKER_CLOSED;
    b->trial_in_flight = false;
    b->consecutive_failures = 0;
    b->open_until = 0;
    clear_window(b);
}

/* Counts the outcome in its time bucket; returns whether the rate rule trips. */
static bool count_in_window(struct breaker *b, const struct breaker_settings *s, uint64_t now,
                            bool success)
{
    if (s->window_ms <= 0 || s->min_requests <= 0 || s->failure_rate <= 0) return false;
    uint64_t width = (uint64_t)s->window_ms / BREAKER_BUCKETS;
    if (width == 0) width = 1;
    uint64_t slot_start = now - now % width;
    int i = (int)((now / width) % BREAKER_BUCKETS);
    if (b->bucket_start[i] != slot_start) {   /* stale bucket from an older lap */
        b->bucket_start[i] = slot_start;
        b->bucket_requests[i] = 0;
        b->bucket_failures[i] = 0;
    }
    b->bucket_requests[i]++;
    if (!success) b->bucket_failures[i]++;
    int requests = 0, failures = 0;
    uint64_t oldest = now >= (uint64_t)s->window_ms ? now - (uint64_t)s->window_ms : 0;
    for (int k = 0; k < BREAKER_BUCKETS; k++) {
        if (b->bucket_requests[k] == 0 || b->bucket_start[k] + width <= oldest) continue;
        requests += b->bucket_requests[k];
        failures += b->bucket_failures[k];
    }
    return requests >= s->min_requests && (double)failures >= s->failure_rate * requests;
}

void breaker_on_result(struct breaker *b, const struct breaker_settings *s, uint64_t now,
                       bool success, bool trial)
{
    if (b->state != BREAKER_CLOSED) {
        if (!trial) return;   /* a late result from before it opened */
        if (success) close_breaker(b);
        else open_breaker(b, s, now);
        return;
    }
    bool rate_trips = count_in_window(b, s, now, success);
    if (success) {
        b->consecutive_failures = 0;
        return;
    }
    b->consecutive_failures++;
    if ((s->failure_threshold > 0 && b->consecutive_failures >= s->failure_threshold) || rate_trips)
        open_breaker(b, s, now);
}

void breaker_on_abandon(struct breaker *b, bool trial)
{
    if (trial && b->state == BREAKER_HALF_OPEN) b->trial_in_flight = false;
}
