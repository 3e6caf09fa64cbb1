/*
 * Physical memory: one space per top-level "System RAM" range of
 * /proc/iomem, and MO resources for the frames processes map.
 *
 * Two processes share a frame only if they reach the *same* MO node, so
 * MOs must partition the frames the same way for everybody: we cut the
 * frame number line at every start and end of every mapping's run (the
 * elementary intervals of all runs); each run is then exactly a sequence
 * of whole MOs.  With --pages every MO is one page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linux_internal.h"

enum { LX_MAX_RAM = 256 };

int lx_phys_init(lx_ctx *c)
{
    if (c->o->no_phys)
        return 0;
    c->ram = calloc(LX_MAX_RAM, sizeof *c->ram);
    c->ram_space = calloc(LX_MAX_RAM + 1, sizeof *c->ram_space);
    if (!c->ram || !c->ram_space)
        return -1;
    for (size_t i = 0; i <= LX_MAX_RAM; i++)
        c->ram_space[i] = OSM_NONE;
    size_t total = 0;
    if (lx_read_file(c->procfd, "iomem", &c->buf) == 0)
        c->n_ram = osm_lx_parse_iomem_ram(c->buf.p, c->buf.len, c->ram, LX_MAX_RAM, &total);
    bool zero = true;               /* unprivileged readers see 00000000-00000000 */
    for (size_t i = 0; i < c->n_ram; i++)
        zero = zero && c->ram[i].end == 0;
    if (zero) {
        c->n_ram = 0;
        c->rep->iomem_hidden = true;
    }
    return 0;
}

/* The physical-memory space holding frame pfn (created on first use):
 * PHYS_<start> per RAM range, PHYS_other outside them or when iomem was
 * unreadable. */
static osm_id phys_space(lx_ctx *c, uint64_t pfn)
{
    uint64_t pa = pfn * 4096;
    size_t i = 0;
    while (i < c->n_ram && !(pa >= c->ram[i].start && pa <= c->ram[i].end))
        i++;
    if (c->ram_space[i] != OSM_NONE)
        return c->ram_space[i];
    char id[48], extra[96];
    if (i < c->n_ram) {
        snprintf(id, sizeof id, "PHYS_%llx", (unsigned long long)c->ram[i].start);
        snprintf(extra, sizeof extra, "System RAM 0x%llx-0x%llx",
                 (unsigned long long)c->ram[i].start, (unsigned long long)c->ram[i].end);
    } else {
        snprintf(id, sizeof id, "PHYS_other");
        snprintf(extra, sizeof extra, "%s", c->rep->iomem_hidden ? "iomem unreadable"
                                                                 : "outside System RAM");
    }
    return c->ram_space[i] = lx_node(c, OSM_SPACE, id, "MO", extra);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* One VMR -> MO map, collected so duplicates (the zero page, mapped many
 * times by one VMR) become one edge. */
typedef struct lx_mo_map {
    osm_id vmr, mo, ads, space;
    uint8_t perms;
} lx_mo_map;

static int cmp_map(const void *a, const void *b)
{
    const lx_mo_map *x = a, *y = b;
    if (x->vmr != y->vmr)
        return x->vmr < y->vmr ? -1 : 1;
    if (x->mo != y->mo)
        return x->mo < y->mo ? -1 : 1;
    return (x->perms > y->perms) - (x->perms < y->perms);
}

/* Every run start and end, and every requested cut, sorted and unique. */
static uint64_t *boundaries(lx_ctx *c, size_t *nb)
{
    size_t n = c->o->n_cut_pfns;
    for (size_t i = 0; i < c->n_procs; i++)
        for (size_t v = 0; v < c->procs[i].n_vmr; v++)
            n += 2 * c->procs[i].vmr[v].n_runs;
    uint64_t *b = malloc((n ? n : 1) * sizeof *b);
    if (!b)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < c->o->n_cut_pfns; i++)
        b[k++] = c->o->cut_pfns[i];
    for (size_t i = 0; i < c->n_procs; i++)
        for (size_t v = 0; v < c->procs[i].n_vmr; v++)
            for (size_t r = 0; r < c->procs[i].vmr[v].n_runs; r++) {
                const osm_lx_run *x = &c->procs[i].vmr[v].runs[r];
                b[k++] = x->pfn;
                b[k++] = x->pfn + x->n;
            }
    qsort(b, k, sizeof *b, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || b[u - 1] != b[i])
            b[u++] = b[i];
    *nb = u;
    return b;
}

