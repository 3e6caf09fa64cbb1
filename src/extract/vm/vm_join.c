/*
 * The join of a guest's model state to its host's (docs/vm.md, MODEL.md §7).
 *
 * Guest-physical memory is translated twice: QEMU maps guest RAM into its
 * own address space (guest-physical -> host-virtual), and the host kernel
 * backs that mapping with frames (host-virtual -> host-physical).  The join
 * keeps both steps: each guest frame run (guest MO, retyped GPA) MAPs to a
 * slice of QEMU's guest-RAM mapping (a VMR GRAM_<pid>_<hva> in QEMU's ADS),
 * and the slice MAPs to exactly the host MOs behind it.  Host MOs are cut at
 * the edges of every slice's frames, so two guest processes reach the same
 * host MO only when they really share a frame.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

#define VM_GPA_TYPE "GPA"       /* guest-physical memory: virtual from the host's view */

typedef struct vm_piece {       /* host frames [pfn, pfn + n) behind one guest run */
    uint64_t pfn, n;
} vm_piece;

typedef struct vm_gmo {         /* a guest frame run (guest MO) */
    osm_id node;
    uint64_t gpa, pages;
    size_t first, n_pieces;
} vm_gmo;

typedef struct vm_join {
    const osm_vm_join_opts *o;
    const osm_store *g;
    osm_store *out;
    osm_vm_join_report *rep;
    char *why;
    size_t whysz;
    osm_lx_vma ram;
    vm_gmo *mo;
    size_t n_mo;
    vm_piece *pc;
    size_t n_pc, cap_pc;
    osm_id *gmap;               /* guest node -> joined node */
    osm_id qemu, ads;
} vm_join;

static int fail(vm_join *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(vm_join *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->why, j->whysz, fmt, ap);
    va_end(ap);
    return -1;
}

/* The space a resource is SUBSET of, or OSM_NONE. */
static osm_id space_of(const osm_store *s, osm_id r)
{
    for (osm_id e = osm_store_first_out(s, r); e != OSM_NONE; e = osm_store_next_out(s, e)) {
        osm_edge ed;
        if (osm_store_edge(s, e, &ed) && ed.kind == OSM_SUBSET)
            return ed.to;
    }
    return OSM_NONE;
}

static bool is_mo(const osm_store *s, osm_id n)
{
    return osm_node_kind(s, n) != OSM_PD && !strcmp(osm_node_data_name(s, n), "MO");
}

/* The guest's frame runs, checked against the size of the RAM backing. */
static int collect_guest_mos(vm_join *j)
{
    size_t n = 0;
    for (osm_id v = osm_store_next_node(j->g, OSM_NONE); v != OSM_NONE;
         v = osm_store_next_node(j->g, v))
        n += osm_node_kind(j->g, v) == OSM_RESOURCE && is_mo(j->g, v);
    j->mo = calloc(n ? n : 1, sizeof *j->mo);
    if (!j->mo)
        return fail(j, "out of memory");
    uint64_t size = j->ram.end - j->ram.start;
    for (osm_id v = osm_store_next_node(j->g, OSM_NONE); v != OSM_NONE;
         v = osm_store_next_node(j->g, v)) {
        if (osm_node_kind(j->g, v) != OSM_RESOURCE || !is_mo(j->g, v))
            continue;
        osm_mo_info mi;
        if (osm_mo_info_parse(osm_node_extra(j->g, v), &mi) < 0 || mi.size_bits != 12 ||
            mi.paddr % 4096)
            return fail(j, "guest MO %s: EXTRA '%s' is not PADDR_PAGES_12", osm_node_id(j->g, v),
                        osm_node_extra(j->g, v));
        uint64_t len = mi.pages * 4096;
        if (mi.paddr < j->ram.offset || mi.paddr - j->ram.offset > size ||
            len > size - (mi.paddr - j->ram.offset))
            return fail(j, "guest frames %s (0x%" PRIx64 ", %" PRIu64 " pages) lie outside the "
                           "0x%" PRIx64 " bytes of RAM backing: guest RAM must be one range "
                           "from guest-physical 0 (x86 pc/q35 with RAM below the PCI hole, "
                           "e.g. --mem 2048 or less)",
                        osm_node_id(j->g, v), mi.paddr, mi.pages, size);
        j->mo[j->n_mo++] = (vm_gmo){ .node = v, .gpa = mi.paddr, .pages = mi.pages };
        j->rep->guest_pages += mi.pages;
    }
    j->rep->guest_mos = j->n_mo;
    return 0;
}

