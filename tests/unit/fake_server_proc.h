/* The fake model server (tests/fake_server/fake_model_server.py) as a child process
 * of a C test, plus a tiny blocking client for its control API. The child gets
 * SIGTERM if the test process dies, so a crashed test leaves nothing running.
 * Failing to start it fails the test (never a silent skip). */
#ifndef TESTS_UNIT_FAKE_SERVER_PROC_H
#define TESTS_UNIT_FAKE_SERVER_PROC_H
#include <sys/types.h>

struct fake_server {
    pid_t pid;
    int port;
    char url[64];     /* "http://127.0.0.1:PORT" */
};

/* Starts the server (python3; script from $SWITCHBOARD_FAKE_SERVER or the repo path). */
void fake_server_start(struct fake_server *fs);
/* The same over https with the given PEM certificate and key; url is https://.
 * The control helpers below speak plain HTTP, so they do not work on it. */
void fake_server_start_tls(struct fake_server *fs, const char *cert, const char *key);
void fake_server_stop(struct fake_server *fs);
/* One control call: method "GET"/"POST", name e.g. "stats", "enqueue", body JSON or
 * NULL. Returns the HTTP status; *out (if not NULL) gets the body, caller frees. */
int fake_server_control(struct fake_server *fs, const char *method, const char *name,
                        const char *body, char **out);
/* A number from /_control/stats, e.g. "client_disconnects". */
long fake_server_stat(struct fake_server *fs, const char *key);
/* Polls a stat until it reaches at least `want` (10 s hang guard); returns its value. */
long fake_server_wait_stat(struct fake_server *fs, const char *key, long want);

#endif
