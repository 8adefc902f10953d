/* The server object: wires transport -> framing -> rpc -> dispatch, runs the LSP
 * life cycle (ServerNotInitialized before initialize, InvalidRequest after shutdown,
 * exit codes), watches the client process, and stops cleanly so uv_loop_close
 * succeeds. initialize itself is in initialize.c. */
#include "lsp/server_internal.h"
#include "lsp/lifecycle.h"
#include "lsp/services.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PID_POLL_MS 500

static void write_out(void *data, const char *header, size_t hlen, const char *body, size_t blen)
{
    struct server *srv = data;
    if (srv->write_hook) srv->write_hook(srv->write_hook_data, header, hlen, body, blen);
    else if (srv->transport) transport_write(srv->transport, header, hlen, body, blen);
}

static void trace_sink(enum log_level level, const char *line, void *data)
{
    struct server *srv = data;
    (void)level;
    if (srv->stopping || !srv->rpc || rpc_get_trace(srv->rpc) == RPC_TRACE_OFF) return;
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "message", line);
    rpc_notify(srv, "$/logTrace", params);
}

struct server *server_new(uv_loop_t *loop, const struct server_options *opts)
{
    struct server *srv = xcalloc(1, sizeof *srv);
    srv->loop = loop;
    srv->opts = *opts;
    srv->config_path = xstrdup(opts->config_path);
    srv->opts.config_path = srv->config_path;
    srv->exit_code = 1;
    srv->client_pid = opts->client_pid;
    srv->docs = document_store_new();
    srv->client_capabilities = cJSON_CreateObject();
    frame_parser_init(&srv->parser, opts->max_message_bytes);
    struct rpc_handlers h = { lifecycle_request, lifecycle_notification, write_out, srv };
    srv->rpc = rpc_new(srv, &h);
    return srv;
}

/* ---- input ---- */

static int on_frame(void *data, const struct frame_event *ev)
{
    struct server *srv = data;
    if (ev->status == FRAME_MESSAGE) rpc_handle_body(srv->rpc, ev->body, ev->len);
    else rpc_handle_frame_error(srv->rpc, ev);
    return srv->stopping;   /* after exit, ignore the rest of the input */
}

void server_feed(struct server *srv, const char *bytes, size_t len)
{
    if (srv->stopping) return;
    frame_parser_feed(&srv->parser, bytes, len, on_frame, srv);
}

static void on_data(void *data, const char *bytes, size_t len)
{
    server_feed(data, bytes, len);
}

static void on_eof(void *data, int error)
{
    struct server *srv = data;
    if (srv->stopping) return;
    if (error) log_warn("client connection failed (%s); exiting", uv_strerror(error));
    else if (srv->state == SERVER_SHUT_DOWN) log_info("stdin closed after shutdown");
    else log_warn("stdin closed without shutdown; exiting");
    if (!frame_parser_idle(&srv->parser)) log_warn("input ended inside a message");
    server_stop(srv, srv->state == SERVER_SHUT_DOWN ? 0 : 1);
}

/* ---- client process watch ---- */

static void on_pid_timer(uv_timer_t *t)
{
    struct server *srv = t->data;
    if (srv->client_pid <= 0 || kill((pid_t)srv->client_pid, 0) == 0 || errno == EPERM) return;
    log_warn("client process %ld is gone; exiting", srv->client_pid);
    server_stop(srv, 1);
}

void lifecycle_watch_pid(struct server *srv, long pid)
{
    if (pid <= 0 || srv->stopping) return;
    srv->client_pid = pid;
    if (srv->pid_timer_open) return;
    unsigned ms = srv->opts.pid_poll_ms ? srv->opts.pid_poll_ms : DEFAULT_PID_POLL_MS;
    uv_timer_init(srv->loop, &srv->pid_timer);
    srv->pid_timer.data = srv;
    srv->pid_timer_open = true;
    uv_timer_start(&srv->pid_timer, on_pid_timer, ms, ms);
    uv_unref((uv_handle_t *)&srv->pid_timer);
}

static void on_signal(uv_signal_t *s, int signum)
{
    struct server *srv = s->data;
    log_info("signal %d; exiting", signum);
    server_stop(srv, srv->state == SERVER_SHUT_DOWN ? 0 : 1);
}

