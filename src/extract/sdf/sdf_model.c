/*
 * SDF -> OSmosis model state (MODEL.md §7 "seL4 Microkit system
 * description"; the full mapping is in docs/sdf.md).  Everything goes
 * through the libosmosis store API, so the result is an ordinary state that
 * every verb (check, tcb, ib, report, export) reads.
 *
 * IDs: PD_sel4 (the kernel), PD_monitor, PD_<name>, VM_<name>, MO_<mr>,
 * VMR_<owner>_0x<vaddr>, IRQ_<number>, NTFN_<pd>.<id>_<pd>.<id>,
 * VCPU_<vm>_<id>, IOPORT_<pd>_<id>; spaces ADS_<owner>, PPC_<pd>,
 * SPACE_phys_mem, SPACE_device_mem, SPACE_irq, SPACE_notification,
 * SPACE_vcpu, SPACE_ioport.  Should a name make two IDs collide (a PD
 * called "sel4"), the later node gets a "~2" suffix rather than failing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sdf.h"

typedef struct build {
    osm_store *s;
    const sdf_system *sys;
    const sdf_model_opts *o;
    osm_id kernel, monitor;
    osm_id phys, device, irq_space, ntfn_space, vcpu_space, ioport_space;
    osm_id *pd_node;        /* [n_pds] */
    osm_id *ads;            /* [n_pds]: the PD's ADS */
    osm_id *mo;             /* [n_mrs] */
    bool failed;            /* ENOMEM seen */
} build;

/* Add a node whose ID is printf-formatted; on a clash, try ID~2, ID~3... */
static osm_id add_node(build *b, osm_kind kind, const char *data, const char *extra,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static osm_id add_node(build *b, osm_kind kind, const char *data, const char *extra,
                       const char *fmt, ...)
{
    char *id = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&id, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return OSM_NONE;
    }
    osm_id node = osm_store_add_node(b->s, kind, id, data, extra);
    for (unsigned k = 2; node == OSM_NONE && errno == EEXIST && k < 1000; k++) {
        char *alt = NULL;
        if (asprintf(&alt, "%s~%u", id, k) < 0)
            break;
        node = osm_store_add_node(b->s, kind, alt, data, extra);
        free(alt);
    }
    free(id);
    if (node == OSM_NONE)
        b->failed = true;
    return node;
}

static void add_edge(build *b, osm_edge_kind kind, osm_id from, osm_id to, uint8_t perms,
                     const char *extra)
{
    if (from == OSM_NONE || to == OSM_NONE ||
        osm_store_add_edge(b->s, kind, from, to, perms, OSM_NONE, extra) == OSM_NONE)
        b->failed = true;
}

/* HOLD from -> to with at least `perms` (an existing hold is widened). */
static void hold(build *b, osm_id from, osm_id to, uint8_t perms)
{
    osm_id e = osm_store_find_edge(b->s, OSM_HOLD, from, to, OSM_NONE);
    if (e == OSM_NONE) {
        add_edge(b, OSM_HOLD, from, to, perms, NULL);
        return;
    }
    osm_edge old;
    osm_store_edge(b->s, e, &old);
    osm_edge_set_perms(b->s, e, old.perms | perms);
}

/* A space of `type`, held by the kernel (it owns every pool). */
static osm_id space(build *b, const char *type, const char *extra, const char *id)
{
    osm_id n = add_node(b, OSM_SPACE, type, extra, "%s", id);
    if (n != OSM_NONE)
        add_edge(b, OSM_HOLD, b->kernel, n, 0, NULL);
    return n;
}

static uint8_t map_perms(uint8_t p)
{
    return (uint8_t)(((p & SDF_R) ? OSM_PERM_R : 0) | ((p & SDF_W) ? OSM_PERM_W : 0) |
                     ((p & SDF_X) ? OSM_PERM_X : 0));
}

static unsigned size_bits(uint64_t page_size)
{
    return page_size == 0x200000 ? 21 : 12;
}

