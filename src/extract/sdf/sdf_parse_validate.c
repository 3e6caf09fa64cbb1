/*
 * SDF parser: the global checks that run after every element has been read,
 * in the Microkit tool's order (SDF-REFERENCE.md §4; docs/sdf.md), and the
 * page-size optimisation.  Pairwise checks are quadratic: an SDF holds at
 * most 63 PDs in Microkit, so simplicity wins over an index here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdf_parse_internal.h"

#define ULL(x) ((unsigned long long)(x))

static void check_child_ids(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_pds; i++) {
        const sdf_pd *pd = &s->pds[i];
        if (pd->parent < 0)
            continue;
        const sdf_pd *par = &s->pds[pd->parent];
        for (size_t j = (size_t)pd->parent + 1; j < i; j++)
            if (s->pds[j].parent == pd->parent && s->pds[j].id == pd->id)
                sdf_fail_at(c, pd->loc, "duplicate id: %llu in protection domain: '%s'",
                            ULL(pd->id), par->name);
        for (size_t v = 0; par->vm && v < par->vm->n_vcpus; v++)
            if (par->vm->vcpus[v].id == pd->id)
                sdf_fail_at(c, pd->loc, "duplicate id: %llu clashes with virtual machine vcpu id "
                            "in protection domain: '%s'", ULL(pd->id), par->name);
    }
}

static void resolve_caps(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_pds; i++)
        for (size_t k = 0; k < s->pds[i].n_caps; k++) {
            sdf_cap *cap = &s->pds[i].caps[k];
            if ((cap->pd_index = sdf_find_pd(s, cap->pd)) < 0)
                sdf_fail(c, "Error: unknown PD name '%s': %s:%u:%u", cap->pd, c->file,
                         cap->loc.line, cap->loc.col);
        }
}

static void check_names(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    if (s->n_pds == 0)
        sdf_fail(c, "Error: at least one protection domain must be defined");
    if (s->n_pds > c->cfg->max_pds)
        sdf_fail(c, "Error: too many protection domains (%zu) defined. Maximum is %u.", s->n_pds,
                 c->cfg->max_pds);
    for (size_t i = 0; i < s->n_pds; i++) {
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->pds[i].name, s->pds[j].name))
                sdf_fail_at(c, s->pds[i].loc, "duplicate protection domain name '%s'.",
                            s->pds[i].name);
        if (!strcmp(s->pds[i].name, "monitor"))
            sdf_fail_at(c, s->pds[i].loc,
                        "the PD name 'monitor' is reserved for the Microkit Monitor.");
    }
    for (size_t i = 0; i < s->n_mrs; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->mrs[i].name, s->mrs[j].name))
                sdf_fail_at(c, s->mrs[i].loc, "duplicate memory region name '%s'.",
                            s->mrs[i].name);
    for (size_t i = 0; i < s->n_pds; i++) {
        const sdf_pd *pd = &s->pds[i];
        for (size_t j = 0; pd->vm && j < i; j++)
            if (s->pds[j].vm && !strcmp(s->pds[j].vm->name, pd->vm->name))
                sdf_fail_at(c, pd->vm->loc, "duplicate virtual machine name '%s'.", pd->vm->name);
        if (pd->vm && c->cfg->arch == SDF_X86_64)
            for (size_t j = i + 1; j < s->n_pds; j++)
                if (s->pds[j].parent == (int)i)
                    sdf_fail(c, "Error: It is not possible for PD '%s' with a bound vCPU to have "
                             "children on x86_64: %s:%u:%u", pd->name, c->file, pd->loc.line,
                             pd->loc.col);
    }
}

static void check_irqs(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_pds; i++)
        for (size_t k = 0; k < s->pds[i].n_irqs; k++)
            for (size_t j = 0; j <= i; j++)
                for (size_t l = 0; l < (j == i ? k : s->pds[j].n_irqs); l++)
                    if (s->pds[j].irqs[l].number == s->pds[i].irqs[k].number)
                        sdf_fail_at(c, s->pds[i].loc, "duplicate irq: %llu in protection domain: '%s'",
                                    ULL(s->pds[i].irqs[k].number), s->pds[i].name);
    for (size_t i = 0; i < s->n_pds; i++) {
        const sdf_pd *pd = &s->pds[i];
        for (size_t k = 0; k < pd->n_irqs; k++)
            for (size_t l = 0; l < k; l++)
                if (pd->irqs[l].id == pd->irqs[k].id)
                    sdf_fail_at(c, pd->loc, "duplicate channel id: %lld in protection domain: '%s'",
                                (long long)pd->irqs[k].id, pd->name);
    }
}

/* Is `id` already used in PD `pdi` by an irq or by an end of an earlier
 * channel (or the first end of this one)? */
