/* Replacement code from a model answer: fences first, then prose trimming, then
 * shaping like the selection. Works on an array of line slices so every step is a
 * simple scan; the answer is never modified. */
#include "lsp/extract.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct line { const char *s; size_t len; };   /* without its line ending */

struct lines { struct line *v; size_t count; };

static void lines_split(const char *text, size_t len, struct lines *out)
{
    size_t cap = 16;
    out->v = xmalloc(cap * sizeof *out->v);
    out->count = 0;
    size_t i = 0;
    while (i <= len) {
        size_t start = i;
        while (i < len && text[i] != '\n' && text[i] != '\r') i++;
        if (out->count == cap) out->v = xrealloc(out->v, (cap *= 2) * sizeof *out->v);
        out->v[out->count++] = (struct line){ text + start, i - start };
        if (i >= len) break;
        if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') i++;
        i++;
        if (i == len) break;   /* a final line ending does not open an empty line */
    }
}

static bool line_blank(struct line l)
{
    for (size_t i = 0; i < l.len; i++)
        if (!isspace((unsigned char)l.s[i])) return false;
    return true;
}

static size_t line_indent_len(struct line l)
{
    size_t n = 0;
    while (n < l.len && (l.s[n] == ' ' || l.s[n] == '\t')) n++;
    return n;
}

/* Display width of leading whitespace, tabs counted as 4 (only used to compare). */
static size_t indent_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) w += s[i] == '\t' ? 4 : 1;
    return w;
}

/* ---- fences ---- */

struct fence { char ch; size_t count; size_t indent; char tag[32]; };

static bool fence_open(struct line l, struct fence *f)
{
    size_t i = line_indent_len(l);
    if (i >= l.len || (l.s[i] != '`' && l.s[i] != '~')) return false;
    char ch = l.s[i];
    size_t n = 0;
    while (i + n < l.len && l.s[i + n] == ch) n++;
    if (n < 3) return false;
    f->ch = ch;
    f->count = n;
    f->indent = i;
    size_t t = i + n;
    while (t < l.len && isspace((unsigned char)l.s[t])) t++;
    size_t k = 0;
    while (t < l.len && !isspace((unsigned char)l.s[t]) && l.s[t] != '{' && k + 1 < sizeof f->tag) {
        if (ch == '`' && l.s[t] == '`') return false;   /* inline code, not a fence */
        f->tag[k++] = (char)tolower((unsigned char)l.s[t++]);
    }
    f->tag[k] = '\0';
    return true;
}

static bool fence_close(struct line l, const struct fence *f)
{
    size_t i = line_indent_len(l), n = 0;
    while (i + n < l.len && l.s[i + n] == f->ch) n++;
    if (n < f->count) return false;
    for (size_t j = i + n; j < l.len; j++)
        if (!isspace((unsigned char)l.s[j])) return false;
    return true;
}

/* Language ids and the tags models write for them. */
static const char *const language_aliases[][5] = {
    { "python", "py", "python3", NULL },
    { "javascript", "js", "node", NULL },
    { "typescript", "ts", NULL },
    { "javascriptreact", "jsx", NULL },
    { "typescriptreact", "tsx", NULL },
    { "rust", "rs", NULL },
    { "cpp", "c++", "cc", "cxx", NULL },
    { "csharp", "cs", "c#", NULL },
    { "shellscript", "sh", "bash", "shell", "zsh" },
    { "ruby", "rb", NULL },
    { "go", "golang", NULL },
    { "kotlin", "kt", NULL },
    { "markdown", "md", NULL },
    { "yaml", "yml", NULL },
};

static int alias_group(const char *name)
{
    for (size_t g = 0; g < sizeof language_aliases / sizeof language_aliases[0]; g++)
        for (size_t k = 0; k < 5 && language_aliases[g][k]; k++)
            if (strcasecmp(language_aliases[g][k], name) == 0) return (int)g;
    return -1;
}

static bool tag_matches(const char *tag, const char *language)
{
    if (!tag[0] || !language || !language[0]) return true;
    if (strcasecmp(tag, language) == 0) return true;
    int g = alias_group(tag);
    return g >= 0 && g == alias_group(language);
}

struct block { size_t first, end; size_t indent; bool preferred; bool echo; size_t bytes; };

/* Trimmed non-blank line i of ls from index *k on; false at the end. */
static bool next_content(const struct lines *ls, size_t *k, size_t end, const char **s, size_t *n)
{
    while (*k < end && line_blank(ls->v[*k])) (*k)++;
    if (*k >= end) return false;
    struct line l = ls->v[(*k)++];
    size_t a = line_indent_len(l), m = l.len - a;
    while (m && isspace((unsigned char)l.s[a + m - 1])) m--;
    *s = l.s + a;
    *n = m;
    return true;
}

