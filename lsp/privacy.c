/* Exclusion and secret redaction. Redaction runs in two passes: find the byte spans
 * to replace (key blocks, token shapes, assignment values), then copy the text with
 * each span replaced by the placeholder. A hand-written scanner instead of regular
 * expressions: one linear pass, no allocation per match. */
#include "lsp/privacy.h"
#include "lsp/uri.h"
#include "config/config.h"
#include "base/buf.h"
#include "base/glob.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool path_excluded(char *const *globs, const char *path)
{
    return glob_match_any(globs ? globs : config_default_excludes, path);
}

bool privacy_uri_excluded(char *const *globs, const char *uri)
{
    char *path;
    if (uri_decode(uri, &path) == URI_BAD) return true;
    bool hit = path_excluded(globs, path);
    free(path);
    return hit;
}


enum privacy_verdict privacy_path_verdict(const struct config *cfg, const char *path)
{
    if (!path || !*path) return PRIVACY_EXCLUDED;
    if (path_excluded(cfg ? cfg->exclude_globs : NULL, path)) return PRIVACY_EXCLUDED;
    if (cfg && cfg->local_only_globs && glob_match_any(cfg->local_only_globs, path))
        return PRIVACY_LOCAL_ONLY;
    return PRIVACY_ANYWHERE;
}

enum privacy_verdict privacy_uri_verdict(const struct config *cfg, const char *uri)
{
    char *path;
    if (uri_decode(uri, &path) == URI_BAD) return PRIVACY_EXCLUDED;
    enum privacy_verdict v = privacy_path_verdict(cfg, path);
    free(path);
    return v;
}

double privacy_entropy(const char *s, size_t len)
{
    if (len == 0) return 0;
    size_t counts[256] = {0};
    for (size_t i = 0; i < len; i++) counts[(unsigned char)s[i]]++;
    double h = 0;
    for (int c = 0; c < 256; c++) {
        if (!counts[c]) continue;
        double p = (double)counts[c] / (double)len;
        h -= p * log2(p);
    }
    return h;
}

struct span { size_t start, end; };
struct spans { struct span *items; size_t count, cap; };

static void spans_add(struct spans *s, size_t start, size_t end)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->count++] = (struct span){ start, end };
}

static bool is_word(char c) { return isalnum((unsigned char)c) || c == '_'; }

static size_t line_end(const char *t, size_t len, size_t i)
{
    while (i < len && t[i] != '\n') i++;
    return i;
}

static size_t line_start(const char *t, size_t i)
{
    while (i > 0 && t[i - 1] != '\n') i--;
    return i;
}

static bool starts_with(const char *t, size_t len, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return len - i >= n && memcmp(t + i, lit, n) == 0;
}

static bool line_has(const char *t, size_t from, size_t to, const char *lit)
{
    return memmem(t + from, to - from, lit, strlen(lit)) != NULL;
}

static bool base64_line(const char *t, size_t from, size_t to)
{
    while (to > from && (t[to - 1] == '\r' || t[to - 1] == ' ')) to--;
    if (to - from < 16) return false;
    for (size_t i = from; i < to; i++)
        if (!isalnum((unsigned char)t[i]) && t[i] != '+' && t[i] != '/' && t[i] != '=') return false;
    return true;
}

/* A private key block starting at i (a BEGIN marker), or ending at i (an END marker
 * whose BEGIN was cut off). Returns the end of the span, 0 when none. */
static size_t key_block(const char *t, size_t len, size_t i, size_t *start)
{
    size_t eol = line_end(t, len, i);
    if (starts_with(t, len, i, "-----BEGIN ") && line_has(t, i, eol, "PRIVATE KEY-----")) {
        *start = i;
        const char *end = memmem(t + eol, len - eol, "-----END ", 9);
        if (!end) return len;                       /* END cut off: to the end */
        return line_end(t, len, (size_t)(end - t));
    }
    if (starts_with(t, len, i, "-----END ") && line_has(t, i, eol, "PRIVATE KEY-----")) {
        size_t s = line_start(t, i);                /* BEGIN cut off: the base64 above */
        while (s > 0) {
            size_t prev = line_start(t, s - 1);
            if (!base64_line(t, prev, s - 1)) break;
            s = prev;
        }
        *start = s;
        return eol;
    }
    return 0;
}

struct token_shape {
    const char *prefix;
    const char *extra;       /* body characters besides letters and digits */
    bool upper_only;         /* body is [A-Z0-9] */
    size_t min_body;
    bool mixed;              /* body must hold a digit and a letter (not a word) */
};

static const struct token_shape shapes[] = {
    { "sk-ant-", "_-", false, 20, true },
    { "sk-", "_-", false, 20, true },
    { "AKIA", "", true, 16, true },
    { "ASIA", "", true, 16, true },
    { "ghp_", "", false, 30, true },
    { "gho_", "", false, 30, true },
    { "ghu_", "", false, 30, true },
    { "ghs_", "", false, 30, true },
    { "ghr_", "", false, 30, true },
    { "github_pat_", "_", false, 20, true },
    { "xoxb-", "-", false, 10, true },
    { "xoxp-", "-", false, 10, true },
    { "xoxa-", "-", false, 10, true },
    { "xoxr-", "-", false, 10, true },
    { "xoxs-", "-", false, 10, true },
    { "AIza", "_-", false, 30, false },
    { "glpat-", "_-", false, 20, false },
    { NULL, NULL, false, 0, false },
};

