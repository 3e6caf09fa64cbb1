/*
 * SDF parser: <protection_domain> and everything inside it (program_image,
 * map, irq, ioport, setvar, virtual_machine, cspace, child PDs), with the
 * Microkit tool's checks in its order (docs/sdf.md).
 *
 * PDs are stored in sys->pds, which grows while children are parsed, so the
 * code holds PD indices, never pointers, across a recursive call.
 */
#include <string.h>

#include "sdf_parse_internal.h"

#define PD(c, i) (&(c)->sys->pds[(i)])

static const char *const map_attrs[] = { "mr", "vaddr", "perms", "cached", "setvar_vaddr",
                                         "setvar_size", "setvar_prefill_size", NULL };
static const char *const vm_map_attrs[] = { "mr", "vaddr", "perms", "cached", NULL };

/* Parse a <map>; `bound` is the exclusive upper limit for vaddr. */
static sdf_map parse_map(sdf_ctx *c, const sdf_elem *e, bool in_vm, uint64_t bound)
{
    sdf_check_attrs(c, e, in_vm ? vm_map_attrs : map_attrs);
    sdf_map m = { .loc = e->loc, .mr_index = -1 };
    m.mr = sdf_attr_req(c, e, "mr");
    m.vaddr = sdf_num(c, e, sdf_attr_req(c, e, "vaddr"));
    if (m.vaddr >= bound)
        sdf_fail_value(c, e, "vaddr (0x%llx) must be less than 0x%llx",
                       (unsigned long long)m.vaddr, (unsigned long long)bound);
    const char *perms = sdf_attr(e, "perms");
    if (!perms)
        perms = "rw";
    for (const char *p = perms; *p; p++) {
        if (*p == 'r')
            m.perms |= SDF_R;
        else if (*p == 'w')
            m.perms |= SDF_W;
        else if (*p == 'x')
            m.perms |= SDF_X;
        else
            sdf_fail_value(c, e, "perms must only be a combination of 'r', 'w', and 'x'");
    }
    if (m.perms == SDF_W)
        sdf_fail_value(c, e, "perms must not be 'w', write-only mappings are not allowed");
    m.cached = sdf_bool(c, e, "cached", true);
    m.setvar_prefill_size = sdf_attr(e, "setvar_prefill_size");
    return m;
}

/* The id of an <irq>, <ioport> or channel <end>: decimal, 0..61. */
static int64_t small_id(sdf_ctx *c, const sdf_elem *e)
{
    int64_t id = sdf_dec(c, e, sdf_attr_req(c, e, "id"));
    if (id > 61)
        sdf_fail_value(c, e, "id must be < 62");
    if (id < 0)
        sdf_fail_value(c, e, "id must be >= 0");
    return id;
}

static bool parse_trigger_edge(sdf_ctx *c, const sdf_elem *e)
{
    const char *t = sdf_attr(e, "trigger");
    if (!t || !strcmp(t, "level"))
        return false;
    if (!strcmp(t, "edge"))
        return true;
    sdf_fail_value(c, e, "trigger must be either 'level' or 'edge'");
}

static uint64_t parse_vector(sdf_ctx *c, const sdf_elem *e)
{
    int64_t v = sdf_dec(c, e, sdf_attr_req(c, e, "vector"));
    if (v < 0 || v > 107)
        sdf_fail_value(c, e, "vector must be within [0..107]");
    return (uint64_t)v;
}

static int64_t nonneg_dec(sdf_ctx *c, const sdf_elem *e, const char *name, const char *def)
{
    const char *v = def ? sdf_attr(e, name) : sdf_attr_req(c, e, name);
    int64_t n = sdf_dec(c, e, v ? v : def);
    if (n < 0)
        sdf_fail_value(c, e, "%s must be >= 0", name);
    return n;
}

