/* The real binary over pipes: time from process start to the initialize response
 * (median of 30 starts), resident memory right after initialize, and request
 * throughput through stdin/stdout (requests answered with MethodNotFound).
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
#define PIPE_MESSAGES 100000

struct child { pid_t pid; int in, out; };

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
        execl(bin, bin, arg, (char *)NULL);
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

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
    if (f) fclose(f);
    return kb;
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

int main(int argc, char **argv)
{
    const char *bin = argc > 1 ? argv[1] : getenv("SWITCHBOARD_BIN");
    if (!bin) bin = "./switchboard";
    signal(SIGPIPE, SIG_IGN);
    uint64_t t[STARTS];
    long rss = 0;
    for (int i = 0; i < STARTS; i++) {
        uint64_t t0 = bench_ns();
        struct child c = spawn(bin);
        send_msg(c.in, INIT);
        read_one(c.out);
        t[i] = bench_ns() - t0;
        long kb = rss_kb(c.pid);
        if (kb > rss) rss = kb;
        finish(c);
    }
    printf("start to initialize response: median %.2f ms, p90 %.2f ms (%d starts)\n",
           bench_quantile(t, STARTS, 0.5) / 1e6, bench_quantile(t, STARTS, 0.9) / 1e6, STARTS);
    /* Baseline: the same fork/exec/pipe round trip with cat echoing the message, so
     * the machine's process start cost can be told apart from switchboard's. */
    for (int i = 0; i < STARTS; i++) {
        uint64_t t0 = bench_ns();
        struct child c = spawn_argv("/bin/cat", "-");
        send_msg(c.in, INIT);
        read_one(c.out);
        t[i] = bench_ns() - t0;
        close(c.in);
        close(c.out);
        waitpid(c.pid, NULL, 0);
    }
    printf("baseline (/bin/cat echoing it): median %.2f ms\n", bench_quantile(t, STARTS, 0.5) / 1e6);
    printf("RSS after initialize: %.2f MB (max of %d starts)\n", rss / 1024.0, STARTS);
    printf("pipe round trip: %.0f requests/s answered (%d requests)\n", pipe_throughput(bin), PIPE_MESSAGES);
    return 0;
}
