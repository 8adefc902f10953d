/* Inline completion post-processing (see postprocess.h for the rules). Works on a
 * normalised copy of the model text (\n line endings); the file's line ending is put
 * back at the end. Indentation is measured in columns, a tab counting indent_width. */
#include "inline/postprocess.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <string.h>

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_space(char c) { return is_blank(c) || c == '\n' || c == '\r'; }
static bool is_closer(char c) { return c == ')' || c == ']' || c == '}'; }
static bool is_opener(char c) { return c == '(' || c == '[' || c == '{'; }
static char opener_of(char c) { return c == ')' ? '(' : c == ']' ? '[' : '{'; }

static bool all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i])) return false;
    return true;
}

static size_t rtrim_len(const char *s, size_t n)
{
    while (n > 0 && is_space(s[n - 1])) n--;
    return n;
}

static size_t indent_columns(const char *s, size_t n, int tab_width)
{
    size_t col = 0;
    for (size_t i = 0; i < n && is_blank(s[i]); i++)
        col = s[i] == '\t' ? (col / (size_t)tab_width + 1) * (size_t)tab_width : col + 1;
    return col;
}

static size_t leading_blanks(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_blank(s[i])) i++;
    return i;
}

/* Does the (right-trimmed) line end with a block opener? */
static bool ends_with_opener(const char *s, size_t n)
{
    n = rtrim_len(s, n);
    if (n == 0) return false;
    char c = s[n - 1];
    if (c == '{' || c == '(' || c == '[' || c == ':') return true;
    if (n >= 2 && s[n - 2] == '=' && c == '>') return true;
    static const char *const words[] = { "do", "then", NULL };
    for (int w = 0; words[w]; w++) {
        size_t wl = strlen(words[w]);
        if (n >= wl && memcmp(s + n - wl, words[w], wl) == 0 &&
            (n == wl || !(isalnum((unsigned char)s[n - wl - 1]) || s[n - wl - 1] == '_')))
            return true;
    }
    return false;
}

bool postprocess_wants_multiline(const char *before, size_t before_len, const char *after,
                                 size_t after_len, enum multiline_mode mode)
{
    if (mode == MULTILINE_ALWAYS) return true;
    if (mode == MULTILINE_NEVER) return false;
    /* Mid-line (real text after the cursor) is single-line; closers and ';' after
     * the cursor (auto-paired brackets) do not count as text. */
    for (size_t i = 0; i < after_len; i++)
        if (!is_space(after[i]) && !is_closer(after[i]) && after[i] != ';' && after[i] != ',')
            return false;
    if (all_space(before, before_len)) return true;
    return ends_with_opener(before, before_len);
}

size_t postprocess_detect_indent(const char *text, size_t len, bool *tabs, int *width)
{
    size_t tab_lines = 0, space_lines = 0, prev = 0;
    size_t steps[9] = {0};
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && text[end] != '\n') end++;
        if (!all_space(text + i, end - i)) {
            if (text[i] == '\t') tab_lines++;
            else if (text[i] == ' ') space_lines++;
            if (text[i] != '\t') {
                size_t cols = leading_blanks(text + i, end - i);
                size_t step = cols > prev ? cols - prev : prev - cols;
                if (step >= 1 && step <= 8) steps[step]++;
                prev = cols;
            }
        }
        i = end + 1;
    }
    *tabs = tab_lines > space_lines;
    int best = 0;   /* the most common step; the smaller one on a tie */
    for (int s = 1; s <= 8; s++)
        if (steps[s] > steps[best]) best = s;
    *width = best ? best : 4;
    return tab_lines + space_lines;
}

