/* switchboard/status payload (see status.h). */
#include "router/status.h"
#include "router/budget.h"

cJSON *status_payload(struct ledger *ledger, const char *model, int in_flight, cJSON *breakers,
                      int64_t now_ms)
{
    cJSON *o = cJSON_CreateObject();
    if (model) cJSON_AddStringToObject(o, "model", model);
    else cJSON_AddNullToObject(o, "model");
    cJSON_AddNumberToObject(o, "in_flight", in_flight);
    double spend = ledger ? ledger_spend_since(ledger, budget_day_start(now_ms), NULL, NULL) : 0;
    cJSON_AddNumberToObject(o, "spend_today_usd", spend);
    cJSON_AddItemToObject(o, "breakers", breakers ? breakers : cJSON_CreateObject());
    return o;
}
