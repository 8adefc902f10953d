/* A growable byte buffer, always NUL-terminated so it can be used as a string.
 * Zero-initialised (struct buf b = {0}) is a valid empty buffer. */
#ifndef BASE_BUF_H
#define BASE_BUF_H
#include <stddef.h>

struct buf {
    char *data;   /* NULL while empty and never grown */
    size_t len;
    size_t cap;
};

void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_consume(struct buf *b, size_t n);   /* drop the first n bytes */
void buf_reset(struct buf *b);               /* len = 0, keeps memory */
char *buf_steal(struct buf *b);              /* returns the string (never NULL), buffer empties */
const char *buf_str(const struct buf *b);    /* "" when empty */
void buf_free(struct buf *b);

#endif
