/* Random ids (see ids.h). */
#include "telemetry/ids.h"
#include "base/clock.h"
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static uint64_t state;
static int seeded;

static uint64_t next64(void)
{
    if (!seeded) {
        if (getrandom(&state, sizeof state, GRND_NONBLOCK) != (ssize_t)sizeof state)
            state = clock_monotonic_us() ^ ((uint64_t)getpid() << 32);
        seeded = 1;
    }
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* An all-zero id is invalid in OTLP: redraw (never happens in practice). */
static void fill(uint8_t *out, int n)
{
    for (;;) {
        uint64_t a = next64(), b = next64();
        memcpy(out, &a, n < 8 ? (size_t)n : 8);
        if (n > 8) memcpy(out + 8, &b, (size_t)n - 8);
        for (int i = 0; i < n; i++)
            if (out[i]) return;
    }
}

void tel_ids_trace(uint8_t out[16]) { fill(out, 16); }
void tel_ids_span(uint8_t out[8]) { fill(out, 8); }

void tel_ids_hex(const uint8_t *bytes, int n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

void tel_ids_instance(char out[37])
{
    uint8_t b[16];
    fill(b, 16);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);   /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
    char hex[33];
    tel_ids_hex(b, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}