static bool body_char(const struct token_shape *shape, char c)
{
    if (shape->upper_only) return isupper((unsigned char)c) || isdigit((unsigned char)c);
    return isalnum((unsigned char)c) || (c && strchr(shape->extra, c));
}

/* A token of a known shape at i: returns its end, 0 when none. */
static size_t token_at(const char *t, size_t len, size_t i)
{
    if (i > 0 && (is_word(t[i - 1]) || t[i - 1] == '-')) return 0;
    for (const struct token_shape *shape = shapes; shape->prefix; shape++) {
        if (!starts_with(t, len, i, shape->prefix)) continue;
        size_t b = i + strlen(shape->prefix), e = b;
        bool digit = false, alpha = false;
        while (e < len && body_char(shape, t[e])) {
            digit |= isdigit((unsigned char)t[e]) != 0;
            alpha |= isalpha((unsigned char)t[e]) != 0;
            e++;
        }
        if (e - b < shape->min_body) continue;
        if (shape->mixed && !(digit && alpha) && !(shape->upper_only && digit)) continue;
        return e;
    }
    return 0;
}

static bool secret_name(const char *t, size_t from, size_t to)
{
    static const char *const words[] = { "key", "secret", "token", "password", "passwd", "pwd",
                                         "credential", "auth", NULL };
    char lower[64];
    size_t n = to - from < sizeof lower ? to - from : sizeof lower - 1;
    for (size_t i = 0; i < n; i++) lower[i] = (char)tolower((unsigned char)t[from + i]);
    lower[n] = '\0';
    for (int w = 0; words[w]; w++)
        if (strstr(lower, words[w])) return true;
    return false;
}

static bool looks_random(const char *v, size_t n)
{
    if (n < 16) return false;
    int lower = 0, upper = 0, digit = 0;
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)v[i])) return false;
        lower |= islower((unsigned char)v[i]) != 0;
        upper |= isupper((unsigned char)v[i]) != 0;
        digit |= isdigit((unsigned char)v[i]) != 0;
    }
    return lower + upper + digit >= 2 && privacy_entropy(v, n) >= 3.0;
}

static bool value_char(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("+/=_-.", c));
}

/* `name = "value"`, `"name": "value"`, `name: value`, `name := value`, `name => value`
 * where the name says secret and the value looks random. i is at the name. Returns
 * the end of the name; sets the value span when found. */
static size_t assignment_at(const char *t, size_t len, size_t i, struct spans *out)
{
    size_t e = i;
    while (e < len && is_word(t[e])) e++;
    if (!secret_name(t, i, e)) return e;
    size_t p = e;
    if (p < len && (t[p] == '"' || t[p] == '\'')) p++;
    while (p < len && (t[p] == ' ' || t[p] == '\t')) p++;
    if (starts_with(t, len, p, ":=") || starts_with(t, len, p, "=>")) p += 2;
    else if (p < len && (t[p] == '=' || t[p] == ':')) p++;
    else return e;
    while (p < len && (t[p] == ' ' || t[p] == '\t')) p++;
    size_t vs = p, ve;
    if (p < len && (t[p] == '"' || t[p] == '\'' || t[p] == '`')) {
        char q = t[p];
        vs = ++p;
        while (p < len && t[p] != q && t[p] != '\n') p++;
        ve = p;
    } else {
        while (p < len && value_char(t[p])) p++;
        ve = p;
    }
    if (looks_random(t + vs, ve - vs)) spans_add(out, vs, ve);
    return ve > e ? ve : e;
}

static void find_spans(const char *t, size_t len, struct spans *out)
{
    for (size_t i = 0; i < len;) {
        size_t start = i, end;
        if (t[i] == '-' && (end = key_block(t, len, i, &start)) != 0) {
            /* A BEGIN found later than an END-only block can start before spans
             * already recorded: drop those, the block covers them. */
            while (out->count && out->items[out->count - 1].end > start) out->count--;
            spans_add(out, start, end);
            i = end;
        } else if ((end = token_at(t, len, i)) != 0) {
            spans_add(out, i, end);
            i = end;
        } else if (is_word(t[i]) && (i == 0 || !is_word(t[i - 1]))) {
            i = assignment_at(t, len, i, out);
        } else {
            i++;
        }
    }
}

char *privacy_redact(const char *text, size_t len, size_t *out_len, int *count)
{
    struct spans spans = {0};
    if (text) find_spans(text, len, &spans);
    struct buf out = {0};
    size_t pos = 0;
    for (size_t k = 0; k < spans.count; k++) {
        buf_append(&out, text + pos, spans.items[k].start - pos);
        buf_puts(&out, PRIVACY_PLACEHOLDER);
        pos = spans.items[k].end;
    }
    if (text) buf_append(&out, text + pos, len - pos);
    if (out_len) *out_len = out.len;
    if (count) *count = (int)spans.count;
    free(spans.items);
    return buf_steal(&out);
}
