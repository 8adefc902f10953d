/* Trace and span ids: random, as W3C Trace Context asks (a collector may sample on
 * the trace id's low bits). Seeded once from getrandom(), then a splitmix64 stream:
 * ids need to be unique, not secret, and a system call per span would cost more
 * than the span. */
#ifndef TELEMETRY_IDS_H
#define TELEMETRY_IDS_H
#include <stdint.h>

void tel_ids_trace(uint8_t out[16]);
void tel_ids_span(uint8_t out[8]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void tel_ids_hex(const uint8_t *bytes, int n, char *out);
/* A random UUID-shaped string for service.instance.id (37 bytes). */
void tel_ids_instance(char out[37]);

#endif
