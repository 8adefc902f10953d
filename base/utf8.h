/* UTF-8 validation and repair for text we send out (JSON-RPC messages must be valid
 * UTF-8, but an editor may send bytes that are not, and they can come back in error
 * messages, traces or document text). */
#ifndef BASE_UTF8_H
#define BASE_UTF8_H
#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when s[0] does not start one
 * within len bytes (stray continuation, overlong form, surrogate, above U+10FFFF,
 * truncated). */
size_t utf8_well_formed_length(const unsigned char *s, size_t len);

bool utf8_valid(const char *s, size_t len);

/* A malloc'd copy of s in which every byte that is not part of a valid sequence is
 * replaced by U+FFFD (EF BF BD), NUL-terminated, *out_len set; or NULL when s is
 * already valid (nothing to do). */
char *utf8_repair(const char *s, size_t len, size_t *out_len);

#endif
