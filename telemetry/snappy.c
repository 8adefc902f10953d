/* Literal-only snappy blocks (see snappy.h). A block is the uncompressed length as a
 * varint, then elements; a literal element is a tag byte (low two bits 00) whose upper
 * six bits hold length-1 when below 60, else 60..63 meaning 1..4 little-endian length
 * bytes follow. Literals are cut at 64 KiB, as snappy's own encoder does. */
#include "telemetry/snappy.h"
#include "base/xalloc.h"
#include <string.h>

#define CHUNK 65536

char *snappy_encode_literal(const char *src, size_t len, size_t *out_len)
{
    char *out = xmalloc(10 + len + (len / CHUNK + 1) * 5);
    size_t o = 0;
    for (size_t v = len; ; v >>= 7) {
        if (v < 0x80) { out[o++] = (char)v; break; }
        out[o++] = (char)((v & 0x7f) | 0x80);
    }
    for (size_t pos = 0; pos < len;) {
        size_t n = len - pos < CHUNK ? len - pos : CHUNK;
        size_t m = n - 1;
        if (m < 60) {
            out[o++] = (char)(m << 2);
        } else if (m < 0x100) {
            out[o++] = (char)(60 << 2);
            out[o++] = (char)m;
        } else {
            out[o++] = (char)(61 << 2);
            out[o++] = (char)(m & 0xff);
            out[o++] = (char)(m >> 8);
        }
        memcpy(out + o, src + pos, n);
        o += n;
        pos += n;
    }
    *out_len = o;
    return out;
}
