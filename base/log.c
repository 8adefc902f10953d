/* Logging with secret masking (see log.h). Writes are small and synchronous: a log
 * line is a few hundred bytes to stderr or a local file, cheaper than handing it to
 * a thread pool, and debug level is off by default. */
#include "base/log.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

static FILE *log_file;
static enum log_level log_level = LOG_LEVEL_INFO;
static char **secrets;
static size_t secret_count;
static log_sink_fn sink_fn;
static void *sink_data;
static int in_sink;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int log_open(const char *path, enum log_level level)
{
    log_level = level;
    if (!path) return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    /* An existing log file made by someone else's umask keeps its mode on open: the log
     * holds paths and model names, so it is private like every file we write. */
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077)) (void)fchmod(fd, 0600);
    FILE *f = fdopen(fd, "a");
    if (!f) { close(fd); return -1; }
    if (log_file) fclose(log_file);
    log_file = f;
    return 0;
}

void log_close(void)
{
    if (log_file) fclose(log_file);
    log_file = NULL;
    log_clear_secrets();
    sink_fn = NULL;
}

void log_set_level(enum log_level level) { log_level = level; }
enum log_level log_get_level(void) { return log_level; }

int log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (name && strcasecmp(name, level_names[i]) == 0) return i;
    if (name && strcasecmp(name, "warning") == 0) return LOG_LEVEL_WARN;
    return -1;
}

void log_add_secret(const char *secret)
{
    if (!secret || strlen(secret) < 4) return;
    for (size_t i = 0; i < secret_count; i++)
        if (strcmp(secrets[i], secret) == 0) return;
    secrets = xrealloc(secrets, (secret_count + 1) * sizeof *secrets);
    secrets[secret_count++] = xstrdup(secret);
}

void log_clear_secrets(void)
{
    for (size_t i = 0; i < secret_count; i++) xfree_secret(secrets[i]);
    free(secrets);
    secrets = NULL;
    secret_count = 0;
}

void log_mask_secrets(char *s)
{
    for (size_t i = 0; i < secret_count; i++) {
        size_t n = strlen(secrets[i]);
        for (char *p = strstr(s, secrets[i]); p; p = strstr(p + n, secrets[i]))
            memset(p, '*', n);
    }
}

void log_set_sink(log_sink_fn fn, void *data)
{
    sink_fn = fn;
    sink_data = data;
}

void log_write(enum log_level level, const char *func, const char *fmt, ...)
{
    if (level > log_level) return;
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_mask_secrets(msg);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    FILE *out = log_file ? log_file : stderr;
    fprintf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s: %s\n", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
            level_names[level], func, msg);
    fflush(out);
    /* A sink that logs must not recurse into itself. */
    if (sink_fn && !in_sink) {
        in_sink = 1;
        sink_fn(level, msg, sink_data);
        in_sink = 0;
    }
}