static bool channel_id_used(const sdf_system *s, int pdi, int64_t id, size_t ch, int end)
{
    const sdf_pd *pd = &s->pds[pdi];
    for (size_t k = 0; k < pd->n_irqs; k++)
        if (pd->irqs[k].id == id)
            return true;
    for (size_t i = 0; i <= ch; i++)
        for (int e = 0; e < (i == ch ? end : 2); e++)
            if (s->channels[i].end[e].pd == pdi && s->channels[i].end[e].id == id)
                return true;
    return false;
}

static void check_channels(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_channels; i++) {
        const sdf_channel *ch = &s->channels[i];
        for (int e = 0; e < 2; e++) {
            const sdf_pd *pd = &s->pds[ch->end[e].pd];
            if (channel_id_used(s, ch->end[e].pd, ch->end[e].id, i, e))
                sdf_fail_at(c, pd->loc, "duplicate channel id: %lld in protection domain: '%s'",
                            (long long)ch->end[e].id, pd->name);
        }
        for (int e = 0; e < 2; e++) {
            if (!ch->end[e].pp)
                continue;
            const sdf_pd *from = &s->pds[ch->end[e].pd], *to = &s->pds[ch->end[1 - e].pd];
            if (from->priority >= to->priority)
                sdf_fail_at(c, ch->loc, "PPCs must be to protection domains of strictly higher "
                            "priorities; channel with PPC exists from pd %s (priority: %llu) to pd "
                            "%s (priority: %llu)", from->name, ULL(from->priority), to->name,
                            ULL(to->priority));
            if (to->vm && c->cfg->arch == SDF_X86_64)
                sdf_fail_at(c, ch->loc, "It is not possible to PPC to PD '%s' with a bound vCPU "
                            "from PD '%s' on x86_64", to->name, from->name);
        }
    }
}

static void check_ioports(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_pds; i++) {
        const sdf_pd *pd = &s->pds[i];
        for (size_t k = 0; k < pd->n_ioports; k++)
            for (size_t l = 0; l < k; l++)
                if (pd->ioports[l].id == pd->ioports[k].id)
                    sdf_fail_at(c, pd->loc, "duplicate I/O port id: %lld in protection domain: '%s'",
                                (long long)pd->ioports[k].id, pd->name);
    }
    for (size_t i = 0; i < s->n_pds; i++)
        for (size_t k = 0; k < s->pds[i].n_ioports; k++) {
            const sdf_ioport *a = &s->pds[i].ioports[k];
            uint64_t a_end = a->addr + (uint64_t)a->size;
            for (size_t j = 0; j <= i; j++)
                for (size_t l = 0; l < (j == i ? k : s->pds[j].n_ioports); l++) {
                    const sdf_ioport *b = &s->pds[j].ioports[l];
                    uint64_t b_end = b->addr + (uint64_t)b->size;
                    if (a->addr < b_end && b->addr < a_end)
                        sdf_fail(c, "Error: I/O port id: %lld, half-open range: [0x%llx, 0x%llx) in "
                                 "protection domain: '%s' @ %s:%u:%u overlaps with I/O port id: "
                                 "%lld, half-open range: [0x%llx, 0x%llx) in protection domain: "
                                 "'%s' @ %s:%u:%u", (long long)a->id, ULL(a->addr), ULL(a_end),
                                 s->pds[i].name, c->file, a->loc.line, a->loc.col,
                                 (long long)b->id, ULL(b->addr), ULL(b_end), s->pds[j].name,
                                 c->file, b->loc.line, b->loc.col);
                }
        }
}

/* One address space's mappings: alignment, overflow, bound, overlap.
 * `what` is "map"/"iomap", `range` "virtual"/"io", `space` names the space. */
typedef struct span { const char *mr; uint64_t start, end; } span;

static void check_space(sdf_ctx *c, const char *what, const char *range, const char *space,
                        uint64_t bound, size_t n, const char *const *mrs, const uint64_t *addrs,
                        const sdf_loc *locs, int *mr_index)
{
    span *seen = sdf_arena_alloc(c->a, (n ? n : 1) * sizeof(*seen));
    if (!seen)
        sdf_fail(c, "Error: out of memory");
    for (size_t i = 0; i < n; i++) {
        int m = sdf_find_mr(c->sys, mrs[i]);
        if (m < 0)
            sdf_fail_at(c, locs[i], "invalid memory region name '%s' on '%s'", mrs[i], what);
        mr_index[i] = m;
        sdf_mr *mr = &c->sys->mrs[m];
        mr->used = true;
        uint64_t start = addrs[i], end = start + mr->size;
        if (start % mr->page_size)
            sdf_fail_at(c, locs[i], "invalid vaddr alignment on '%s'", what);
        if (end < start)
            sdf_fail_at(c, locs[i], "%s for '%s' has address range that overflows", what, mrs[i]);
        if (end > bound)
            sdf_fail_at(c, locs[i], "%s for '%s' has %s address range [0x%llx..0x%llx) which "
                        "exceeds valid address space [0x0..0x%llx)", what, mrs[i], range,
                        ULL(start), ULL(end), ULL(bound));
        for (size_t j = 0; j < i; j++)
            if (start < seen[j].end && seen[j].start < end)
                sdf_fail_at(c, locs[i], "map for '%s' has %s address range [0x%llx..0x%llx) which "
                            "overlaps with map for '%s' [0x%llx..0x%llx) in %s", mrs[i], range,
                            ULL(start), ULL(end), seen[j].mr, ULL(seen[j].start),
                            ULL(seen[j].end), space);
        seen[i] = (span){ mrs[i], start, end };
    }
}

