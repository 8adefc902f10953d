/* Error classification shared by every adapter: one classifier that reads the error
 * shapes of all the APIs (they do not conflict), the retry hints each API gives, and
 * the masking that keeps keys out of messages. Order matters: quota before rate
 * limit (OpenAI sends insufficient_quota as a 429), context length before bad
 * request, auth before everything status-based (Gemini's bad key is a 400). */
#include "providers/adapter.h"
#include "base/clock.h"
#include "base/log.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- retry hints ---- */

#define MAX_HINT_MS (7.0 * 24 * 3600 * 1000)   /* clamp: a week; also keeps casts defined */

static long clamp_ms(double ms)
{
    if (!(ms >= 0)) return -1;   /* negative or NaN */
    return (long)ceil(ms < MAX_HINT_MS ? ms : MAX_HINT_MS);
}

long retry_parse_duration(const char *s)
{
    if (!s) return -1;
    while (*s == ' ') s++;
    double total = 0;
    int parts = 0;
    while (*s && *s != ' ') {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 0) return -1;
        s = end;
        double unit;
        if (strncmp(s, "ms", 2) == 0) { unit = 1; s += 2; }
        else if (strncmp(s, "us", 2) == 0) { unit = 1e-3; s += 2; }
        else if (strncmp(s, "\xc2\xb5s", 3) == 0) { unit = 1e-3; s += 3; }
        else if (strncmp(s, "ns", 2) == 0) { unit = 1e-6; s += 2; }
        else if (*s == 'h') { unit = 3600e3; s++; }
        else if (*s == 'm') { unit = 60e3; s++; }
        else if (*s == 's') { unit = 1e3; s++; }
        else return -1;
        total += v * unit;
        parts++;
    }
    return parts ? clamp_ms(total) : -1;
}

static long delay_until(time_t when, double frac, int64_t now_ms)
{
    int64_t at = (int64_t)when * 1000 + (int64_t)(frac * 1000);
    return at > now_ms ? clamp_ms((double)(at - now_ms)) : 0;
}

long retry_parse_after(const char *value, int64_t now_ms)
{
    if (!value) return -1;
    while (*value == ' ') value++;
    if (isdigit((unsigned char)*value)) {
        char *end;
        double secs = strtod(value, &end);
        while (*end == ' ') end++;
        return *end ? -1 : clamp_ms(secs * 1000);
    }
    struct tm tm = {0};   /* HTTP-date: "Wed, 21 Oct 2015 07:28:00 GMT" */
    const char *end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end) return -1;
    return delay_until(timegm(&tm), 0, now_ms);
}

long retry_parse_rfc3339(const char *value, int64_t now_ms)
{
    if (!value) return -1;
    struct tm tm = {0};
    int consumed = 0;
    double sec = 0;
    if (sscanf(value, "%4d-%2d-%2dT%2d:%2d:%lf%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &sec, &consumed) != 6)
        return -1;
    if (!(sec >= 0 && sec < 61)) return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_sec = (int)sec;
    time_t t = timegm(&tm);
    const char *zone = value + consumed;
    if (*zone == '+' || *zone == '-') {
        int hh = 0, mm = 0;
        if (sscanf(zone + 1, "%2d:%2d", &hh, &mm) < 1) return -1;
        long off = (hh * 60L + mm) * 60L;
        t += *zone == '+' ? -off : off;
    } else if (*zone != 'Z' && *zone != 'z') {
        return -1;
    }
    return delay_until(t, sec - (int)sec, now_ms);
}

/* Of several reset headers, the one whose limit is exhausted counts; if none says
 * so, the soonest. */
static long reset_from_headers(header_lookup_fn lookup, void *headers, const char *const *names,
                               const char *prefix, bool rfc3339)
{
    long exhausted = -1, soonest = -1;
    for (size_t i = 0; names[i]; i++) {
        char name[128];
        snprintf(name, sizeof name, "%sreset-%s", prefix, names[i]);
        if (rfc3339) snprintf(name, sizeof name, "%s%s-reset", prefix, names[i]);
        const char *v = lookup(headers, name);
        if (!v) continue;
        long ms = rfc3339 ? retry_parse_rfc3339(v, clock_wall_ms()) : retry_parse_duration(v);
        if (ms < 0) continue;
        if (rfc3339) snprintf(name, sizeof name, "%s%s-remaining", prefix, names[i]);
        else snprintf(name, sizeof name, "%sremaining-%s", prefix, names[i]);
        const char *rem = lookup(headers, name);
        if (rem && atol(rem) == 0 && ms > exhausted) exhausted = ms;
        if (soonest < 0 || ms < soonest) soonest = ms;
    }
    return exhausted >= 0 ? exhausted : soonest;
}

/* "... Please try again in 6.5s." (OpenAI) / "Please retry in 37.6s." (Gemini) */
static long delay_from_message(const char *msg)
{
    static const char *const cues[] = { "try again in ", "retry in ", NULL };
    for (size_t i = 0; msg && cues[i]; i++) {
        const char *p = strstr(msg, cues[i]);
        if (!p) continue;
        char word[32];
        if (sscanf(p + strlen(cues[i]), "%31[0-9.hmsun]", word) == 1) {
            size_t n = strlen(word);
            while (n && word[n - 1] == '.') word[--n] = '\0';   /* end of the sentence */
            long ms = retry_parse_duration(word);
            if (ms >= 0) return ms;
        }
    }
    return -1;
}

static long gemini_retry_delay(const cJSON *details)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, details) {
        const char *type = json_get_string(d, "@type");
        if (type && strstr(type, "google.rpc.RetryInfo"))
            return retry_parse_duration(json_get_string(d, "retryDelay"));
    }
    return -1;
}

