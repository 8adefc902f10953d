/* Budget accounting and checks (see budget.h). */
#include "router/budget.h"
#include "base/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Local calendar periods (the status line's "today" is local too). mktime handles
 * daylight-saving days of 23 or 25 hours. */
static int64_t local_start(int64_t now_ms, bool month, int advance)
{
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    if (month) {
        tm.tm_mday = 1;
        tm.tm_mon += advance;   /* mktime normalises December + 1 */
    } else {
        tm.tm_mday += advance;
    }
    return (int64_t)mktime(&tm) * 1000;
}

int64_t budget_day_start(int64_t now_ms) { return local_start(now_ms, false, 0); }
int64_t budget_month_start(int64_t now_ms) { return local_start(now_ms, true, 0); }

static void set_day(struct budget_state *st, int64_t now_ms)
{
    st->day_start = local_start(now_ms, false, 0);
    st->day_end = local_start(now_ms, false, 1);
}

static void set_month(struct budget_state *st, int64_t now_ms)
{
    st->month_start = local_start(now_ms, true, 0);
    st->month_end = local_start(now_ms, true, 1);
}

static bool in_day(const struct budget_state *st, int64_t now_ms)
{
    return now_ms >= st->day_start && now_ms < st->day_end;
}

static bool in_month(const struct budget_state *st, int64_t now_ms)
{
    return now_ms >= st->month_start && now_ms < st->month_end;
}

static bool rule_covers(const struct budget_rule *r, const struct model_spec *m)
{
    switch (r->scope) {
    case BUDGET_OVERALL: return true;
    case BUDGET_PROVIDER: return r->name && m->provider_name && strcmp(r->name, m->provider_name) == 0;
    case BUDGET_MODEL: return r->name && m->name && strcmp(r->name, m->name) == 0;
    }
    return false;
}

void budget_state_init(struct budget_state *st, const struct config *cfg, int64_t now_ms,
                       budget_spend_fn spend, void *spend_data)
{
    memset(st, 0, sizeof *st);
    set_day(st, now_ms);
    set_month(st, now_ms);
    st->count = cfg ? cfg->budget_count : 0;
    if (st->count == 0) return;
    st->day_spent = xcalloc(st->count, sizeof *st->day_spent);
    st->month_spent = xcalloc(st->count, sizeof *st->month_spent);
    for (size_t i = 0; spend && i < st->count; i++) {
        const struct budget_rule *r = &cfg->budgets[i];
        const char *model = r->scope == BUDGET_MODEL ? r->name : NULL;
        const char *provider = r->scope == BUDGET_PROVIDER ? r->name : NULL;
        st->day_spent[i] = spend(spend_data, st->day_start, model, provider);
        st->month_spent[i] = spend(spend_data, st->month_start, model, provider);
    }
    if (spend) {
        st->total_day = spend(spend_data, st->day_start, NULL, NULL);
        st->total_month = spend(spend_data, st->month_start, NULL, NULL);
    }
}

void budget_state_free(struct budget_state *st)
{
    free(st->day_spent);
    free(st->month_spent);
    memset(st, 0, sizeof *st);
}

/* Starts new periods when the clock has passed into them. */
static void roll(struct budget_state *st, int64_t now_ms)
{
    if (!in_day(st, now_ms)) {
        set_day(st, now_ms);
        st->total_day = 0;
        for (size_t i = 0; i < st->count; i++) st->day_spent[i] = 0;
    }
    if (!in_month(st, now_ms)) {
        set_month(st, now_ms);
        st->total_month = 0;
        for (size_t i = 0; i < st->count; i++) st->month_spent[i] = 0;
    }
}

void budget_add(struct budget_state *st, const struct config *cfg, size_t model, double usd,
                int64_t now_ms)
{
    if (usd <= 0) return;
    roll(st, now_ms);
    st->total_day += usd;
    st->total_month += usd;
    if (!cfg || model >= cfg->model_count) return;
    for (size_t i = 0; i < st->count && i < cfg->budget_count; i++) {
        if (!rule_covers(&cfg->budgets[i], &cfg->models[model])) continue;
        st->day_spent[i] += usd;
        st->month_spent[i] += usd;
    }
}

double budget_rule_spent(const struct budget_state *st, size_t rule, bool monthly, int64_t now_ms)
{
    if (rule >= st->count) return 0;
    if (monthly)
        return in_month(st, now_ms) ? st->month_spent[rule] : 0;
    return in_day(st, now_ms) ? st->day_spent[rule] : 0;
}

double budget_spent_today(const struct budget_state *st, int64_t now_ms)
{
    return in_day(st, now_ms) ? st->total_day : 0;
}

static void describe(const struct budget_rule *r, bool monthly, double limit, double spent,
                     char *out, size_t len)
{
    char who[96];
    if (r->scope == BUDGET_OVERALL) snprintf(who, sizeof who, "overall");
    else snprintf(who, sizeof who, "for %s %s", r->scope == BUDGET_MODEL ? "model" : "provider",
                  r->name ? r->name : "?");
    /* Cents for ordinary limits; tiny ones (tests, trials) keep their digits. */
    snprintf(out, len, limit >= 0.01 ? "%s limit $%.2f %s reached ($%.4f spent)%s"
                                     : "%s limit $%.6f %s reached ($%.4f spent)%s",
             monthly ? "monthly" : "daily", limit, who, spent,
             r->action == BUDGET_BLOCK ? ", action block" : "");
}

bool budget_model_is_free(const struct model_spec *m)
{
    const struct model_price *p = &m->price;
    if (p->input > 0 || p->output > 0) return false;
    /* An unknown price is not "free" on someone else's servers: only on your own. */
    return (p->input == 0 && p->output == 0) ||
           (m->provider_kind && config_kind_is_local(m->provider_kind));
}

bool budget_check(const struct budget_state *st, const struct config *cfg, size_t model,
                  int64_t now_ms, struct budget_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (!cfg || model >= cfg->model_count) return false;
    bool free_model = budget_model_is_free(&cfg->models[model]);
    for (size_t i = 0; i < st->count && i < cfg->budget_count; i++) {
        const struct budget_rule *r = &cfg->budgets[i];
        if (!rule_covers(r, &cfg->models[model])) continue;
        /* Downgrade keeps serving from what still fits: a free model adds nothing to
         * the spend, so a spent downgrade budget never rules it out. Block refuses. */
        if (free_model && r->action == BUDGET_DOWNGRADE) continue;
        double day = budget_rule_spent(st, i, false, now_ms);
        double month = budget_rule_spent(st, i, true, now_ms);
        bool day_over = r->daily_usd > 0 && day >= r->daily_usd;
        bool month_over = r->monthly_usd > 0 && month >= r->monthly_usd;
        if (!day_over && !month_over) continue;
        bool block = r->action == BUDGET_BLOCK;
        if (v->over && (v->block || !block)) continue;   /* keep the first, prefer blocking */
        v->over = true;
        v->block = block;
        v->rule = i;
        if (day_over) describe(r, false, r->daily_usd, day, v->reason, sizeof v->reason);
        else describe(r, true, r->monthly_usd, month, v->reason, sizeof v->reason);
    }
    return v->over;
}