/* Gather a map array into the parallel arrays check_space reads. */
static void check_maps(sdf_ctx *c, const char *space, uint64_t bound, sdf_map *maps, size_t n)
{
    const char **mrs = sdf_arena_alloc(c->a, (n + 1) * sizeof(*mrs));
    uint64_t *addrs = sdf_arena_alloc(c->a, (n + 1) * sizeof(*addrs));
    sdf_loc *locs = sdf_arena_alloc(c->a, (n + 1) * sizeof(*locs));
    int *idx = sdf_arena_alloc(c->a, (n + 1) * sizeof(*idx));
    if (!mrs || !addrs || !locs || !idx)
        sdf_fail(c, "Error: out of memory");
    for (size_t i = 0; i < n; i++)
        mrs[i] = maps[i].mr, addrs[i] = maps[i].vaddr, locs[i] = maps[i].loc;
    check_space(c, "map", "virtual", space, bound, n, mrs, addrs, locs, idx);
    for (size_t i = 0; i < n; i++)
        maps[i].mr_index = idx[i];
}

static void check_all_maps(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    char space[600];
    for (size_t i = 0; i < s->n_pds; i++) {
        sdf_pd *pd = &s->pds[i];
        uint64_t bound = (c->cfg->vspace_user_top & ~0xfffull) - 0x1000 - pd->stack_size;
        snprintf(space, sizeof(space), "protection domain '%s'", pd->name);
        check_maps(c, space, bound, pd->maps, pd->n_maps);
        if (pd->vm) {
            snprintf(space, sizeof(space), "virtual machine '%s'", pd->vm->name);
            check_maps(c, space, c->cfg->vspace_user_top + 1, pd->vm->maps, pd->vm->n_maps);
        }
    }
    for (size_t i = 0; i < s->n_ioas; i++)
        for (size_t k = 0; k < s->ioas[i].n_maps; k++) {
            sdf_iomap *m = &s->ioas[i].maps[k];
            if ((m->mr_index = sdf_find_mr(s, m->mr)) < 0)
                sdf_fail_at(c, m->loc, "invalid memory region name '%s' on 'iomap'", m->mr);
            s->mrs[m->mr_index].iomapped = true;
            if (s->mrs[m->mr_index].page_size != 0x1000)
                sdf_fail(c, "Error: currently seL4 does not have large page support for the IOMMU"
                         " @ %s:%u:%u", c->file, m->loc.line, m->loc.col);
        }
    for (size_t i = 0; i < s->n_ioas; i++) {
        sdf_ioas *io = &s->ioas[i];
        size_t n = io->n_maps;
        const char **mrs = sdf_arena_alloc(c->a, (n + 1) * sizeof(*mrs));
        uint64_t *addrs = sdf_arena_alloc(c->a, (n + 1) * sizeof(*addrs));
        sdf_loc *locs = sdf_arena_alloc(c->a, (n + 1) * sizeof(*locs));
        int *idx = sdf_arena_alloc(c->a, (n + 1) * sizeof(*idx));
        if (!mrs || !addrs || !locs || !idx)
            sdf_fail(c, "Error: out of memory");
        for (size_t k = 0; k < n; k++)
            mrs[k] = io->maps[k].mr, addrs[k] = io->maps[k].iovaddr, locs[k] = io->maps[k].loc;
        snprintf(space, sizeof(space), "PCI device %02x:%02x.%x", io->bus, io->dev, io->fn);
        check_space(c, "iomap", "io", space, 0x8000000000ull, n, mrs, addrs, locs, idx);
    }
}

