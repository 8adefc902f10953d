/* The real binary over pipes: how long a start takes until the initialize response,
 * cold and warm, where that time goes, the memory the process holds once its services
 * are up, and request throughput through stdin/stdout.
 *
 * Every start runs in the same environment whoever runs it: PATH only, HOME and the
 * XDG directories in a fresh temporary directory (no configuration file, ledger there),
 * no API key variables, no local-server probes (SWITCHBOARD_NO_PROBE_LOCAL=1). So the
 * services start with no model, as on a machine with nothing configured.
 *
 *   warm start   median of STARTS starts, libraries in the page cache
 *   cold start   median of COLD_STARTS starts, each after the binary's and its shared
 *                libraries' pages were dropped from the page cache (posix_fadvise
 *                DONTNEED; pages another running process has mapped, libc's for one,
 *                stay, so this is the cold start of an editor's session, not of a
 *                freshly booted machine)
 *   --version    the same spawn with `switchboard --version`: exec and dynamic loading
 *                of the binary and its libraries, no server; the rest of a start is
 *                switchboard's own
 *   /bin/cat     the same spawn and pipe round trip with cat echoing the message
 *   memory       after the initialize response and one more request answered (the
 *                services start right after the response): VmRSS from
 *                /proc/PID/status (counts every shared library page the process
 *                touched) and private memory, Private_Clean + Private_Dirty from
 *                /proc/PID/smaps_rollup (the process's own); median of STARTS starts
 *
 * Usage: lsp_process [PATH-TO-SWITCHBOARD]  (default $SWITCHBOARD_BIN or ./switchboard) */
#include "bench/bench_util.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define STARTS 30
#define COLD_STARTS 10
#define PIPE_MESSAGES 100000

struct child { pid_t pid; int in, out; };

static char home[64];
static char *child_env[8];

static void make_env(void)
{
    static char path[4096], vars[4][128];
    snprintf(home, sizeof home, "/tmp/sb-bench-XXXXXX");
    if (!mkdtemp(home)) { perror("mkdtemp"); exit(1); }
    const char *p = getenv("PATH");
    snprintf(path, sizeof path, "PATH=%s", p ? p : "/usr/bin:/bin");
    snprintf(vars[0], sizeof vars[0], "HOME=%s", home);
    snprintf(vars[1], sizeof vars[1], "XDG_CONFIG_HOME=%s", home);
    snprintf(vars[2], sizeof vars[2], "XDG_STATE_HOME=%s", home);
    snprintf(vars[3], sizeof vars[3], "SWITCHBOARD_NO_PROBE_LOCAL=1");
    child_env[0] = path;
    for (int i = 0; i < 4; i++) child_env[i + 1] = vars[i];
    child_env[5] = NULL;
}

static void remove_env(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", home);
}

static struct child spawn_argv(const char *bin, const char *arg)
{
    int to[2], from[2];
    if (pipe(to) || pipe(from)) { perror("pipe"); exit(1); }
    struct child c;
    c.pid = fork();
    if (c.pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        close(to[0]); close(to[1]); close(from[0]); close(from[1]);
        execle(bin, bin, arg, (char *)NULL, child_env);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    c.in = to[1];
    c.out = from[0];
    return c;
}

static struct child spawn(const char *bin) { return spawn_argv(bin, "--stdio"); }

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) { if (errno == EINTR) continue; perror("write"); exit(1); }
        s += w;
        n -= (size_t)w;
    }
}

static void send_msg(int fd, const char *body)
{
    char header[64];
    int n = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", strlen(body));
    write_all(fd, header, (size_t)n);
    write_all(fd, body, strlen(body));
}

/* Reads until one whole message arrived (header + body). */
static void read_one(int fd)
{
    char buf[65536];
    size_t have = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, sizeof buf - have - 1);
        if (r <= 0) { fprintf(stderr, "server closed stdout\n"); exit(1); }
        have += (size_t)r;
        buf[have] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        long len;
        if (end && sscanf(buf, "Content-Length: %ld", &len) == 1 && (size_t)(end + 4 - buf) + (size_t)len <= have)
            return;
    }
}