/* A block that repeats the original code ("Before:" ... "After:" answers) is not the
 * answer: same non-blank lines, ignoring indentation. */
static bool block_echoes(const struct lines *ls, size_t first, size_t end, const struct lines *orig)
{
    if (!orig) return false;
    size_t i = first, j = 0;
    bool any = false;
    for (;;) {
        const char *a, *b;
        size_t an, bn;
        bool more_a = next_content(ls, &i, end, &a, &an);
        bool more_b = next_content(orig, &j, orig->count, &b, &bn);
        if (!more_a || !more_b) return any && more_a == more_b;
        if (an != bn || memcmp(a, b, an) != 0) return false;
        any = true;
    }
}

/* Picks the best fenced block; false when the answer has none. Ranking: not an echo
 * of the original, then in the file's language (or untagged), then the longest, then
 * the last. */
static bool best_block(const struct lines *ls, const char *language, const struct lines *orig,
                       struct block *best)
{
    bool found = false;
    for (size_t i = 0; i < ls->count; i++) {
        struct fence f;
        if (!fence_open(ls->v[i], &f)) continue;
        struct block b = { i + 1, ls->count, f.indent, tag_matches(f.tag, language), false, 0 };
        size_t j = i + 1;
        for (; j < ls->count; j++)
            if (fence_close(ls->v[j], &f)) { b.end = j; break; }
        for (size_t k = b.first; k < b.end; k++) b.bytes += ls->v[k].len + 1;
        b.echo = block_echoes(ls, b.first, b.end, orig);
        bool better = !found || (!b.echo && best->echo) ||
                      (b.echo == best->echo && b.preferred && !best->preferred) ||
                      (b.echo == best->echo && b.preferred == best->preferred &&
                       b.bytes >= best->bytes);
        if (better) { *best = b; found = true; }
        i = j;   /* continue after the closing fence */
    }
    return found;
}

/* ---- prose ---- */

static bool line_in_text(struct line l, const struct lines *text)
{
    size_t a = line_indent_len(l), n = l.len - a;
    while (n && isspace((unsigned char)l.s[a + n - 1])) n--;
    if (!n || !text) return false;
    for (size_t i = 0; i < text->count; i++) {
        struct line t = text->v[i];
        size_t b = line_indent_len(t), m = t.len - b;
        while (m && isspace((unsigned char)t.s[b + m - 1])) m--;
        if (m == n && memcmp(t.s + b, l.s + a, n) == 0) return true;
    }
    return false;
}

/* A sentence a model wrapped around its code: unindented, starts with a capitalised
 * plain word, several words, no code punctuation, and not a line of the original. */
static bool line_is_prose(struct line l, const struct lines *original)
{
    if (l.len < 8 || !isupper((unsigned char)l.s[0])) return false;
    size_t i = 0, lower = 0;
    while (i < l.len && (isalpha((unsigned char)l.s[i]) || l.s[i] == '\'')) i++;
    if (i < l.len && strchr(",!:", l.s[i])) i++;
    if (i >= l.len || l.s[i] != ' ') return false;
    int words = 1;
    for (size_t k = 0; k < l.len; k++) {
        if (strchr("=;{}<>", l.s[k])) return false;
        if (islower((unsigned char)l.s[k])) lower++;
        if (l.s[k] == ' ' && k + 1 < l.len && l.s[k + 1] != ' ') words++;
    }
    char last = l.s[l.len - 1];
    if (words < 3 || lower * 2 < l.len || !(strchr(".:!?", last) || isalnum((unsigned char)last))) return false;
    return !line_in_text(l, original);
}

/* ---- assembling ---- */

static char *join_lines(const struct lines *ls, size_t first, size_t end, size_t strip,
                        size_t *out_len)
{
    while (first < end && line_blank(ls->v[first])) first++;
    while (end > first && line_blank(ls->v[end - 1])) end--;
    if (first == end) return NULL;
    struct buf b = {0};
    for (size_t i = first; i < end; i++) {
        struct line l = ls->v[i];
        size_t cut = line_indent_len(l);
        if (cut > strip) cut = strip;
        buf_append(&b, l.s + cut, l.len - cut);
        if (i + 1 < end) buf_putc(&b, '\n');
    }
    *out_len = b.len;
    return buf_steal(&b);
}