static void check_cap_slots(sdf_ctx *c)
{
    static const char *const type_names[] = { "Tcb", "Sc", "VSpace" };
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_pds; i++) {
        const sdf_pd *pd = &s->pds[i];
        for (size_t k = 0; k < pd->n_caps; k++) {
            size_t first = 0;
            while (pd->caps[first].slot != pd->caps[k].slot)
                first++;
            if (first == k)
                continue;
            /* the tool lists every cap in that slot */
            char *msg = NULL, *next;
            if (asprintf(&msg, "Error: overlapping user caps in slot %llu of protection domain '%s':",
                         ULL(pd->caps[k].slot), pd->name) < 0)
                sdf_fail(c, "Error: out of memory");
            for (size_t l = 0; l < pd->n_caps; l++) {
                const sdf_cap *cap = &pd->caps[l];
                if (cap->slot != pd->caps[k].slot)
                    continue;
                if (asprintf(&next, "%s\n  type %s from '%s' at '%s:%u:%u'", msg,
                             type_names[cap->type], cap->pd, c->file, cap->loc.line,
                             cap->loc.col) < 0)
                    next = NULL;
                free(msg);
                if (!(msg = next))
                    sdf_fail(c, "Error: out of memory");
            }
            char *copy = sdf_arena_strdup(c->a, msg);
            free(msg);
            sdf_fail(c, "%s", copy ? copy : "Error: out of memory");
        }
    }
}

static void check_mrs(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_mrs; i++) {
        const sdf_mr *a = &s->mrs[i];
        for (size_t j = 0; a->has_phys && j < i; j++) {
            const sdf_mr *b = &s->mrs[j];
            if (b->has_phys && a->phys_addr < b->phys_addr + b->size &&
                b->phys_addr < a->phys_addr + a->size)
                sdf_fail_at(c, a->loc, "memory region '%s' physical address range [0x%llx..0x%llx) "
                            "overlaps with another memory region '%s' [0x%llx..0x%llx)", a->name,
                            ULL(a->phys_addr), ULL(a->phys_addr + a->size), b->name,
                            ULL(b->phys_addr), ULL(b->phys_addr + b->size));
        }
    }
    for (size_t i = 0; i < s->n_mrs; i++)
        if (!s->mrs[i].used) {
            char *w = sdf_arena_alloc(c->a, strlen(s->mrs[i].name) + 40);
            if (!w)
                sdf_fail(c, "Error: out of memory");
            sprintf(w, "WARNING: unused memory region '%s'", s->mrs[i].name);
            *SDF_PUSH(c, s->warnings, s->n_warnings) = w;
        }
}

/* Raise an MR's page size to 2 MiB when nothing forbids it (not an error;
 * the tool does it after the checks above). */
static void optimise_page_sizes(sdf_system *s)
{
    const uint64_t big = 0x200000;
    for (size_t m = 0; m < s->n_mrs; m++) {
        sdf_mr *mr = &s->mrs[m];
        bool ok = !mr->page_size_given && !mr->iomapped && mr->size % big == 0 &&
                  (!mr->has_phys || mr->phys_addr % big == 0);
        for (size_t i = 0; ok && i < s->n_pds; i++) {
            const sdf_pd *pd = &s->pds[i];
            for (size_t k = 0; ok && k < pd->n_maps; k++)
                ok = pd->maps[k].mr_index != (int)m || pd->maps[k].vaddr % big == 0;
            for (size_t k = 0; ok && pd->vm && k < pd->vm->n_maps; k++)
                ok = pd->vm->maps[k].mr_index != (int)m || pd->vm->maps[k].vaddr % big == 0;
        }
        if (ok)
            mr->page_size = big;
    }
}

static void check_setvars(sdf_ctx *c)
{
    sdf_system *s = c->sys;
    for (size_t i = 0; i < s->n_pds; i++)
        for (size_t k = 0; k < s->pds[i].n_maps; k++) {
            const sdf_map *m = &s->pds[i].maps[k];
            if (m->setvar_prefill_size && !s->mrs[m->mr_index].prefill_path)
                sdf_fail(c, "Error: 'setvar_prefill_size' used for MR without a `prefill_path` @ "
                         "'%s' %s:%u:%u", m->mr, c->file, m->loc.line, m->loc.col);
        }
    if (c->cfg->arch != SDF_X86_64)
        return;
    for (size_t i = 0; i < s->n_pds; i++)
        for (size_t k = 0; k < s->pds[i].n_setvars; k++) {
            const sdf_setvar *v = &s->pds[i].setvars[k];
            int m = sdf_find_mr(s, v->region_paddr);
            if (m >= 0 && !s->mrs[m].has_phys)
                sdf_fail(c, "Error: setvar with 'region_paddr' for MR without a specified paddr "
                         "is unsupported on x86-64 @ '%s' %s:%u:%u", v->region_paddr, c->file,
                         v->loc.line, v->loc.col);
        }
}

void sdf_validate_children(sdf_ctx *c)
{
    check_child_ids(c);
}

void sdf_validate(sdf_ctx *c)
{
    resolve_caps(c);
    check_names(c);
    check_irqs(c);
    check_channels(c);
    check_ioports(c);
    check_all_maps(c);
    check_cap_slots(c);
    check_mrs(c);
    optimise_page_sizes(c->sys);
    check_setvars(c);
}