static int add_piece(vm_join *j, uint64_t pfn, uint64_t n)
{
    if (j->n_pc == j->cap_pc) {
        size_t cap = j->cap_pc ? j->cap_pc * 2 : 256;
        vm_piece *np = realloc(j->pc, cap * sizeof *np);
        if (!np)
            return fail(j, "out of memory");
        j->pc = np;
        j->cap_pc = cap;
    }
    j->pc[j->n_pc++] = (vm_piece){ pfn, n };
    return 0;
}

/* The host frames behind every guest run, as pieces of contiguous frames. */
static int read_host_frames(vm_join *j)
{
    uint64_t *pfn = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < j->n_mo; i++) {
        vm_gmo *m = &j->mo[i];
        if (m->pages > cap) {
            free(pfn);
            cap = m->pages;
            if (!(pfn = malloc(cap * sizeof *pfn)))
                return fail(j, "out of memory");
        }
        uint64_t hva = j->ram.start + (m->gpa - j->ram.offset);
        if (vm_read_pagemap(j->o->qemu_pid, hva, m->pages, pfn, j->why, j->whysz) < 0) {
            free(pfn);
            return -1;
        }
        m->first = j->n_pc;
        for (uint64_t p = 0; p < m->pages;) {
            if (!pfn[p]) {
                j->rep->pages_unbacked++;
                p++;
                continue;
            }
            uint64_t q = p + 1;
            while (q < m->pages && pfn[q] == pfn[q - 1] + 1)
                q++;
            if (add_piece(j, pfn[p], q - p) < 0) {
                free(pfn);
                return -1;
            }
            p = q;
        }
        m->n_pieces = j->n_pc - m->first;
    }
    free(pfn);
    return 0;
}

/* QEMU alone, with host MOs cut at the edges of every piece. */
static int extract_host(vm_join *j)
{
    uint64_t *cuts = malloc((2 * j->n_pc + 1) * sizeof *cuts);
    if (!cuts)
        return fail(j, "out of memory");
    for (size_t i = 0; i < j->n_pc; i++) {
        cuts[2 * i] = j->pc[i].pfn;
        cuts[2 * i + 1] = j->pc[i].pfn + j->pc[i].n;
    }
    int pid = j->o->qemu_pid;
    osm_lx_opts lo = { .proc = "/proc", .pids = &pid, .n_pids = 1, .live = true,
                       .cut_pfns = cuts, .n_cut_pfns = 2 * j->n_pc };
    int rc = osm_lx_extract(&lo, j->out, &j->rep->host);
    free(cuts);
    if (rc < 0)
        return fail(j, "the host extraction failed");
    char id[48];
    snprintf(id, sizeof id, "PD_%d", pid);
    j->qemu = osm_store_find(j->out, id);
    snprintf(id, sizeof id, "ADS_%d", pid);
    j->ads = osm_store_find(j->out, id);
    if (j->qemu == OSM_NONE || j->ads == OSM_NONE)
        return fail(j, "process %d exited before the host side could be extracted", pid);
    snprintf(j->rep->ram_vmr, sizeof j->rep->ram_vmr, "VMR_%d_%llx", pid,
             (unsigned long long)j->ram.start);
    return 0;
}

/* Every guest node and edge, IDs prefixed, guest MO spaces/resources and
 * requests for them retyped GPA. */
