/* stdio over libuv (see transport.h). Streams (pipes, sockets, ttys) use uv_read /
 * uv_write; regular files use uv_fs reads and writes on the thread pool, one at a
 * time so order is kept, with queued writes batched into one vectored write. */
#include "lsp/transport.h"
#include "base/log.h"
#include "base/xalloc.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define READ_BUFFER_BYTES 65536
#define CLOSE_TIMEOUT_MS 2000
#define MAX_BATCH 64

union stream_handle {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_pipe_t pipe;
    uv_tty_t tty;
    uv_tcp_t tcp;
};

struct write_item {
    uv_write_t req;
    struct transport *t;
    struct write_item *next;     /* file output queue */
    size_t len, written;
    char data[];
};

struct transport {
    uv_loop_t *loop;
    int in_fd, out_fd;
    bool in_is_file, out_is_file;
    union stream_handle in, out;
    bool in_open, out_open;
    uv_fs_t in_req;
    bool reading, read_in_flight;
    char *read_buffer;
    /* File output: a queue and at most one write in flight. */
    uv_fs_t out_req;
    struct write_item *queue_head, *queue_tail;
    size_t batch_count;
    bool write_in_flight;
    size_t pending_bytes;
    uv_shutdown_t shutdown_req;
    uv_timer_t close_timer;
    bool closing, broken, eof_reported, timer_open;
    int close_ops;
    transport_data_fn on_data;
    transport_eof_fn on_eof;
    transport_closed_fn on_closed;
    void *data;
};

static void report_eof(struct transport *t, int error)
{
    if (t->eof_reported) return;
    t->eof_reported = true;
    t->on_eof(t->data, error);
}

static int open_stream(struct transport *t, union stream_handle *h, int fd, bool readable,
                       bool *is_file)
{
    uv_handle_type type = uv_guess_handle(fd);
    int rc;
    *is_file = false;
    switch (type) {
    case UV_NAMED_PIPE:
        rc = uv_pipe_init(t->loop, &h->pipe, 0);
        if (rc == 0 && (rc = uv_pipe_open(&h->pipe, fd)) != 0) uv_close(&h->handle, NULL);
        break;
    case UV_TTY:
        rc = uv_tty_init(t->loop, &h->tty, fd, readable);
        break;
    case UV_TCP:
        rc = uv_tcp_init(t->loop, &h->tcp);
        if (rc == 0 && (rc = uv_tcp_open(&h->tcp, fd)) != 0) uv_close(&h->handle, NULL);
        break;
    case UV_FILE:
        *is_file = true;
        return 0;
    default:
        log_error("fd %d is of unsupported type %d", fd, (int)type);
        return UV_EINVAL;
    }
    if (rc != 0) log_error("cannot open fd %d: %s", fd, uv_strerror(rc));
    else h->handle.data = t;
    return rc;
}

struct transport *transport_new(uv_loop_t *loop, int in_fd, int out_fd,
                                transport_data_fn on_data, transport_eof_fn on_eof,
                                void *data)
{
    struct transport *t = xcalloc(1, sizeof *t);
    t->loop = loop;
    t->in_fd = in_fd;
    t->out_fd = out_fd;
    t->on_data = on_data;
    t->on_eof = on_eof;
    t->data = data;
    if (open_stream(t, &t->in, in_fd, true, &t->in_is_file) != 0) {
        free(t);
        return NULL;
    }
    t->in_open = !t->in_is_file;
    if (open_stream(t, &t->out, out_fd, false, &t->out_is_file) != 0) {
        /* Closing the input handle needs the loop; run it briefly. */
        if (t->in_open) { uv_close(&t->in.handle, NULL); uv_run(loop, UV_RUN_NOWAIT); }
        free(t);
        return NULL;
    }
    t->out_open = !t->out_is_file;
    t->read_buffer = xmalloc(READ_BUFFER_BYTES);
    return t;
}

