/* Cost of an attempt from a model's prices (USD per million tokens). Cached input
 * tokens are a part of input tokens billed at the cached price when one is known;
 * reasoning tokens are a part of output tokens billed at the reasoning price when
 * one is known. Unknown prices (negative) count as zero. */
#ifndef LEDGER_COST_H
#define LEDGER_COST_H
#include "providers/task.h"
#include "providers/provider.h"

double cost_usd(const struct model_price *price, const struct provider_usage *usage);
double cost_of_tokens(const struct model_price *price, long input, long output, long cached,
                      long reasoning);

#endif
