/*
 * Strings: the arena that holds IDs and EXTRA, the hash index behind ID
 * lookup, and the interned-string table for types and PD names.
 *
 * Hand-written because ID lookup is the hot path of a 10M-edge import and
 * no Debian library offers an open-addressing string index with 8-byte
 * slots and no per-key allocation.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "store_internal.h"
#include "strtab.h"

/* A fast non-cryptographic hash over 8-byte words (multiply-xorshift). */
uint32_t osm_hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (uint32_t)h;
}

void osm_mem_hint_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = 2u << 20;
    if (bytes < 2 * huge)
        return;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t hi = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);  /* a hint: failure is harmless */
#else
    (void)p;
    (void)bytes;
#endif
}

void osm_arena_free(osm_arena *a)
{
    free(a->buf);
    memset(a, 0, sizeof *a);
}

uint32_t osm_arena_put(osm_arena *a, const char *s, size_t n)
{
    if (n == 0 && a->buf)
        return 0;
    size_t need = a->len + n + 1 + (a->buf ? 0 : 1);
    if (need > UINT32_MAX) {
        errno = ENOMEM;
        return UINT32_MAX;
    }
    if (need > a->cap) {
        size_t cap = a->cap ? a->cap : 4096;
        while (cap < need)
            cap *= 2;
        /* `s` may be a string of this arena (copying one node's EXTRA to
         * another): keep its offset across the realloc. */
        bool inside = a->buf && s >= a->buf && s < a->buf + a->len;
        size_t s_off = inside ? (size_t)(s - a->buf) : 0;
        char *b = realloc(a->buf, cap);
        if (!b)
            return UINT32_MAX;
        if (inside)
            s = b + s_off;
        osm_mem_hint_huge(b, cap);
        if (!a->buf) {
            b[0] = '\0';        /* offset 0: the empty string */
            a->len = 1;
        }
        a->buf = b;
        a->cap = cap;
    }
    if (n == 0)
        return 0;
    uint32_t off = (uint32_t)a->len;
    memcpy(a->buf + off, s, n);
    a->buf[off + n] = '\0';
    a->len += n + 1;
    return off;
}

int osm_arena_clone(osm_arena *dst, const osm_arena *src)
{
    *dst = *src;
    if (!src->buf)
        return 0;
    dst->buf = malloc(src->cap);
    if (!dst->buf)
        return -1;
    memcpy(dst->buf, src->buf, src->len);
    return 0;
}

void osm_hindex_free(osm_hindex *h)
{
    free(h->slots);
    memset(h, 0, sizeof *h);
}

int osm_hindex_clone(osm_hindex *dst, const osm_hindex *src)
{
    *dst = *src;
    if (!src->slots)
        return 0;
    dst->slots = malloc(src->cap * sizeof *src->slots);
    if (!dst->slots)
        return -1;
    memcpy(dst->slots, src->slots, src->cap * sizeof *src->slots);
    return 0;
}

/* Rebuild into `cap` slots, dropping tombstones. */
static int hindex_rehash(osm_hindex *h, size_t cap)
{
    osm_hslot *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return -1;
    osm_mem_hint_huge(slots, cap * sizeof *slots);
    for (size_t i = 0; i < cap; i++)
        slots[i] = (osm_hslot){ 0, OSM_NONE };
    for (size_t i = 0; i < h->cap; i++) {
        osm_hslot sl = h->slots[i];
        if (sl.val == OSM_NONE || sl.val == OSM_TOMB)
            continue;
        size_t j = sl.hash & (cap - 1);
        while (slots[j].val != OSM_NONE)
            j = (j + 1) & (cap - 1);
        slots[j] = sl;
    }
    free(h->slots);
    h->slots = slots;
    h->cap = cap;
    h->used = h->live;
    return 0;
}

int osm_hindex_reserve(osm_hindex *h, size_t n)
{
    size_t cap = h->cap ? h->cap : 64;
    while (cap * 3 < (n + 1) * 4)   /* keep load under 3/4 */
        cap *= 2;
    if (cap == h->cap && h->used * 4 < cap * 3)
        return 0;
    return hindex_rehash(h, cap);
}

