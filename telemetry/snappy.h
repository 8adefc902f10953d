/* Snappy block format, compressing side only, as Prometheus remote write requires
 * ("Content-Encoding: snappy", block format, not the framed one).
 *
 * Why not libsnappy: it is C++ and pulls libstdc++ into the process at start, for
 * every user, to compress a few kilobytes once a minute for the few who enable
 * remote write. The format allows a block made only of literals; such a block is
 * what this writes (the payload barely shrinks, which does not matter at this size),
 * and every snappy decoder reads it. */
#ifndef TELEMETRY_SNAPPY_H
#define TELEMETRY_SNAPPY_H
#include <stddef.h>

/* Returns a malloc'd block holding src; its length in *out_len. */
char *snappy_encode_literal(const char *src, size_t len, size_t *out_len);

#endif
