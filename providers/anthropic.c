/* Anthropic Messages adapter ("anthropic"): x-api-key + anthropic-version headers,
 * named SSE events, extended thinking. The kind of the open content block is kept in
 * struct anthropic_state; thinking deltas are never passed to on_text: the answer is
 * the text blocks only.
 * Input tokens reported by the API exclude cache reads and writes; we add them so
 * input_tokens is the whole prompt and cached_tokens the part read from cache. */
#include "providers/adapter.h"
#include "providers/prompt.h"
#include <ctype.h>
#include <string.h>

#define ANTHROPIC_VERSION "2023-06-01"
#define THINKING_MIN_BUDGET 1024   /* the API's lower bound */

enum block_kind { BLOCK_TEXT = 0, BLOCK_THINKING, BLOCK_TOOL };

/* Between events: which kind of content block is open. A delta names only its own
 * type, and a text_delta inside a thinking block must still not reach the answer. */
struct anthropic_state {
    enum block_kind block;   /* zeroed: text, until a content_block_start says otherwise */
};

static struct anthropic_state *state_of(struct provider_stream *st) { return st->state; }

static bool blank(const char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    return *s == '\0';
}

static void add_stop_sequences(cJSON *root, char *const *stop, size_t count)
{
    cJSON *arr = NULL;
    for (size_t i = 0; i < count; i++) {
        if (blank(stop[i])) continue;   /* the API rejects whitespace-only stop sequences */
        if (!arr) arr = cJSON_AddArrayToObject(root, "stop_sequences");
        cJSON_AddItemToArray(arr, cJSON_CreateString(stop[i]));
    }
}

static int anthropic_build(const struct model_spec *spec, const struct task *task,
                           struct provider_request *out, char *err, size_t errlen)
{
    struct prompt p;
    if (adapter_check_spec(spec, err, errlen) ||
        prompt_build(spec, task, provider_anthropic.caps, 0, &p, err, errlen))
        return -1;
    out->url = adapter_url(spec->base_url, "/v1", "/messages", NULL);
    out->format = STREAM_SSE;
    adapter_json_headers(out, "text/event-stream");
    if (spec->api_key && spec->api_key[0]) provider_request_add_header(out, "x-api-key: %s", spec->api_key);
    provider_request_add_header(out, "anthropic-version: " ANTHROPIC_VERSION);
    adapter_extra_headers(out, spec);

    int thinking = adapter_thinking_budget(spec, task);   /* none for inline */
    int budget = thinking > 0 ? (thinking < THINKING_MIN_BUDGET ? THINKING_MIN_BUDGET : thinking) : 0;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", spec->model);
    cJSON_AddNumberToObject(root, "max_tokens", p.max_tokens + budget);   /* budget counts toward it */
    cJSON_AddStringToObject(root, "system", p.system);
    cJSON *messages = cJSON_AddArrayToObject(root, "messages");
    cJSON *user = cJSON_CreateObject();
    cJSON_AddStringToObject(user, "role", "user");
    cJSON_AddStringToObject(user, "content", p.user);
    cJSON_AddItemToArray(messages, user);
    add_stop_sequences(root, p.stop, p.stop_count);
    if (budget) {   /* thinking does not combine with a non-default temperature */
        cJSON *thinking = cJSON_AddObjectToObject(root, "thinking");
        cJSON_AddStringToObject(thinking, "type", "enabled");
        cJSON_AddNumberToObject(thinking, "budget_tokens", budget);
    } else if (adapter_temperature(spec, task) >= 0) {
        cJSON_AddNumberToObject(root, "temperature", adapter_temperature(spec, task));
    }
    cJSON_AddBoolToObject(root, "stream", 1);
    adapter_set_body(out, root);
    prompt_free(&p);
    return 0;
}

static void anthropic_usage(struct provider_stream *st, const cJSON *usage)
{
    if (!cJSON_IsObject(usage)) return;
    struct provider_usage *u = &st->usage;
    long read = json_get_long(usage, "cache_read_input_tokens", -1);
    if (json_member(usage, "input_tokens")) {
        u->input_tokens = json_get_long(usage, "input_tokens", 0) + (read > 0 ? read : 0) +
                          json_get_long(usage, "cache_creation_input_tokens", 0);
    }
    if (read >= 0) u->cached_tokens = read;
    u->output_tokens = json_get_long(usage, "output_tokens", u->output_tokens);
    const cJSON *details = json_member(usage, "output_tokens_details");
    u->reasoning_tokens = json_get_long(details, "thinking_tokens", u->reasoning_tokens);
    u->reported = true;
}

static const char *normalise_stop(const char *reason)
{
    static const char *const map[][2] = {
        { "end_turn", "stop" }, { "max_tokens", "length" }, { "stop_sequence", "stop_sequence" },
        { "tool_use", "tool_calls" }, { "refusal", "refusal" }, { "pause_turn", "pause" },
        { "model_context_window_exceeded", "length" },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(reason, map[i][0]) == 0) return map[i][1];
    return reason;
}

static void block_start(struct provider_stream *st, const cJSON *block)
{
    const char *type = json_get_string(block, "type");
    if (type && (strcmp(type, "thinking") == 0 || strcmp(type, "redacted_thinking") == 0))
        state_of(st)->block = BLOCK_THINKING;
    else if (type && strcmp(type, "text") == 0) {
        state_of(st)->block = BLOCK_TEXT;
        adapter_emit(st, json_get_string(block, "text"));
    } else
        state_of(st)->block = BLOCK_TOOL;
}

static void block_delta(struct provider_stream *st, const cJSON *delta)
{
    const char *type = json_get_string(delta, "type");
    /* thinking_delta, signature_delta and input_json_delta are not the answer */
    if (type && strcmp(type, "text_delta") == 0 && state_of(st)->block != BLOCK_THINKING)
        adapter_emit(st, json_get_string(delta, "text"));
}

static int anthropic_parse(struct provider_stream *st, const char *event, const char *data, size_t len)
{
    cJSON *root = adapter_parse(data, len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return -1;
    }
    const char *type = json_get_string(root, "type");
    if (!type) type = event ? event : "";
    if (strcmp(type, "message_start") == 0) {
        anthropic_usage(st, json_get(root, "message.usage"));
    } else if (strcmp(type, "content_block_start") == 0) {
        block_start(st, json_member(root, "content_block"));
    } else if (strcmp(type, "content_block_delta") == 0) {
        block_delta(st, json_member(root, "delta"));
    } else if (strcmp(type, "content_block_stop") == 0) {
        state_of(st)->block = BLOCK_TEXT;
    } else if (strcmp(type, "message_delta") == 0) {
        const char *reason = json_get_string(root, "delta.stop_reason");
        if (reason) adapter_set_finish(st, normalise_stop(reason));
        anthropic_usage(st, json_member(root, "usage"));
    } else if (strcmp(type, "message_stop") == 0) {
        st->done = true;
    } else if (strcmp(type, "error") == 0) {
        adapter_stream_error(st, root);
    }
    cJSON_Delete(root);   /* ping and unknown events: nothing to do */
    return 0;
}

const struct provider_ops provider_anthropic = {
    .name = "anthropic",
    .caps = PROVIDER_CAP_CHAT,
    .default_url = "https://api.anthropic.com",
    .actions = true,
    .build_request = anthropic_build,
    .parse_event = anthropic_parse,
    .classify_error = adapter_classify_body,
    .state_size = sizeof(struct anthropic_state),
};
