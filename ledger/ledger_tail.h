/* Reading the ledger newest line first: PATH from its end, then PATH.1, PATH.2, ...
 * (rotated files, each older than the one before). For readers that need only the
 * recent past, such as the spend behind budgets: they stop as soon as lines are older
 * than their window, so opening the ledger costs what the window holds, not what the
 * files hold (a 100 MB ledger read whole with cJSON blocked start-up for 0.6 s).
 * Synchronous, like ledger_read_all. */
#ifndef LEDGER_LEDGER_TAIL_H
#define LEDGER_LEDGER_TAIL_H
#include <stddef.h>
#include <stdint.h>

/* The line (no newline, no trailing CR) is writable and NUL-terminated, valid during
 * the call. Return false to stop reading. */
typedef _Bool (*ledger_tail_fn)(void *data, char *line, size_t len);

/* Lines of PATH that lie in its first limit bytes (limit < 0: the whole file; bytes
 * appended after a size the caller saw are not read), then of the rotated files.
 * Empty lines are skipped; a line longer than LEDGER_TAIL_MAX_LINE is skipped (the
 * ledger writes none). Returns the number of lines handed to fn. */
#define LEDGER_TAIL_MAX_LINE (1 << 20)
size_t ledger_read_newest_first(const char *path, int64_t limit, ledger_tail_fn fn, void *data);

#endif