osm_id osm_hindex_find(const osm_hindex *h, const char *key, size_t n, uint32_t hash,
                       osm_key_fn key_of, const void *ctx)
{
    if (!h->cap)
        return OSM_NONE;
    size_t j = hash & (h->cap - 1);
    for (;;) {
        osm_hslot sl = h->slots[j];
        if (sl.val == OSM_NONE)
            return OSM_NONE;
        if (sl.val != OSM_TOMB && sl.hash == hash) {
            const char *k = key_of(ctx, sl.val);
            if (strncmp(k, key, n) == 0 && k[n] == '\0')
                return sl.val;
        }
        j = (j + 1) & (h->cap - 1);
    }
}

int osm_hindex_insert(osm_hindex *h, uint32_t hash, osm_id val)
{
    if ((h->used + 1) * 4 >= h->cap * 3) {
        size_t cap = h->cap ? h->cap : 64;
        if ((h->live + 1) * 2 >= cap)
            cap *= 2;
        if (hindex_rehash(h, cap) < 0)
            return -1;
    }
    size_t j = hash & (h->cap - 1);
    while (h->slots[j].val != OSM_NONE && h->slots[j].val != OSM_TOMB)
        j = (j + 1) & (h->cap - 1);
    if (h->slots[j].val == OSM_NONE)
        h->used++;
    h->slots[j] = (osm_hslot){ hash, val };
    h->live++;
    return 0;
}

void osm_hindex_remove(osm_hindex *h, uint32_t hash, osm_id val)
{
    if (!h->cap)
        return;
    size_t j = hash & (h->cap - 1);
    while (h->slots[j].val != OSM_NONE) {
        if (h->slots[j].val == val) {
            h->slots[j].val = OSM_TOMB;
            h->live--;
            return;
        }
        j = (j + 1) & (h->cap - 1);
    }
}

/* ---- interned strings ------------------------------------------------- */

static const char *strtab_key(const void *ctx, osm_id v)
{
    const osm_strtab *t = ctx;
    return t->chars.buf + t->off[v];
}

void osm_strtab_free(osm_strtab *t)
{
    osm_arena_free(&t->chars);
    free(t->off);
    free(t->cls);
    osm_hindex_free(&t->index);
    memset(t, 0, sizeof *t);
}

int osm_strtab_clone(osm_strtab *dst, const osm_strtab *src)
{
    memset(dst, 0, sizeof *dst);
    dst->n = dst->cap = src->n;
    if (osm_arena_clone(&dst->chars, &src->chars) < 0 ||
        osm_hindex_clone(&dst->index, &src->index) < 0)
        goto fail;
    if (src->n) {
        dst->off = malloc(src->n * sizeof *dst->off);
        dst->cls = malloc(src->n);
        if (!dst->off || !dst->cls)
            goto fail;
        memcpy(dst->off, src->off, src->n * sizeof *dst->off);
        memcpy(dst->cls, src->cls, src->n);
    }
    return 0;
fail:
    osm_strtab_free(dst);
    return -1;
}

osm_id osm_strtab_lookup(const osm_strtab *t, const char *s, size_t n)
{
    return osm_hindex_find(&t->index, s, n, osm_hash_bytes(s, n), strtab_key, t);
}

osm_id osm_strtab_intern(osm_strtab *t, const char *s, size_t n)
{
    uint32_t h = osm_hash_bytes(s, n);
    osm_id v = osm_hindex_find(&t->index, s, n, h, strtab_key, t);
    if (v != OSM_NONE)
        return v;
    if (t->n >= OSM_SNAP_NOTYPE) {      /* must fit the snapshot's 23 bits */
        errno = ENOMEM;
        return OSM_NONE;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        uint32_t *off = realloc(t->off, cap * sizeof *off);
        if (!off)
            return OSM_NONE;
        t->off = off;
        uint8_t *cls = realloc(t->cls, cap);
        if (!cls)
            return OSM_NONE;
        t->cls = cls;
        t->cap = cap;
    }
    /* Interned strings are never empty in the arena sense: store even ""
     * at its own offset so every id has a distinct slot. */
    uint32_t off = osm_arena_put(&t->chars, s, n);
    if (off == UINT32_MAX)
        return OSM_NONE;
    v = (osm_id)t->n;
    if (osm_hindex_insert(&t->index, h, v) < 0)
        return OSM_NONE;
    t->off[v] = off;
    t->cls[v] = OSM_TYPE_UNKNOWN;
    t->n++;
    return v;
}