static int copy_guest(vm_join *j)
{
    const osm_store *g = j->g;
    j->gmap = malloc((osm_store_node_bound(g) + 1) * sizeof *j->gmap);
    if (!j->gmap)
        return fail(j, "out of memory");
    const char *pre = j->o->prefix;
    for (osm_id v = osm_store_next_node(g, OSM_NONE); v != OSM_NONE; v = osm_store_next_node(g, v)) {
        char *id;
        if (asprintf(&id, "%s%s", pre, osm_node_id(g, v)) < 0)
            return fail(j, "out of memory");
        const char *data = is_mo(g, v) ? VM_GPA_TYPE : osm_node_data_name(g, v);
        const char *extra = osm_node_extra(g, v);
        j->gmap[v] = osm_store_add_node(j->out, osm_node_kind(g, v), id, data,
                                        *extra ? extra : NULL);
        int err = errno;
        if (j->gmap[v] == OSM_NONE) {
            fail(j, err == EEXIST ? "guest node %s collides with a host node (choose another "
                                    "--prefix)" : "out of memory adding %s", id);
            free(id);
            return -1;
        }
        free(id);
        j->rep->guest_nodes++;
    }
    osm_id gpa = osm_store_intern(j->out, VM_GPA_TYPE, strlen(VM_GPA_TYPE));
    for (osm_id e = osm_store_next_edge(g, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(g, e)) {
        osm_edge ed;
        osm_store_edge(g, e, &ed);
        osm_id type = OSM_NONE;
        if (ed.type != OSM_NONE) {
            const char *t = osm_store_type_name(g, ed.type);
            type = !strcmp(t, "MO") ? gpa : osm_store_intern(j->out, t, strlen(t));
        }
        const char *extra = osm_edge_extra(g, e);
        if (osm_store_add_edge(j->out, (osm_edge_kind)ed.kind, j->gmap[ed.from], j->gmap[ed.to],
                               ed.perms, type, *extra ? extra : NULL) == OSM_NONE)
            return fail(j, "out of memory");
        j->rep->guest_edges++;
    }
    osm_store_set_type_class(j->out, gpa, OSM_TYPE_VIRTUAL);
    return 0;
}

/* MAP from -> to once (perms of the first stand). */
static int map_once(vm_join *j, osm_id from, osm_id to, uint8_t perms)
{
    if (osm_store_find_edge(j->out, OSM_MAP, from, to, OSM_NONE) != OSM_NONE)
        return 0;
    if (osm_store_add_edge(j->out, OSM_MAP, from, to, perms, OSM_NONE, NULL) == OSM_NONE)
        return fail(j, "out of memory");
    return 0;
}

/* The guest-physical space of a guest run MAPs to QEMU's address space;
 * say in its EXTRA which mapping backs it. */
static int map_guest_space(vm_join *j, osm_id gspace)
{
    if (osm_store_find_edge(j->out, OSM_MAP, gspace, j->ads, OSM_NONE) != OSM_NONE)
        return 0;
    char *extra;
    const char *old = osm_node_extra(j->out, gspace);
    if (asprintf(&extra, "%s%sguest-physical, backed by %s of PD_%d", old, *old ? "; " : "",
                 j->rep->ram_vmr, j->o->qemu_pid) < 0)
        return fail(j, "out of memory");
    int rc = osm_node_set_extra(j->out, gspace, extra);
    free(extra);
    if (rc < 0)
        return fail(j, "out of memory");
    return map_once(j, gspace, j->ads, 0);
}

/* The slice of QEMU's guest-RAM mapping behind one guest run, MAPped to the
 * host MOs behind it. */
static int link_mo(vm_join *j, const vm_gmo *m)
{
    const osm_lx_vma *r = &j->ram;
    uint64_t hva = r->start + (m->gpa - r->offset);
    char id[64], extra[96];
    snprintf(id, sizeof id, "GRAM_%d_%" PRIx64, j->o->qemu_pid, hva);
    snprintf(extra, sizeof extra, "0x%" PRIx64 "_GUEST_RAM_%" PRIu64 "_12", hva, m->pages);
    osm_id slice = osm_store_add_node(j->out, OSM_RESOURCE, id, "VMR", extra);
    if (slice == OSM_NONE)
        return fail(j, "cannot add %s (%s)", id, errno == EEXIST ? "exists" : "out of memory");
    uint8_t qperm = (uint8_t)((r->r ? OSM_PERM_R : 0) | (r->w ? OSM_PERM_W : 0) |
                              (r->x ? OSM_PERM_X : 0) | (r->shared ? OSM_PERM_S : OSM_PERM_P));
    /* The guest reads, writes and runs code in its RAM whatever QEMU's own
     * mapping allows: the guest-side edges carry RWX. */
    uint8_t gperm = OSM_PERM_R | OSM_PERM_W | OSM_PERM_X | OSM_PERM_S;
    osm_id gmo = j->gmap[m->node], gspace = j->gmap[space_of(j->g, m->node)];
    if (osm_store_add_edge(j->out, OSM_SUBSET, slice, j->ads, 0, OSM_NONE, NULL) == OSM_NONE ||
        osm_store_add_edge(j->out, OSM_HOLD, j->qemu, slice, qperm, OSM_NONE, NULL) == OSM_NONE ||
        map_once(j, gmo, slice, gperm) < 0 || map_guest_space(j, gspace) < 0)
        return fail(j, "out of memory");
    for (size_t i = m->first; i < m->first + m->n_pieces; i++) {
        for (uint64_t p = j->pc[i].pfn; p < j->pc[i].pfn + j->pc[i].n;) {
            snprintf(id, sizeof id, "MO_%" PRIx64, p);
            osm_id hmo = osm_store_find(j->out, id);
            osm_mo_info mi;
            if (hmo == OSM_NONE || osm_mo_info_parse(osm_node_extra(j->out, hmo), &mi) < 0 ||
                !mi.pages)
                return fail(j, "host frame 0x%" PRIx64 " behind guest frames %s is not in the "
                               "host extraction: QEMU's memory changed while it was read (stop "
                               "the guest first: kill -STOP %d)",
                            p, osm_node_id(j->g, m->node), j->o->qemu_pid);
            if (map_once(j, slice, hmo, gperm) < 0 ||
                map_once(j, j->ads, space_of(j->out, hmo), 0) < 0)
                return -1;
            j->rep->host_mo_maps++;
            p += mi.pages;
        }
    }
    return 0;
}

int osm_vm_join(const osm_vm_join_opts *o, const osm_store *guest, osm_store *out,
                osm_vm_join_report *rep, char *why, size_t whysz)
{
    vm_join j = { .o = o, .g = guest, .out = out, .rep = rep, .why = why, .whysz = whysz };
    memset(rep, 0, sizeof *rep);
    osm_id gkernel = osm_store_find(guest, "PD_kernel");
    int rc = -1;
    if (gkernel == OSM_NONE || osm_node_kind(guest, gkernel) != OSM_PD) {
        fail(&j, "the guest state has no PD_kernel: not a Linux extraction");
        goto out;
    }
    if (vm_find_ram(o->qemu_pid, o->ram_path, &j.ram, why, whysz) < 0)
        goto out;
    rep->ram_start = j.ram.start;
    rep->ram_len = j.ram.end - j.ram.start;
    if (collect_guest_mos(&j) < 0 || read_host_frames(&j) < 0 || extract_host(&j) < 0 ||
        copy_guest(&j) < 0)
        goto out;
    for (size_t i = 0; i < j.n_mo; i++)
        if (link_mo(&j, &j.mo[i]) < 0)
            goto out;
    /* QEMU runs the guest: it can stop it, read and write all its memory. */
    if (osm_store_add_edge(out, OSM_HOLD, j.qemu, j.gmap[gkernel],
                           OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, OSM_NONE, NULL) == OSM_NONE) {
        fail(&j, "out of memory");
        goto out;
    }
    rc = 0;
out:
    free(j.mo);
    free(j.pc);
    free(j.gmap);
    return rc;
}