static long retry_hint(header_lookup_fn lookup, void *headers, const cJSON *details, const char *msg)
{
    static const char *const openai[] = { "requests", "tokens", NULL };
    static const char *const anthropic[] = { "requests", "tokens", "input-tokens", "output-tokens", NULL };
    long ms = -1;
    if (lookup) {
        const char *v = lookup(headers, "retry-after-ms");
        if (v && isdigit((unsigned char)*v)) return clamp_ms(strtod(v, NULL));
        if ((ms = retry_parse_after(lookup(headers, "retry-after"), clock_wall_ms())) >= 0) return ms;
        if ((ms = reset_from_headers(lookup, headers, openai, "x-ratelimit-", false)) >= 0) return ms;
        if ((ms = reset_from_headers(lookup, headers, anthropic, "anthropic-ratelimit-", true)) >= 0)
            return ms;
    }
    if ((ms = gemini_retry_delay(details)) >= 0) return ms;
    return delay_from_message(msg);
}

/* ---- messages ---- */

/* Known key prefixes, or a long random-looking run (letters and digits, 20+ between
 * separators): that masks keys and request ids but keeps model names such as
 * "claude-sonnet-4-5-20250929" readable. */
static bool key_like(const char *w, size_t n)
{
    static const char *const prefixes[] = { "sk-", "sk_", "AIza", "xai-", "gsk_", "key-", "pk-", NULL };
    for (size_t i = 0; prefixes[i]; i++)
        if (n > strlen(prefixes[i]) && strncmp(w, prefixes[i], strlen(prefixes[i])) == 0) return true;
    size_t run = 0;
    bool alpha = false, digit = false;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || w[i] == '-' || w[i] == '_') {
            if (run >= 20 && alpha && digit) return true;
            run = 0;
            alpha = digit = false;
            continue;
        }
        run++;
        if (isdigit((unsigned char)w[i])) digit = true;
        else if (isalpha((unsigned char)w[i])) alpha = true;
    }
    return false;
}

static bool key_char(char c) { return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '*'; }

void adapter_set_message(struct provider_error *out, const char *msg)
{
    char *m = out->message;
    size_t cap = sizeof out->message, n = 0;
    for (const char *p = msg ? msg : ""; *p && n + 1 < cap && n < 200; p++)
        m[n++] = (unsigned char)*p < 0x20 ? ' ' : *p;
    if (msg && strlen(msg) > n && n >= 3) memcpy(m + n - 3, "...", 3);
    m[n] = '\0';
    for (size_t i = 0; i < n;) {
        if (!key_char(m[i])) { i++; continue; }
        size_t j = i;
        while (j < n && key_char(m[j])) j++;
        if (key_like(m + i, j - i)) memset(m + i, '*', j - i);
        i = j;
    }
    log_mask_secrets(m);
}

/* ---- classification ---- */

static bool has(const char *s, const char *needle) { return s && strcasestr(s, needle); }
static bool eq(const char *s, const char *v) { return s && strcmp(s, v) == 0; }

struct error_fields {
    const char *type;      /* error.type, Gemini error.status, Anthropic error.type */
    const char *code;      /* error.code when a string */
    const char *message;
    const char *reason;    /* Gemini ErrorInfo.reason */
    const cJSON *details;
    int code_number;       /* error.code when a number (Gemini, llama.cpp) */
};

