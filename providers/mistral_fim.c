/* Mistral Codestral FIM adapter ("mistral-fim"): /v1/fim/completions on
 * api.mistral.ai or codestral.mistral.ai. Mistral rejects unknown fields with 422,
 * so only its own fields are sent (no stream_options, no max_completion_tokens).
 * The stream is chat-shaped (delta.content) and the last content chunk carries both
 * finish_reason and usage; the shared OpenAI-style parser reads that. Inline only. */
#include "providers/adapter.h"
#include "providers/prompt.h"

static int mistral_build(const struct model_spec *spec, const struct task *task,
                         struct provider_request *out, char *err, size_t errlen)
{
    struct prompt p;
    cJSON *root = adapter_openai_style_begin(spec, task, provider_mistral_fim.caps, "/fim/completions", out, &p, err, errlen);
    if (!root) return -1;
    cJSON_AddStringToObject(root, "prompt", p.prefix);
    cJSON_AddStringToObject(root, "suffix", p.suffix);
    cJSON_AddNumberToObject(root, "max_tokens", p.max_tokens);
    if (adapter_temperature(spec, task) >= 0)
        cJSON_AddNumberToObject(root, "temperature", adapter_temperature(spec, task));
    adapter_add_stops(root, "stop", p.stop, p.stop_count, 0);
    cJSON_AddBoolToObject(root, "stream", 1);
    adapter_set_body(out, root);
    prompt_free(&p);
    return 0;
}

const struct provider_ops provider_mistral_fim = {
    .name = "mistral-fim",
    .caps = PROVIDER_CAP_FIM_NATIVE,
    .default_url = "https://codestral.mistral.ai/v1",
    .actions = false,
    .build_request = mistral_build,
    .parse_event = openai_style_parse_event,
    .classify_error = adapter_classify_body,
    .state_size = sizeof(struct openai_style_state),
};
