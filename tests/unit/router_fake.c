/* Router executor tests' helpers over the shared fake server process (router_fake.h). */
#include "tests/unit/router_fake.h"
#include "tests/unit/test.h"
#include <stdlib.h>

void rfake_start(struct rfake *f)
{
    fake_server_start(&f->fs);
    snprintf(f->url, sizeof f->url, "%s", f->fs.url);
}

void rfake_stop(struct rfake *f) { fake_server_stop(&f->fs); }

cJSON *rfake_control(struct rfake *f, const char *method, const char *what, const char *body)
{
    char *out = NULL;
    int status = fake_server_control(&f->fs, method, what, body, &out);
    cJSON *j = status >= 200 && status < 300 && out ? cJSON_Parse(out) : NULL;
    free(out);
    return j;
}

static void post_checked(struct rfake *f, const char *what, const char *json)
{
    cJSON *j = rfake_control(f, "POST", what, json);
    if (!j) test_fail(__FILE__, __LINE__, "fake server refused %s: %s", what, json);
    cJSON_Delete(j);
}

void rfake_rule(struct rfake *f, const char *json) { post_checked(f, "rules", json); }
void rfake_enqueue(struct rfake *f, const char *json) { post_checked(f, "enqueue", json); }

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

long rfake_wait_stat(struct rfake *f, const char *name, long want)
{
    return fake_server_wait_stat(&f->fs, name, want);
}
