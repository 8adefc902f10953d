/* Reading the ledger back: one line at a time into a struct ledger_entry, and every
 * line of the current file and its rotated predecessors, oldest first. Shared by the
 * ledger (spend scan at open) and by the reports (stats). Synchronous: used before
 * serving or from the command line, never on the event loop's hot path. */
#ifndef LEDGER_LEDGER_READ_H
#define LEDGER_LEDGER_READ_H
#include "ledger/ledger.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum ledger_line_kind { LEDGER_LINE_INVALID = 0, LEDGER_LINE_ATTEMPT, LEDGER_LINE_ACCEPT };

/* Parses one line. On LEDGER_LINE_ATTEMPT the entry's strings point into *root; on
 * LEDGER_LINE_ACCEPT *accept_id (and entry->time_ms) is set. The caller deletes *root
 * (set even for an invalid line, may be NULL). Missing optional fields get defaults:
 * strings "", numbers 0, first_token_ms -1. */
enum ledger_line_kind ledger_parse_line(const char *line, cJSON **root,
                                        struct ledger_entry *entry, const char **accept_id);

/* Calls fn for every line (without its newline) of PATH.N ... PATH.1, PATH (rotated
 * files first, highest number = oldest). The line is the reader's own getline buffer,
 * valid during the call: the per-attempt fold (signals.c) unescapes it in place, which
 * is why that buffer is never a string constant. Returns the number of files read (0
 * when none exists). */
typedef void (*ledger_line_fn)(void *data, const char *line);
int ledger_read_all(const char *path, ledger_line_fn fn, void *data);
/* The same, for a reader that may have to give up part way (a background replay when
 * the server exits): fn returns false to stop; no further line is read. */
typedef bool (*ledger_line_while_fn)(void *data, const char *line);
int ledger_read_all_while(const char *path, ledger_line_while_fn fn, void *data);

/* The time of a line the ledger wrote, which always starts {"time":"<24 chars>", read
 * without parsing the line: lets a reader skip lines outside its window cheaply.
 * -1 when the line does not start that way. */
int64_t ledger_line_time(const char *line);

/* "2026-11-27T21:00:00.123Z" <-> epoch ms (UTC). Parse returns -1 on bad text. */
void ledger_format_time(int64_t ms, char out[32]);
int64_t ledger_parse_time(const char *text);

#endif