void postprocess_init(struct postprocess_ctx *ctx, const char *prefix, size_t prefix_len,
                      const char *suffix, size_t suffix_len, enum multiline_mode mode,
                      int max_lines)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->prefix = prefix ? prefix : "";
    ctx->prefix_len = prefix ? prefix_len : 0;
    ctx->suffix = suffix ? suffix : "";
    ctx->suffix_len = suffix ? suffix_len : 0;
    size_t start = ctx->prefix_len;
    while (start > 0 && ctx->prefix[start - 1] != '\n' && ctx->prefix[start - 1] != '\r') start--;
    ctx->line_before = ctx->prefix + start;
    ctx->line_before_len = ctx->prefix_len - start;
    size_t end = 0;
    while (end < ctx->suffix_len && ctx->suffix[end] != '\n' && ctx->suffix[end] != '\r') end++;
    ctx->line_after = ctx->suffix;
    ctx->line_after_len = end;
    ctx->max_lines = max_lines > 0 ? max_lines : 1;
    ctx->crlf = memmem(ctx->prefix, ctx->prefix_len, "\r\n", 2) != NULL ||
                memmem(ctx->suffix, ctx->suffix_len, "\r\n", 2) != NULL;
    /* The style of the text before the cursor, else of the text after it. */
    if (!postprocess_detect_indent(ctx->prefix, ctx->prefix_len, &ctx->tabs, &ctx->indent_width))
        postprocess_detect_indent(ctx->suffix, ctx->suffix_len, &ctx->tabs, &ctx->indent_width);
    ctx->block_indent = indent_columns(ctx->line_before, ctx->line_before_len, ctx->indent_width);
    ctx->after_opener = ends_with_opener(ctx->line_before, ctx->line_before_len);
    if (all_space(ctx->line_before, ctx->line_before_len)) {
        /* On a blank line right below an opener, the block is the opener's. */
        size_t e = start;
        while (e > 0) {
            size_t s = e - 1;
            while (s > 0 && ctx->prefix[s - 1] != '\n') s--;
            if (!all_space(ctx->prefix + s, e - s)) {
                if (ends_with_opener(ctx->prefix + s, e - s)) {
                    ctx->after_opener = true;
                    ctx->block_indent = indent_columns(ctx->prefix + s, e - s, ctx->indent_width);
                }
                break;
            }
            e = s;
        }
    }
    ctx->multiline = postprocess_wants_multiline(ctx->line_before, ctx->line_before_len,
                                                 ctx->line_after, ctx->line_after_len, mode);
}

/* ---- the steps ---- */

/* Copy with \r\n and lone \r turned into \n, and NUL bytes dropped (the result is
 * a C string for the editor; a NUL would silently cut it). */
static void normalise(struct buf *out, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0') continue;
        if (text[i] == '\r') {
            buf_putc(out, '\n');
            if (i + 1 < len && text[i + 1] == '\n') i++;
        } else {
            buf_putc(out, text[i]);
        }
    }
}

/* Bytes of t matched by the prefix region [from, prefix_len), ignoring \r there; 0
 * when t does not start with the whole region. */
static size_t match_region(const struct postprocess_ctx *ctx, size_t from, const char *t,
                           size_t tlen)
{
    size_t j = 0;
    for (size_t i = from; i < ctx->prefix_len; i++) {
        if (ctx->prefix[i] == '\r') continue;
        if (j >= tlen || t[j] != ctx->prefix[i]) return 0;
        j++;
    }
    return j;
}

/* The model echoing what is already typed: the text starts with the last lines of
 * the prefix, from a line start or a line's first non-blank character. Whole
 * earlier lines always count; the current line alone needs two characters. */
static size_t echo_length(const struct postprocess_ctx *ctx, const char *t, size_t tlen)
{
    size_t starts[8], count = 0, pos = ctx->prefix_len;
    for (int line = 0; line < 3 && count + 2 <= 8; line++) {
        size_t ls = pos;
        while (ls > 0 && ctx->prefix[ls - 1] != '\n') ls--;
        size_t first = ls;
        while (first < ctx->prefix_len && is_blank(ctx->prefix[first])) first++;
        starts[count++] = ls;
        if (first != ls) starts[count++] = first;
        if (ls == 0) break;
        pos = ls - 1;
    }
    for (size_t k = count; k-- > 0;) {   /* farthest (longest) first */
        size_t from = starts[k];
        size_t region = ctx->prefix_len - from;
        if (all_space(ctx->prefix + from, region)) continue;
        bool multi = memchr(ctx->prefix + from, '\n', region) != NULL;
        if (!multi && rtrim_len(ctx->prefix + from, region) - leading_blanks(ctx->prefix + from, region) < 2)
            continue;
        size_t n = match_region(ctx, from, t, tlen);
        if (n) return n;
    }
    return 0;
}

static void strip_echo(struct buf *t, const struct postprocess_ctx *ctx)
{
    size_t n = echo_length(ctx, t->data ? t->data : "", t->len);
    if (n) buf_consume(t, n);
    /* Whitespace the cursor already follows is not repeated. */
    size_t lead = 0;
    if (ctx->line_before_len && all_space(ctx->line_before, ctx->line_before_len)) {
        while (lead < t->len && lead < ctx->line_before_len && t->data[lead] == ctx->line_before[lead])
            lead++;
    } else if (ctx->line_before_len && is_blank(ctx->line_before[ctx->line_before_len - 1])) {
        lead = leading_blanks(buf_str(t), t->len);
    }
    if (lead) buf_consume(t, lead);
}

