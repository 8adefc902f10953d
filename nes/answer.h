/* Reads a model's next-edit answer: the rewritten region between NES_REGION_START and
 * NES_REGION_END (nes/prompt.h). Prose or a markdown fence around the markers is
 * ignored; cursor markers inside are removed; line endings become the document's. An
 * answer without both markers, with more than one region, or whose region grew far
 * beyond the one asked about (the model rewrote more than the region) is rejected.
 * Pure. */
#ifndef NES_ANSWER_H
#define NES_ANSWER_H
#include <stdbool.h>
#include <stddef.h>

/* region/region_len: the region as sent (to match its final line ending and bound its
 * growth); eol: the document's line ending ("\n" or "\r\n"). Returns the new region
 * (malloc'd, *out_len set), or NULL with *why set to a static reason. */
char *nes_answer_parse(const char *answer, size_t len, const char *region, size_t region_len,
                       const char *eol, size_t *out_len, const char **why);

#endif