static void parse_irq(sdf_ctx *c, size_t pdi, const sdf_elem *e)
{
    static const char *const arm[] = { "irq", "id", "setvar_id", "trigger", NULL };
    static const char *const ioapic[] = { "id", "setvar_id", "ioapic", "pin", "trigger",
                                          "polarity", "vector", NULL };
    static const char *const msi[] = { "id", "setvar_id", "pcidev", "handle", "vector", NULL };
    bool x86 = c->cfg->arch == SDF_X86_64;
    sdf_irq q = { .loc = e->loc };
    q.id = small_id(c, e);
    const char *setvar = sdf_attr(e, "setvar_id");
    if (sdf_attr(e, "irq")) {
        if (x86)
            sdf_fail_value(c, e, "ARM and RISC-V IRQs are not supported on x86");
        sdf_check_attrs(c, e, arm);
        q.kind = SDF_IRQ_ARM;
        const char *num = sdf_attr(e, "irq");
        if (num[0] == '-')  /* a u64 parse: a sign is a bad digit */
            sdf_fail(c, "Error: failed to parse integer '%s' on element 'irq': invalid digit "
                        "found in string @ %s:%u:%u", num, c->file, e->loc.line, e->loc.col);
        q.number = (uint64_t)sdf_dec(c, e, num);
        q.edge = parse_trigger_edge(c, e);
    } else if (sdf_attr(e, "pin")) {
        if (!x86)
            sdf_fail_value(c, e, "x86 I/O APIC IRQ isn't supported on ARM and RISC-V");
        sdf_check_attrs(c, e, ioapic);
        q.kind = SDF_IRQ_IOAPIC;
        nonneg_dec(c, e, "ioapic", "0");
        nonneg_dec(c, e, "pin", NULL);
        q.edge = parse_trigger_edge(c, e);
        const char *pol = sdf_attr(e, "polarity");
        if (pol && strcmp(pol, "low") && strcmp(pol, "high"))
            sdf_fail_value(c, e, "polarity must be either 'low' or 'high'");
        q.number = parse_vector(c, e);
    } else if (sdf_attr(e, "pcidev")) {
        if (!x86)
            sdf_fail_value(c, e, "x86 MSI IRQ isn't supported on ARM and RISC-V");
        sdf_check_attrs(c, e, msi);
        q.kind = SDF_IRQ_MSI;
        unsigned b, d, f;
        const char *why = sdf_pci_parse(sdf_attr(e, "pcidev"), &b, &d, &f);
        if (why)
            sdf_fail_value(c, e, "%s", why);
        nonneg_dec(c, e, "handle", NULL);
        q.number = parse_vector(c, e);
    } else {
        sdf_attr_req(c, e, x86 ? "pin" : "irq");
    }
    if (setvar)
        sdf_add_symbol(c, PD(c, pdi), e, setvar);
    *SDF_PUSH(c, PD(c, pdi)->irqs, PD(c, pdi)->n_irqs) = q;
}

static void parse_ioport(sdf_ctx *c, size_t pdi, const sdf_elem *pd_el, const sdf_elem *e)
{
    static const char *const attrs[] = { "id", "setvar_id", "addr", "setvar_addr", "size", NULL };
    if (c->cfg->arch != SDF_X86_64)
        sdf_fail_value(c, pd_el, "I/O Ports are only available on x86");
    sdf_check_attrs(c, e, attrs);
    sdf_ioport io = { .loc = PD(c, pdi)->loc };  /* the tool reports the PD's place */
    io.id = small_id(c, e);
    io.addr = sdf_num(c, e, sdf_attr_req(c, e, "addr"));
    io.size = sdf_dec(c, e, sdf_attr_req(c, e, "size"));
    if (io.size <= 0)
        sdf_fail_value(c, e, "size must be > 0");
    const char *s;
    if ((s = sdf_attr(e, "setvar_id")))
        sdf_add_symbol(c, PD(c, pdi), e, s);
    if ((s = sdf_attr(e, "setvar_addr")))
        sdf_add_symbol(c, PD(c, pdi), e, s);
    *SDF_PUSH(c, PD(c, pdi)->ioports, PD(c, pdi)->n_ioports) = io;
}

