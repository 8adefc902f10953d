/* An in-process LSP server for unit tests of features: no pipes, no process. Messages
 * are fed as framed bytes; everything the server writes is collected as one JSON body
 * per line. The loop is real, so timers (debounce) and HTTP work with lsp_harness_run.
 *
 *     struct lsp_harness h;
 *     lsp_harness_init(&h);
 *     lsp_harness_initialize(&h, "{\"capabilities\":{}}");
 *     lsp_harness_send(&h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\"}");
 *     cJSON *r = lsp_harness_response(&h, 2);     // NULL when not answered yet
 *     ...
 *     cJSON_Delete(r);
 *     lsp_harness_free(&h);                      // asserts uv_loop_close() == 0
 */
#ifndef TESTS_UNIT_LSP_HARNESS_H
#define TESTS_UNIT_LSP_HARNESS_H
#include "lsp/server_internal.h"
#include "base/buf.h"

struct lsp_harness {
    uv_loop_t loop;
    struct server *srv;
    struct buf out;      /* message bodies written by the server, one per line */
    int messages;
};

void lsp_harness_init(struct lsp_harness *h);
void lsp_harness_free(struct lsp_harness *h);
/* Frames and feeds one JSON message body. */
void lsp_harness_send(struct lsp_harness *h, const char *json);
/* Sends initialize (params JSON text) and initialized; asserts success. */
void lsp_harness_initialize(struct lsp_harness *h, const char *params_json);
/* Runs the loop for up to ms milliseconds (or until it has nothing left to do). */
void lsp_harness_run(struct lsp_harness *h, unsigned ms);
/* The response to request id (parsed; caller deletes), or NULL. */
cJSON *lsp_harness_response(const struct lsp_harness *h, long id);
/* How many times needle occurs in the output so far. */
int lsp_harness_count(const struct lsp_harness *h, const char *needle);

#endif