/* ---- input ---- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct transport *t = h->data;
    (void)suggested;
    *buf = uv_buf_init(t->read_buffer, READ_BUFFER_BYTES);
}

static void on_stream_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct transport *t = s->data;
    (void)buf;
    if (nread > 0) {
        if (t->reading) t->on_data(t->data, t->read_buffer, (size_t)nread);
        return;
    }
    if (nread == 0) return;   /* EAGAIN */
    uv_read_stop(s);
    t->reading = false;
    if (nread != UV_EOF) log_warn("stdin read failed: %s", uv_strerror((int)nread));
    report_eof(t, nread == UV_EOF ? 0 : (int)nread);
}

static void maybe_finish_close(struct transport *t);
static void file_read_next(struct transport *t);

static void on_file_read(uv_fs_t *req)
{
    struct transport *t = req->data;
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    t->read_in_flight = false;
    if (t->closing) { t->close_ops--; maybe_finish_close(t); return; }
    if (!t->reading) return;
    if (n > 0) {
        t->on_data(t->data, t->read_buffer, (size_t)n);
        if (t->reading && !t->closing) file_read_next(t);
        return;
    }
    t->reading = false;
    if (n < 0) log_warn("stdin read failed: %s", uv_strerror((int)n));
    report_eof(t, n == 0 ? 0 : (int)n);
}

static void file_read_next(struct transport *t)
{
    uv_buf_t b = uv_buf_init(t->read_buffer, READ_BUFFER_BYTES);
    t->in_req.data = t;
    int rc = uv_fs_read(t->loop, &t->in_req, t->in_fd, &b, 1, -1, on_file_read);
    if (rc < 0) {
        t->reading = false;
        log_warn("stdin read failed: %s", uv_strerror(rc));
        report_eof(t, rc);
        return;
    }
    t->read_in_flight = true;
}

int transport_start(struct transport *t)
{
    t->reading = true;
    if (t->in_is_file) {
        file_read_next(t);
        return 0;
    }
    int rc = uv_read_start(&t->in.stream, on_alloc, on_stream_read);
    if (rc < 0) log_error("cannot read stdin: %s", uv_strerror(rc));
    return rc;
}

void transport_stop_reading(struct transport *t)
{
    if (!t->reading) return;
    t->reading = false;
    if (!t->in_is_file) uv_read_stop(&t->in.stream);
}

/* ---- output ---- */

static void write_failed(struct transport *t, int status)
{
    if (!t->broken) log_warn("stdout write failed: %s", uv_strerror(status));
    t->broken = true;
    report_eof(t, status);
}

static void on_stream_written(uv_write_t *req, int status)
{
    struct write_item *item = req->data;
    struct transport *t = item->t;
    t->pending_bytes -= item->len;
    free(item);
    if (status < 0 && status != UV_ECANCELED) write_failed(t, status);
}

static void file_write_next(struct transport *t);

static void on_file_written(uv_fs_t *req)
{
    struct transport *t = req->data;
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    t->write_in_flight = false;
    if (n < 0) {
        write_failed(t, (int)n);
        n = 0;
        /* Drop everything: the output is gone. */
        while (t->queue_head) {
            struct write_item *i = t->queue_head;
            t->queue_head = i->next;
            t->pending_bytes -= i->len - i->written;
            free(i);
        }
        t->queue_tail = NULL;
    }
    size_t done = (size_t)n;
    while (t->queue_head && done > 0) {
        struct write_item *i = t->queue_head;
        size_t left = i->len - i->written, take = done < left ? done : left;
        i->written += take;
        done -= take;
        t->pending_bytes -= take;
        if (i->written < i->len) break;
        t->queue_head = i->next;
        if (!t->queue_head) t->queue_tail = NULL;
        free(i);
    }
    if (t->queue_head) file_write_next(t);
    else if (t->closing) { t->close_ops--; maybe_finish_close(t); }
}

static void file_write_next(struct transport *t)
{
    uv_buf_t bufs[MAX_BATCH];
    unsigned n = 0;
    for (struct write_item *i = t->queue_head; i && n < MAX_BATCH; i = i->next)
        bufs[n++] = uv_buf_init(i->data + i->written, (unsigned)(i->len - i->written));
    t->out_req.data = t;
    int rc = uv_fs_write(t->loop, &t->out_req, t->out_fd, bufs, n, -1, on_file_written);
    if (rc < 0) {
        /* Report through the same path as an asynchronous failure. */
        t->out_req.result = rc;
        t->write_in_flight = true;
        on_file_written(&t->out_req);
        return;
    }
    t->write_in_flight = true;
}

