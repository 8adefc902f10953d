/* Runs an api_key_cmd (see apikey.h). posix_spawnp instead of fork: the server has
 * libuv's thread pool running, and spawn is the safe way to start a child from a
 * threaded process. The command's output is a secret: it is read into memory, trimmed,
 * and wiped from the read buffer; nothing of it reaches an error message. */
#include "config/apikey.h"
#include "base/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define OUTPUT_MAX 8192

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t spawn_child(char *const *argv, int out_fd, int close_fd, int *error)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, close_fd);
    pid_t pid = -1;
    *error = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return *error ? -1 : pid;
}

/* Reads until EOF or the deadline. Returns bytes read, or -1 on timeout. */
static long read_until(int fd, char *data, size_t cap, long deadline)
{
    size_t len = 0;
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0) return -1;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return -1;
        char scratch[512];
        ssize_t n = read(fd, scratch, sizeof scratch);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return (long)len;
        size_t take = (size_t)n < cap - len ? (size_t)n : cap - len;
        memcpy(data + len, scratch, take);
        len += take;
        memset(scratch, 0, sizeof scratch);
    }
}

/* Waits for pid until the deadline; kills it after. Returns the wait status or -1. */
static int reap(pid_t pid, long deadline)
{
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return -1;
        if (now_ms() >= deadline) break;
        usleep(2000);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return -1;
}

static char *first_line(const char *data, size_t len)
{
    size_t end = 0;
    while (end < len && data[end] != '\n' && data[end] != '\r') end++;
    size_t start = 0;
    while (start < end && (data[start] == ' ' || data[start] == '\t')) start++;
    while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\t')) end--;
    return end > start ? xstrndup(data + start, end - start) : NULL;
}

int apikey_run_command(char *const *argv, long timeout_ms, char **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!argv || !argv[0] || !*argv[0]) {
        snprintf(err, errlen, "empty command");
        return -1;
    }
    const char *name = argv[0];
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "cannot run '%s': %s", name, strerror(errno));
        return -1;
    }
    int spawn_error = 0;
    pid_t pid = spawn_child(argv, fds[1], fds[0], &spawn_error);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        snprintf(err, errlen, "cannot run '%s': %s", name, strerror(spawn_error));
        return -1;
    }
    long deadline = now_ms() + timeout_ms;
    char *data = xmalloc(OUTPUT_MAX);
    long len = read_until(fds[0], data, OUTPUT_MAX, deadline);
    close(fds[0]);
    int status = reap(pid, len < 0 ? 0 : deadline);
    int rc = -1;
    if (len < 0 || status < 0)
        snprintf(err, errlen, "'%s' timed out after %ld ms", name, timeout_ms);
    else if (WIFSIGNALED(status))
        snprintf(err, errlen, "'%s' was killed by signal %d", name, WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        snprintf(err, errlen, "'%s' exited with status %d", name, WEXITSTATUS(status));
    else if (!(*out = first_line(data, (size_t)len)))
        snprintf(err, errlen, "'%s' printed no key", name);
    else
        rc = 0;
    memset(data, 0, OUTPUT_MAX);
    free(data);
    return rc;
}
