/* OpenAI legacy Completions adapter ("openai-completions"): prompt + suffix on
 * /v1/completions, for DeepSeek FIM beta (base https://api.deepseek.com/beta),
 * Ollama /v1 and gpt-3.5-turbo-instruct. Native FIM sends the plain prefix and
 * suffix; a configured fim_template sends a raw prompt instead (no suffix); actions
 * send the chat messages flattened into one prompt. Streams like chat (shared
 * parser), with text in choices[i].text; takes `n` like chat. */
#include "providers/adapter.h"
#include "providers/prompt.h"

#define COMPLETIONS_MAX_STOPS 4

static int completions_build(const struct model_spec *spec, const struct task *task,
                             struct provider_request *out, char *err, size_t errlen)
{
    struct prompt p;
    cJSON *root = adapter_openai_style_begin(spec, task, provider_openai_completions.caps, "/completions", out, &p, err, errlen);
    if (!root) return -1;
    if (p.shape == PROMPT_NATIVE_FIM) {
        cJSON_AddStringToObject(root, "prompt", p.prefix);
        cJSON_AddStringToObject(root, "suffix", p.suffix);
    } else {
        cJSON_AddStringToObject(root, "prompt", p.raw);
    }
    cJSON_AddNumberToObject(root, "max_tokens", p.max_tokens);
    if (adapter_temperature(spec, task) >= 0)
        cJSON_AddNumberToObject(root, "temperature", adapter_temperature(spec, task));
    adapter_add_stops(root, "stop", p.stop, p.stop_count, COMPLETIONS_MAX_STOPS);
    return adapter_openai_style_finish(&provider_openai_completions, task, out, root, &p);
}

const struct provider_ops provider_openai_completions = {
    .name = "openai-completions",
    .caps = PROVIDER_CAP_FIM_NATIVE | PROVIDER_CAP_RAW_PROMPT | PROVIDER_CAP_N_CHOICES,
    .default_url = "https://api.openai.com/v1",
    .actions = false,
    .build_request = completions_build,
    .parse_event = openai_style_parse_event,
    .classify_error = adapter_classify_body,
    .state_size = sizeof(struct openai_style_state),
};
