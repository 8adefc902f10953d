/* The validator of a cascade (route "strategy": "cascade"): whether the code a
 * replace action extracted from an answer can be applied. It must hold code (a code
 * block or a non-empty replacement), and where brackets are cheap to check (C-like
 * languages, Python, JSON...) they must balance whenever the selection's did. The edit
 * then applies cleanly to the range: it is computed against the selection, and the
 * job refuses an answer for a document that changed meanwhile. */
#ifndef ACTIONS_ANSWER_CHECK_H
#define ACTIONS_ANSWER_CHECK_H
#include <stdbool.h>
#include <stddef.h>

/* NULL when code is usable, else why not in plain words. code NULL = nothing extracted. */
const char *answer_check_replacement(const char *code, size_t len, const char *selection,
                                     size_t sel_len, const char *language);
/* True when (), [] and {} nest and close in text, outside strings and comments as
 * language writes them. */
bool answer_brackets_balance(const char *text, size_t len, const char *language);

#endif
