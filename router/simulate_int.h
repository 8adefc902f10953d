/* Internals shared by the workload replays (simulate.c: price and budget replay;
 * simulate_quality.c: what users keep, under adaptive and static routing). Only
 * router/simulate*.c include it. */
#ifndef ROUTER_SIMULATE_INT_H
#define ROUTER_SIMULATE_INT_H
#include "config/config.h"
#include <cjson/cJSON.h>
#include <stddef.h>

struct sim_task {
    int kind, trigger;
    const char *language, *path;   /* borrowed from the workload JSON */
    double count;                  /* per day */
    long tokens_in, tokens_out, tokens_cached, tokens_reasoning;
};

int sim_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* tasks[index] of the workload; -1 with a message naming the field. */
int sim_parse_task(const cJSON *o, size_t index, struct sim_task *t, char *err, size_t errlen);
/* The router's task for a workload task (strings borrowed). */
void sim_to_router_task(const struct sim_task *t, struct task *out);
/* One task's price on model m. */
double sim_task_cost(const struct model_spec *m, const struct sim_task *t);

/* The workload's "quality" member replayed (simulate.h): the "quality" object of the
 * result, or NULL with a message in err. */
cJSON *simulate_quality(const struct config *cfg, const cJSON *quality, const struct sim_task *tasks,
                        size_t task_count, int days, char *err, size_t errlen);

#endif
