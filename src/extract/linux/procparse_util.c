/* Line splitting and number scanning shared by the /proc parsers. */
#include <string.h>

#include "procparse.h"
#include "procparse_util.h"

bool osm_lx_next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *ll)
{
    if (*pos >= len)
        return false;
    const char *p = buf + *pos;
    const char *nl = memchr(p, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - p) : len - *pos;
    *line = p;
    *ll = n;
    *pos += n + (nl != NULL);
    return true;
}

bool lx_scan_hex(const char **p, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    const char *s = *p;
    int digits = 0;
    for (; s < end; s++, digits++) {
        unsigned c = (unsigned char)*s, d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            break;
        if (digits >= 16)
            return false;
        v = v << 4 | d;
    }
    if (!digits)
        return false;
    *p = s;
    *out = v;
    return true;
}

bool lx_scan_base(const char **p, const char *end, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    const char *s = *p;
    for (; s < end && *s >= '0' && *s < (char)('0' + base); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    if (s == *p)
        return false;
    *p = s;
    *out = v;
    return true;
}

void lx_skip_spaces(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
}

bool lx_expect(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return false;
    (*p)++;
    return true;
}

size_t lx_copy_field(char *dst, size_t dstsz, const char *src, size_t n)
{
    if (dstsz == 0)
        return 0;
    if (n >= dstsz)
        n = dstsz - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}

const char *lx_word(const char **p, const char *end, size_t *n)
{
    lx_skip_spaces(p, end);
    const char *s = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    *n = (size_t)(*p - s);
    return s;
}

bool lx_key(const char *line, size_t ll, const char *key, const char **val, const char **end)
{
    size_t kl = strlen(key);
    if (ll < kl || memcmp(line, key, kl) != 0)
        return false;
    *val = line + kl;
    *end = line + ll;
    lx_skip_spaces(val, *end);
    return true;
}
