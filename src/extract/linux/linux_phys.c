/*
 * Physical memory: one space per top-level "System RAM" range of
 * /proc/iomem, and MO resources for the frames processes map.
 *
 * Two processes share a frame only if they reach the *same* MO node, so
 * MOs must partition the frames the same way for everybody: we cut the
 * frame number line at every start and end of every mapping's run (the
 * elementary intervals of all runs); each run is then exactly a sequence
 * of whole MOs.  With --pages every MO is one page.
 *
 * W on a frame means "can change what the others mapping it see".  A file
 * MAPs to the page-cache frames behind its mappings, so whoever may write
 * the file (a descriptor opened for writing) reaches them with W; a private
 * mapping never writes a page-cache frame (a write copies it first into a
 * private anonymous frame, which pagemap tells apart).
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
    if (lx_read_file(c->procfd, "iomem", LX_K_SMALL, &c->buf) == 0)
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
    size_t i = c->ram_last;         /* frames come in runs: try the last range first */
    if (!(i < c->n_ram && pa >= c->ram[i].start && pa <= c->ram[i].end))
        for (i = 0; i < c->n_ram && !(pa >= c->ram[i].start && pa <= c->ram[i].end); i++)
            ;
    c->ram_last = i;
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

/* Sort v[0..n) in place: LSD radix sort on the bytes that vary (frame
 * numbers use the low five), several times faster than qsort on the two
 * million boundaries of a --pages run.  -1 on ENOMEM. */
