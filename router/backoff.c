/* Retry policy and backoff arithmetic (see backoff.h). */
#include "router/backoff.h"

enum retry_action retry_action_for(enum provider_error_class cls)
{
    switch (cls) {
    case PERR_RATE_LIMITED:
    case PERR_OVERLOADED:
    case PERR_SERVER:
    case PERR_NETWORK:
        return RETRY_SAME;
    case PERR_CANCELLED:
        return RETRY_STOP;
    default:   /* timeout, auth, quota, bad_request, context_length */
        return RETRY_NEXT;
    }
}

bool error_counts_against_target(enum provider_error_class cls)
{
    switch (cls) {
    case PERR_OVERLOADED:
    case PERR_SERVER:
    case PERR_NETWORK:
    case PERR_TIMEOUT:
    case PERR_AUTH:
    case PERR_QUOTA:
        return true;
    default:
        return false;
    }
}

long backoff_delay_ms(const struct retry_settings *s, int retry, double u01)
{
    double base = s->base_ms > 0 ? (double)s->base_ms : 0;
    double cap = s->cap_ms > 0 ? (double)s->cap_ms : base;
    double ceiling = base;
    for (int i = 0; i < retry && ceiling < cap; i++) ceiling *= 2;   /* no overflow: stops at cap */
    if (ceiling > cap) ceiling = cap;
    if (u01 < 0) u01 = 0;
    if (u01 >= 1) u01 = 0.999999;
    return (long)(u01 * ceiling);
}

long retry_delay_ms(const struct retry_settings *s, const struct provider_error *err, int retry,
                    double u01)
{
    if (err && err->retry_after_ms >= 0) {
        if (err->retry_after_ms > s->max_server_delay_ms) return -1;
        return err->retry_after_ms;
    }
    return backoff_delay_ms(s, retry, u01);
}
