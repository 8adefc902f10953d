/* Cost arithmetic (see cost.h for the billing rules). */
#include "ledger/cost.h"

static double per_token(double usd_per_million) { return usd_per_million > 0 ? usd_per_million / 1e6 : 0; }

double cost_of_tokens(const struct model_price *p, long input, long output, long cached,
                      long reasoning)
{
    if (cached > input) cached = input;
    if (reasoning > output) reasoning = output;
    double cached_price = p->cached_input >= 0 ? p->cached_input : p->input;
    double reasoning_price = p->reasoning_output >= 0 ? p->reasoning_output : p->output;
    return (double)(input - cached) * per_token(p->input) + (double)cached * per_token(cached_price) +
           (double)(output - reasoning) * per_token(p->output) +
           (double)reasoning * per_token(reasoning_price);
}

double cost_usd(const struct model_price *p, const struct provider_usage *u)
{
    return cost_of_tokens(p, u->input_tokens, u->output_tokens, u->cached_tokens, u->reasoning_tokens);
}