static int sort_u64(uint64_t *v, size_t n)
{
    uint64_t any = 0;
    for (size_t i = 0; i < n; i++)
        any |= v[i];
    uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return -1;
    uint64_t *src = v, *dst = tmp;
    for (unsigned shift = 0; shift < 64 && (any >> shift); shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[((src[i] >> shift) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    free(tmp);
    return 0;
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
    if (sort_u64(b, k) < 0) {
        free(b);
        return NULL;
    }
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || b[u - 1] != b[i])
            b[u++] = b[i];
    *nb = u;
    return b;
}

/* Index of pfn in the sorted boundaries b[0..n) (it is one of them). */
static size_t boundary_index(const uint64_t *b, size_t n, uint64_t pfn)
{
    size_t lo = 0;
    while (n > 1) {                 /* branch-free lower bound */
        size_t half = n / 2;
        lo = b[lo + half] <= pfn ? lo + half : lo;
        n -= half;
    }
    return lo;
}

/* Lower-case hex of v into out (no prefix); its length. */
static size_t put_hex(char *out, uint64_t v)
{
    char t[16];
    size_t n = 0;
    do {
        t[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = t[n - 1 - i];
    return n;
}

static size_t put_dec(char *out, uint64_t v)
{
    char t[20];
    size_t n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = t[n - 1 - i];
    return n;
}

/* The frames committed so far: one MO per elementary interval of the
 * boundaries, found by index (no ID formatting or hash lookup per page). */
typedef struct lx_mo_set {
    const uint64_t *b;
    size_t nb;
    osm_id *mo;                     /* [nb] MO node per interval, or OSM_NONE */
    osm_id *last_vmr, *last_edge;   /* [nb] the latest VMR -> MO map, to merge repeats */
    size_t *last_proc;              /* [nb] the latest process holding the MO, +1 (0: none) */
    osm_id *file_of;                /* [nb] the file whose page cache the MO is, once mapped */
    osm_id *last_hold;              /* [nb] that process's (first PD's) HOLD on it */
    osm_id t_mo;                    /* interned "MO" */
} lx_mo_set;

/* The MO for interval k (frames b[k] .. b[k+1]), created on first use:
 * ID MO_<pfn hex>, EXTRA 0x<address>_<pages>_12.  OSM_NONE on ENOMEM. */
static osm_id mo_node(lx_ctx *c, lx_mo_set *ms, size_t k)
{
    if (ms->mo[k] != OSM_NONE)
        return ms->mo[k];
    uint64_t pfn = ms->b[k], end = ms->b[k + 1];
    osm_id sp = phys_space(c, pfn);
    if (sp == OSM_NONE)
        return OSM_NONE;
    char id[40] = "MO_", extra[64] = "0x";
    size_t il = 3 + put_hex(id + 3, pfn);
    size_t el = 2 + put_hex(extra + 2, pfn * 4096);
    extra[el++] = '_';
    el += put_dec(extra + el, end - pfn);
    memcpy(extra + el, "_12", 3);
    el += 3;
    osm_id mo = osm_store_add_node_n(c->s, OSM_RESOURCE, id, il, ms->t_mo, extra, el);
    if (mo == OSM_NONE || lx_subset(c, mo, sp) < 0)
        return OSM_NONE;
    return ms->mo[k] = mo;
}

/* Perms of a VMR's map onto frames.  Through a private mapping only a
 * private anonymous frame that no one else maps is written in place: a
 * frame also mapped elsewhere is copy-on-write, and a page-cache frame
 * (`file`) is copied on the first write even when this is its only
 * mapping, so writing never reaches it. */
static uint8_t frame_perms(const osm_lx_vma *v, bool exclusive, bool file)
{
    uint8_t p = (uint8_t)((v->r ? OSM_PERM_R : 0) | (v->w ? OSM_PERM_W : 0) |
                          (v->x ? OSM_PERM_X : 0) | (v->shared ? OSM_PERM_S : OSM_PERM_P));
    if (!v->shared && (!exclusive || file))
        p &= (uint8_t)~OSM_PERM_W;
    if (!(p & OSM_PERM_RWXT))
        p |= OSM_PERM_R;        /* never let "no letters" read as unrestricted */
    return p;
}

/* The process (its PDs) holds the frames it maps, as a CellulOS PD holds
 * the MOs behind its VMRs: the kernel manages physical memory (it holds the
 * spaces) but does not depend on each process' private frames.  One HOLD per
 * process and frame, with the union of the perms of its maps.  -1 on ENOMEM. */
static int hold_frame(lx_ctx *c, lx_mo_set *ms, size_t k, const osm_lx_proc *p, size_t pidx,
                      uint8_t perms)
{
    osm_id mo = ms->mo[k];
    if (ms->last_proc[k] == pidx + 1) {
        if (p->n_pd > 1) {
            for (size_t t = 0; t < p->n_pd; t++)
                if (lx_hold(c, p->pd[t], mo, perms) < 0)
                    return -1;
            return 0;
        }
        osm_edge e;
        osm_store_edge(c->s, ms->last_hold[k], &e);
        if ((e.perms | perms) != e.perms)
            osm_edge_set_perms(c->s, ms->last_hold[k], (uint8_t)(e.perms | perms));
        return 0;
    }
    ms->last_proc[k] = pidx + 1;
    for (size_t t = 0; t < p->n_pd; t++) {
        osm_id e = osm_store_add_edge(c->s, OSM_HOLD, p->pd[t], mo, perms, OSM_NONE, NULL);
        if (e == OSM_NONE)
            return -1;
        if (t == 0)
            ms->last_hold[k] = e;
    }
    return 0;
}

/* MAP vmr -> the MO of interval k (and the space map ads -> its space,
 * checked once per pair), and the process' HOLD on it.  A VMR reaching one
 * frame twice (the zero page mapped many times) gets one edge with the
 * lowest perms.  -1 on ENOMEM. */
static int map_frame(lx_ctx *c, lx_mo_set *ms, size_t k, const osm_lx_proc *p, size_t pidx,
                     osm_id vmr, osm_id ads, uint8_t perms, osm_id *mapped_space)
{
    osm_id mo = mo_node(c, ms, k);
    osm_id sp = phys_space(c, ms->b[k]);
    if (mo == OSM_NONE || sp == OSM_NONE || hold_frame(c, ms, k, p, pidx, perms) < 0)
        return -1;
    if (ms->last_vmr[k] == vmr) {
        osm_edge e;
        osm_store_edge(c->s, ms->last_edge[k], &e);
        if (perms < e.perms)
            osm_edge_set_perms(c->s, ms->last_edge[k], perms);
        return 0;
    }
    osm_id e = osm_store_add_edge(c->s, OSM_MAP, vmr, mo, perms, OSM_NONE, NULL);
    if (e == OSM_NONE)
        return -1;
    ms->last_vmr[k] = vmr;
    ms->last_edge[k] = e;
    if (*mapped_space == sp)
        return 0;
    *mapped_space = sp;
    if (osm_store_find_edge(c->s, OSM_MAP, ads, sp, OSM_NONE) != OSM_NONE)
        return 0;
    return osm_store_add_edge(c->s, OSM_MAP, ads, sp, 0, OSM_NONE, NULL) == OSM_NONE
               ? -1 : 0;
}

/* MAP file -> the MO of interval k, a page-cache frame of the file (once
 * per frame: a page-cache frame belongs to one file), with the space map
 * rule 5 asks for.  Perms RW: the file's content is those frames; who may
 * read or write the file is what the HOLDs on it say.  -1 on ENOMEM. */
static int map_file_frame(lx_ctx *c, lx_mo_set *ms, size_t k, osm_id file, osm_id fspace)
{
    if (ms->file_of[k] != OSM_NONE)
        return 0;
    ms->file_of[k] = file;
    osm_id sp = phys_space(c, ms->b[k]);
    if (sp == OSM_NONE)
        return -1;
    return lx_map(c, file, fspace, ms->mo[k], sp, OSM_PERM_R | OSM_PERM_W | OSM_PERM_S);
}

/* Every frame of one process's VMRs. */
static int commit_proc_frames(lx_ctx *c, lx_mo_set *ms, const osm_lx_proc *p, size_t pidx)
{
    osm_id ads = OSM_NONE;
    for (size_t v = 0; v < p->n_vmr; v++) {
        const lx_vmr *vm = &p->vmr[v];
        if (vm->node == OSM_NONE || !vm->n_runs)
            continue;
        if (ads == OSM_NONE) {
            char id[32];
            snprintf(id, sizeof id, "ADS_%d", p->pid);
            if ((ads = osm_store_find(c->s, id)) == OSM_NONE)
                return -1;
        }
        osm_id mapped_space = OSM_NONE;     /* space map known for this VMR */
        for (size_t r = 0; r < vm->n_runs; r++) {
            const osm_lx_run *x = &vm->runs[r];
            uint8_t perms = frame_perms(&vm->v, x->exclusive, x->file);
            bool cache = x->file && vm->file != OSM_NONE;
            for (size_t k = boundary_index(ms->b, ms->nb, x->pfn);
                 k + 1 < ms->nb && ms->b[k] < x->pfn + x->n; k++)
                if (map_frame(c, ms, k, p, pidx, vm->node, ads, perms, &mapped_space) < 0 ||
                    (cache && map_file_frame(c, ms, k, vm->file, vm->file_space) < 0))
                    return -1;
        }
    }
    return 0;
}

int lx_phys_commit(lx_ctx *c)
{
    if (c->o->no_phys)
        return 0;
    lx_mo_set ms = { .t_mo = osm_store_intern(c->s, "MO", 2) };
    size_t n_runs = 0;
    for (size_t i = 0; i < c->n_procs; i++)
        for (size_t v = 0; v < c->procs[i].n_vmr; v++)
            n_runs += c->procs[i].vmr[v].n_runs;
    uint64_t *b = boundaries(c, &ms.nb);
    ms.b = b;
    int rc = b && ms.t_mo != OSM_NONE ? 0 : -1;
    if (rc == 0) {
        ms.mo = malloc(ms.nb * sizeof *ms.mo);
        ms.last_vmr = malloc(ms.nb * sizeof *ms.last_vmr);
        ms.last_edge = malloc(ms.nb * sizeof *ms.last_edge);
        ms.last_proc = calloc(ms.nb, sizeof *ms.last_proc);
        ms.last_hold = malloc(ms.nb * sizeof *ms.last_hold);
        ms.file_of = malloc(ms.nb * sizeof *ms.file_of);
        rc = ms.mo && ms.last_vmr && ms.last_edge && ms.last_proc && ms.last_hold && ms.file_of
                 ? 0 : -1;
    }
    if (rc == 0) {
        memset(ms.mo, 0xff, ms.nb * sizeof *ms.mo);     /* OSM_NONE */
        memset(ms.last_vmr, 0xff, ms.nb * sizeof *ms.last_vmr);
        memset(ms.file_of, 0xff, ms.nb * sizeof *ms.file_of);
        /* a node per interval with its SUBSET and its file's MAP, a MAP and
         * a HOLD per run piece */
        rc = osm_store_reserve(c->s, osm_store_node_bound(c->s) + ms.nb,
                               osm_store_edge_bound(c->s) + 2 * ms.nb + 2 * n_runs + 64);
    }
    for (size_t i = 0; i < c->n_procs && rc == 0; i++)
        rc = commit_proc_frames(c, &ms, &c->procs[i], i);
    free(b);
    free(ms.mo);
    free(ms.last_vmr);
    free(ms.last_edge);
    free(ms.last_proc);
    free(ms.last_hold);
    free(ms.file_of);
    return rc;
}