static void build_mrs(build *b)
{
    for (size_t i = 0; i < b->sys->n_mrs; i++) {
        const sdf_mr *mr = &b->sys->mrs[i];
        char extra[64];
        snprintf(extra, sizeof(extra), "0x%llx_%llu_%u", (unsigned long long)mr->phys_addr,
                 (unsigned long long)(mr->size / mr->page_size), size_bits(mr->page_size));
        osm_id *pool = mr->has_phys ? &b->device : &b->phys;
        if (*pool == OSM_NONE)
            *pool = space(b, "MO", mr->has_phys ? "device memory" : "physical memory",
                          mr->has_phys ? "SPACE_device_mem" : "SPACE_phys_mem");
        b->mo[i] = add_node(b, OSM_RESOURCE, "MO", extra, "MO_%s", mr->name);
        add_edge(b, OSM_SUBSET, b->mo[i], *pool, 0, NULL);
        add_edge(b, OSM_HOLD, b->kernel, b->mo[i], 0, NULL);
    }
}

/* Each map: a VMR in `ads`, held by `pd` with the map's perms and MAPped
 * to the MO; the ADS maps to the MO's pool. */
static void build_maps(build *b, osm_id pd, osm_id ads, const char *owner, const sdf_map *maps,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sdf_map *m = &maps[i];
        const sdf_mr *mr = &b->sys->mrs[m->mr_index];
        char extra[96];
        snprintf(extra, sizeof(extra), "0x%llx_SDF_MAP_%llu_%u", (unsigned long long)m->vaddr,
                 (unsigned long long)(mr->size / mr->page_size), size_bits(mr->page_size));
        osm_id vmr = add_node(b, OSM_RESOURCE, "VMR", extra, "VMR_%s_0x%llx", owner,
                              (unsigned long long)m->vaddr);
        uint8_t perms = map_perms(m->perms);
        add_edge(b, OSM_SUBSET, vmr, ads, 0, NULL);
        add_edge(b, OSM_HOLD, pd, vmr, perms, m->cached ? NULL : "uncached");
        add_edge(b, OSM_MAP, vmr, b->mo[m->mr_index], perms, NULL);
        osm_id pool = mr->has_phys ? b->device : b->phys;
        if (osm_store_find_edge(b->s, OSM_MAP, ads, pool, OSM_NONE) == OSM_NONE)
            add_edge(b, OSM_MAP, ads, pool, 0, NULL);
    }
}

/* The PD's EXTRA: its scheduling attributes and, when the image file is
 * found next to the SDF, the image's size. */
static void pd_extra(const build *b, const sdf_pd *pd, char *buf, size_t n)
{
    int k = snprintf(buf, n, "priority=%llu budget=%llu period=%llu passive=%s cpu=%llu",
                     (unsigned long long)pd->priority, (unsigned long long)pd->budget,
                     (unsigned long long)pd->period, pd->passive ? "true" : "false",
                     (unsigned long long)pd->cpu);
    if (pd->domain && k > 0 && (size_t)k < n)
        k += snprintf(buf + k, n - (size_t)k, " domain=%s", pd->domain);
    struct stat st;
    char *path = NULL;
    if (b->o && b->o->image_dir && k > 0 && (size_t)k < n &&
        asprintf(&path, "%s/%s", b->o->image_dir, pd->program_image) >= 0 &&
        stat(path, &st) == 0 && S_ISREG(st.st_mode))
        snprintf(buf + k, n - (size_t)k, " image_size=%lld", (long long)st.st_size);
    free(path);
}

static void build_vm(build *b, osm_id vmm, const sdf_vm *vm)
{
    char extra[160];
    snprintf(extra, sizeof(extra), "virtual_machine priority=%llu budget=%llu period=%llu",
             (unsigned long long)vm->priority, (unsigned long long)vm->budget,
             (unsigned long long)vm->period);
    osm_id node = add_node(b, OSM_PD, vm->name, extra, "VM_%s", vm->name);
    add_edge(b, OSM_HOLD, vmm, node, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, NULL);
    char owner[300];
    snprintf(owner, sizeof(owner), "VM_%s", vm->name);
    osm_id ads = add_node(b, OSM_SPACE, "ADS", "guest physical", "ADS_VM_%s", vm->name);
    add_edge(b, OSM_HOLD, node, ads, 0, NULL);
    add_edge(b, OSM_HOLD, b->kernel, ads, 0, NULL);
    build_maps(b, node, ads, owner, vm->maps, vm->n_maps);
    if (b->vcpu_space == OSM_NONE)
        b->vcpu_space = space(b, "VCPU", NULL, "SPACE_vcpu");
    for (size_t i = 0; i < vm->n_vcpus; i++) {
        snprintf(extra, sizeof(extra), "cpu=%llu", (unsigned long long)vm->vcpus[i].cpu);
        osm_id v = add_node(b, OSM_RESOURCE, "VCPU", extra, "VCPU_%s_%llu", vm->name,
                            (unsigned long long)vm->vcpus[i].id);
        add_edge(b, OSM_SUBSET, v, b->vcpu_space, 0, NULL);
        add_edge(b, OSM_HOLD, node, v, 0, NULL);
        add_edge(b, OSM_HOLD, vmm, v, 0, NULL);     /* the VMM runs and inspects it */
    }
}

