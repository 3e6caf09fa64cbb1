/*
 * SDF parser: the top level (<system>) and its other elements —
 * memory_region, channel, io_address_space, domains — and the entry point
 * sdf_parse().
 */
#include <stdlib.h>
#include <string.h>

#include "sdf_parse_internal.h"

void sdf_parse_mr(sdf_ctx *c, const sdf_elem *e)
{
    static const char *const attrs[] = { "name", "size", "page_size", "phys_addr",
                                         "prefill_path", "prefill_bootinfo", NULL };
    static const char *const bootinfo[] = { "x86_vbe", "x86_mbmmap", "x86_acpi_rsdp",
                                            "x86_framebuffer", "x86_tsc_freq", "fdt", NULL };
    sdf_check_attrs(c, e, attrs);
    sdf_mr *mr = SDF_PUSH(c, c->sys->mrs, c->sys->n_mrs);
    mr->loc = e->loc;
    mr->prefill_len = -1;
    mr->name = sdf_attr_req(c, e, "name");
    mr->page_size = 0x1000;
    mr->page_size_given = sdf_num_opt(c, e, "page_size", &mr->page_size);
    if (mr->page_size != 0x1000 && mr->page_size != 0x200000)
        sdf_fail_value(c, e, "page size 0x%llx not supported", (unsigned long long)mr->page_size);
    if ((mr->prefill_path = sdf_attr(e, "prefill_path"))) {
        const sdf_config *k = c->cfg;
        char why[256] = "";
        int64_t n = k->prefill_size ? k->prefill_size(k->prefill_ctx, mr->prefill_path, why,
                                                      sizeof why) : -1;
        if (n == -1)
            sdf_fail_value(c, e, "unable to find prefill file: '%s'", mr->prefill_path);
        if (n < 0)
            sdf_fail_value(c, e, "failed to read file '%s' at prefill_path%s%s",
                           mr->prefill_path, why[0] ? ": " : "", why);
        if (n == 0)
            sdf_fail_value(c, e, "prefill file '%s' is empty", mr->prefill_path);
        mr->prefill_len = n;
    }
    if ((mr->prefill_bootinfo = sdf_attr(e, "prefill_bootinfo"))) {
        const char *const *b = bootinfo;
        while (*b && strcmp(*b, mr->prefill_bootinfo))
            b++;
        if (!*b)
            sdf_fail_value(c, e, "BootInfoMap type: '%s' is not supported", mr->prefill_bootinfo);
    }
    if (mr->prefill_path && mr->prefill_bootinfo)
        sdf_fail_value(c, e, "prefill_path and prefill_bootinfo cannot be both specified");
    if (sdf_num_opt(c, e, "size", &mr->size)) {
        if (mr->size % mr->page_size)
            sdf_fail_value(c, e, "size is not a multiple of the page size");
        if (mr->prefill_len > 0 && (uint64_t)mr->prefill_len > mr->size)
            sdf_fail_value(c, e, "size of prefill file exceeds memory region size: %llx > %llx",
                           (unsigned long long)mr->prefill_len, (unsigned long long)mr->size);
    } else if (mr->prefill_len > 0) {
        uint64_t len = (uint64_t)mr->prefill_len;
        mr->size = (len + mr->page_size - 1) / mr->page_size * mr->page_size;
    } else if (mr->prefill_bootinfo) {
        mr->size = mr->page_size;
    } else {
        sdf_fail_value(c, e, "size must be specified if memory region is not prefilled");
    }
    if ((mr->has_phys = sdf_num_opt(c, e, "phys_addr", &mr->phys_addr)) &&
        mr->phys_addr % mr->page_size)
        sdf_fail_value(c, e, "phys_addr is not aligned to the page size");
}

