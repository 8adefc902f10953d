/* Ollama native adapter ("ollama"): /api/generate with suffix for native FIM (Ollama
 * renders the model's own FIM template), /api/generate with raw:true for a
 * configured fim_template, /api/chat for chat-style prompts. NDJSON stream; usage and
 * done_reason on the final done:true object; errors mid-stream as {"error":"..."}.
 * No key locally; a key (Ollama cloud) goes in a bearer header. */
#include "providers/adapter.h"
#include "providers/prompt.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* base + /api/<endpoint>, for bases given as ".../v1" (the OpenAI-compatible
 * address) or already ending in "/api" (ollama.com/api). */
static char *ollama_url(const char *base, const char *endpoint)
{
    size_t len = strlen(base);
    while (len && base[len - 1] == '/') len--;
    if (len >= 3 && memcmp(base + len - 3, "/v1", 3) == 0) len -= 3;
    bool has_api = len >= 4 && memcmp(base + len - 4, "/api", 4) == 0;
    return xasprintf("%.*s%s/%s", (int)len, base, has_api ? "" : "/api", endpoint);
}

static cJSON *chat_message(const char *role, const char *content)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "role", role);
    cJSON_AddStringToObject(m, "content", content);
    return m;
}

static int ollama_build(const struct model_spec *spec, const struct task *task,
                        struct provider_request *out, char *err, size_t errlen)
{
    struct prompt p;
    if (adapter_check_spec(spec, err, errlen) ||
        prompt_build(spec, task, provider_ollama.caps, 0, &p, err, errlen))
        return -1;
    out->url = ollama_url(spec->base_url, p.shape == PROMPT_CHAT ? "chat" : "generate");
    out->format = STREAM_NDJSON;
    adapter_json_headers(out, "application/x-ndjson");
    adapter_bearer(out, spec);
    adapter_extra_headers(out, spec);

    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", spec->model);
    if (p.shape == PROMPT_CHAT) {
        cJSON *messages = cJSON_AddArrayToObject(root, "messages");
        cJSON_AddItemToArray(messages, chat_message("system", p.system));
        cJSON_AddItemToArray(messages, chat_message("user", p.user));
    } else if (p.shape == PROMPT_NATIVE_FIM) {
        cJSON_AddStringToObject(root, "prompt", p.prefix);
        cJSON_AddStringToObject(root, "suffix", p.suffix);
    } else {
        cJSON_AddStringToObject(root, "prompt", p.raw);
        cJSON_AddBoolToObject(root, "raw", 1);   /* the prompt already holds the FIM tokens */
    }
    const char *effort = adapter_reasoning_effort(spec, task);
    if (effort) cJSON_AddStringToObject(root, "think", effort);
    cJSON_AddBoolToObject(root, "stream", 1);
    cJSON *options = cJSON_AddObjectToObject(root, "options");
    cJSON_AddNumberToObject(options, "num_predict", p.max_tokens);
    if (adapter_temperature(spec, task) >= 0)
        cJSON_AddNumberToObject(options, "temperature", adapter_temperature(spec, task));
    adapter_add_stops(options, "stop", p.stop, p.stop_count, 0);
    adapter_set_body(out, root);
    prompt_free(&p);
    return 0;
}

static int ollama_parse(struct provider_stream *st, const char *event, const char *data, size_t len)
{
    (void)event;
    int rc;
    cJSON *root = adapter_event_object(st, data, len, false, &rc);
    if (!root) return rc;
    /* "thinking" (generate) and message.thinking (chat) are not the answer */
    adapter_emit(st, json_get_string(root, "response"));
    adapter_emit(st, json_get_string(root, "message.content"));
    if (json_get_true(root, "done")) {
        st->done = true;
        const char *reason = json_get_string(root, "done_reason");
        adapter_set_finish(st, reason ? reason : "stop");
        st->usage.input_tokens = json_get_long(root, "prompt_eval_count", 0);
        st->usage.output_tokens = json_get_long(root, "eval_count", 0);
        st->usage.reported = json_member(root, "eval_count") != NULL;
    }
    cJSON_Delete(root);
    return 0;
}

const struct provider_ops provider_ollama = {
    .name = "ollama",
    .caps = PROVIDER_CAP_CHAT | PROVIDER_CAP_FIM_NATIVE | PROVIDER_CAP_RAW_PROMPT,
    .default_url = "http://127.0.0.1:11434",
    .actions = true,
    .local = true,
    .build_request = ollama_build,
    .parse_event = ollama_parse,
    .classify_error = adapter_classify_body,
};