/* The suffix's first non-blank line after the cursor's line (NULL when none). */
static const char *suffix_next_line(const struct postprocess_ctx *ctx, size_t *len)
{
    const char *s = ctx->suffix, *end = ctx->suffix + ctx->suffix_len;
    const char *p = ctx->line_after + ctx->line_after_len;
    while (p < end) {
        while (p < end && (*p == '\n' || *p == '\r')) p++;
        const char *e = p;
        while (e < end && *e != '\n' && *e != '\r') e++;
        if (!all_space(p, (size_t)(e - p)) && e > p) {
            *len = (size_t)(e - p);
            return p;
        }
        p = e;
    }
    (void)s;
    return NULL;
}

/* Same content and same indentation width. */
static bool same_line(const char *a, size_t alen, const char *b, size_t blen, int tab_width)
{
    size_t ia = leading_blanks(a, alen), ib = leading_blanks(b, blen);
    if (indent_columns(a, alen, tab_width) != indent_columns(b, blen, tab_width)) return false;
    size_t ra = rtrim_len(a, alen), rb = rtrim_len(b, blen);
    return ra - ia == rb - ib && memcmp(a + ia, b + ib, ra - ia) == 0;
}

/* Line of the answer equal to a suffix line; the first answer line starts at the
 * cursor, so on a blank line its indentation adds to the cursor's column. */
static bool repeats_line(const struct postprocess_ctx *ctx, bool first, const char *line, size_t n,
                         const char *next, size_t next_len)
{
    if (!first || !all_space(ctx->line_before, ctx->line_before_len))
        return same_line(line, n, next, next_len, ctx->indent_width);
    size_t cursor = indent_columns(ctx->line_before, ctx->line_before_len, ctx->indent_width);
    size_t li = leading_blanks(line, n), ni = leading_blanks(next, next_len);
    if (cursor + indent_columns(line, n, ctx->indent_width) != indent_columns(next, next_len, ctx->indent_width))
        return false;
    size_t rl = rtrim_len(line, n), rn = rtrim_len(next, next_len);
    return rl - li == rn - ni && memcmp(line + li, next + ni, rl - li) == 0;
}

static bool is_closer_line(const char *s, size_t n)
{
    size_t i = leading_blanks(s, n);
    if (i < n && is_closer(s[i])) return true;
    static const char *const words[] = { "end", "fi", "done", "esac", NULL };
    for (int w = 0; words[w]; w++) {
        size_t wl = strlen(words[w]);
        if (n - i >= wl && memcmp(s + i, words[w], wl) == 0 &&
            (n - i == wl || !(isalnum((unsigned char)s[i + wl]) || s[i + wl] == '_')))
            return true;
    }
    return false;
}

/* Where the answer ends in t (normalised, echo removed). Judges only lines ended by
 * a newline unless final. *complete says a rule fired (not merely the end of t). */
static size_t answer_end(const char *t, size_t tlen, const struct postprocess_ctx *ctx,
                         bool final, bool *complete, bool *keep_newline)
{
    *complete = false;
    *keep_newline = false;
    if (!ctx->multiline) {
        const char *nl = memchr(t, '\n', tlen);
        if (nl) *complete = true;
        return nl ? (size_t)(nl - t) : tlen;
    }
    size_t next_len = 0;
    const char *next = suffix_next_line(ctx, &next_len);
    bool after_has_text = !all_space(ctx->line_after, ctx->line_after_len);
    int lines = 0;
    for (size_t i = 0; i < tlen;) {
        size_t e = i;
        while (e < tlen && t[e] != '\n') e++;
        bool ended = e < tlen;
        if (!ended && !final) break;
        const char *line = t + i;
        size_t n = e - i;
        bool blank = all_space(line, n);
        bool first = i == 0;
        /* The model rewriting the line that follows the cursor: the answer is over. */
        if (!blank && next && !after_has_text &&
            repeats_line(ctx, first, line, n, next, next_len)) {
            *complete = true;
            return i ? i - 1 : 0;
        }
        if (!first && !blank) {
            size_t indent = indent_columns(line, n, ctx->indent_width);
            bool closes = ctx->after_opener ? indent <= ctx->block_indent : indent < ctx->block_indent;
            if (closes) {
                *complete = true;
                if (ctx->after_opener && is_closer_line(line, n)) {
                    const char *have = after_has_text ? ctx->line_after : next;
                    size_t have_len = after_has_text ? ctx->line_after_len : next_len;
                    size_t hi = have ? leading_blanks(have, have_len) : 0;
                    size_t li = leading_blanks(line, n);
                    bool suffix_closes = have && hi < have_len && line[li] == have[hi];
                    if (!suffix_closes) return e;               /* include the closer */
                    if (after_has_text) *keep_newline = true;   /* `{|}`: body, then the closer */
                }
                return i - 1;
            }
        }
        if (++lines >= ctx->max_lines) {
            *complete = ended || final;
            return e;
        }
        i = e + 1;
    }
    return tlen;
}