static void parse_setvar(sdf_ctx *c, size_t pdi, const sdf_elem *e)
{
    static const char *const attrs[] = { "symbol", "region_paddr", NULL };
    sdf_check_attrs(c, e, attrs);
    sdf_setvar v = { .loc = e->loc };
    v.symbol = sdf_attr_req(c, e, "symbol");
    v.region_paddr = sdf_attr_req(c, e, "region_paddr");
    sdf_add_symbol(c, PD(c, pdi), e, v.symbol);
    *SDF_PUSH(c, PD(c, pdi)->setvars, PD(c, pdi)->n_setvars) = v;
}

static uint64_t parse_cpu(sdf_ctx *c, const sdf_elem *e, uint64_t def)
{
    uint64_t cpu = def;
    if (sdf_num_opt(c, e, "cpu", &cpu) && cpu >= c->cfg->num_cores)
        sdf_fail_value(c, e, "cpu core must be less than %u, got %llu", c->cfg->num_cores,
                       (unsigned long long)cpu);
    return cpu;
}

/* budget, period (defaults 1000 and = budget) and their order. */
static void parse_budget(sdf_ctx *c, const sdf_elem *e, uint64_t *budget, uint64_t *period)
{
    *budget = 1000;
    sdf_num_opt(c, e, "budget", budget);
    *period = *budget;
    sdf_num_opt(c, e, "period", period);
    if (*budget > *period)
        sdf_fail_value(c, e, "budget (%llu) must be less than, or equal to, period (%llu)",
                       (unsigned long long)*budget, (unsigned long long)*period);
}

static void parse_vm(sdf_ctx *c, size_t pdi, const sdf_elem *pd_el, const sdf_elem *e)
{
    static const char *const attrs_arm[] = { "name", "priority", "budget", "period", NULL };
    static const char *const attrs[] = { "name", NULL };
    static const char *const vcpu_attrs[] = { "id", "cpu", "setvar_id", NULL };
    if (!c->cfg->hypervisor)
        sdf_fail_value(c, pd_el,
                       "seL4 has not been built as a hypervisor, virtual machines are disabled");
    if (PD(c, pdi)->vm)
        sdf_fail_value(c, pd_el, "virtual_machine must only be specified once");
    sdf_check_attrs(c, e, c->cfg->arch == SDF_AARCH64 ? attrs_arm : attrs);
    sdf_vm *vm = sdf_arena_alloc(c->a, sizeof(*vm));
    if (!vm)
        sdf_fail(c, "Error: out of memory");
    vm->loc = e->loc;
    vm->name = sdf_attr_req(c, e, "name");
    sdf_num_opt(c, e, "priority", &vm->priority);
    vm->priority &= 0xff;   /* the tool keeps it as u8, unchecked */
    parse_budget(c, e, &vm->budget, &vm->period);
    for (const sdf_elem *k = e->first; k; k = k->next) {
        if (!strcmp(k->name, "vcpu")) {
            sdf_check_attrs(c, k, vcpu_attrs);
            const char *idtext = sdf_attr_req(c, k, "id");
            int64_t id = idtext[0] == '-' ? -1 : sdf_dec(c, k, idtext);
            if (id < 0)     /* a u64 in the tool, so any sign is a bad digit */
                sdf_fail(c, "Error: failed to parse integer '%s' on element 'vcpu': invalid "
                            "digit found in string @ %s:%u:%u", idtext, c->file, k->loc.line,
                         k->loc.col);
            if (id > 61)
                sdf_fail_value(c, k, "id must be < 62");
            for (size_t i = 0; i < vm->n_vcpus; i++)
                if (vm->vcpus[i].id == (uint64_t)id)
                    sdf_fail_at(c, k->loc, "duplicate vcpu id %lld in virtual machine '%s'",
                                (long long)id, vm->name);
            sdf_vcpu *v = SDF_PUSH(c, vm->vcpus, vm->n_vcpus);
            v->id = (uint64_t)id;
            v->cpu = parse_cpu(c, k, PD(c, pdi)->cpu);
        } else if (!strcmp(k->name, "map")) {
            *SDF_PUSH(c, vm->maps, vm->n_maps) = parse_map(c, k, true,
                                                           c->cfg->vspace_user_top + 1);
        } else {
            sdf_fail(c, "Error: invalid XML element '%s': %s:%u:%u", k->name, c->file,
                     e->loc.line, e->loc.col);
        }
    }
    if (!vm->n_vcpus)
        sdf_fail_at(c, e->loc, "missing 'vcpu' element on virtual_machine: '%s'", vm->name);
    PD(c, pdi)->vm = vm;
}

