/* Monotonic and wall clocks in milliseconds. Modules that make time-based decisions
 * (router breakers, backoff, budgets) take `now` as a parameter instead, so tests can
 * inject time. */
#ifndef BASE_CLOCK_H
#define BASE_CLOCK_H
#include <stdint.h>

uint64_t clock_monotonic_ms(void);
uint64_t clock_monotonic_us(void);
int64_t clock_wall_ms(void);  /* Unix epoch milliseconds */

#endif
