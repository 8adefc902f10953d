/* llama.cpp server native adapter ("llamacpp"): /infill for native FIM (the server
 * applies the model's FIM tokens; other files go in input_extra so it can build its
 * repo-level layout), /completion for raw template prompts and for chat-style prompts
 * flattened to text. SSE with no [DONE]: the object with stop:true ends the stream
 * and carries usage. Errors mid-stream arrive as data {"error":{...}} (or, from older
 * builds, a bare `error:` line the SSE parser delivers as an "error" event). */
#include "providers/adapter.h"
#include "providers/prompt.h"
#include <stdio.h>
#include <string.h>

static void add_input_extra(cJSON *root, const struct task *task)
{
    cJSON *extra = cJSON_AddArrayToObject(root, "input_extra");
    for (size_t i = 0; i < task->snippet_count; i++) {
        cJSON *chunk = cJSON_CreateObject();
        cJSON_AddStringToObject(chunk, "filename", task->snippets[i].path ? task->snippets[i].path : "");
        cJSON_AddStringToObject(chunk, "text", task->snippets[i].text ? task->snippets[i].text : "");
        cJSON_AddItemToArray(extra, chunk);
    }
}

static int llamacpp_build(const struct model_spec *spec, const struct task *task,
                          struct provider_request *out, char *err, size_t errlen)
{
    struct prompt p;
    if (!spec->base_url || !spec->base_url[0]) {
        snprintf(err, errlen, "model %s: no base_url", spec->name ? spec->name : "?");
        return -1;
    }
    if (prompt_build(spec, task, provider_llamacpp.caps, PROMPT_SNIPPETS_SEPARATE, &p, err, errlen))
        return -1;
    bool infill = p.shape == PROMPT_NATIVE_FIM;
    out->url = adapter_url(spec->base_url, NULL, infill ? "/infill" : "/completion", "/v1");
    out->format = STREAM_SSE;
    adapter_json_headers(out, "text/event-stream");
    adapter_bearer(out, spec);
    adapter_extra_headers(out, spec);

    cJSON *root = cJSON_CreateObject();
    if (spec->model && spec->model[0]) cJSON_AddStringToObject(root, "model", spec->model);
    if (infill) {
        cJSON_AddStringToObject(root, "input_prefix", p.prefix);
        cJSON_AddStringToObject(root, "input_suffix", p.suffix);
        add_input_extra(root, task);
        cJSON_AddStringToObject(root, "prompt", "");
    } else {
        cJSON_AddStringToObject(root, "prompt", p.raw);
    }
    cJSON_AddNumberToObject(root, "n_predict", p.max_tokens);
    if (adapter_temperature(spec, task) >= 0)
        cJSON_AddNumberToObject(root, "temperature", adapter_temperature(spec, task));
    adapter_add_stops(root, "stop", p.stop, p.stop_count, 0);
    cJSON_AddBoolToObject(root, "stream", 1);
    cJSON_AddBoolToObject(root, "cache_prompt", 1);
    adapter_set_body(out, root);
    prompt_free(&p);
    return 0;
}

static const char *normalise_stop_type(const char *type)
{
    if (!type || strcmp(type, "eos") == 0) return "stop";
    if (strcmp(type, "limit") == 0) return "length";
    if (strcmp(type, "word") == 0) return "stop_sequence";
    return "stop";
}

static int llamacpp_parse(struct provider_stream *st, const char *event, const char *data, size_t len)
{
    if (len == 6 && memcmp(data, "[DONE]", 6) == 0) {   /* older builds, after an error */
        st->done = true;
        return 0;
    }
    int rc;
    cJSON *root = adapter_event_object(st, data, len, event && strcmp(event, "error") == 0, &rc);
    if (!root) return rc;
    adapter_emit(st, json_get_string(root, "content"));
    if (json_get_true(root, "stop")) {
        st->done = true;
        adapter_set_finish(st, normalise_stop_type(json_get_string(root, "stop_type")));
        st->usage.input_tokens = json_get_long(root, "tokens_evaluated", 0);
        st->usage.output_tokens = json_get_long(root, "tokens_predicted", 0);
        st->usage.cached_tokens = json_get_long(root, "timings.cache_n", 0);
        st->usage.reported = json_member(root, "tokens_predicted") != NULL;
    }
    cJSON_Delete(root);
    return 0;
}

const struct provider_ops provider_llamacpp = {
    .name = "llamacpp",
    .caps = PROVIDER_CAP_FIM_NATIVE | PROVIDER_CAP_RAW_PROMPT,
    .default_url = "http://127.0.0.1:8080",
    .actions = true,
    .local = true,
    .build_request = llamacpp_build,
    .parse_event = llamacpp_parse,
    .classify_error = adapter_classify_body,
};
