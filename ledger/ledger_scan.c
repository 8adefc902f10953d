/* The flat-object line scanner (see ledger_scan.h). */
#include "ledger/ledger_scan.h"
#include <stdint.h>
#include <stdlib.h>

static char *skip_ws(char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return p;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static char *put_utf8(char *w, uint32_t cp)
{
    if (cp < 0x80) { *w++ = (char)cp; }
    else if (cp < 0x800) { *w++ = (char)(0xC0 | (cp >> 6)); *w++ = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12)); *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18)); *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/* p is just past the opening quote. Unescapes in place (the output never outgrows
 * the input: an escape is at least as long as what it stands for), terminates the
 * string and returns the position after the closing quote, or NULL. */
static char *scan_string(char *p, const char **out)
{
    char *w = p;
    *out = p;
    for (;;) {
        char c = *p;
        if (c == '\0') return NULL;
        if (c == '"') { *w = '\0'; return p + 1; }
        if (c != '\\') { *w++ = *p++; continue; }
        p++;
        switch (*p) {
        case '"': case '\\': case '/': *w++ = *p++; break;
        case 'b': *w++ = '\b'; p++; break;
        case 'f': *w++ = '\f'; p++; break;
        case 'n': *w++ = '\n'; p++; break;
        case 'r': *w++ = '\r'; p++; break;
        case 't': *w++ = '\t'; p++; break;
        case 'u': {
            int hi = hex4(p + 1);
            if (hi < 0) return NULL;
            p += 5;
            uint32_t cp = (uint32_t)hi;
            if (hi >= 0xD800 && hi < 0xDC00 && p[0] == '\\' && p[1] == 'u') {
                int lo = hex4(p + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    p += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;   /* a lone surrogate */
            w = put_utf8(w, cp);
            break;
        }
        default: return NULL;
        }
    }
}

/* Integers (the common case) without strtod; anything else through it. */
static char *scan_number(char *p, double *out)
{
    char *q = p;
    bool neg = *q == '-';
    if (neg) q++;
    if (*q < '0' || *q > '9') return NULL;
    long long v = 0;
    int digits = 0;
    while (*q >= '0' && *q <= '9' && digits < 18) { v = v * 10 + (*q - '0'); q++; digits++; }
    if (*q != '.' && *q != 'e' && *q != 'E' && !(*q >= '0' && *q <= '9')) {
        *out = neg ? -(double)v : (double)v;
        return q;
    }
    char *end;
    *out = strtod(p, &end);
    return end == p ? NULL : end;
}

static char *scan_word(char *p, const char *word)
{
    for (; *word; word++, p++)
        if (*p != *word) return NULL;
    return p;
}

bool ledger_scan_line(char *line, scan_field_fn fn, void *data)
{
    char *p = skip_ws(line);
    if (*p++ != '{') return false;
    p = skip_ws(p);
    if (*p == '}') return true;
    for (;;) {
        struct scan_field f = { 0 };
        if (*p++ != '"' || !(p = scan_string(p, &f.key))) return false;
        p = skip_ws(p);
        if (*p++ != ':') return false;
        p = skip_ws(p);
        if (*p == '"') {
            f.type = SCAN_STRING;
            p = scan_string(p + 1, &f.str);
        } else if (*p == 't') {
            f.type = SCAN_TRUE;
            p = scan_word(p, "true");
        } else if (*p == 'f') {
            f.type = SCAN_FALSE;
            p = scan_word(p, "false");
        } else if (*p == 'n') {
            f.type = SCAN_NULL;
            p = scan_word(p, "null");
        } else {
            f.type = SCAN_NUMBER;
            p = scan_number(p, &f.num);
        }
        if (!p) return false;
        if (!fn(data, &f)) return true;
        p = skip_ws(p);
        if (*p == '}') return *skip_ws(p + 1) == '\0';
        if (*p++ != ',') return false;
        p = skip_ws(p);
    }
}
