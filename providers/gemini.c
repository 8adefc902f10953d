/* Google Gemini adapter ("gemini"): streamGenerateContent?alt=sse with the key in
 * x-goog-api-key (never in the URL, where it would reach logs). usageMetadata is
 * cumulative and repeated on every chunk, so each chunk overwrites the last; thinking
 * tokens count as output (as Gemini bills them) and as reasoning. Thought-summary
 * parts (thought: true) are skipped. The stream has no terminator: the chunk with
 * finishReason is the last. */
#include "providers/adapter.h"
#include "providers/prompt.h"
#include "base/xalloc.h"
#include <stdlib.h>
#include <string.h>

#define GEMINI_MAX_STOPS 5

static cJSON *text_parts(const char *text)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *part = cJSON_CreateObject();
    cJSON_AddStringToObject(part, "text", text);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(obj, "parts"), part);
    return obj;
}

/* budget (adapter_thinking_budget: 0 for inline) > 0: that budget; < 0: dynamic
 * (-1); 0: off for non-reasoning models (fast inline answers), the model's default
 * for reasoning ones (some cannot turn thinking off and reject 0). */
static void thinking_config(cJSON *gen, const struct model_spec *spec, int budget)
{
    if (budget == 0 && spec->reasoning) return;
    cJSON *tc = cJSON_AddObjectToObject(gen, "thinkingConfig");
    cJSON_AddNumberToObject(tc, "thinkingBudget", budget < 0 ? -1 : budget);
    cJSON_AddBoolToObject(tc, "includeThoughts", 0);
}

static int gemini_build(const struct model_spec *spec, const struct task *task,
                        struct provider_request *out, char *err, size_t errlen)
{
    struct prompt p;
    if (adapter_check_spec(spec, err, errlen) ||
        prompt_build(spec, task, provider_gemini.caps, 0, &p, err, errlen))
        return -1;
    const char *model = strncmp(spec->model, "models/", 7) == 0 ? spec->model + 7 : spec->model;
    char *path = xasprintf("/models/%s:streamGenerateContent?alt=sse", model);
    out->url = adapter_url(spec->base_url, "/v1beta", path, NULL);
    free(path);
    out->format = STREAM_SSE;
    adapter_json_headers(out, "text/event-stream");
    if (spec->api_key && spec->api_key[0]) provider_request_add_header(out, "x-goog-api-key: %s", spec->api_key);
    adapter_extra_headers(out, spec);

    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "systemInstruction", text_parts(p.system));
    cJSON *user = text_parts(p.user);
    cJSON_AddStringToObject(user, "role", "user");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "contents"), user);
    cJSON *gen = cJSON_AddObjectToObject(root, "generationConfig");
    int thinking = adapter_thinking_budget(spec, task);
    int budget = thinking > 0 ? thinking : 0;
    cJSON_AddNumberToObject(gen, "maxOutputTokens", p.max_tokens + budget);
    adapter_add_stops(gen, "stopSequences", p.stop, p.stop_count, GEMINI_MAX_STOPS);
    if (adapter_temperature(spec, task) >= 0)
        cJSON_AddNumberToObject(gen, "temperature", adapter_temperature(spec, task));
    thinking_config(gen, spec, thinking);
    adapter_set_body(out, root);
    prompt_free(&p);
    return 0;
}

static const char *normalise_finish(const char *reason)
{
    static const char *const filtered[] = { "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
                                            "SPII", "IMAGE_SAFETY", NULL };
    if (strcmp(reason, "STOP") == 0) return "stop";
    if (strcmp(reason, "MAX_TOKENS") == 0) return "length";
    for (size_t i = 0; filtered[i]; i++)
        if (strcmp(reason, filtered[i]) == 0) return "content_filter";
    return "other";
}

static void gemini_usage(struct provider_stream *st, const cJSON *meta)
{
    if (!cJSON_IsObject(meta)) return;
    struct provider_usage *u = &st->usage;
    long thoughts = json_get_long(meta, "thoughtsTokenCount", 0);
    u->input_tokens = json_get_long(meta, "promptTokenCount", 0);
    u->output_tokens = json_get_long(meta, "candidatesTokenCount", 0) + thoughts;
    u->reasoning_tokens = thoughts;
    u->cached_tokens = json_get_long(meta, "cachedContentTokenCount", 0);
    u->reported = true;
}

static int gemini_parse(struct provider_stream *st, const char *event, const char *data, size_t len)
{
    (void)event;
    int rc;
    cJSON *root = adapter_event_object(st, data, len, false, &rc);
    if (!root) return rc;
    const cJSON *candidate = cJSON_GetArrayItem(json_member(root, "candidates"), 0);
    const cJSON *parts = json_get(candidate, "content.parts");
    const cJSON *part;
    cJSON_ArrayForEach(part, parts)
        if (!json_get_true(part, "thought")) adapter_emit(st, json_get_string(part, "text"));
    const char *finish = json_get_string(candidate, "finishReason");
    if (finish) {
        adapter_set_finish(st, normalise_finish(finish));
        st->done = true;
    } else if (!candidate && json_get_string(root, "promptFeedback.blockReason")) {
        adapter_set_finish(st, "content_filter");   /* the prompt itself was blocked */
        st->done = true;
    }
    gemini_usage(st, json_member(root, "usageMetadata"));
    cJSON_Delete(root);
    return 0;
}

const struct provider_ops provider_gemini = {
    .name = "gemini",
    .caps = PROVIDER_CAP_CHAT,
    .default_url = "https://generativelanguage.googleapis.com/v1beta",
    .actions = true,
    .build_request = gemini_build,
    .parse_event = gemini_parse,
    .classify_error = adapter_classify_body,
};