/* A "Name:   123 kB" field of a /proc file, summed over every line that has it. */
static long proc_kb(pid_t pid, const char *file, const char *const *names)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    FILE *f = fopen(path, "r");
    long total = -1;
    while (f && fgets(line, sizeof line, f)) {
        for (const char *const *n = names; *n; n++) {
            size_t len = strlen(*n);
            long kb;
            if (strncmp(line, *n, len) == 0 && line[len] == ':' && sscanf(line + len + 1, "%ld", &kb) == 1)
                total = (total < 0 ? 0 : total) + kb;
        }
    }
    if (f) fclose(f);
    return total;
}

static long rss_kb(pid_t pid)
{
    static const char *const names[] = { "VmRSS", NULL };
    return proc_kb(pid, "status", names);
}

static long private_kb(pid_t pid)
{
    static const char *const names[] = { "Private_Clean", "Private_Dirty", NULL };
    return proc_kb(pid, "smaps_rollup", names);
}

/* The files a process maps (the binary and its shared libraries), one per line. */
static char mapped[16384];

static void note_mapped_files(pid_t pid)
{
    char path[64], line[1024];
    size_t n = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    mapped[0] = '\0';
    while (f && fgets(line, sizeof line, f)) {
        char *file = strchr(line, '/');
        if (!file || strstr(mapped, file)) continue;   /* file keeps its newline */
        n += (size_t)snprintf(mapped + n, sizeof mapped - n, "%s", file);
        if (n >= sizeof mapped) { n = sizeof mapped - 1; break; }
    }
    if (f) fclose(f);
}

/* Drops the page cache's copies of those files, once the process has exited (pages
 * some other running process maps stay). */
static void evict_mapped_files(void)
{
    char *save = NULL;
    for (char *file = strtok_r(mapped, "\n", &save); file; file = strtok_r(NULL, "\n", &save)) {
        int fd = open(file, O_RDONLY);
        if (fd < 0) continue;
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        close(fd);
    }
}

static const char *INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                          "{\"processId\":null,\"capabilities\":{}}}";

