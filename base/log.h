/* Logging to stderr or a log file (never stdout: stdout carries only protocol).
 * Every line names the function that logged it. Secrets registered with
 * log_add_secret (API keys) are masked in every line, whatever the level, so a key
 * that slips into a message (an echoed header, an error body) never reaches disk. */
#ifndef BASE_LOG_H
#define BASE_LOG_H
#include <stdarg.h>

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* path NULL means stderr. Returns 0, or -1 when the file cannot be opened (stderr is kept). */
int log_open(const char *path, enum log_level level);
void log_close(void);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* "error"|"warn"|"info"|"debug" -> level; -1 if unknown. */
int log_level_parse(const char *name);

/* The secret is copied; secrets shorter than 4 bytes are ignored (they would mask
 * ordinary text). Registered secrets stay until log_clear_secrets. */
void log_add_secret(const char *secret);
void log_clear_secrets(void);
/* Replaces every registered secret in s (in place, same length, with '*'). */
void log_mask_secrets(char *s);

/* An optional sink that also receives every line (the LSP layer forwards to
 * window/logMessage or $/logTrace). Called with the masked line. */
typedef void (*log_sink_fn)(enum log_level level, const char *line, void *data);
void log_set_sink(log_sink_fn fn, void *data);

void log_write(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(...) log_write(LOG_LEVEL_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_LEVEL_WARN, __func__, __VA_ARGS__)
#define log_info(...)  log_write(LOG_LEVEL_INFO, __func__, __VA_ARGS__)
#define log_debug(...) \
    do { if (log_get_level() >= LOG_LEVEL_DEBUG) log_write(LOG_LEVEL_DEBUG, __func__, __VA_ARGS__); } while (0)

#endif
