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
 *
 * This file is the host-independent half: the guest copied in and linked to
 * a VMM PD already in the store.  vm_join_host.c builds that host side for a
 * QEMU process on Linux (osmosis extract vm); the CellulOS root task builds
 * it from its own VM PD (src/scenarios/vmpd.c) and calls osm_vm_join_into.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

int vm_fail(vm_join *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->why, j->whysz, fmt, ap);
    va_end(ap);
    return -1;
}

osm_id vm_space_of(const osm_store *s, osm_id r)
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
int vm_collect_guest_mos(vm_join *j)
{
    size_t n = 0;
    for (osm_id v = osm_store_next_node(j->g, OSM_NONE); v != OSM_NONE;
         v = osm_store_next_node(j->g, v))
        n += osm_node_kind(j->g, v) == OSM_RESOURCE && is_mo(j->g, v);
    j->mo = calloc(n ? n : 1, sizeof *j->mo);
    if (!j->mo)
        return vm_fail(j, "out of memory");
    uint64_t size = j->ram.end - j->ram.start;
    for (osm_id v = osm_store_next_node(j->g, OSM_NONE); v != OSM_NONE;
         v = osm_store_next_node(j->g, v)) {
        if (osm_node_kind(j->g, v) != OSM_RESOURCE || !is_mo(j->g, v))
            continue;
        osm_mo_info mi;
        if (osm_mo_info_parse(osm_node_extra(j->g, v), &mi) < 0 || mi.size_bits != 12 ||
            mi.paddr % 4096)
            return vm_fail(j, "guest MO %s: EXTRA '%s' is not PADDR_PAGES_12", osm_node_id(j->g, v),
                        osm_node_extra(j->g, v));
        if (vm_space_of(j->g, v) == OSM_NONE)   /* link_mo maps the guest's space */
            return vm_fail(j, "guest frames %s are in no physical memory space (no SUBSET "
                              "edge): the guest state is incomplete", osm_node_id(j->g, v));
        uint64_t len = mi.pages * 4096;
        if (mi.paddr < j->ram.offset || mi.paddr - j->ram.offset > size ||
            len > size - (mi.paddr - j->ram.offset))
            return vm_fail(j, "guest frames %s (0x%" PRIx64 ", %" PRIu64 " pages) lie outside the "
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

/* Remember a node the join added (to take it out again). */
static int added(vm_join *j, osm_id n)
{
    if (j->n_added == j->cap_added) {
        size_t cap = j->cap_added ? 2 * j->cap_added : 256;
        osm_id *v = realloc(j->added, cap * sizeof *v);
        if (!v)
            return vm_fail(j, "out of memory");
        j->added = v;
        j->cap_added = cap;
    }
    j->added[j->n_added++] = n;
    return 0;
}

/* Every guest node and edge, IDs prefixed, guest MO spaces/resources and
 * requests for them retyped GPA. */
static int copy_guest(vm_join *j)
{
    const osm_store *g = j->g;
    j->gmap = malloc((osm_store_node_bound(g) + 1) * sizeof *j->gmap);
    if (!j->gmap)
        return vm_fail(j, "out of memory");
    const char *pre = j->prefix;
    for (osm_id v = osm_store_next_node(g, OSM_NONE); v != OSM_NONE; v = osm_store_next_node(g, v)) {
        char *id;
        if (asprintf(&id, "%s%s", pre, osm_node_id(g, v)) < 0)
            return vm_fail(j, "out of memory");
        const char *data = is_mo(g, v) ? VM_GPA_TYPE : osm_node_data_name(g, v);
        const char *extra = osm_node_extra(g, v);
        j->gmap[v] = osm_store_add_node(j->out, osm_node_kind(g, v), id, data,
                                        *extra ? extra : NULL);
        int err = errno;
        if (j->gmap[v] != OSM_NONE && added(j, j->gmap[v]) < 0) {
            free(id);
            return -1;
        }
        if (j->gmap[v] == OSM_NONE) {
            vm_fail(j, err == EEXIST ? "guest node %s collides with a host node (choose another "
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
            return vm_fail(j, "out of memory");
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
        return vm_fail(j, "out of memory");
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
    if (asprintf(&extra, "%s%sguest-physical, backed by %s of %s", old, *old ? "; " : "",
                 j->rep->ram_vmr, j->vmm_id) < 0)
        return vm_fail(j, "out of memory");
    int rc = osm_node_set_extra(j->out, gspace, extra);
    free(extra);
    if (rc < 0)
        return vm_fail(j, "out of memory");
    return map_once(j, gspace, j->ads, 0);
}

/* Host MOs behind the pieces of one guest run (Linux host: the frames
 * read from QEMU's pagemap, cut so each host MO lies behind one run). */
static int link_pieces(vm_join *j, const vm_gmo *m, osm_id slice, uint8_t gperm)
{
    char id[64];
    for (size_t i = m->first; i < m->first + m->n_pieces; i++) {
        for (uint64_t p = j->pc[i].pfn; p < j->pc[i].pfn + j->pc[i].n;) {
            snprintf(id, sizeof id, "MO_%" PRIx64, p);
            osm_id hmo = osm_store_find(j->out, id);
            osm_mo_info mi;
            if (hmo == OSM_NONE || osm_mo_info_parse(osm_node_extra(j->out, hmo), &mi) < 0 ||
                !mi.pages)
                return vm_fail(j, "host frame 0x%" PRIx64 " behind guest frames %s is not in the "
                               "host extraction: QEMU's memory changed while it was read (stop "
                               "the guest first: kill -STOP %s)",
                            p, osm_node_id(j->g, m->node), j->tag);
            if (map_once(j, slice, hmo, gperm) < 0 ||
                map_once(j, j->ads, vm_space_of(j->out, hmo), 0) < 0)
                return -1;
            j->rep->host_mo_maps++;
            p += mi.pages;
        }
    }
    return 0;
}

/* The slice of the VMM's guest-RAM mapping behind one guest run, MAPped to
 * the host MOs behind it (or to the one MO backing all guest RAM). */
static int link_mo(vm_join *j, const vm_gmo *m)
{
    const osm_lx_vma *r = &j->ram;
    uint64_t hva = r->start + (m->gpa - r->offset);
    char id[64], extra[96];
    snprintf(id, sizeof id, "GRAM_%s_%" PRIx64, j->tag, hva);
    snprintf(extra, sizeof extra, "0x%" PRIx64 "_GUEST_RAM_%" PRIu64 "_12", hva, m->pages);
    osm_id slice = osm_store_add_node(j->out, OSM_RESOURCE, id, "VMR", extra);
    if (slice == OSM_NONE)
        return vm_fail(j, "cannot add %s (%s)", id, errno == EEXIST ? "exists" : "out of memory");
    if (added(j, slice) < 0)
        return -1;
    uint8_t qperm = (uint8_t)((r->r ? OSM_PERM_R : 0) | (r->w ? OSM_PERM_W : 0) |
                              (r->x ? OSM_PERM_X : 0) | (r->shared ? OSM_PERM_S : OSM_PERM_P));
    /* The guest reads, writes and runs code in its RAM whatever QEMU's own
     * mapping allows: the guest-side edges carry RWX. */
    uint8_t gperm = OSM_PERM_R | OSM_PERM_W | OSM_PERM_X | OSM_PERM_S;
    osm_id gmo = j->gmap[m->node], gspace = j->gmap[vm_space_of(j->g, m->node)];
    if (osm_store_add_edge(j->out, OSM_SUBSET, slice, j->ads, 0, OSM_NONE, NULL) == OSM_NONE ||
        osm_store_add_edge(j->out, OSM_HOLD, j->qemu, slice, qperm, OSM_NONE, NULL) == OSM_NONE ||
        map_once(j, gmo, slice, gperm) < 0 || map_guest_space(j, gspace) < 0)
        return vm_fail(j, "out of memory");
    if (j->backing_mo == OSM_NONE)
        return link_pieces(j, m, slice, gperm);
    if (map_once(j, slice, j->backing_mo, gperm) < 0)
        return -1;
    j->rep->host_mo_maps++;
    return 0;
}

int vm_link(vm_join *j)
{
    osm_id gkernel = osm_store_find(j->g, "PD_kernel");
    if (copy_guest(j) < 0)
        return -1;
    for (size_t i = 0; i < j->n_mo; i++)
        if (link_mo(j, &j->mo[i]) < 0)
            return -1;
    /* The VMM runs the guest: it can stop it, read and write all its memory. */
    if (osm_store_add_edge(j->out, OSM_HOLD, j->qemu, j->gmap[gkernel],
                           OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, OSM_NONE, NULL) == OSM_NONE)
        return vm_fail(j, "out of memory");
    return 0;
}

int vm_check_guest(vm_join *j)
{
    osm_id gkernel = osm_store_find(j->g, "PD_kernel");
    if (gkernel == OSM_NONE || osm_node_kind(j->g, gkernel) != OSM_PD)
        return vm_fail(j, "the guest state has no PD_kernel: not a Linux extraction");
    return 0;
}

void vm_join_free(vm_join *j)
{
    free(j->mo);
    free(j->pc);
    free(j->gmap);
    free(j->added);
}

int osm_vm_join_into(const osm_vm_host *h, const osm_store *guest, osm_store *out,
                     osm_vm_joined *joined, osm_vm_join_report *rep, char *why, size_t whysz)
{
    vm_join j = { .g = guest, .out = out, .rep = rep, .why = why, .whysz = whysz,
                  .prefix = h->prefix, .qemu = h->vmm, .ads = h->ads,
                  .backing_mo = h->backing_mo };
    memset(rep, 0, sizeof *rep);
    snprintf(j.tag, sizeof j.tag, "%s", h->tag);
    snprintf(j.vmm_id, sizeof j.vmm_id, "%s", osm_node_id(out, h->vmm));
    snprintf(rep->ram_vmr, sizeof rep->ram_vmr, "%s", h->ram_vmr);
    j.ram = (osm_lx_vma){ .start = h->ram_start, .end = h->ram_start + h->ram_len,
                          .offset = 0, .r = (h->ram_perms & OSM_PERM_R) != 0,
                          .w = (h->ram_perms & OSM_PERM_W) != 0, .shared = true };
    rep->ram_start = h->ram_start;
    rep->ram_len = h->ram_len;
    int rc = vm_check_guest(&j) < 0 || vm_collect_guest_mos(&j) < 0 || vm_link(&j) < 0 ? -1 : 0;
    if (rc < 0)         /* no partial join: every node added goes, with its edges */
        osm_vm_unjoin(out, j.added, j.n_added);
    if (rc == 0 && joined) {
        joined->nodes = j.added;
        joined->n = j.n_added;
        j.added = NULL;
    }
    vm_join_free(&j);
    return rc;
}

void osm_vm_unjoin(osm_store *out, const osm_id *nodes, size_t n)
{
    for (size_t i = n; i-- > 0;)    /* slices and guest nodes: edges go with them */
        if (osm_node_live(out, nodes[i]))
            osm_store_remove_node(out, nodes[i]);
}

osm_store *osm_vm_guest_load(const char *buf, size_t len, bool unframed, const char *name,
                             osm_diags *d, char *why, size_t whysz)
{
    const char *p = buf;
    size_t n = len;
    if (!unframed && osm_vm_frame_find(buf, len, &p, &n, why, whysz) != OSM_VM_FRAME_OK)
        return NULL;
    osm_store *g = osm_store_new();
    osm_csv_opts co = { .strict = true };
    osm_csv_stats st;
    int rc = g ? osm_csv_read_buffer(g, p, n, name, &co, d, &st) : -1;
    if (rc < 0 || d->errors || st.noise || st.bad_rows) {
        snprintf(why, whysz, "the guest state has %s",
                 rc < 0 ? "no usable row" : "unusable lines (garbled?)");
        osm_store_free(g);
        return NULL;
    }
    return g;
}