void transport_write(struct transport *t, const char *header, size_t header_len,
                     const char *body, size_t body_len)
{
    if (t->broken || (t->closing && !t->out_is_file && !t->out_open)) {
        log_debug("dropping %zu bytes: output closed", body_len);
        return;
    }
    struct write_item *item = xmalloc(sizeof *item + header_len + body_len);
    item->t = t;
    item->next = NULL;
    item->len = header_len + body_len;
    item->written = 0;
    memcpy(item->data, header, header_len);
    memcpy(item->data + header_len, body, body_len);
    t->pending_bytes += item->len;
    if (t->out_is_file) {
        if (t->queue_tail) t->queue_tail->next = item; else t->queue_head = item;
        t->queue_tail = item;
        if (!t->write_in_flight) file_write_next(t);
        return;
    }
    uv_buf_t b = uv_buf_init(item->data, (unsigned)item->len);
    item->req.data = item;
    int rc = uv_write(&item->req, &t->out.stream, &b, 1, on_stream_written);
    if (rc < 0) {
        t->pending_bytes -= item->len;
        free(item);
        write_failed(t, rc);
    }
}

size_t transport_pending_bytes(const struct transport *t) { return t->pending_bytes; }

/* ---- closing ---- */

static void on_timer_closed(uv_handle_t *h)
{
    struct transport *t = h->data;
    transport_closed_fn cb = t->on_closed;
    void *data = t->data;
    free(t->read_buffer);
    free(t);
    if (cb) cb(data);
}

static void maybe_finish_close(struct transport *t)
{
    if (t->close_ops > 0 || !t->timer_open) return;
    t->timer_open = false;
    uv_timer_stop(&t->close_timer);
    uv_close((uv_handle_t *)&t->close_timer, on_timer_closed);
}

static void on_handle_closed(uv_handle_t *h)
{
    struct transport *t = h->data;
    t->close_ops--;
    maybe_finish_close(t);
}

static void close_output(struct transport *t)
{
    if (!t->out_open) return;
    t->out_open = false;
    uv_close(&t->out.handle, on_handle_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct transport *t = req->data;
    (void)status;
    close_output(t);
}

/* The client stopped reading: give up on what is queued. */
static void on_close_timeout(uv_timer_t *timer)
{
    struct transport *t = timer->data;
    log_warn("output not flushed after %d ms; closing anyway", CLOSE_TIMEOUT_MS);
    close_output(t);
    if (t->out_is_file && t->queue_head) {
        /* The write in flight completes on its own; drop the rest. */
        struct write_item *i = t->queue_head->next;
        t->queue_head->next = NULL;
        t->queue_tail = t->queue_head;
        while (i) { struct write_item *n = i->next; t->pending_bytes -= i->len; free(i); i = n; }
    }
}

void transport_close(struct transport *t, transport_closed_fn on_closed)
{
    if (t->closing) return;
    transport_stop_reading(t);
    t->closing = true;
    t->on_closed = on_closed;
    uv_timer_init(t->loop, &t->close_timer);
    t->close_timer.data = t;
    t->timer_open = true;
    uv_timer_start(&t->close_timer, on_close_timeout, CLOSE_TIMEOUT_MS, 0);
    if (t->in_open) {
        t->in_open = false;
        t->close_ops++;
        uv_close(&t->in.handle, on_handle_closed);
    } else if (t->read_in_flight) {
        t->close_ops++;   /* on_file_read finishes it */
    }
    if (t->out_is_file) {
        if (t->queue_head) t->close_ops++;   /* on_file_written finishes it */
    } else if (t->out_open) {
        t->close_ops++;   /* on_handle_closed of the output */
        t->shutdown_req.data = t;
        if (t->broken || uv_shutdown(&t->shutdown_req, &t->out.stream, on_shutdown) != 0)
            close_output(t);
    }
    maybe_finish_close(t);
}
