/* The stdio transport: reads stdin and writes stdout through libuv, whatever they
 * are (pipe or socket, tty, regular file). Bytes read go to on_data as they come;
 * writes are queued in order and never block the loop. Closing flushes what is
 * queued (bounded by a timeout, so a client that stopped reading cannot keep the
 * process alive) and closes every handle. */
#ifndef LSP_TRANSPORT_H
#define LSP_TRANSPORT_H
#include <stddef.h>
#include <uv.h>

struct transport;

typedef void (*transport_data_fn)(void *data, const char *bytes, size_t len);
typedef void (*transport_eof_fn)(void *data, int error);   /* 0 on clean EOF, else UV error */
typedef void (*transport_closed_fn)(void *data);

/* in_fd/out_fd: normally 0 and 1. Returns NULL (and logs) when a descriptor cannot
 * be used. */
struct transport *transport_new(uv_loop_t *loop, int in_fd, int out_fd,
                                transport_data_fn on_data, transport_eof_fn on_eof,
                                void *data);
int transport_start(struct transport *t);
void transport_stop_reading(struct transport *t);
/* Copies header and body into one queued write. Dropped (logged) after close began
 * or after a write error. */
void transport_write(struct transport *t, const char *header, size_t header_len,
                     const char *body, size_t body_len);
/* Flushes, closes the handles, then calls on_closed; frees itself after that. */
void transport_close(struct transport *t, transport_closed_fn on_closed);
/* Bytes queued but not yet written. */
size_t transport_pending_bytes(const struct transport *t);

#endif
