/* Names the GenAI conventions use for providers, and the one-line description
 * `check` prints (destinations only: headers are secrets). */
#include "telemetry/telemetry.h"
#include <stdio.h>
#include <string.h>

const char *telemetry_genai_provider(const char *kind, const char *host)
{
    static const struct { const char *host_part, *name; } hosts[] = {
        { "deepseek", "deepseek" }, { "mistral", "mistral_ai" }, { "openrouter", "openrouter" },
        { "groq", "groq" }, { "x.ai", "x_ai" }, { "azure", "azure.ai.openai" },
    };
    static const struct { const char *kind, *name; } kinds[] = {
        { "anthropic", "anthropic" }, { "gemini", "gcp.gemini" }, { "mistral-fim", "mistral_ai" },
        { "ollama", "ollama" }, { "llamacpp", "llama_cpp" },
    };
    for (size_t i = 0; host && i < sizeof hosts / sizeof hosts[0]; i++)
        if (strstr(host, hosts[i].host_part)) return hosts[i].name;
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i].kind) == 0) return kinds[i].name;
    return "openai";   /* openai and the OpenAI-compatible kinds */
}

const char *telemetry_describe(const struct telemetry_options *o, char *buf, size_t size)
{
    if (o->disabled) return "off (OTEL_SDK_DISABLED)";
    if (!telemetry_options_active(o)) return "off (no OTLP endpoint or remote write URL configured)";
    size_t n = 0;
    buf[0] = '\0';
    if (o->traces_url) n += (size_t)snprintf(buf + n, size - n, "traces -> %s; ", o->traces_url);
    if (n < size && o->metrics_url) n += (size_t)snprintf(buf + n, size - n, "metrics -> %s; ", o->metrics_url);
    if (n < size && o->remote_write_url)
        n += (size_t)snprintf(buf + n, size - n, "remote write -> %s; ", o->remote_write_url);
    if (n < size)
        snprintf(buf + n, size - n, "%s%s", o->protocol == TEL_PROTOCOL_JSON ? "http/json" : "http/protobuf",
                 o->headers || o->remote_write_headers ? ", headers set (not shown)" : "");
    return buf;
}