static void parse_cspace(sdf_ctx *c, size_t pdi, const sdf_elem *pd_el, const sdf_elem *e)
{
    static const char *const none[] = { NULL };
    static const char *const cap_attrs[] = { "slot", "pd", NULL };
    static const char *const types[] = { "tcb", "sc", "vspace" };
    sdf_check_attrs(c, e, none);
    (void)pd_el;
    for (const sdf_elem *k = e->first; k; k = k->next) {
        int type = -1;
        if (!strncmp(k->name, "cap_", 4)) {
            for (int t = 0; t < 3; t++)
                if (!strcmp(k->name + 4, types[t]))
                    type = t;
            if (type < 0)
                sdf_fail(c, "Cap type: '%s' is not supported at '%s:%u:%u'", k->name + 4,
                         c->file, k->loc.line, k->loc.col);
        } else {
            sdf_fail(c, "Element '%s' is not supported in a <cspace> element at '%s:%u:%u'",
                     k->name, c->file, k->loc.line, k->loc.col);
        }
        sdf_check_attrs(c, k, cap_attrs);
        sdf_cap cap = { .type = type, .loc = k->loc, .pd_index = -1 };
        cap.slot = sdf_num(c, k, sdf_attr_req(c, k, "slot"));
        if (cap.slot == 0)
            sdf_fail_value(c, k, "The destination slot 0 has been reserved for Microkit CNode");
        if (cap.slot >= 128)
            sdf_fail_value(c, k, "There are only 128 destination cspace slots available.");
        cap.pd = sdf_attr_req(c, k, "pd");
        *SDF_PUSH(c, PD(c, pdi)->caps, PD(c, pdi)->n_caps) = cap;
    }
}

/* The PD's attributes, in the tool's order. */
static void parse_pd_attrs(sdf_ctx *c, sdf_pd *pd, const sdf_elem *e, bool child)
{
    static const char *const top[] = { "name", "priority", "budget", "period", "passive",
                                       "stack_size", "smc", "cpu", "domain", "fpu", NULL };
    static const char *const nested[] = { "name", "priority", "budget", "period", "passive",
                                          "stack_size", "smc", "cpu", "domain", "fpu", "id",
                                          "setvar_id", NULL };
    sdf_check_attrs(c, e, child ? nested : top);
    pd->name = sdf_attr_req(c, e, "name");
    if (child) {
        pd->has_id = true;
        pd->id = sdf_num(c, e, sdf_attr_req(c, e, "id"));
    }
    parse_budget(c, e, &pd->budget, &pd->period);
    pd->passive = sdf_bool(c, e, "passive", false);
    pd->stack_size = 0x2000;
    sdf_num_opt(c, e, "stack_size", &pd->stack_size);
    pd->smc = sdf_bool(c, e, "smc", false);
    if (pd->smc && c->cfg->arm_smc < 0)
        sdf_fail_at(c, e->loc, "ARM SMC forwarding support is not available for this architecture");
    if (pd->smc && c->cfg->arm_smc == 0)
        sdf_fail_value(c, e, "Using SMC support without ARM SMC forwarding support enabled in the kernel for this platform");
    pd->cpu = parse_cpu(c, e, 0);
    pd->domain = sdf_attr(e, "domain");
    if (c->domains_seen) {
        pd->domain = sdf_attr_req(c, e, "domain");
        size_t i = 0;
        while (i < c->n_domain_names && strcmp(c->domain_names[i], pd->domain))
            i++;
        if (i == c->n_domain_names)
            sdf_fail_value(c, e, "domain '%s' not declared in <domains>:", pd->domain);
    } else if (pd->domain) {
        sdf_fail_value(c, e, "Specifying a domain '%s' without declaring a domain schedule is not allowed:", pd->domain);
    }
    if (pd->stack_size < 0x1000 || pd->stack_size > 0x1000000)
        sdf_fail_value(c, e, "stack size must be between 0x1000 bytes and 0x1000000 bytes");
    if (pd->stack_size % 0x1000)
        sdf_fail_value(c, e, "stack size must be aligned to the smallest page size, 4096 bytes");
    sdf_num_opt(c, e, "priority", &pd->priority);
    if (pd->priority > 254)
        sdf_fail_value(c, e, "priority must be between 0 and 254");
    pd->fpu = sdf_bool(c, e, "fpu", true);
}

