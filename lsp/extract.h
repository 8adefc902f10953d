/* Extracting replacement code from a model's answer. Models are asked for code only,
 * but answers still come fenced (``` or ~~~, with or without a language tag, sometimes
 * several blocks), unfenced, wrapped in prose ("Here is the refactored code:" ...
 * "This change ..."), with blank lines around, or with the indentation of the
 * selection dropped. This module turns any of these into the text that replaces the
 * selection, shaped like the selection (indentation, line endings, trailing newline).
 * Pure: no I/O, no state. */
#ifndef LSP_EXTRACT_H
#define LSP_EXTRACT_H
#include <stdbool.h>
#include <stddef.h>

/* The code part of answer: the best fenced block (a block tagged with language or
 * untagged beats one tagged otherwise; then the longest; then the last), else the
 * answer without leading and trailing prose. Leading and trailing blank lines are
 * dropped, line endings become \n. Returns a malloc'd string (*out_len set), or NULL
 * when there is no code. language may be NULL. */
char *extract_code_block(const char *answer, size_t len, const char *language, size_t *out_len);

/* Shapes code (\n line endings) like selection: if the code's common indentation is
 * shallower than the selection's, the selection's is applied; the selection's leading
 * blank lines and trailing whitespace after its last line are kept (so a trailing
 * newline is present exactly when the selection has one); lines end with eol (NULL:
 * the selection's first line ending, else "\n"). Returns malloc'd text (*out_len set). */
char *extract_shape_like(const char *code, size_t len, const char *selection, size_t sel_len,
                         const char *eol, size_t *out_len);

/* Both steps: the replacement for selection from answer, or NULL when the answer
 * holds no code. */
char *extract_replacement(const char *answer, size_t len, const char *selection, size_t sel_len,
                          const char *language, const char *eol, size_t *out_len);

#endif
