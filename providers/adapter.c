/* Shared adapter helpers: URLs, headers, JSON accessors, stream bookkeeping. */
#include "providers/adapter.h"
#include "providers/prompt.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "v1", "v1beta", "v2alpha", "beta": segments that already name an API version. */
static bool is_version_segment(const char *seg, size_t len)
{
    if (len == 4 && memcmp(seg, "beta", 4) == 0) return true;
    if (len < 2 || seg[0] != 'v' || !isdigit((unsigned char)seg[1])) return false;
    for (size_t i = 2; i < len; i++)
        if (!isalnum((unsigned char)seg[i])) return false;
    return true;
}

char *adapter_url(const char *base_url, const char *version, const char *path,
                  const char *strip_suffix)
{
    size_t len = strlen(base_url);
    while (len && base_url[len - 1] == '/') len--;
    if (strip_suffix) {
        size_t n = strlen(strip_suffix);
        if (len >= n && memcmp(base_url + len - n, strip_suffix, n) == 0) len -= n;
        while (len && base_url[len - 1] == '/') len--;
    }
    const char *scheme = strstr(base_url, "://");
    size_t host_start = scheme ? (size_t)(scheme - base_url) + 3 : 0;
    size_t seg = len;
    while (seg > host_start && base_url[seg - 1] != '/') seg--;
    bool has_path = seg > host_start;   /* a '/' after the host */
    bool versioned = has_path && is_version_segment(base_url + seg, len - seg);
    return xasprintf("%.*s%s%s", (int)len, base_url, version && !versioned ? version : "", path);
}

void adapter_json_headers(struct provider_request *req, const char *accept)
{
    provider_request_add_header(req, "Content-Type: application/json");
    provider_request_add_header(req, "Accept: %s", accept);
}

void adapter_bearer(struct provider_request *req, const struct model_spec *spec)
{
    if (spec->api_key && spec->api_key[0])
        provider_request_add_header(req, "Authorization: Bearer %s", spec->api_key);
}

void adapter_extra_headers(struct provider_request *req, const struct model_spec *spec)
{
    for (char **h = spec->extra_headers; h && *h; h++) provider_request_add_header(req, "%s", *h);
}

void adapter_set_body(struct provider_request *req, cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    /* A document may hold bytes that are not UTF-8 (the editor sent them); JSON bodies must
     * be UTF-8 or the backend rejects the whole request: send U+FFFD in their place. */
    size_t len = strlen(text), fixed_len;
    char *fixed = utf8_repair(text, len, &fixed_len);
    buf_reset(&req->body);
    if (fixed) buf_append(&req->body, fixed, fixed_len);
    else buf_append(&req->body, text, len);
    free(fixed);
    free(text);
    cJSON_Delete(root);
}

void adapter_add_stops(cJSON *obj, const char *key, char *const *stop, size_t count, size_t max)
{
    if (!count) return;
    if (max && count > max) count = max;
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    for (size_t i = 0; i < count; i++) cJSON_AddItemToArray(arr, cJSON_CreateString(stop[i]));
}

cJSON *adapter_parse(const char *data, size_t len)
{
    return cJSON_ParseWithLength(data, len);
}

void adapter_emit(struct provider_stream *st, const char *text)
{
    if (text && text[0] && st->on_text) st->on_text(st->data, 0, text, strlen(text));
}

void adapter_set_finish(struct provider_stream *st, const char *reason)
{
    snprintf(st->finish_reason, sizeof st->finish_reason, "%s", reason);
}

void adapter_emit_choice(struct provider_stream *st, int choice, const char *text)
{
    if (text && text[0] && st->on_text) st->on_text(st->data, choice, text, strlen(text));
}

void adapter_set_choice_finish(struct provider_stream *st, int choice, const char *reason)
{
    if (choice == 0) adapter_set_finish(st, reason);
    snprintf(st->choice_finish[choice], sizeof st->choice_finish[choice], "%s", reason);
}

int adapter_thinking_budget(const struct model_spec *spec, const struct task *task)
{
    return task_answers_at_once(task->kind) ? 0 : spec->thinking_budget;
}

const char *adapter_reasoning_effort(const struct model_spec *spec, const struct task *task)
{
    const char *e = spec->reasoning_effort;
    if (!e || !task_answers_at_once(task->kind)) return e;
    /* "low" is the lowest effort every reasoning API takes ("minimal" is GPT-5's) */
    return strcmp(e, "minimal") == 0 ? e : "low";
}

double adapter_temperature(const struct model_spec *spec, const struct task *task)
{
    int k = task->n > 1 ? 1 : task->candidate;
    if (k <= 0) return spec->temperature;
    /* k/(k+1) of the way from the base to the cap: every candidate different, none
     * past the cap, however many are asked for. */
    double base = spec->temperature >= 0 ? spec->temperature : ADAPTER_CANDIDATE_BASE;
    double cap = base < 1.0 ? 1.0 : base + 0.5;
    return base + (cap - base) * k / (k + 1.0);
}

int adapter_check_spec(const struct model_spec *spec, char *err, size_t errlen)
{
    if (!spec->base_url || !spec->base_url[0]) {
        snprintf(err, errlen, "model %s: no base_url", spec->name ? spec->name : "?");
        return -1;
    }
    if (!spec->model || !spec->model[0]) {
        snprintf(err, errlen, "model %s: no model id", spec->name ? spec->name : "?");
        return -1;
    }
    return 0;
}

int adapter_openai_style_finish(const struct provider_ops *ops, const struct task *task,
                                struct provider_request *out, cJSON *root, struct prompt *p)
{
    int n = provider_choices(ops, task);
    if (n > 1) cJSON_AddNumberToObject(root, "n", n);
    cJSON_AddBoolToObject(root, "stream", 1);
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(root, "stream_options"), "include_usage", 1);
    adapter_set_body(out, root);
    prompt_free(p);
    return 0;
}

cJSON *adapter_openai_style_begin(const struct model_spec *spec, const struct task *task,
                                  unsigned caps, const char *path, struct provider_request *out,
                                  struct prompt *p, char *err, size_t errlen)
{
    if (adapter_check_spec(spec, err, errlen) || prompt_build(spec, task, caps, 0, p, err, errlen))
        return NULL;
    out->url = adapter_url(spec->base_url, "/v1", path, NULL);
    out->format = STREAM_SSE;
    adapter_json_headers(out, "text/event-stream");
    adapter_bearer(out, spec);
    adapter_extra_headers(out, spec);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", spec->model);
    return root;
}

cJSON *adapter_event_object(struct provider_stream *st, const char *data, size_t len,
                            bool is_error, int *rc)
{
    cJSON *root = adapter_parse(data, len);
    *rc = -1;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return NULL;
    }
    /* OpenAI-style {"error":{...}}, or Mistral's own {"object":"error",...} sent in band. */
    const cJSON *object = json_member(root, "object");
    bool mistral_error = cJSON_IsString(object) && strcmp(object->valuestring, "error") == 0;
    if (is_error || mistral_error || json_member(root, "error")) {
        adapter_stream_error(st, root);
        cJSON_Delete(root);
        *rc = 0;
        return NULL;
    }
    return root;
}
