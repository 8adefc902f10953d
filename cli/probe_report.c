/* Plain-words report of one probe (see probe_report.h). */
#include "cli/probe_report.h"
#include <stdio.h>

static void status_text(int status, char *out, size_t len)
{
    if (status) snprintf(out, len, " (%d)", status);
    else out[0] = '\0';
}

static void describe_error(const struct probe_outcome *o, char *out, size_t len)
{
    const struct provider_error *e = &o->error;
    char st[16];
    status_text(e->status, st, sizeof st);
    const char *p = o->provider ? o->provider : "?";
    const char *msg = e->message[0] ? e->message : o->detail;
    switch (e->cls) {
    case PERR_AUTH:
        if (o->key_source && e->status)
            snprintf(out, len, "%s: key in %s rejected%s", p, o->key_source, st);
        else if (o->key_source)
            snprintf(out, len, "%s: no key: %s", p, o->detail[0] ? o->detail : msg);
        else
            snprintf(out, len, "%s: refused without a key%s: %s", p, st, msg);
        break;
    case PERR_QUOTA:
        snprintf(out, len, "%s: out of quota or credit%s: %s", p, st, msg);
        break;
    case PERR_RATE_LIMITED:
        if (e->retry_after_ms >= 0)
            snprintf(out, len, "%s: rate limited%s, retry in %.1f s: %s", p, st, e->retry_after_ms / 1000.0, msg);
        else
            snprintf(out, len, "%s: rate limited%s: %s", p, st, msg);
        break;
    case PERR_OVERLOADED:
        snprintf(out, len, "%s: overloaded%s: %s", p, st, msg);
        break;
    case PERR_SERVER:
        snprintf(out, len, "%s: server error%s: %s", p, st, msg);
        break;
    case PERR_TIMEOUT:
        snprintf(out, len, "%s: timed out: %s", p, o->detail[0] ? o->detail : msg);
        break;
    case PERR_CONTEXT_LENGTH:
        snprintf(out, len, "%s: prompt too long for the model%s: %s", p, st, msg);
        break;
    case PERR_BAD_REQUEST:
        snprintf(out, len, "%s: request rejected%s: %s", p, st, msg);
        break;
    default:
        snprintf(out, len, "%s: %s: %s", p, provider_error_name(e->cls), o->detail[0] ? o->detail : msg);
        break;
    }
}

void probe_describe(const struct probe_outcome *o, char *out, size_t len)
{
    if (!o->ok) {
        describe_error(o, out, len);
        return;
    }
    char first[32];
    if (o->first_token_ms >= 0) snprintf(first, sizeof first, "%ld ms", o->first_token_ms);
    else snprintf(first, sizeof first, "none");
    snprintf(out, len, "ok, first token %s, total %ld ms, %s%ld in / %ld out tokens, %s$%.6f", first,
             o->total_ms, o->estimated ? "~" : "", o->usage.input_tokens, o->usage.output_tokens,
             o->estimated ? "~" : "", o->cost_usd);
}