static void build_pd_resources(build *b, size_t i)
{
    const sdf_pd *pd = &b->sys->pds[i];
    osm_id node = b->pd_node[i];
    char extra[96];
    build_maps(b, node, b->ads[i], pd->name, pd->maps, pd->n_maps);
    for (size_t k = 0; k < pd->n_irqs; k++) {
        const sdf_irq *q = &pd->irqs[k];
        static const char *const kinds[] = { "arm", "ioapic", "msi" };
        if (b->irq_space == OSM_NONE)
            b->irq_space = space(b, "IRQ", NULL, "SPACE_irq");
        snprintf(extra, sizeof(extra), "id=%lld kind=%s trigger=%s", (long long)q->id,
                 kinds[q->kind], q->edge ? "edge" : "level");
        osm_id r = add_node(b, OSM_RESOURCE, "IRQ", extra, "IRQ_%llu",
                            (unsigned long long)q->number);
        add_edge(b, OSM_SUBSET, r, b->irq_space, 0, NULL);
        add_edge(b, OSM_HOLD, node, r, 0, NULL);
    }
    for (size_t k = 0; k < pd->n_ioports; k++) {
        const sdf_ioport *io = &pd->ioports[k];
        if (b->ioport_space == OSM_NONE)
            b->ioport_space = space(b, "IOPORT", NULL, "SPACE_ioport");
        snprintf(extra, sizeof(extra), "0x%llx+%lld", (unsigned long long)io->addr,
                 (long long)io->size);
        osm_id r = add_node(b, OSM_RESOURCE, "IOPORT", extra, "IOPORT_%s_%lld", pd->name,
                            (long long)io->id);
        add_edge(b, OSM_SUBSET, r, b->ioport_space, 0, NULL);
        add_edge(b, OSM_HOLD, node, r, 0, NULL);
    }
    if (pd->vm)
        build_vm(b, node, pd->vm);
}

/* A cap to another PD's TCB, SC or VSpace in a PD's cspace is control over
 * that PD: a TCB cap is full control (RWT), a VSpace cap lets it read and
 * change the address space (RW), an SC cap only starves it (T). */
static void build_caps(build *b, size_t i)
{
    static const uint8_t perms[] = { OSM_PERM_R | OSM_PERM_W | OSM_PERM_T,
                                     OSM_PERM_T, OSM_PERM_R | OSM_PERM_W };
    const sdf_pd *pd = &b->sys->pds[i];
    for (size_t k = 0; k < pd->n_caps; k++)
        if (pd->caps[k].pd_index != (int)i)
            hold(b, b->pd_node[i], b->pd_node[pd->caps[k].pd_index], perms[pd->caps[k].type]);
}

