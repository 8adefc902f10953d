/* Allocation with one out-of-memory policy for the whole program: abort.
 * A language server that cannot allocate a few bytes cannot do anything useful,
 * and checking every call site would hide the real logic. Every allocation in
 * switchboard goes through these (cJSON is pointed at them too, see xalloc_init). */
#ifndef BASE_XALLOC_H
#define BASE_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);           /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
/* Exactly n bytes of s (embedded NULs kept, unlike xstrndup) and a terminating NUL. */
char *xmemdup0(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Frees a NUL-terminated secret (an API key) after zeroing it, in a way the compiler
 * may not drop as a dead store before free. NULL is fine. */
void xfree_secret(char *s);
/* A NULL-terminated list of strings: a copy (never NULL: NULL in gives an empty list)
 * and its free (NULL is fine). */
char **xstrv_dup(char *const *v);
void xstrv_free(char **v);

/* Installs the policy into cJSON's hooks. Call once at start. */
void xalloc_init(void);

#endif
