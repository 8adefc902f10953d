/* Fuzz target: arbitrary bytes on the server's stdin. The first byte picks the read
 * size (1..256 bytes, so headers and bodies split everywhere); the rest goes through
 * framing, JSON-RPC and dispatch (life cycle, text sync, executeCommand) of a real
 * server whose output goes to a hook that checks every reply is framed and valid
 * UTF-8 (the seeds initialize, so the services start too). Any crash,
 * leak or sanitizer report is a finding. */
#include "lsp/server_internal.h"
#include "base/log.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_output(void *data, const char *header, size_t hlen, const char *body, size_t blen)
{
    (void)data;
    size_t n;
    if (hlen < 20 || sscanf(header, "Content-Length: %zu", &n) != 1 || n != blen) abort();
    if (blen == 0 || body[0] != '{' || body[blen - 1] != '}') abort();
    if (!utf8_valid(body, blen)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        xalloc_init();
        log_open(NULL, LOG_LEVEL_ERROR);
        log_set_level(LOG_LEVEL_ERROR);
        /* An initialize starts the services: keep them off the user's own configuration,
         * state directory, keys and local model servers, and never run a key command. */
        char dir[] = "/tmp/sb-fuzz-lsp-XXXXXX";
        if (!mkdtemp(dir)) abort();
        setenv("XDG_CONFIG_HOME", dir, 1);
        setenv("XDG_STATE_HOME", dir, 1);
        setenv("HOME", dir, 1);
        unsetenv("SWITCHBOARD_CONFIG");
        setenv("SWITCHBOARD_NO_PROBE_LOCAL", "1", 1);
        setenv("SWITCHBOARD_NO_KEY_CMD", "1", 1);
        /* Zero-config would turn a key in the environment into a real provider: fuzz input
         * must never reach the network. */
        static const char *const keys[] = { "ANTHROPIC_API_KEY", "CODESTRAL_API_KEY", "DEEPSEEK_API_KEY",
                                            "GEMINI_API_KEY", "MISTRAL_API_KEY", "OPENAI_API_KEY",
                                            "OPENROUTER_API_KEY" };
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) unsetenv(keys[i]);
        init = 1;
    }
    if (size < 1) return 0;
    size_t chunk = 1 + data[0];
    data++;
    size--;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct server_options o = { .max_message_bytes = 4096 };
    struct server *srv = server_new(&loop, &o);
    srv->write_hook = check_output;
    server_start(srv);
    for (size_t off = 0; off < size; off += chunk)
        server_feed(srv, (const char *)data + off, size - off < chunk ? size - off : chunk);
    server_stop(srv, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    server_free(srv);
    if (uv_loop_close(&loop) != 0) abort();
    return 0;
}
