/* Router executor tests' view of the fake model server: the shared child-process
 * helper (fake_server_proc.h) plus parsed answers (request log, stats) and
 * shorthands for scripting behaviour. */
#ifndef TESTS_UNIT_ROUTER_FAKE_H
#define TESTS_UNIT_ROUTER_FAKE_H
#include "tests/unit/fake_server_proc.h"
#include <cjson/cJSON.h>

struct rfake {
    struct fake_server fs;
    char url[64];      /* http://127.0.0.1:PORT */
};

void rfake_start(struct rfake *f);
void rfake_stop(struct rfake *f);
/* A control call; returns the parsed answer (caller deletes) or NULL. */
cJSON *rfake_control(struct rfake *f, const char *method, const char *what, const char *body);
/* POST a behaviour rule / one-shot; fails the test when refused. */
void rfake_rule(struct rfake *f, const char *json);
void rfake_enqueue(struct rfake *f, const char *json);
/* Requests recorded for a model (NULL = all); *out (optional) gets them (caller deletes). */
int rfake_count(struct rfake *f, const char *model, cJSON **out);
/* Waits (10 s guard) until a stats counter reaches want; returns its value. */
long rfake_wait_stat(struct rfake *f, const char *name, long want);

#endif