/* The MO for frames [pfn, end), created on first use. */
static osm_id mo_node(lx_ctx *c, uint64_t pfn, uint64_t end, osm_id *space)
{
    char id[40], extra[64];
    snprintf(id, sizeof id, "MO_%llx", (unsigned long long)pfn);
    *space = phys_space(c, pfn);
    if (*space == OSM_NONE)
        return OSM_NONE;
    osm_id mo = osm_store_find(c->s, id);
    if (mo != OSM_NONE)
        return mo;
    snprintf(extra, sizeof extra, "0x%llx_%llu_12", (unsigned long long)(pfn * 4096),
             (unsigned long long)(end - pfn));
    mo = osm_store_add_node(c->s, OSM_RESOURCE, id, "MO", extra);
    if (mo == OSM_NONE || lx_subset(c, mo, *space) < 0)
        return OSM_NONE;
    return mo;
}

static int add_maps(lx_ctx *c, lx_mo_map *m, size_t n)
{
    qsort(m, n, sizeof *m, cmp_map);
    for (size_t i = 0; i < n; i++) {
        if (i && m[i].vmr == m[i - 1].vmr && m[i].mo == m[i - 1].mo)
            continue;           /* same frame again: the first (lowest perms) stands */
        if (lx_map(c, m[i].vmr, m[i].ads, m[i].mo, m[i].space, m[i].perms) < 0)
            return -1;
    }
    return 0;
}

/* Perms of a VMR's map onto frames: a private mapping's frame that is not
 * exclusively mapped is copy-on-write, so writing it never reaches the
 * shared frame. */
static uint8_t frame_perms(const osm_lx_vma *v, bool exclusive)
{
    uint8_t p = (uint8_t)((v->r ? OSM_PERM_R : 0) | (v->w ? OSM_PERM_W : 0) |
                          (v->x ? OSM_PERM_X : 0) | (v->shared ? OSM_PERM_S : OSM_PERM_P));
    if (!v->shared && !exclusive)
        p &= (uint8_t)~OSM_PERM_W;
    if (!(p & OSM_PERM_RWXT))
        p |= OSM_PERM_R;        /* never let "no letters" read as unrestricted */
    return p;
}

int lx_phys_commit(lx_ctx *c)
{
    if (c->o->no_phys)
        return 0;
    size_t nb, n = 0, cap = 1024;
    uint64_t *b = boundaries(c, &nb);
    lx_mo_map *m = malloc(cap * sizeof *m);
    int rc = b && m ? 0 : -1;
    for (size_t i = 0; i < c->n_procs && rc == 0; i++) {
        const osm_lx_proc *p = &c->procs[i];
        osm_id ads = OSM_NONE;
        for (size_t v = 0; v < p->n_vmr && rc == 0; v++) {
            const lx_vmr *vm = &p->vmr[v];
            if (vm->node == OSM_NONE)
                continue;
            if (vm->n_runs && ads == OSM_NONE) {
                char id[32];
                snprintf(id, sizeof id, "ADS_%d", p->pid);
                ads = osm_store_find(c->s, id);
            }
            for (size_t r = 0; r < vm->n_runs && rc == 0; r++) {
                const osm_lx_run *x = &vm->runs[r];
                uint64_t *at = bsearch(&x->pfn, b, nb, sizeof *b, cmp_u64);
                for (; at && at + 1 < b + nb && *at < x->pfn + x->n && rc == 0; at++) {
                    if (n == cap) {
                        lx_mo_map *nm = realloc(m, (cap *= 2) * sizeof *m);
                        if (!nm) {
                            rc = -1;
                            break;
                        }
                        m = nm;
                    }
                    lx_mo_map *mm = &m[n++];
                    mm->mo = mo_node(c, at[0], at[1], &mm->space);
                    mm->vmr = vm->node;
                    mm->ads = ads;
                    mm->perms = frame_perms(&vm->v, x->exclusive);
                    if (mm->mo == OSM_NONE || vm->node == OSM_NONE || ads == OSM_NONE)
                        rc = -1;
                }
            }
        }
    }
    if (rc == 0)
        rc = add_maps(c, m, n);
    free(b);
    free(m);
    return rc;
}