int server_start(struct server *srv)
{
    if (!srv->write_hook) {
        srv->transport = transport_new(srv->loop, srv->opts.in_fd, srv->opts.out_fd,
                                       on_data, on_eof, srv);
        if (!srv->transport) return -1;
        uv_signal_init(srv->loop, &srv->sigterm);
        uv_signal_init(srv->loop, &srv->sigint);
        srv->sigterm.data = srv->sigint.data = srv;
        uv_signal_start(&srv->sigterm, on_signal, SIGTERM);
        uv_signal_start(&srv->sigint, on_signal, SIGINT);
        uv_unref((uv_handle_t *)&srv->sigterm);
        uv_unref((uv_handle_t *)&srv->sigint);
        srv->signals_open = true;
    }
    log_set_sink(trace_sink, srv);
    lifecycle_watch_pid(srv, srv->client_pid);
    if (srv->transport && transport_start(srv->transport) < 0) {
        server_stop(srv, 1);
        return -1;
    }
    return 0;
}

/* ---- stopping ---- */

static void on_transport_closed(void *data)
{
    struct server *srv = data;
    srv->transport = NULL;
    srv->stopped = true;
}

void server_stop(struct server *srv, int exit_code)
{
    if (srv->stopping) return;
    srv->stopping = true;
    srv->exit_code = exit_code;
    if (srv->transport) transport_stop_reading(srv->transport);
    lifecycle_shutdown_features(srv);   /* cancels pending requests first */
    rpc_shutdown(srv->rpc);
    log_set_sink(NULL, NULL);
    if (srv->pid_timer_open) {
        srv->pid_timer_open = false;
        uv_close((uv_handle_t *)&srv->pid_timer, NULL);
    }
    if (srv->signals_open) {
        srv->signals_open = false;
        uv_close((uv_handle_t *)&srv->sigterm, NULL);
        uv_close((uv_handle_t *)&srv->sigint, NULL);
    }
    if (srv->transport) transport_close(srv->transport, on_transport_closed);
    else srv->stopped = true;
}

int server_exit_code(const struct server *srv) { return srv->exit_code; }
bool server_is_stopped(const struct server *srv) { return srv->stopped; }

void server_free(struct server *srv)
{
    if (!srv) return;
    rpc_free(srv->rpc);
    srv->rpc = NULL;
    frame_parser_free(&srv->parser);
    document_store_free(srv->docs);
    cJSON_Delete(srv->client_capabilities);
    cJSON_Delete(srv->initialization_options);
    for (size_t i = 0; i < srv->slot_count; i++)
        if (srv->slots[i].state)
            log_warn("feature %s left its state allocated", srv->slots[i].feature->name);
    free(srv->slots);
    free(srv->root_path);
    free(srv->config_path);
    free(srv);
}

/* ---- accessors ---- */

struct rpc *server_rpc(struct server *srv) { return srv->rpc; }
uv_loop_t *server_loop(struct server *srv) { return srv->loop; }
struct document_store *server_documents(struct server *srv) { return srv->docs; }
enum position_encoding server_encoding(struct server *srv) { return srv->encoding; }
const cJSON *server_client_capabilities(struct server *srv) { return srv->client_capabilities; }
const cJSON *server_client_capability(struct server *srv, const char *dotted_path)
{
    return json_get(srv->client_capabilities, dotted_path);
}
struct router *server_router(struct server *srv) { return srv->router; }
struct ledger *server_ledger(struct server *srv) { return srv->ledger; }
struct http_engine *server_http(struct server *srv) { return srv->http; }
struct config *server_config(struct server *srv) { return srv->config; }
const char *server_root_path(struct server *srv) { return srv->root_path; }
const char *server_config_path(struct server *srv) { return srv->config_path; }
const cJSON *server_initialization_options(struct server *srv) { return srv->initialization_options; }

void *server_feature_state(struct server *srv, const struct lsp_feature *feature)
{
    for (size_t i = 0; i < srv->slot_count; i++)
        if (srv->slots[i].feature == feature) return srv->slots[i].state;
    return NULL;
}

void server_set_feature_state(struct server *srv, const struct lsp_feature *feature, void *state)
{
    for (size_t i = 0; i < srv->slot_count; i++)
        if (srv->slots[i].feature == feature) { srv->slots[i].state = state; return; }
    srv->slots = xrealloc(srv->slots, (srv->slot_count + 1) * sizeof *srv->slots);
    srv->slots[srv->slot_count++] = (struct feature_slot){ feature, state };
}
