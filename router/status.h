/* The payload of the switchboard/status notification sent after each completed task,
 * for an editor's status line: {"model": "fast", "in_flight": 0, "spend_today_usd":
 * 0.0123, "breakers": {"fast": "closed", ...}}. in_flight counts the runs still going,
 * not the one being reported. */
#ifndef ROUTER_STATUS_H
#define ROUTER_STATUS_H
#include "ledger/ledger.h"
#include <cjson/cJSON.h>
#include <stdint.h>

/* model: the model that answered last (NULL -> null). breakers: taken over (NULL ->
 * {}), e.g. router_breaker_states(). "Today" is the UTC day, the period daily budgets
 * count (router/budget.h), so the status line and a budget verdict agree. ledger may be
 * NULL (spend 0). */
cJSON *status_payload(struct ledger *ledger, const char *model, int in_flight, cJSON *breakers,
                      int64_t now_ms);

#endif
