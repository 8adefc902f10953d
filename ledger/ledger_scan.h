/* A fast, allocation-free reader of one ledger line: a flat JSON object whose values
 * are strings, numbers, booleans or null (every line the ledger writes). Strings are
 * unescaped in place, so the line must be writable; pointers stay valid as long as
 * the line does. Folding a 100 MB ledger through cJSON costs a node allocation per
 * field; this keeps the fold well under a second (bench/ledger.c). A line that is
 * not such an object (nested values, bad syntax) is reported as not scanned, and
 * readers skip it as they skip any foreign line. */
#ifndef LEDGER_LEDGER_SCAN_H
#define LEDGER_LEDGER_SCAN_H
#include <stdbool.h>
#include <stddef.h>

enum scan_type { SCAN_STRING, SCAN_NUMBER, SCAN_TRUE, SCAN_FALSE, SCAN_NULL };

struct scan_field {
    const char *key;
    enum scan_type type;
    const char *str;      /* SCAN_STRING: NUL-terminated, unescaped */
    double num;           /* SCAN_NUMBER */
};

/* Calls fn for each member in order; fn returns false to stop early. Returns false
 * when the line is not a flat object (fields already reported stay reported). */
typedef bool (*scan_field_fn)(void *data, const struct scan_field *field);
bool ledger_scan_line(char *line, scan_field_fn fn, void *data);

#endif