static void parse_end(sdf_ctx *c, sdf_end *end, const sdf_elem *e)
{
    static const char *const attrs[] = { "pd", "id", "pp", "notify", "setvar_id", NULL };
    sdf_check_attrs(c, e, attrs);
    end->loc = e->loc;
    end->pd_name = sdf_attr_req(c, e, "pd");
    sdf_attr_req(c, e, "id");
    end->id = sdf_dec(c, e, sdf_attr(e, "id"));
    if (end->id > 61)
        sdf_fail_value(c, e, "id must be < 62");
    if (end->id < 0)
        sdf_fail_value(c, e, "id must be >= 0");
    end->notify = sdf_bool(c, e, "notify", true);
    end->pp = sdf_bool(c, e, "pp", false);
    end->pd = sdf_find_pd(c->sys, end->pd_name);
    if (end->pd < 0)
        sdf_fail_value(c, e, "invalid PD name '%s'", end->pd_name);
}

void sdf_parse_channel(sdf_ctx *c, const sdf_elem *e)
{
    static const char *const none[] = { NULL };
    sdf_check_attrs(c, e, none);
    sdf_channel ch = { .loc = e->loc };
    size_t n = 0;
    const sdf_elem *ends[2] = { 0 };
    for (const sdf_elem *k = e->first; k; k = k->next) {
        if (strcmp(k->name, "end"))
            sdf_fail(c, "Error: invalid XML element '%s': %s:%u:%u", k->name, c->file,
                     k->loc.line, k->loc.col);
        sdf_end end;
        parse_end(c, &end, k);
        if (n < 2) {
            ends[n] = k;
            ch.end[n] = end;
        }
        n++;
    }
    if (n != 2)
        sdf_fail_value(c, e, "exactly two end elements must be specified");
    if (ch.end[0].pp && ch.end[1].pp)
        sdf_fail_value(c, e, "cannot ppc bidirectionally");
    for (int i = 0; i < 2; i++) {
        const char *sym = sdf_attr(ends[i], "setvar_id");
        if (sym)
            sdf_add_symbol(c, &c->sys->pds[ch.end[i].pd], e, sym);
    }
    *SDF_PUSH(c, c->sys->channels, c->sys->n_channels) = ch;
}

static void parse_iomap(sdf_ctx *c, sdf_ioas *io, const sdf_elem *e)
{
    static const char *const attrs[] = { "mr", "iovaddr", "perms", NULL };
    sdf_check_attrs(c, e, attrs);
    sdf_iomap m = { .loc = e->loc, .mr_index = -1 };
    m.mr = sdf_attr_req(c, e, "mr");
    m.iovaddr = sdf_num(c, e, sdf_attr_req(c, e, "iovaddr"));
    if (m.iovaddr > 0x7fffffffffull)
        sdf_fail_value(c, e, "iovaddr (0x%llx) must be less than 0x8000000000",
                       (unsigned long long)m.iovaddr);
    const char *perms = sdf_attr(e, "perms");
    if (!perms)
        perms = "rw";
    for (const char *p = perms; *p; p++)
        m.perms |= *p == 'r' ? SDF_R : *p == 'w' ? SDF_W : 0x80;
    if (!m.perms || (m.perms & 0x80))
        sdf_fail_value(c, e, "perms for io mapped memory must only be a combination of 'r' and 'w'");
    *SDF_PUSH(c, io->maps, io->n_maps) = m;
}