static void read_fields(const cJSON *root, struct error_fields *f)
{
    memset(f, 0, sizeof *f);
    if (!cJSON_IsObject(root)) return;
    const cJSON *err = json_member(root, "error");
    if (cJSON_IsString(err)) {                          /* Ollama */
        f->message = err->valuestring;
        return;
    }
    if (!cJSON_IsObject(err)) {                         /* Mistral gateway / FastAPI / llama.cpp old */
        err = root;
    }
    f->type = json_get_string(err, "type");
    if (!f->type) f->type = json_get_string(err, "status");
    f->code = json_get_string(err, "code");
    f->code_number = (int)json_get_long(err, "code", 0);
    f->message = json_get_string(err, "message");
    if (!f->message) f->message = json_get_string(err, "detail");
    if (!f->message) f->message = json_get_string(root, "message");
    f->details = json_member(err, "details");
    const cJSON *d;
    cJSON_ArrayForEach(d, f->details)
        if (json_get_string(d, "reason")) f->reason = json_get_string(d, "reason");
}

static bool is_context_error(const struct error_fields *f)
{
    return eq(f->code, "context_length_exceeded") || eq(f->type, "exceed_context_size_error") ||
           has(f->message, "prompt is too long") || has(f->message, "maximum context length") ||
           has(f->message, "exceeds the maximum number of tokens") ||
           has(f->message, "exceeds the available context size") ||
           has(f->message, "longer than the context length") ||
           has(f->message, "context window") || has(f->message, "context length exceeded");
}

static enum provider_error_class classify_fields(int status, const struct error_fields *f)
{
    if (eq(f->code, "insufficient_quota") || eq(f->type, "insufficient_quota") ||
        eq(f->type, "billing_error") || status == 402)
        return PERR_QUOTA;
    if (is_context_error(f)) return PERR_CONTEXT_LENGTH;
    if (status == 401 || status == 403 || eq(f->reason, "API_KEY_INVALID") ||
        eq(f->code, "invalid_api_key") || eq(f->type, "authentication_error") ||
        eq(f->type, "permission_error") || eq(f->type, "PERMISSION_DENIED") ||
        eq(f->type, "UNAUTHENTICATED"))
        return PERR_AUTH;
    if (status == 429 || eq(f->type, "rate_limit_error") || eq(f->type, "rate_limited") ||
        eq(f->code, "rate_limit_exceeded") || eq(f->type, "RESOURCE_EXHAUSTED"))
        return PERR_RATE_LIMITED;
    if (status == 503 || status == 529 || eq(f->type, "overloaded_error") ||
        eq(f->type, "UNAVAILABLE") || eq(f->type, "unavailable_error") || has(f->message, "overloaded"))
        return PERR_OVERLOADED;
    if (status == 408 || status == 504 || eq(f->type, "timeout_error") || eq(f->type, "DEADLINE_EXCEEDED"))
        return PERR_TIMEOUT;
    if (status == 501 || eq(f->type, "not_supported_error"))   /* retrying will not help */
        return PERR_BAD_REQUEST;
    if (status >= 500 || status == 409 || eq(f->type, "api_error") || eq(f->type, "server_error") ||
        eq(f->type, "INTERNAL"))
        return PERR_SERVER;
    if (status >= 400 || eq(f->type, "invalid_request_error") || eq(f->type, "INVALID_ARGUMENT") ||
        eq(f->type, "not_found_error") || eq(f->type, "not_supported_error"))
        return PERR_BAD_REQUEST;
    return status == 0 ? PERR_SERVER : PERR_BAD_REQUEST;   /* in-band with nothing more: server */
}

static const char *default_message(enum provider_error_class cls)
{
    switch (cls) {
    case PERR_RATE_LIMITED: return "rate limited";
    case PERR_OVERLOADED: return "service overloaded";
    case PERR_SERVER: return "server error";
    case PERR_TIMEOUT: return "server timed out";
    case PERR_AUTH: return "key rejected";
    case PERR_QUOTA: return "quota or billing limit reached";
    case PERR_CONTEXT_LENGTH: return "prompt longer than the model's context";
    default: return "request rejected";
    }
}

void adapter_classify(int status, const cJSON *root, header_lookup_fn lookup, void *headers,
                      struct provider_error *out)
{
    struct error_fields f;
    read_fields(root, &f);
    int effective = status ? status : (f.code_number >= 400 && f.code_number < 600 ? f.code_number : 0);
    out->status = status;
    out->cls = classify_fields(effective, &f);
    out->retry_after_ms = retry_hint(lookup, headers, f.details, f.message);
    adapter_set_message(out, f.message && f.message[0] ? f.message : default_message(out->cls));
}

void adapter_classify_body(int status, header_lookup_fn lookup, void *headers,
                           const char *body, size_t len, struct provider_error *out)
{
    cJSON *root = body && len ? adapter_parse(body, len) : NULL;
    adapter_classify(status, root, lookup, headers, out);
    cJSON_Delete(root);
}

void adapter_stream_error(struct provider_stream *st, const cJSON *root)
{
    adapter_classify(0, root, NULL, NULL, &st->error);
    adapter_set_finish(st, "error");
}
