/* Post-processing of inline completions: turns what a model streamed into what the
 * editor should insert at the cursor. Pure functions over text, no I/O.
 *
 * The rules, in order: line endings normalised; text that echoes what is already
 * typed before the cursor removed; single-line completions cut at the end of the
 * first line, multi-line ones at the end of the current block (indentation returns
 * to or below the block's level), at a line that repeats the suffix, and at
 * max_lines; text that duplicates the suffix (the model rewriting what follows the
 * cursor) removed, including closing brackets the suffix already has; indentation
 * converted to the file's style (tabs or spaces); the file's line ending (\n or
 * \r\n) applied; empty or whitespace-only results dropped. */
#ifndef INLINE_POSTPROCESS_H
#define INLINE_POSTPROCESS_H
#include "config/config.h"
#include <stdbool.h>
#include <stddef.h>

/* The context around the cursor. Borrows prefix and suffix: they must outlive it. */
struct postprocess_ctx {
    const char *prefix;       /* text before the cursor (may be a tail of the document) */
    size_t prefix_len;
    const char *suffix;       /* text after the cursor (may be a head of the document) */
    size_t suffix_len;
    const char *line_before;  /* the cursor's line up to the cursor (inside prefix) */
    size_t line_before_len;
    const char *line_after;   /* the cursor's line after the cursor (inside suffix), no EOL */
    size_t line_after_len;
    bool multiline;           /* decided by postprocess_init from the mode and context */
    int max_lines;            /* multi-line cap (>= 1) */
    bool crlf;                /* the file uses \r\n */
    bool tabs;                /* the file indents with tabs */
    int indent_width;         /* spaces per level when not tabs (default 4) */
    size_t block_indent;      /* indentation width (columns) of the cursor's line */
    bool after_opener;        /* the cursor follows a block opener ({ : ( [ => do then) */
};

/* Fills ctx from the text around the cursor: the cursor's line, the single/multi-line
 * decision (mode auto: multi-line at the end of a blank line or after a block opener,
 * single-line mid-line), line endings and indentation style. */
void postprocess_init(struct postprocess_ctx *ctx, const char *prefix, size_t prefix_len,
                      const char *suffix, size_t suffix_len, enum multiline_mode mode,
                      int max_lines);

/* The multi-line decision alone (used by postprocess_init). */
bool postprocess_wants_multiline(const char *line_before, size_t before_len,
                                 const char *line_after, size_t after_len,
                                 enum multiline_mode mode);

/* The text to insert, malloc'd, or NULL when nothing useful is left. */
char *postprocess_apply(const char *text, size_t len, const struct postprocess_ctx *ctx);

/* Streaming early stop: true once text streamed so far already holds the whole
 * answer by the rules above (single-line: the first line ended; multi-line: the
 * block closed, the suffix is being repeated, or max_lines full lines arrived). */
bool postprocess_is_complete(const char *text, size_t len, const struct postprocess_ctx *ctx);

/* Indentation style of a text: *tabs when most indented lines start with a tab, and
 * the most common step between successive space indentations (default 4). Returns
 * how many indented lines it saw (0: no evidence, defaults set). */
size_t postprocess_detect_indent(const char *text, size_t len, bool *tabs, int *width);

#endif