void sdf_parse_pd(sdf_ctx *c, const sdf_elem *e, int parent)
{
    static const char *const image_attrs[] = { "path", "path_for_symbols", NULL };
    size_t pdi = c->sys->n_pds;
    sdf_pd *pd = SDF_PUSH(c, c->sys->pds, c->sys->n_pds);
    pd->parent = parent;
    pd->loc = e->loc;
    parse_pd_attrs(c, pd, e, parent >= 0);
    if (parent >= 0 && sdf_attr(e, "setvar_id"))
        sdf_add_symbol(c, PD(c, parent), e, sdf_attr(e, "setvar_id"));
    /* the IPC buffer page, less its guard page and the stack */
    uint64_t bound = (c->cfg->vspace_user_top & ~0xfffull) - 0x1000 - pd->stack_size;
    bool have_cspace = false;
    for (const sdf_elem *k = e->first; k; k = k->next) {
        const char *n = k->name;
        if (!strcmp(n, "program_image")) {
            sdf_check_attrs(c, k, image_attrs);
            const char *path = sdf_attr_req(c, k, "path");
            if (PD(c, pdi)->program_image)
                sdf_fail_value(c, e, "program_image must only be specified once");
            PD(c, pdi)->program_image = path;
        } else if (!strcmp(n, "map")) {
            sdf_map m = parse_map(c, k, false, bound);
            const char *s;
            if ((s = sdf_attr(k, "setvar_vaddr")))
                sdf_add_symbol(c, PD(c, pdi), k, s);
            if ((s = sdf_attr(k, "setvar_size")))
                sdf_add_symbol(c, PD(c, pdi), k, s);
            if ((s = sdf_attr(k, "setvar_prefill_size")))
                sdf_add_symbol(c, PD(c, pdi), k, s);
            *SDF_PUSH(c, PD(c, pdi)->maps, PD(c, pdi)->n_maps) = m;
        } else if (!strcmp(n, "irq")) {
            parse_irq(c, pdi, k);
        } else if (!strcmp(n, "ioport")) {
            parse_ioport(c, pdi, e, k);
        } else if (!strcmp(n, "setvar")) {
            parse_setvar(c, pdi, k);
        } else if (!strcmp(n, "protection_domain")) {
            sdf_parse_pd(c, k, (int)pdi);
        } else if (!strcmp(n, "virtual_machine")) {
            parse_vm(c, pdi, e, k);
        } else if (!strcmp(n, "cspace")) {
            if (have_cspace)
                sdf_fail_value(c, e, "cspace must only be specified once");
            have_cspace = true;
            parse_cspace(c, pdi, e, k);
        } else {
            sdf_fail(c, "Invalid XML element '%s': %s:%u:%u", n, c->file, k->loc.line,
                     k->loc.col);
        }
    }
    if (!PD(c, pdi)->program_image)
        sdf_fail_at(c, e->loc, "missing 'program_image' element on protection_domain: '%s'",
                    PD(c, pdi)->name);
}
