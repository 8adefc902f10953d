/* HTTP engine benchmark against the fake model server (started as a child).
 *   1. N concurrent streaming transfers (default 256, several rounds); reports failed
 *      transfers, wall time and the engine's CPU time per request (getrusage of this
 *      process only: the server is a child and its time is not counted, so this is
 *      the engine + curl + libuv cost).
 *   2. Sequential requests to one host; reports how many connections they opened.
 * Usage: http_bench [CONCURRENT [ROUNDS [SEQUENTIAL [TOKEN_DELAY_MS]]]].
 * With a token delay the streams arrive piece by piece, like a real backend's
 * (more wake-ups per request). Figures are reported, never judged (the machine's
 * load moves them): exit status 1 only when a transfer fails, 2 on bad arguments. */
#include "providers/http.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char base_url[64];
static pid_t server_pid;

static void start_server(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        exit(1);
    server_pid = fork();
    if (server_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execlp("python3", "python3", "tests/fake_server/fake_model_server.py", "--port", "0",
               "--max-records", "2000", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[32] = {0};
    for (size_t n = 0; n < sizeof line - 1 && read(fds[0], line + n, 1) == 1 && line[n] != '\n'; n++)
        ;
    close(fds[0]);
    if (atoi(line) <= 0) {
        fprintf(stderr, "http_bench: fake server did not start (run from the repo root)\n");
        exit(1);
    }
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", atoi(line));
}

struct job { int done; int ok; size_t bytes; };
static long chunks_received;   /* on_data calls: about one per wake-up when pieces are spaced */

static int on_data(void *data, const char *bytes, size_t len)
{
    (void)bytes;
    ((struct job *)data)->bytes += len;
    chunks_received++;
    return 0;
}

static void on_done(void *data, const struct http_result *res)
{
    struct job *j = data;
    j->done = 1;
    j->ok = res->outcome == HTTP_OK && res->status == 200;
    if (!j->ok)
        fprintf(stderr, "http_bench: %s status %d: %s\n", http_outcome_name(res->outcome),
                res->status, res->error);
}

static const struct http_callbacks callbacks = { NULL, on_data, on_done };
static const char *const headers[] = { "Content-Type: application/json", NULL };
static const char body[] =
    "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";

static int start(struct http_engine *e, struct job *j)
{
    char url[128], err[256];
    snprintf(url, sizeof url, "%s/v1/chat/completions", base_url);
    if (!http_request_start(e, "POST", url, headers, body, sizeof body - 1, NULL, &callbacks, j,
                            err, sizeof err)) {
        fprintf(stderr, "http_bench: start failed: %s\n", err);
        return -1;
    }
    return 0;
}

static double user_seconds;   /* user part of the last cpu_seconds() reading */

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    user_seconds = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
    return user_seconds + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* What one wake-up costs on this machine without any engine: a child writes 200
 * small messages 2 ms apart into a socketpair, this process reads them with a
 * blocking read. Printed beside the engine's figures so they can be judged. */
static double wakeup_baseline_us(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        char msg[222];
        memset(msg, 'x', sizeof msg);
        close(sv[0]);
        for (int i = 0; i < 200; i++) {
            if (write(sv[1], msg, sizeof msg) != (ssize_t)sizeof msg)
                _exit(1);
            usleep(2000);
        }
        _exit(0);
    }
    close(sv[1]);
    char buf[4096];
    long wakeups = 0;
    double c0 = cpu_seconds();
    while (read(sv[0], buf, sizeof buf) > 0)
        wakeups++;
    double cpu = cpu_seconds() - c0;
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return wakeups ? cpu * 1e6 / wakeups : -1;
}

static void control(const char *json)
{
    /* The bench drives the server's control API with the engine itself. */
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct http_engine *e = http_engine_new(&loop, NULL);
    struct job j = {0};
    char url[128], err[256];
    snprintf(url, sizeof url, "%s/_control/default", base_url);
    if (!http_request_start(e, "POST", url, headers, json, strlen(json), NULL, &callbacks, &j,
                            err, sizeof err))
        exit(1);
    while (!j.done)
        uv_run(&loop, UV_RUN_ONCE);
    http_engine_free(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

/* One round: n transfers at once, all awaited. Returns the number that failed. */
static int round_of(uv_loop_t *loop, struct http_engine *e, struct job *jobs, int n)
{
    int failed = 0;
    memset(jobs, 0, (size_t)n * sizeof *jobs);
    for (int i = 0; i < n; i++)
        if (start(e, &jobs[i]) != 0)
            failed++;
    for (int i = 0; i < n; i++)
        while (!jobs[i].done)
            uv_run(loop, UV_RUN_ONCE);
    for (int i = 0; i < n; i++)
        failed += !jobs[i].ok;
    return failed;
}

static int concurrent(int n, int rounds)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct http_engine_options opts = { .max_idle_connections = n };
    struct http_engine *e = http_engine_new(&loop, &opts);
    struct job *jobs = calloc((size_t)n, sizeof *jobs);
    /* Round 0 opens the connections; later rounds reuse them (the normal case). */
    double c0 = cpu_seconds();
    uint64_t t0 = uv_hrtime();
    int failed = round_of(&loop, e, jobs, n);
    double first_cpu = cpu_seconds() - c0, first_wall = (uv_hrtime() - t0) / 1e9;
    c0 = cpu_seconds();
    double u0 = user_seconds;
    long chunks0 = chunks_received;
    t0 = uv_hrtime();
    for (int r = 0; r < rounds; r++)
        failed += round_of(&loop, e, jobs, n);
    double cpu = cpu_seconds() - c0, wall = (uv_hrtime() - t0) / 1e9;
    double user = user_seconds - u0;
    long chunks = chunks_received - chunks0;
    struct http_stats st;
    http_engine_stats(e, &st);
    long total = (long)n * rounds;
    double per = cpu * 1e6 / total;
    printf("http_bench: %d concurrent streams, first round (opens %d connections): %.2f s wall, "
           "engine CPU %.1f us/request\n", n, n, first_wall, first_cpu * 1e6 / n);
    printf("http_bench: %d concurrent streams x %d more rounds: %ld requests, %d failed in all, "
           "%.2f s wall, %.0f req/s, engine CPU %.1f us/request (user %.1f, system %.1f), "
           "%ld connections in all, %zu bytes per stream\n", n, rounds, total, failed, wall,
           total / wall, per, user * 1e6 / total, (cpu - user) * 1e6 / total,
           st.connections_opened, jobs[0].bytes);
    http_engine_free(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    free(jobs);
    printf("http_bench: %.1f body chunks per request, engine CPU %.1f us per chunk\n",
           (double)chunks / total, cpu * 1e6 / chunks);
    return failed == 0 ? 0 : 1;
}

static int sequential(int n)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct http_engine *e = http_engine_new(&loop, NULL);
    int failed = 0;
    uint64_t t0 = uv_hrtime();
    double c0 = cpu_seconds();
    for (int i = 0; i < n; i++) {
        struct job j = {0};
        if (start(e, &j) != 0)
            return 1;
        while (!j.done)
            uv_run(&loop, UV_RUN_ONCE);
        failed += !j.ok;
    }
    double cpu = cpu_seconds() - c0;
    double wall = (uv_hrtime() - t0) / 1e9;
    struct http_stats st;
    http_engine_stats(e, &st);
    printf("http_bench: %d sequential requests: %d failed, %.2f ms per request, "
           "engine CPU %.1f us/request, %ld connection(s) opened\n",
           n, failed, wall * 1e3 / n, cpu * 1e6 / n, st.connections_opened);
    http_engine_free(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return failed == 0 ? 0 : 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: http_bench [CONCURRENT [ROUNDS [SEQUENTIAL [TOKEN_DELAY_MS]]]] "
            "(positive counts; the delay may be 0)\n");
    return 2;
}

int main(int argc, char **argv)
{
    /* Every argument is a count: anything else (a path, say) is refused rather than
     * read as 0, which ran no streams and printed "inf" figures. */
    int n = 256, rounds = 4, seq = 200, delay = 0;
    int *arg[] = { &n, &rounds, &seq, &delay };
    if (argc > 5)
        return usage();
    for (int i = 1; i < argc; i++) {
        char *end;
        long v = strtol(argv[i], &end, 10);
        if (end == argv[i] || *end || v < 0 || v > 100000 || (i < 4 && v == 0))
            return usage();
        *arg[i - 1] = (int)v;
    }
    signal(SIGPIPE, SIG_IGN);
    printf("http_bench: baseline: a bare blocking read costs %.1f us CPU per wake-up here\n",
           wakeup_baseline_us());
    start_server();
    /* 14 pieces of 4 characters per stream; by default no delay: the server sends
     * as fast as it can, so the figure is the engine's cost, not waiting. */
    char behaviour[256];
    snprintf(behaviour, sizeof behaviour, "{\"text\":\"int count = 0; return count + 1; "
             "// ok, fine, done.\",\"token_size\":4,\"token_delay_ms\":%d}", delay);
    control(behaviour);
    int rc = concurrent(n, rounds);
    rc |= sequential(seq);
    kill(server_pid, SIGTERM);
    waitpid(server_pid, NULL, 0);
    printf("http_bench: %s\n", rc ? "FAILED" : "ok");
    return rc;
}
