/* UTF-8 validation and repair (see utf8.h), following the well-formed byte sequences
 * table of Unicode 15 section 3.9 (D92). */
#include "base/utf8.h"
#include "base/xalloc.h"
#include <string.h>

size_t utf8_well_formed_length(const unsigned char *s, size_t len)
{
    if (len == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;       /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;             /* overlong */
        if (c == 0xed) hi = 0x9f;             /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;             /* overlong */
        if (c == 0xf4) hi = 0x8f;             /* above U+10FFFF */
    } else return 0;
    if (len < n || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return n;
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) { i++; continue; }
        size_t n = utf8_well_formed_length(p + i, len - i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

char *utf8_repair(const char *s, size_t len, size_t *out_len)
{
    if (utf8_valid(s, len)) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    char *out = xmalloc(len * 3 + 1);         /* each bad byte becomes 3 bytes at most */
    size_t o = 0;
    for (size_t i = 0; i < len; ) {
        size_t n = utf8_well_formed_length(p + i, len - i);
        if (n == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}
