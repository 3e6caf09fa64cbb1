/* Text that exports can always carry (text.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

size_t osm_utf8_seq(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xbf;   /* the second byte's range (RFC 3629 table) */
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;                  /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f;                  /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;                  /* nothing above U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

size_t osm_utf8_invalid_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = u[i] < 0x80 ? 1 : osm_utf8_seq(u + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

size_t osm_text_step(const char *s, char esc[5])
{
    const unsigned char *u = (const unsigned char *)s;
    esc[0] = '\0';
    if (u[0] == '\\' && u[1] == 'x' && isxdigit(u[2]) && isxdigit(u[3])) {
        snprintf(esc, 5, "\\x%02x", u[0]);  /* would read as an escape */
        return 1;
    }
    if (u[0] < 0x80)
        return 1;
    size_t n = 1;
    while (n < 4 && u[n])                   /* as far as the NUL allows */
        n++;
    size_t k = osm_utf8_seq(u, n);
    if (k)
        return k;
    snprintf(esc, 5, "\\x%02x", u[0]);
    return 1;
}

char *osm_text_dup(const char *s)
{
    char esc[5];
    size_t need = 0;
    for (const char *p = s; *p;) {
        size_t k = osm_text_step(p, esc);
        need += esc[0] ? 4 : k;
        p += k;
    }
    char *t = malloc(need + 1), *o = t;
    for (const char *p = s; t && *p;) {
        size_t k = osm_text_step(p, esc);
        memcpy(o, esc[0] ? esc : p, esc[0] ? 4 : k);
        o += esc[0] ? 4 : k;
        p += k;
    }
    if (t)
        *o = '\0';
    return t;
}