/* original: the selection's lines, never taken for prose (may be NULL). */
static char *code_block(const char *answer, size_t len, const char *language,
                        const struct lines *original, size_t *out_len)
{
    size_t dummy;
    if (!out_len) out_len = &dummy;
    if (!answer) return NULL;
    struct lines ls;
    lines_split(answer, len, &ls);
    struct block b = {0};
    char *code;
    if (best_block(&ls, language, original, &b)) {
        code = join_lines(&ls, b.first, b.end, b.indent, out_len);
    } else {
        size_t first = 0, end = ls.count;
        for (;;) {   /* leading prose, with the blank lines after it */
            while (first < end && line_blank(ls.v[first])) first++;
            if (first < end && line_is_prose(ls.v[first], original)) first++;
            else break;
        }
        for (;;) {
            while (end > first && line_blank(ls.v[end - 1])) end--;
            if (end > first && line_is_prose(ls.v[end - 1], original)) end--;
            else break;
        }
        code = join_lines(&ls, first, end, 0, out_len);
    }
    free(ls.v);
    return code;
}

char *extract_code_block(const char *answer, size_t len, const char *language, size_t *out_len)
{
    return code_block(answer, len, language, NULL, out_len);
}

/* Common leading whitespace of the non-blank lines. */
static void common_indent(const struct lines *ls, const char **s, size_t *n)
{
    bool any = false;
    *s = "";
    *n = 0;
    for (size_t i = 0; i < ls->count; i++) {
        struct line l = ls->v[i];
        if (line_blank(l)) continue;
        size_t k = line_indent_len(l);
        if (!any) { *s = l.s; *n = k; any = true; continue; }
        size_t m = 0;
        while (m < *n && m < k && (*s)[m] == l.s[m]) m++;
        *n = m;
    }
}

static const char *first_eol(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') return "\n";
        if (s[i] == '\r') return i + 1 < n && s[i + 1] == '\n' ? "\r\n" : "\r";
    }
    return "\n";
}

char *extract_shape_like(const char *code, size_t len, const char *selection, size_t sel_len,
                         const char *eol, size_t *out_len)
{
    if (!selection) selection = "";
    if (!eol) eol = first_eol(selection, sel_len);
    /* The selection splits into blank leading lines, a body, and trailing whitespace. */
    size_t lead = 0, body_end = sel_len;
    for (size_t i = 0; i < sel_len; i++) {
        if (selection[i] == '\n' || selection[i] == '\r') lead = i + 1;
        else if (!isspace((unsigned char)selection[i])) break;
    }
    while (body_end > lead && isspace((unsigned char)selection[body_end - 1])) body_end--;
    size_t trail = body_end;
    while (trail < sel_len && selection[trail] != '\n' && selection[trail] != '\r') trail++;
    if (body_end == lead) lead = body_end = trail = 0;   /* all blank: keep it after the code */

    struct lines sel, cl;
    lines_split(selection + lead, body_end - lead, &sel);
    lines_split(code, len, &cl);
    const char *sel_ind, *code_ind;
    size_t sel_n, code_n;
    common_indent(&sel, &sel_ind, &sel_n);
    common_indent(&cl, &code_ind, &code_n);
    bool reindent = indent_width(code_ind, code_n) < indent_width(sel_ind, sel_n);

    struct buf b = {0};
    buf_append(&b, selection, lead);
    size_t end = cl.count;
    while (end > 0 && line_blank(cl.v[end - 1])) end--;
    for (size_t i = 0; i < end; i++) {
        struct line l = cl.v[i];
        if (reindent && !line_blank(l)) {
            buf_append(&b, sel_ind, sel_n);
            buf_append(&b, l.s + code_n, l.len - code_n);
        } else {
            buf_append(&b, l.s, l.len);
        }
        if (i + 1 < end) buf_puts(&b, eol);
    }
    /* Trailing whitespace of the selection, with its line endings made consistent. */
    for (size_t i = trail; i < sel_len; i++) {
        if (selection[i] == '\r' && i + 1 < sel_len && selection[i + 1] == '\n') i++;
        if (selection[i] == '\n' || selection[i] == '\r') buf_puts(&b, eol);
        else buf_putc(&b, selection[i]);
    }
    free(sel.v);
    free(cl.v);
    *out_len = b.len;
    return buf_steal(&b);
}

char *extract_replacement(const char *answer, size_t len, const char *selection, size_t sel_len,
                          const char *language, const char *eol, size_t *out_len)
{
    size_t code_len;
    struct lines original;
    lines_split(selection ? selection : "", selection ? sel_len : 0, &original);
    char *code = code_block(answer, len, language, &original, &code_len);
    free(original.v);
    if (!code) return NULL;
    char *shaped = extract_shape_like(code, code_len, selection, sel_len, eol, out_len);
    free(code);
    return shaped;
}
