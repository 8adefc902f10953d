/* switchboard entry point: parses the command line, dispatches subcommands through
 * the cli table, or runs the language server over stdio until exit. */
#include "cli/cli.h"
#include "lsp/server_internal.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct main_options {
    struct server_options server;
    const char *log_file;
    int log_level;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: switchboard [--stdio] [--clientProcessId N] [--config PATH]\n"
            "                   [--log-file PATH] [--log-level error|warn|info|debug]\n"
            "                   [--max-message-bytes N]\n"
            "       switchboard --version | --help\n");
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "       switchboard %s\n", c->usage ? c->usage : c->name);
    fprintf(out,
            "\nRuns the language server on stdin/stdout (logs go to stderr or --log-file).\n"
            "Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "switchboard: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    usage(stderr);
    return 2;
}

static bool parse_number(const char *s, long long min, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min) return false;
    *out = v;
    return true;
}

/* --name VALUE or --name=VALUE; returns the value or NULL (with *i advanced). */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) return "";
    return argv[++*i];
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct main_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        long long n;
        if (strcmp(a, "--stdio") == 0) continue;
        if (strcmp(a, "--version") == 0) { printf("switchboard %s\n", SWITCHBOARD_VERSION); return 0; }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { usage(stdout); return 0; }
        if ((v = option_value(argc, argv, &i, "--clientProcessId"))) {
            if (!parse_number(v, 1, &n)) return bad_usage("--clientProcessId needs a process id, got '%s'", v);
            o->server.client_pid = (long)n;
        } else if ((v = option_value(argc, argv, &i, "--config"))) {
            if (!*v) return bad_usage("%s needs a path", "--config");
            o->server.config_path = v;
        } else if ((v = option_value(argc, argv, &i, "--log-file"))) {
            if (!*v) return bad_usage("%s needs a path", "--log-file");
            o->log_file = v;
        } else if ((v = option_value(argc, argv, &i, "--log-level"))) {
            if ((o->log_level = log_level_parse(v)) < 0)
                return bad_usage("--log-level must be error, warn, info or debug, got '%s'", v);
        } else if ((v = option_value(argc, argv, &i, "--max-message-bytes"))) {
            if (!parse_number(v, 1024, &n)) return bad_usage("--max-message-bytes needs a number >= 1024, got '%s'", v);
            o->server.max_message_bytes = (size_t)n;
        } else {
            return bad_usage("unknown argument '%s'", a);
        }
    }
    return -1;
}

/* A closed stdin/stdout/stderr would be reused by the loop's own descriptors (and
 * libuv refuses to close fds 0-2): put /dev/null there instead. */
static void ensure_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int null_fd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (null_fd >= 0 && null_fd != fd) { dup2(null_fd, fd); close(null_fd); }
    }
}

static int run_server(const struct main_options *o)
{
    ensure_std_fds();
    if (log_open(o->log_file, (enum log_level)o->log_level) < 0) {
        fprintf(stderr, "switchboard: cannot open log file %s: %s\n", o->log_file, strerror(errno));
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);   /* a closed stdout is reported as EPIPE by the transport */
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct server *srv = server_new(&loop, &o->server);
    if (server_start(srv) == 0) uv_run(&loop, UV_RUN_DEFAULT);
    if (!server_is_stopped(srv)) {
        /* Start failed, or the loop ran dry without an exit: close what is open. */
        server_stop(srv, 1);
        uv_run(&loop, UV_RUN_DEFAULT);
    }
    int code = server_exit_code(srv);
    server_free(srv);
    int rc = uv_loop_close(&loop);
    if (rc != 0) log_error("event loop still had handles at exit: %s", uv_strerror(rc));
    log_info("exiting with code %d", code);
    log_close();
    return code;
}

int main(int argc, char **argv)
{
    xalloc_init();
    if (argc > 1 && argv[1][0] != '-') {
        const struct cli_command *cmd = cli_find(argv[1]);
        if (!cmd) return bad_usage("unknown command '%s'", argv[1]);
        int rc = cmd->run(argc - 1, argv + 1);
        log_close();
        return rc;
    }
    struct main_options o = { .server = { .in_fd = 0, .out_fd = 1 }, .log_level = LOG_LEVEL_INFO };
    int code = parse_args(argc, argv, &o);
    if (code >= 0) return code;
    return run_server(&o);
}