static void finish(struct child c)
{
    send_msg(c.in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
    send_msg(c.in, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
    close(c.in);
    char buf[4096];
    while (read(c.out, buf, sizeof buf) > 0) {}
    close(c.out);
    int status;
    waitpid(c.pid, &status, 0);
}

static double pipe_throughput(const char *bin)
{
    struct child c = spawn(bin);
    send_msg(c.in, INIT);
    read_one(c.out);
    /* Prepare all requests, then write and read concurrently with poll. */
    size_t cap = (size_t)PIPE_MESSAGES * 96, len = 0;
    char *all = malloc(cap);
    for (int i = 0; i < PIPE_MESSAGES; i++) {
        char body[128];
        int n = snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"no/such\"}", 100 + i);
        len += (size_t)snprintf(all + len, cap - len, "Content-Length: %d\r\n\r\n%s", n, body);
    }
    fcntl(c.in, F_SETFL, O_NONBLOCK);
    size_t sent = 0, seen = 0;
    int match = 0;
    const char *pat = "\r\n\r\n";
    uint64_t t0 = bench_ns();
    while (seen < PIPE_MESSAGES) {
        struct pollfd p[2] = { { c.out, POLLIN, 0 }, { c.in, sent < len ? POLLOUT : 0, 0 } };
        poll(p, 2, 1000);
        if (p[1].revents & POLLOUT) {
            ssize_t w = write(c.in, all + sent, len - sent);
            if (w > 0) sent += (size_t)w;
        }
        if (p[0].revents & (POLLIN | POLLHUP)) {
            char buf[65536];
            ssize_t r = read(c.out, buf, sizeof buf);
            if (r <= 0) break;
            for (ssize_t i = 0; i < r; i++) {   /* count header ends */
                match = buf[i] == pat[match] ? match + 1 : (buf[i] == '\r' ? 1 : 0);
                if (match == 4) { seen++; match = 0; }
            }
        }
    }
    double secs = (double)(bench_ns() - t0) / 1e9;
    fcntl(c.in, F_SETFL, 0);
    free(all);
    finish(c);
    return seen / secs;
}

/* One start: spawn, initialize, wait for the answer. Returns the time it took. */
static uint64_t one_start(const char *bin, struct child *out)
{
    uint64_t t0 = bench_ns();
    struct child c = spawn(bin);
    send_msg(c.in, INIT);
    read_one(c.out);
    *out = c;
    return bench_ns() - t0;
}

/* After the response the services start; the answer to one more request means they
 * are up (messages before it, such as the services' showMessage, are skipped). */
static void settle(struct child c)
{
    send_msg(c.in, "{\"jsonrpc\":\"2.0\",\"id\":424242,\"method\":\"no/such\"}");
    char buf[65536];
    size_t have = 0;
    for (;;) {
        if (have > sizeof buf / 2) {   /* keep a tail that may hold half the id */
            memmove(buf, buf + have - 64, 64);
            have = 64;
        }
        ssize_t r = read(c.out, buf + have, sizeof buf - have - 1);
        if (r <= 0) { fprintf(stderr, "server closed stdout\n"); exit(1); }
        have += (size_t)r;
        buf[have] = '\0';
        if (strstr(buf, "\"id\":424242")) return;
    }
}

static uint64_t version_run(const char *bin)
{
    uint64_t t0 = bench_ns();
    struct child c = spawn_argv(bin, "--version");
    char buf[256];
    while (read(c.out, buf, sizeof buf) > 0) {}
    close(c.in);
    close(c.out);
    waitpid(c.pid, NULL, 0);
    return bench_ns() - t0;
}

int main(int argc, char **argv)
{
    const char *bin = argc > 1 ? argv[1] : getenv("SWITCHBOARD_BIN");
    if (!bin) bin = "./switchboard";
    signal(SIGPIPE, SIG_IGN);
    make_env();
    uint64_t t[STARTS], rss[STARTS], priv[STARTS], cold[COLD_STARTS];
    struct child c;

    for (int i = 0; i < COLD_STARTS; i++) {
        one_start(bin, &c);            /* a start to learn the mapped files (curl's too)... */
        settle(c);
        note_mapped_files(c.pid);
        finish(c);
        evict_mapped_files();
        cold[i] = one_start(bin, &c);  /* ...then the timed start without them cached */
        finish(c);
    }
    one_start(bin, &c);                /* warm the cache again, untimed */
    finish(c);
    for (int i = 0; i < STARTS; i++) {
        t[i] = one_start(bin, &c);
        settle(c);
        rss[i] = (uint64_t)rss_kb(c.pid);
        priv[i] = (uint64_t)private_kb(c.pid);
        finish(c);
    }
    printf("warm start to initialize response: median %.2f ms, p90 %.2f ms (%d starts)\n",
           bench_quantile(t, STARTS, 0.5) / 1e6, bench_quantile(t, STARTS, 0.9) / 1e6, STARTS);
    printf("cold start to initialize response: median %.2f ms (%d starts, page cache dropped)\n",
           bench_quantile(cold, COLD_STARTS, 0.5) / 1e6, COLD_STARTS);
    for (int i = 0; i < STARTS; i++) t[i] = version_run(bin);
    printf("switchboard --version (exec + dynamic loading): median %.2f ms\n",
           bench_quantile(t, STARTS, 0.5) / 1e6);
    /* Baseline: the same fork/exec/pipe round trip with cat echoing the message, so
     * the machine's process start cost can be told apart from switchboard's. */
    for (int i = 0; i < STARTS; i++) {
        uint64_t t0 = bench_ns();
        struct child k = spawn_argv("/bin/cat", "-");
        send_msg(k.in, INIT);
        read_one(k.out);
        t[i] = bench_ns() - t0;
        close(k.in);
        close(k.out);
        waitpid(k.pid, NULL, 0);
    }
    printf("baseline (/bin/cat echoing it): median %.2f ms\n", bench_quantile(t, STARTS, 0.5) / 1e6);
    printf("memory after initialize, services up: VmRSS %.1f MB, private %.1f MB "
           "(Private_Clean+Private_Dirty), medians of %d starts\n",
           bench_quantile(rss, STARTS, 0.5) / 1024.0, bench_quantile(priv, STARTS, 0.5) / 1024.0, STARTS);
    printf("pipe round trip: %.0f requests/s answered (%d requests)\n", pipe_throughput(bin), PIPE_MESSAGES);
    remove_env();
    return 0;
}
