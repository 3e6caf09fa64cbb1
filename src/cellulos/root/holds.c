/*
 * Per-PD hold registry: an open-addressing hash set of badges with reference
 * counts (root.h).  Most registries are small (a PD holds tens of things) but
 * the lookup is on every call's path, and the root task's holds everything
 * it ever created, hence hashing rather than a list.  Badges are placed by
 * their object number only, so every badge of one object lies on one probe
 * chain and "any badge for object o" is as cheap as an exact lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "root.h"

#define TOMB UINT64_MAX     /* a removed entry; never a valid badge (type 0xff) */

static size_t slot_of(uint64_t badge, size_t cap)
{
    uint64_t x = (uint64_t)cel_badge_obj(badge) * 0x9e3779b97f4a7c15ull;
    return (size_t)(x >> 32) & (cap - 1);
}

/* Rehash into a table of `cap` slots, dropping tombstones. */
static int grow(cel_holds *h, size_t cap)
{
    cel_hold *v = calloc(cap, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < h->cap; i++) {
        if (h->v[i].badge == 0 || h->v[i].badge == TOMB)
            continue;
        size_t j = slot_of(h->v[i].badge, cap);
        while (v[j].badge)
            j = (j + 1) & (cap - 1);
        v[j] = h->v[i];
    }
    free(h->v);
    h->v = v;
    h->cap = cap;
    h->tombs = 0;
    return 0;
}

cel_hold *cel_holds_find(const cel_holds *h, uint64_t badge)
{
    if (!h->cap || badge == 0 || badge == TOMB)
        return NULL;
    for (size_t j = slot_of(badge, h->cap);; j = (j + 1) & (h->cap - 1)) {
        if (h->v[j].badge == badge)
            return &h->v[j];
        if (h->v[j].badge == 0)
            return NULL;
    }
}

int cel_holds_add(cel_holds *h, uint64_t badge)
{
    cel_hold *e = cel_holds_find(h, badge);
    if (e) {
        e->refs++;
        return 0;
    }
    if ((h->n + h->tombs + 1) * 4 > h->cap * 3 && grow(h, h->cap ? h->cap * 2 : 16))
        return -1;
    size_t j = slot_of(badge, h->cap);
    while (h->v[j].badge && h->v[j].badge != TOMB)
        j = (j + 1) & (h->cap - 1);
    if (h->v[j].badge == TOMB)
        h->tombs--;
    h->v[j] = (cel_hold){ badge, 1 };
    h->n++;
    return 1;
}

uint64_t cel_holds_find_obj(const cel_holds *h, uint32_t obj)
{
    if (!h->cap)
        return 0;
    for (size_t j = slot_of(obj, h->cap);; j = (j + 1) & (h->cap - 1)) {
        uint64_t b = h->v[j].badge;
        if (b == 0)
            return 0;
        if (b != TOMB && cel_badge_obj(b) == obj)
            return b;
    }
}

int cel_holds_remove(cel_holds *h, uint64_t badge)
{
    cel_hold *e = cel_holds_find(h, badge);
    if (!e)
        return -1;
    e->badge = TOMB;
    e->refs = 0;
    h->n--;
    h->tombs++;
    return 0;
}

uint64_t *cel_holds_list(const cel_holds *h, size_t *n)
{
    *n = 0;
    if (!h->n)
        return NULL;
    uint64_t *v = malloc(h->n * sizeof *v);
    for (size_t i = 0; v && i < h->cap; i++)
        if (h->v[i].badge && h->v[i].badge != TOMB)
            v[(*n)++] = h->v[i].badge;
    return v;
}

void cel_holds_free(cel_holds *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}
