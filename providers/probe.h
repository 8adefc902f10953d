/* Reachability of a local server: a non-blocking TCP connect to the host and port of
 * an http(s) URL, bounded by a short timeout. Used by zero-config detection (Ollama,
 * llama.cpp) and `switchboard check`. Blocks the caller for at most timeout_ms, so it
 * runs only at start-up, on reload and in the CLI. */
#ifndef PROVIDERS_PROBE_H
#define PROVIDERS_PROBE_H
#include <stdbool.h>

bool probe_url_reachable(const char *url, int timeout_ms);

#endif
