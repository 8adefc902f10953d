/* The fake model server (tests/fake_server/fake_model_server.py) as a child process
 * for C tests of the router's executor, with its control API called synchronously
 * (libcurl easy; the loop under test is not running while a test scripts it). */
#ifndef TESTS_UNIT_ROUTER_FAKE_H
#define TESTS_UNIT_ROUTER_FAKE_H
#include <cjson/cJSON.h>
#include <sys/types.h>

struct rfake {
    pid_t pid;
    int port;
    char url[64];      /* http://127.0.0.1:PORT */
};

/* Starts the server and waits until it answers; aborts the test on failure. */
void rfake_start(struct rfake *f);
void rfake_stop(struct rfake *f);
/* POST/GET/DELETE /_control/<what> with an optional JSON body (text); returns the
 * parsed answer (caller deletes) or NULL. */
cJSON *rfake_control(struct rfake *f, const char *method, const char *what, const char *body);
/* Shorthand: POST a behaviour rule / one-shot, ignoring the answer. */
void rfake_rule(struct rfake *f, const char *json);
void rfake_enqueue(struct rfake *f, const char *json);
/* Requests recorded for a model (NULL = all); *out (optional) gets the array (caller deletes). */
int rfake_count(struct rfake *f, const char *model, cJSON **out);
/* A stats counter ("client_disconnects", ...). */
long rfake_stat(struct rfake *f, const char *name);

#endif
