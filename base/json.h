/* Safe readers for cJSON trees, the one set every layer uses (LSP params, configuration,
 * price list, workloads, backend answers). Each returns NULL, false or the caller's
 * fallback for a missing member or one of the wrong type, so no caller dereferences
 * unchecked JSON. A dotted path walks objects ("capabilities.general.positionEncodings";
 * a trailing dot finds nothing); json_member reads one member whose name may hold dots
 * (a model called "gpt-4.1"). Building JSON stays with cJSON's own functions. */
#ifndef BASE_JSON_H
#define BASE_JSON_H
#include <cjson/cJSON.h>
#include <stdbool.h>

/* The member called name of object obj (exact, case-sensitive); NULL when obj is not
 * an object or has none. */
const cJSON *json_member(const cJSON *obj, const char *name);
/* The value at dotted_path under obj, NULL when a step is missing or not an object. */
const cJSON *json_get(const cJSON *obj, const char *dotted_path);

/* The string at path, NULL when missing or not a string. */
const char *json_get_string(const cJSON *obj, const char *dotted_path);
/* True, with *out set, when the value at path is a whole number that fits a long. */
bool json_get_int(const cJSON *obj, const char *dotted_path, long *out);
/* A count (tokens, indexes, codes) at path: a number truncated toward zero and clamped
 * to +-1e15, so sums of a few stay defined whatever a backend sends; else fallback. */
long json_get_long(const cJSON *obj, const char *dotted_path, long fallback);
/* The number at path, fallback when missing or not a number. */
double json_get_number(const cJSON *obj, const char *dotted_path, double fallback);
/* True only for a JSON true at path. */
bool json_get_true(const cJSON *obj, const char *dotted_path);

#endif
