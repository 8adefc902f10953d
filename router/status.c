/* switchboard/status payload (see status.h). */
#include "router/status.h"
#include <time.h>

int64_t status_local_midnight(int64_t now_ms)
{
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    tm.tm_hour = 0;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;   /* let mktime decide for that midnight */
    return (int64_t)mktime(&tm) * 1000;
}

cJSON *status_payload(struct ledger *ledger, const char *model, int in_flight, cJSON *breakers,
                      int64_t now_ms)
{
    cJSON *o = cJSON_CreateObject();
    if (model) cJSON_AddStringToObject(o, "model", model);
    else cJSON_AddNullToObject(o, "model");
    cJSON_AddNumberToObject(o, "in_flight", in_flight);
    double spend = ledger ? ledger_spend_since(ledger, status_local_midnight(now_ms), NULL, NULL) : 0;
    cJSON_AddNumberToObject(o, "spend_today_usd", spend);
    cJSON_AddItemToObject(o, "breakers", breakers ? breakers : cJSON_CreateObject());
    return o;
}
