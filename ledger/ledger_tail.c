/* The backward reader: a file is read in chunks from its end. The buffer holds the
 * bytes not yet handed out, from the start of the last chunk read up to the end of
 * the lines still pending; every line after the buffer's first newline is complete
 * and goes out newest first, and the bytes before that newline wait for the next
 * (earlier) chunk. At the start of the file they are the file's first line. */
#include "ledger/ledger_tail.h"
#include "base/xalloc.h"
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

struct tail {
    char *buf;
    size_t len, cap;
    bool skipping;          /* the pending line grew past the limit: drop it */
    ledger_tail_fn fn;
    void *data;
    size_t lines;
    bool stopped;
};

/* Hands out line [0, len) of the buffer, trimmed; returns false to stop. */
static bool emit(struct tail *t, char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r') len--;
    if (len == 0) return true;
    line[len] = '\0';
    t->lines++;
    if (!t->fn(t->data, line, len)) t->stopped = true;
    return !t->stopped;
}

/* Emits every complete line at the end of the buffer, newest first, and keeps the
 * bytes before the first newline (an incomplete line) at the buffer's start. */
static bool drain(struct tail *t)
{
    size_t end = t->len;
    for (size_t i = t->len; i-- > 0;) {
        if (t->buf[i] != '\n') continue;
        if (!t->skipping && !emit(t, t->buf + i + 1, end - (i + 1))) return false;
        t->skipping = false;
        end = i;
    }
    t->len = end;
    if (t->len > LEDGER_TAIL_MAX_LINE) {   /* no newline in sight: a foreign, huge line */
        t->skipping = true;
        t->len = 0;
    }
    return true;
}

static bool read_file(struct tail *t, const char *path, int64_t limit)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return true;
    struct stat st;
    int64_t pos = fstat(fd, &st) == 0 ? (int64_t)st.st_size : 0;
    if (limit >= 0 && limit < pos) pos = limit;
    t->len = 0;
    t->skipping = false;
    bool go = true;
    while (go && pos > 0) {
        size_t n = pos < CHUNK ? (size_t)pos : CHUNK;
        if (t->len + n + 1 > t->cap) {
            t->cap = t->len + n + 1;
            t->buf = xrealloc(t->buf, t->cap);
        }
        memmove(t->buf + n, t->buf, t->len);   /* earlier bytes go in front */
        ssize_t got = pread(fd, t->buf, n, (off_t)(pos - (int64_t)n));
        if (got != (ssize_t)n) break;          /* the file shrank (rotated): stop here */
        pos -= (int64_t)n;
        t->len += n;
        go = drain(t);
    }
    if (go && pos == 0 && !t->skipping) go = emit(t, t->buf, t->len);
    close(fd);
    return go;
}

size_t ledger_read_newest_first(const char *path, int64_t limit, ledger_tail_fn fn, void *data)
{
    struct tail t = { .fn = fn, .data = data };
    bool go = read_file(&t, path, limit);
    for (int i = 1; go && i <= 1000; i++) {
        char *rotated = xasprintf("%s.%d", path, i);
        bool exists = access(rotated, F_OK) == 0;
        if (exists) go = read_file(&t, rotated, -1);
        free(rotated);
        if (!exists) break;
    }
    free(t.buf);
    return t.lines;
}
