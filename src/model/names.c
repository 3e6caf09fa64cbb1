/*
 * Names of kinds and edge kinds, permission letters, and the typed fields
 * of VMR / MO EXTRA strings (MODEL.md §2).
 */
#include <stdlib.h>
#include <string.h>

#include <osmosis/osmosis.h>

static const char *const kind_names[OSM_KIND_COUNT] = { "PD", "RESOURCE", "RESOURCE_SPACE" };
static const char *const edge_names[OSM_EDGE_KIND_COUNT] = { "HOLD", "MAP", "SUBSET",
                                                             "REQUEST", "CREATEDBY" };

const char *osm_kind_name(osm_kind k)
{
    return (unsigned)k < OSM_KIND_COUNT ? kind_names[k] : "DEAD";
}

const char *osm_edge_kind_name(osm_edge_kind k)
{
    return (unsigned)k < OSM_EDGE_KIND_COUNT ? edge_names[k] : "DEAD";
}

static int parse_name(const char *const *names, int count, const char *s, size_t n)
{
    for (int i = 0; i < count; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return i;
    return -1;
}

int osm_kind_parse(const char *s, size_t n)
{
    return parse_name(kind_names, OSM_KIND_COUNT, s, n);
}

int osm_edge_kind_parse(const char *s, size_t n)
{
    return parse_name(edge_names, OSM_EDGE_KIND_COUNT, s, n);
}

const char *osm_perms_format(uint8_t perms, char buf[8])
{
    static const char letters[] = "RWXTSP";
    char *p = buf;
    for (int i = 0; i < 6; i++)
        if (perms & (1u << i))
            *p++ = letters[i];
    if (p == buf)
        return strcpy(buf, "NONE");
    *p = '\0';
    return buf;
}

int osm_perms_parse(const char *s, size_t n, uint8_t *out)
{
    uint8_t p = 0;
    if (n == 4 && (memcmp(s, "NONE", 4) == 0 || memcmp(s, "none", 4) == 0)) {
        *out = 0;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case 'R': case 'r': p |= OSM_PERM_R; break;
        case 'W': case 'w': p |= OSM_PERM_W; break;
        case 'X': case 'x': p |= OSM_PERM_X; break;
        case 'T': case 't': p |= OSM_PERM_T; break;
        case 'S': case 's': p |= OSM_PERM_S; break;
        case 'P': case 'p': p |= OSM_PERM_P; break;
        case '|': case ',': case '-': case ' ': case '+': break;
        default: return -1;
        }
    }
    *out = p;
    return 0;
}

/* Parse an unsigned number (hex with 0x, else decimal) filling [s, e). */
static int parse_u64(const char *s, const char *e, uint64_t *out)
{
    int base = 10;
    if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (s == e)
        return -1;
    uint64_t v = 0;
    for (const char *p = s; p < e; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            return -1;
        if (v > (UINT64_MAX - d) / (unsigned)base)
            return -1;
        v = v * (unsigned)base + d;
    }
    *out = v;
    return 0;
}

/* The address field may omit "0x" but is always hex in CellulOS dumps. */
static int parse_addr(const char *s, const char *e, uint64_t *out)
{
    if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return parse_u64(s, e, out);
    char buf[24];
    if (e - s > 20 || e == s)
        return -1;
    buf[0] = '0';
    buf[1] = 'x';
    memcpy(buf + 2, s, (size_t)(e - s));
    return parse_u64(buf, buf + 2 + (e - s), out);
}

/* Split off the last two "_N" fields: pages and size bits. */
static int parse_tail(const char *s, const char **mid_end, uint64_t *pages, unsigned *bits)
{
    const char *end = s + strlen(s);
    const char *u2 = end;
    while (u2 > s && u2[-1] != '_')
        u2--;
    if (u2 == s)
        return -1;
    const char *u1 = u2 - 1;
    while (u1 > s && u1[-1] != '_')
        u1--;
    if (u1 == s)
        return -1;
    uint64_t b;
    if (parse_u64(u1, u2 - 1, pages) < 0 || parse_u64(u2, end, &b) < 0 || b > 64)
        return -1;
    *bits = (unsigned)b;
    *mid_end = u1 - 1;
    return 0;
}

int osm_vmr_info_parse(const char *extra, osm_vmr_info *out)
{
    const char *mid_end;
    if (!extra || parse_tail(extra, &mid_end, &out->pages, &out->size_bits) < 0)
        return -1;
    const char *u = memchr(extra, '_', (size_t)(mid_end - extra));
    if (!u || u + 1 > mid_end || parse_addr(extra, u, &out->vaddr) < 0)
        return -1;
    size_t kl = (size_t)(mid_end - (u + 1));
    if (kl == 0 || kl >= sizeof out->kind)
        return -1;
    memcpy(out->kind, u + 1, kl);
    out->kind[kl] = '\0';
    return 0;
}

int osm_mo_info_parse(const char *extra, osm_mo_info *out)
{
    const char *mid_end;
    if (!extra || parse_tail(extra, &mid_end, &out->pages, &out->size_bits) < 0)
        return -1;
    return parse_addr(extra, mid_end, &out->paddr);
}