/* Would dropping t[from..len) remove a closer whose opener stays in t[0..from)? */
static bool strip_breaks_balance(const char *t, size_t len, size_t from)
{
    char stack[256];
    size_t depth = 0, below = 0;   /* below: stack entries that come from before from */
    for (size_t i = 0; i < len; i++) {
        if (i == from) below = depth;
        if (is_opener(t[i])) {
            if (depth < sizeof stack) stack[depth++] = t[i];
        } else if (is_closer(t[i])) {
            if (depth && stack[depth - 1] == opener_of(t[i])) {
                depth--;
                if (i >= from && depth < below) return true;
            }
        }
    }
    return false;
}

/* The end of the answer repeating the start of the rest of the cursor's line. */
static void strip_suffix_overlap(struct buf *t, const struct postprocess_ctx *ctx)
{
    size_t rlen = rtrim_len(ctx->line_after, ctx->line_after_len);
    const char *r = ctx->line_after + leading_blanks(ctx->line_after, rlen);
    rlen -= (size_t)(r - ctx->line_after);
    if (rlen == 0 || t->len == 0) return;
    for (size_t k = rlen < t->len ? rlen : t->len; k > 0; k--) {
        if (memcmp(t->data + t->len - k, r, k) != 0) continue;
        bool punct = true;
        for (size_t i = 0; i < k; i++)
            if (isalnum((unsigned char)r[i]) || r[i] == '_') punct = false;
        if (!(k == rlen || k >= 3 || punct)) continue;
        if (strip_breaks_balance(t->data, t->len, t->len - k)) continue;
        t->len -= k;
        t->data[t->len] = '\0';
        t->len = rtrim_len(t->data, t->len);
        t->data[t->len] = '\0';
        return;
    }
}

/* Leading indentation in the file's style, the file's line ending. */
static char *finish(const char *t, size_t len, const struct postprocess_ctx *ctx)
{
    struct buf out = {0};
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && t[e] != '\n') e++;
        size_t lead = leading_blanks(t + i, e - i);
        bool mixed = ctx->tabs ? memchr(t + i, ' ', lead) != NULL : memchr(t + i, '\t', lead) != NULL;
        if (i > 0 && lead && mixed) {
            size_t cols = indent_columns(t + i, lead, ctx->indent_width);
            size_t w = (size_t)ctx->indent_width;
            if (ctx->tabs) {
                for (size_t c = 0; c < cols / w; c++) buf_putc(&out, '\t');
                for (size_t c = 0; c < cols % w; c++) buf_putc(&out, ' ');
            } else {
                for (size_t c = 0; c < cols; c++) buf_putc(&out, ' ');
            }
            buf_append(&out, t + i + lead, e - i - lead);
        } else {
            buf_append(&out, t + i, e - i);
        }
        if (e < len) buf_puts(&out, ctx->crlf ? "\r\n" : "\n");
        i = e + 1;
    }
    return buf_steal(&out);
}

char *postprocess_apply(const char *text, size_t len, const struct postprocess_ctx *ctx)
{
    struct buf t = {0};
    normalise(&t, text ? text : "", text ? len : 0);
    strip_echo(&t, ctx);
    bool complete, keep_newline;
    size_t end = answer_end(buf_str(&t), t.len, ctx, true, &complete, &keep_newline);
    t.len = rtrim_len(buf_str(&t), end);
    if (t.data) t.data[t.len] = '\0';
    strip_suffix_overlap(&t, ctx);
    char *result = NULL;
    if (t.len && !all_space(t.data, t.len)) {
        /* Text after the cursor on its line (an auto-paired `}` or `)`): a multi-line
         * answer ends with a line break so that text starts its own line, indented
         * like the cursor's line. */
        bool after_text = !all_space(ctx->line_after, ctx->line_after_len);
        if ((keep_newline || (ctx->multiline && after_text)) && memchr(t.data, '\n', t.len)) {
            buf_putc(&t, '\n');
            buf_append(&t, ctx->line_before, leading_blanks(ctx->line_before, ctx->line_before_len));
        }
        result = finish(t.data, t.len, ctx);
    }
    buf_free(&t);
    return result;
}

bool postprocess_is_complete(const char *text, size_t len, const struct postprocess_ctx *ctx)
{
    struct buf t = {0};
    normalise(&t, text ? text : "", text ? len : 0);
    strip_echo(&t, ctx);
    bool complete, keep_newline;
    answer_end(buf_str(&t), t.len, ctx, false, &complete, &keep_newline);
    buf_free(&t);
    return complete;
}