void sdf_parse_ioas(sdf_ctx *c, const sdf_elem *e)
{
    static const char *const attrs[] = { "name", "domain_id", "peripheral_id", NULL };
    if (!c->cfg->iommu)
        sdf_fail(c, "Error: io address space requires seL4 to be built with IOMMU support: %s:%u:%u",
                 c->file, e->loc.line, e->loc.col);
    sdf_check_attrs(c, e, attrs);
    sdf_system *sys = c->sys;
    sdf_ioas io = { .loc = e->loc };
    io.name = sdf_attr_req(c, e, "name");
    for (size_t i = 0; i < sys->n_ioas; i++)
        if (!strcmp(sys->ioas[i].name, io.name))
            sdf_fail_value(c, e, "duplicate name '%s'", io.name);
    bool x86 = c->cfg->arch == SDF_X86_64;
    if (x86) {
        io.domain_id = sdf_num(c, e, sdf_attr_req(c, e, "domain_id"));
        for (size_t i = 0; i < sys->n_ioas; i++)
            if (sys->ioas[i].domain_id == io.domain_id)
                sdf_fail_value(c, e, "reusing a domain id is forbidden");
    }
    const char *pid = sdf_attr_req(c, e, "peripheral_id");
    if (!x86)
        sdf_fail_value(c, e, "failed to parse device peripheral_id '%s': IOMMU device "
                       "identifiers are not supported on %s", pid, sdf_arch_display(c->cfg->arch));
    const char *why = sdf_pci_parse(pid, &io.bus, &io.dev, &io.fn);
    if (why)
        sdf_fail_value(c, e, "failed to parse device peripheral_id '%s': %s", pid, why);
    for (size_t i = 0; i < sys->n_ioas; i++)
        if (sys->ioas[i].bus == io.bus && sys->ioas[i].dev == io.dev && sys->ioas[i].fn == io.fn)
            sdf_fail_value(c, e, "duplicate device peripheral_id 'PCI device %02x:%02x.%x'",
                           io.bus, io.dev, io.fn);
    for (const sdf_elem *k = e->first; k; k = k->next) {
        if (strcmp(k->name, "iomap"))
            sdf_fail(c, "Error: invalid XML element '%s': %s:%u:%u", k->name, c->file,
                     k->loc.line, k->loc.col);
        parse_iomap(c, &io, k);
    }
    *SDF_PUSH(c, sys->ioas, sys->n_ioas) = io;
}

/* One <system>, in document order; channels wait for every PD. */
static void parse_system(sdf_ctx *c, const sdf_elem *root)
{
    if (strcmp(root->name, "system"))
        sdf_fail_at(c, root->loc, "the root element is '%s', not 'system'", root->name);
    for (const sdf_elem *k = root->first; k; k = k->next) {
        if (!k->name)
            sdf_fail_at(c, k == root->first ? root->loc : k->loc,
                        "unexpected text found in element '%s'", k == root->first ? "system" : "");
        else if (!strcmp(k->name, "protection_domain"))
            sdf_parse_pd(c, k, -1);
        else if (!strcmp(k->name, "memory_region"))
            sdf_parse_mr(c, k);
        else if (!strcmp(k->name, "channel"))
            *SDF_PUSH(c, c->channel_elems, c->n_channel_elems) = (sdf_elem *)k;
        else if (!strcmp(k->name, "io_address_space"))
            sdf_parse_ioas(c, k);
        else if (!strcmp(k->name, "domains"))
            sdf_parse_domains(c, k);
        else if (!strcmp(k->name, "virtual_machine"))
            sdf_fail(c, "Error: virtual machine must be a child of a protection domain: %s:%u:%u",
                     c->file, k->loc.line, k->loc.col);
        else
            sdf_fail(c, "Error: invalid XML element '%s': %s:%u:%u", k->name, c->file,
                     k->loc.line, k->loc.col);
    }
}

int sdf_parse(const char *buf, size_t len, const char *file, const sdf_config *cfg,
              sdf_system *out, char **err)
{
    memset(out, 0, sizeof(*out));
    *err = NULL;
    out->file = file;
    if (!(out->arena = sdf_arena_new())) {
        *err = strdup("Error: out of memory");
        return -1;
    }
    char *xml_err = NULL;
    sdf_elem *root = sdf_xml_tree(out->arena, buf, len, file, &xml_err);
    if (!root) {
        *err = strdup(xml_err ? xml_err : "Error: out of memory");
        return -1;
    }
    /* Only *err and the arena change between setjmp and longjmp, and
     * neither lives in this frame, so nothing here needs `volatile`. */
    sdf_ctx c = { .a = out->arena, .cfg = cfg, .sys = out, .file = file, .errp = err };
    if (setjmp(c.fail)) {
        if (!*err)
            *err = strdup("Error: out of memory");
        return -1;
    }
    parse_system(&c, root);
    sdf_validate_children(&c);
    for (size_t i = 0; i < c.n_channel_elems; i++)      /* they name PDs: now all known */
        sdf_parse_channel(&c, c.channel_elems[i]);
    sdf_validate(&c);
    return 0;
}

void sdf_system_free(sdf_system *sys)
{
    sdf_arena_free(sys->arena);
    memset(sys, 0, sizeof(*sys));
}
