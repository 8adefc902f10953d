/* The bridge between the LSP server and the router/provider layers: creates the
 * configuration, HTTP engine, ledger and router when the server initializes and
 * tears them down at shutdown. The hooks that call into those modules are marked
 * TODO(merge) until they land. */
#ifndef LSP_SERVICES_H
#define LSP_SERVICES_H
#include <cjson/cJSON.h>
#include <stddef.h>

struct server;

/* After initialize (initializationOptions are available). Returns 0 or -1; the
 * server keeps running without services on failure (features report it). */
int services_start(struct server *srv);
void services_stop(struct server *srv);
/* Loads and applies configuration with overrides deep-merged over the file. Returns
 * 0, or -1 with a message in err (the last good configuration stays). */
int services_reload(struct server *srv, const cJSON *overrides, char *err, size_t err_size);
/* Adds router/ledger fields (spend today, breakers...) to a switchboard/status. */
void services_add_status(struct server *srv, cJSON *status);

#endif