static void build_channels(build *b)
{
    const sdf_system *sys = b->sys;
    osm_id *ppc = calloc(sys->n_pds ? sys->n_pds : 1, sizeof(*ppc));
    if (!ppc) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < sys->n_pds; i++)
        ppc[i] = OSM_NONE;
    for (size_t i = 0; i < sys->n_channels; i++) {
        const sdf_channel *ch = &sys->channels[i];
        if (b->ntfn_space == OSM_NONE)
            b->ntfn_space = space(b, "NOTIFICATION", NULL, "SPACE_notification");
        const sdf_end *e0 = &ch->end[0], *e1 = &ch->end[1];
        osm_id n = add_node(b, OSM_RESOURCE, "NOTIFICATION", NULL, "NTFN_%s.%lld_%s.%lld",
                            sys->pds[e0->pd].name, (long long)e0->id, sys->pds[e1->pd].name,
                            (long long)e1->id);
        add_edge(b, OSM_SUBSET, n, b->ntfn_space, 0, NULL);
        for (int k = 0; k < 2; k++) {
            const sdf_end *e = &ch->end[k], *other = &ch->end[1 - k];
            char extra[96];
            snprintf(extra, sizeof(extra), "id=%lld notify=%s pp=%s", (long long)e->id,
                     e->notify ? "true" : "false", e->pp ? "true" : "false");
            add_edge(b, OSM_HOLD, b->pd_node[e->pd], n, OSM_PERM_R | OSM_PERM_W, extra);
            if (!e->pp)
                continue;
            /* A PPC client requests service from the server, which holds
             * its entry point as a space of type PPC (rule 4). */
            if (ppc[other->pd] == OSM_NONE) {
                ppc[other->pd] = add_node(b, OSM_SPACE, "PPC", "protected procedure entry",
                                          "PPC_%s", sys->pds[other->pd].name);
                add_edge(b, OSM_HOLD, b->kernel, ppc[other->pd], 0, NULL);
            }
            osm_id from = b->pd_node[e->pd], to = b->pd_node[other->pd];
            if (osm_store_find_edge(b->s, OSM_REQUEST, from, to, OSM_NONE) == OSM_NONE &&
                osm_store_add_edge(b->s, OSM_REQUEST, from, to, 0,
                                   osm_store_intern(b->s, "PPC", 3), NULL) == OSM_NONE)
                b->failed = true;
        }
    }
    for (size_t i = 0; i < sys->n_pds; i++)
        if (ppc[i] != OSM_NONE)
            add_edge(b, OSM_HOLD, b->pd_node[i], ppc[i], 0, NULL);
    free(ppc);
}

int sdf_model_build(const sdf_system *sys, const sdf_model_opts *o, osm_store *s)
{
    build b = { .s = s, .sys = sys, .o = o, .phys = OSM_NONE, .device = OSM_NONE,
                .irq_space = OSM_NONE, .ntfn_space = OSM_NONE, .vcpu_space = OSM_NONE,
                .ioport_space = OSM_NONE };
    size_t np = sys->n_pds ? sys->n_pds : 1, nm = sys->n_mrs ? sys->n_mrs : 1;
    b.pd_node = calloc(np, sizeof(osm_id));
    b.ads = calloc(np, sizeof(osm_id));
    b.mo = calloc(nm, sizeof(osm_id));
    if (!b.pd_node || !b.ads || !b.mo)
        b.failed = true;
    if (!b.failed) {
        b.kernel = add_node(&b, OSM_PD, "sel4", "seL4 kernel", "PD_sel4");
        b.monitor = add_node(&b, OSM_PD, "monitor", "priority=255", "PD_monitor");
        add_edge(&b, OSM_HOLD, b.kernel, b.monitor, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, NULL);
        build_mrs(&b);
        char extra[1200];
        for (size_t i = 0; i < sys->n_pds && !b.failed; i++) {
            const sdf_pd *pd = &sys->pds[i];
            pd_extra(&b, pd, extra, sizeof(extra));
            b.pd_node[i] = add_node(&b, OSM_PD, pd->name, extra, "PD_%s", pd->name);
            osm_id ctl = pd->parent < 0 ? b.monitor : b.pd_node[pd->parent];
            add_edge(&b, OSM_HOLD, ctl, b.pd_node[i], OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, NULL);
            b.ads[i] = add_node(&b, OSM_SPACE, "ADS", NULL, "ADS_%s", pd->name);
            add_edge(&b, OSM_HOLD, b.kernel, b.ads[i], 0, NULL);
            add_edge(&b, OSM_HOLD, b.pd_node[i], b.ads[i], 0, NULL);
            build_pd_resources(&b, i);
        }
        for (size_t i = 0; i < sys->n_pds && !b.failed; i++)
            build_caps(&b, i);
        if (!b.failed)
            build_channels(&b);
    }
    free(b.pd_node);
    free(b.ads);
    free(b.mo);
    return b.failed ? -1 : 0;
}
