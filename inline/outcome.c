/* Inline suggestion outcomes from document changes (see outcome.h). */
#include "inline/outcome.h"
#include "lsp/text_watch.h"
#include <string.h>

static bool continuation(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

void outcome_init(struct inline_outcome *o, const char *text, size_t len, size_t start,
                  size_t line_start, const char *present, size_t present_len)
{
    size_t done = 0;
    while (done < len && done < present_len && text[done] == present[done]) done++;
    while (done > 0 && done < len && continuation(text[done])) done--;   /* whole characters */
    *o = (struct inline_outcome){ text, len, start, line_start, done };
}

/* What a keystroke inserts: one character, or a line break (CRLF is one) followed by
 * the indentation the editor adds. Two characters or more at once are the editor
 * applying the suggestion (or a part of it). */
static bool is_typing(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 2 && s[0] == '\r' && s[1] == '\n') i = 2;
    else if (n >= 1 && s[0] == '\n') i = 1;
    if (i) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
        return i == n;
    }
    return n > 0 && text_code_points(s, n) == 1;
}

/* An opening bracket or quote typed where the editor closes it at once: "()" is one
 * keystroke, the "(" of the suggestion typed through (the ")" lies after the cursor). */
static bool auto_closed(const char *s, size_t n, char want)
{
    static const char *const pairs[] = { "()", "[]", "{}", "\"\"", "''", "``" };
    for (size_t i = 0; n == 2 && i < sizeof pairs / sizeof *pairs; i++)
        if (memcmp(s, pairs[i], 2) == 0) return s[0] == want;
    return false;
}

static enum outcome_verdict applied(struct inline_outcome *o, size_t done, long *chars)
{
    o->done = done;
    *chars = text_code_points(o->text, done);
    return done == o->len ? OUTCOME_ACCEPTED : OUTCOME_PARTIAL;
}

enum outcome_verdict outcome_change(struct inline_outcome *o, size_t cs, size_t ce, const char *ins,
                                    size_t ins_len, long *chars)
{
    size_t pos = o->start + o->done;
    if (ce < o->line_start) {   /* on an earlier line: the suggestion moves */
        o->start = o->start - (ce - cs) + ins_len;
        o->line_start = o->line_start - (ce - cs) + ins_len;
        return OUTCOME_NONE;
    }
    if (cs > pos) return OUTCOME_NONE;                 /* after it */
    if (cs < o->start) return OUTCOME_REJECTED;   /* on its line, before it */
    size_t k = cs - o->start, rest = o->len - k;
    const char *want = o->text + k;
    if (ins_len == 0) {         /* deleting back (or forward): it still applies */
        o->done = k;
        return OUTCOME_NONE;
    }
    if (auto_closed(ins, ins_len, *want)) {   /* the closing one counts only if offered */
        o->done = k + (rest >= 2 && want[1] == ins[1] ? 2 : 1);
        return o->done == o->len ? OUTCOME_TYPED_THROUGH : OUTCOME_NONE;
    }
    if (ins_len <= rest && memcmp(ins, want, ins_len) == 0) {
        if (k + ins_len > o->done && !is_typing(ins, ins_len)) return applied(o, k + ins_len, chars);
        o->done = k + ins_len;
        return o->done == o->len ? OUTCOME_TYPED_THROUGH : OUTCOME_NONE;
    }
    /* The rest and then more in one change: the editor applied it and added to it. */
    if (ins_len > rest && memcmp(ins, want, rest) == 0 && k + rest > o->done && !is_typing(want, rest))
        return applied(o, o->len, chars);
    return OUTCOME_REJECTED;
}
