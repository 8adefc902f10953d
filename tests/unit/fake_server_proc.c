/* Runs the fake model server beside a C test; see fake_server_proc.h. */
#include "tests/unit/fake_server_proc.h"
#include "tests/unit/test.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *script_path(void)
{
    const char *env = getenv("SWITCHBOARD_FAKE_SERVER");
    return env ? env : "tests/fake_server/fake_model_server.py";
}

static void start_child(struct fake_server *fs, const char *cert, const char *key);

void fake_server_start(struct fake_server *fs)
{
    start_child(fs, NULL, NULL);
    snprintf(fs->url, sizeof fs->url, "http://127.0.0.1:%d", fs->port);
}

void fake_server_start_tls(struct fake_server *fs, const char *cert, const char *key)
{
    start_child(fs, cert, key);
    snprintf(fs->url, sizeof fs->url, "https://127.0.0.1:%d", fs->port);
}

static void start_child(struct fake_server *fs, const char *cert, const char *key)
{
    int pipefd[2];
    if (access(script_path(), R_OK) != 0)
        test_fail(__FILE__, __LINE__, "fake server script not found: %s (run from the repo root)",
                  script_path());
    if (pipe(pipefd) != 0)
        test_fail(__FILE__, __LINE__, "pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);   /* never outlive the test */
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        if (cert)
            execlp("python3", "python3", script_path(), "--port", "0", "--tls-cert", cert,
                   "--tls-key", key, (char *)NULL);
        else
            execlp("python3", "python3", script_path(), "--port", "0", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char line[32] = {0};
    size_t n = 0;
    while (n < sizeof line - 1) {     /* the first stdout line is the port */
        ssize_t got = read(pipefd[0], line + n, 1);
        if (got <= 0 || line[n] == '\n')
            break;
        n++;
    }
    close(pipefd[0]);
    fs->pid = pid;
    fs->port = atoi(line);
    if (fs->port <= 0) {
        fake_server_stop(fs);
        test_fail(__FILE__, __LINE__, "fake server did not report a port (python3 missing?)");
    }
}

void fake_server_stop(struct fake_server *fs)
{
    if (fs->pid > 0) {
        kill(fs->pid, SIGTERM);
        waitpid(fs->pid, NULL, 0);
        fs->pid = 0;
    }
}

static int connect_loopback(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        test_fail(__FILE__, __LINE__, "cannot connect to the fake server on port %d", port);
    return fd;
}

int fake_server_control(struct fake_server *fs, const char *method, const char *name,
                        const char *body, char **out)
{
    int fd = connect_loopback(fs->port);
    struct buf req = {0}, resp = {0};
    buf_printf(&req, "%s /_control/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
               method, name, body ? strlen(body) : 0, body ? body : "");
    if (write(fd, req.data, req.len) != (ssize_t)req.len)
        test_fail(__FILE__, __LINE__, "short write to the fake server");
    char chunk[8192];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof chunk)) > 0)   /* Connection: close ends it */
        buf_append(&resp, chunk, (size_t)got);
    close(fd);
    buf_free(&req);
    int status = 0;
    if (sscanf(buf_str(&resp), "HTTP/1.1 %d", &status) != 1)
        test_fail(__FILE__, __LINE__, "bad control response");
    const char *start = strstr(buf_str(&resp), "\r\n\r\n");
    if (out)
        *out = xstrdup(start ? start + 4 : "");
    buf_free(&resp);
    return status;
}

long fake_server_stat(struct fake_server *fs, const char *key)
{
    char *body = NULL;
    fake_server_control(fs, "GET", "stats", NULL, &body);
    cJSON *json = cJSON_Parse(body);
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, key);
    if (!cJSON_IsNumber(item))
        test_fail(__FILE__, __LINE__, "stats has no number %s: %s", key, body);
    long value = (long)item->valuedouble;
    cJSON_Delete(json);
    free(body);
    return value;
}

long fake_server_wait_stat(struct fake_server *fs, const char *key, long want)
{
    long value = 0;
    for (int i = 0; i < 500; i++) {
        value = fake_server_stat(fs, key);
        if (value >= want)
            return value;
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return value;
}
