/* The bridge between the LSP server and the router/provider layers: creates the
 * configuration, HTTP engine, ledger and router when the server initializes and
 * tears them down at shutdown. */
#ifndef LSP_SERVICES_H
#define LSP_SERVICES_H
#include <cjson/cJSON.h>
#include <stddef.h>

struct server;

/* After initialize (initializationOptions are available). Returns 0 or -1; the
 * server keeps running without services on failure (features report it). A
 * configuration that does not load is shown once (window/showMessage) and the server
 * runs on config_refusing(): nothing is sent anywhere until a reload applies a valid
 * one. Zero-config defaults are used only when no file exists. */
int services_start(struct server *srv);
void services_stop(struct server *srv);
/* Loads and applies the configuration: the file, then initializationOptions, then
 * the editor's settings (NULL: the latest ones given) deep-merged over it. Returns 0,
 * or -1 with a message in err (the last good configuration stays). */
int services_reload(struct server *srv, const cJSON *settings, char *err, size_t err_size);
/* Non-NULL while the configuration in force refuses everything (it did not load at
 * start-up and no reload has fixed it): "FILE: json.path: problem". */
const char *services_refusal(struct server *srv);
/* The switchboard/status payload: {"model", "in_flight", "spend_today_usd", "breakers",
 * "pins", and the features' own fields}. last_model NULL keeps the last one given. */
cJSON *services_status(struct server *srv, const char *last_model);

/* The exporter (NULL when off), for events outside the router (acceptance). */
struct telemetry;
struct telemetry *services_telemetry(struct server *srv);

#endif
