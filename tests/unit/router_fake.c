/* Fake model server child process for router executor tests (see router_fake.h). */
#include "tests/unit/router_fake.h"
#include "tests/unit/test.h"
#include "base/buf.h"
#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

void rfake_start(struct rfake *f)
{
    int fds[2];
    if (pipe(fds) != 0) test_fail(__FILE__, __LINE__, "pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execlp("python3", "python3", "tests/fake_server/fake_model_server.py", "--port", "0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[32] = "";
    size_t n = 0;
    while (n + 1 < sizeof line && read(fds[0], line + n, 1) == 1 && line[n] != '\n') n++;
    line[n] = '\0';
    close(fds[0]);
    f->pid = pid;
    f->port = atoi(line);
    if (f->port <= 0) test_fail(__FILE__, __LINE__, "fake server did not start (got '%s')", line);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", f->port);
    for (int i = 0; i < 250; i++) {   /* up to 5 s */
        cJSON *h = rfake_control(f, "GET", "health", NULL);
        if (h) { cJSON_Delete(h); return; }
        usleep(20000);
    }
    test_fail(__FILE__, __LINE__, "fake server does not answer");
}

void rfake_stop(struct rfake *f)
{
    if (f->pid <= 0) return;
    kill(f->pid, SIGTERM);
    waitpid(f->pid, NULL, 0);
    f->pid = 0;
}

static size_t collect(char *data, size_t size, size_t n, void *user)
{
    buf_append(user, data, size * n);
    return size * n;
}

cJSON *rfake_control(struct rfake *f, const char *method, const char *what, const char *body)
{
    char url[160];
    snprintf(url, sizeof url, "%s/_control/%s", f->url, what);
    CURL *c = curl_easy_init();
    struct buf out = { 0 };
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    cJSON *j = rc == CURLE_OK ? cJSON_Parse(buf_str(&out)) : NULL;
    buf_free(&out);
    return j;
}

static void post_ignoring(struct rfake *f, const char *what, const char *json)
{
    cJSON *j = rfake_control(f, "POST", what, json);
    if (!j) test_fail(__FILE__, __LINE__, "fake server refused %s: %s", what, json);
    cJSON_Delete(j);
}

void rfake_rule(struct rfake *f, const char *json) { post_ignoring(f, "rules", json); }
void rfake_enqueue(struct rfake *f, const char *json) { post_ignoring(f, "enqueue", json); }

int rfake_count(struct rfake *f, const char *model, cJSON **out)
{
    cJSON *j = rfake_control(f, "GET", "requests", NULL);
    cJSON *list = cJSON_CreateArray();
    const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(j, "requests");
    int n = 0;
    for (const cJSON *r = reqs ? reqs->child : NULL; r; r = r->next) {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "model"));
        if (model && (!m || strcmp(m, model) != 0)) continue;
        n++;
        cJSON_AddItemToArray(list, cJSON_Duplicate(r, 1));
    }
    cJSON_Delete(j);
    if (out) *out = list;
    else cJSON_Delete(list);
    return n;
}

long rfake_stat(struct rfake *f, const char *name)
{
    cJSON *j = rfake_control(f, "GET", "stats", NULL);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    long n = cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
    cJSON_Delete(j);
    return n;
}
