/*
 * SDF parser helpers: error reporting, arena arrays, attribute access and
 * the value syntaxes of the Microkit tool (its integer, decimal, boolean and
 * PCI address forms), with the tool's error wording.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdf_parse_internal.h"

void sdf_config_default(sdf_config *c, sdf_arch arch)
{
    *c = (sdf_config){
        .arch = arch, .num_cores = 1, .hypervisor = true, .iommu = true, .arm_smc = -1,
        .vspace_user_top = arch == SDF_X86_64 ? 0x7fffffffefffull : 0xffffffffffull,
        .num_domains = 16, .num_domain_schedules = 100, .max_pds = 63,
    };
}

int sdf_arch_parse(const char *s)
{
    if (!strcmp(s, "aarch64"))
        return SDF_AARCH64;
    if (!strcmp(s, "riscv64"))
        return SDF_RISCV64;
    if (!strcmp(s, "x86_64"))
        return SDF_X86_64;
    return -1;
}

const char *sdf_arch_display(sdf_arch a)
{
    return a == SDF_X86_64 ? "x86-64" : a == SDF_RISCV64 ? "RISC-V (64-bit)" : "AArch64";
}

/* ---- errors ------------------------------------------------------------ */

static _Noreturn void fail_va(sdf_ctx *c, const char *prefix, const char *suffix,
                              const char *fmt, va_list ap)
{
    char *body = NULL;
    if (vasprintf(&body, fmt, ap) < 0)
        body = NULL;
    if (!body || asprintf(c->errp, "%s%s%s", prefix, body, suffix) < 0)
        *c->errp = NULL;
    free(body);
    longjmp(c->fail, 1);
}

_Noreturn void sdf_fail(sdf_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_va(c, "", "", fmt, ap);
}

_Noreturn void sdf_fail_value(sdf_ctx *c, const sdf_elem *e, const char *fmt, ...)
{
    char suffix[600];
    snprintf(suffix, sizeof(suffix), " on element '%s': %s:%u:%u", e->name, c->file,
             e->loc.line, e->loc.col);
    va_list ap;
    va_start(ap, fmt);
    fail_va(c, "Error: ", suffix, fmt, ap);
}

_Noreturn void sdf_fail_at(sdf_ctx *c, sdf_loc loc, const char *fmt, ...)
{
    char suffix[600];
    snprintf(suffix, sizeof(suffix), " @ %s:%u:%u", c->file, loc.line, loc.col);
    va_list ap;
    va_start(ap, fmt);
    fail_va(c, "Error: ", suffix, fmt, ap);
}

void *sdf_push(sdf_ctx *c, void **arr, size_t *n, size_t size)
{
    size_t k = *n;
    if (k == 0 || (k & (k - 1)) == 0) {     /* full at 0, 1, 2, 4, 8, ... */
        size_t cap = k ? 2 * k : 1;
        char *p = sdf_arena_alloc(c->a, cap * size);
        if (!p)
            sdf_fail(c, "Error: out of memory");
        if (k)
            memcpy(p, *arr, k * size);
        *arr = p;
    }
    (*n)++;
    return (char *)*arr + k * size;
}

/* ---- attributes -------------------------------------------------------- */

void sdf_check_attrs(sdf_ctx *c, const sdf_elem *e, const char *const *allowed)
{
    for (size_t i = 0; i < e->n_attrs; i++) {
        const char *const *a = allowed;
        while (*a && strcmp(*a, e->attrs[i].name))
            a++;
        if (!*a)
            sdf_fail(c, "Error: invalid attribute '%s' on element '%s': %s:%u:%u",
                     e->attrs[i].name, e->name, c->file, e->loc.line, e->loc.col);
    }
}

const char *sdf_attr(const sdf_elem *e, const char *name)
{
    for (size_t i = 0; i < e->n_attrs; i++)
        if (!strcmp(e->attrs[i].name, name))
            return e->attrs[i].value;
    return NULL;
}

const char *sdf_attr_req(sdf_ctx *c, const sdf_elem *e, const char *name)
{
    const char *v = sdf_attr(e, name);
    if (!v)
        sdf_fail(c, "Error: Missing required attribute '%s' on element '%s': %s:%u:%u", name,
                 e->name, c->file, e->loc.line, e->loc.col);
    return v;
}

/* ---- numbers ------------------------------------------------------------ */

/* Rust's integer parse of `s` (already stripped) in `radix`, with its error
 * text; `neg_ok` allows a leading '-' (i64).  NULL on success. */
static const char *rust_int(const char *s, int radix, bool neg_ok, uint64_t *mag, bool *neg)
{
    *neg = false;
    if (!*s)
        return "cannot parse integer from empty string";
    if (*s == '+' || (*s == '-' && neg_ok)) {
        *neg = *s == '-';
        s++;
        if (!*s)
            return "invalid digit found in string";
    }
    uint64_t v = 0;
    bool overflow = false;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (radix == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (radix == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return "invalid digit found in string";
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)radix)
            overflow = true;
        else
            v = v * (uint64_t)radix + (uint64_t)d;
    }
    if (overflow)
        return *neg ? "number too small to fit in target type"
                    : "number too large to fit in target type";
    *mag = v;
    return NULL;
}

uint64_t sdf_num(sdf_ctx *c, const sdf_elem *e, const char *text)
{
    size_t n = strlen(text);
    char *s = sdf_arena_alloc(c->a, n + 1);
    if (!s)
        sdf_fail(c, "Error: out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (text[i] != '_')
            s[k++] = text[i];
    bool hex = s[0] == '0' && s[1] == 'x';
    uint64_t v = 0;
    bool neg;
    const char *why = rust_int(hex ? s + 2 : s, hex ? 16 : 10, false, &v, &neg);
    if (why)
        sdf_fail(c, "Error: failed to parse integer '%s' on element '%s': %s @ %s:%u:%u", text,
                 e->name, why, c->file, e->loc.line, e->loc.col);
    return v;
}

bool sdf_num_opt(sdf_ctx *c, const sdf_elem *e, const char *name, uint64_t *out)
{
    const char *v = sdf_attr(e, name);
    if (v)
        *out = sdf_num(c, e, v);
    return v != NULL;
}

int64_t sdf_dec(sdf_ctx *c, const sdf_elem *e, const char *text)
{
    uint64_t mag = 0;
    bool neg;
    const char *why = rust_int(text, 10, true, &mag, &neg);
    if (!why && mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
        why = neg ? "number too small to fit in target type"
                  : "number too large to fit in target type";
    /* The tool panics here; we report it like its other number errors. */
    if (why)
        sdf_fail(c, "Error: failed to parse integer '%s' on element '%s': %s @ %s:%u:%u", text,
                 e->name, why, c->file, e->loc.line, e->loc.col);
    return neg ? (int64_t)(0 - mag) : (int64_t)mag;
}

bool sdf_bool(sdf_ctx *c, const sdf_elem *e, const char *name, bool def)
{
    const char *v = sdf_attr(e, name);
    if (!v)
        return def;
    if (!strcmp(v, "true"))
        return true;
    if (!strcmp(v, "false"))
        return false;
    sdf_fail_value(c, e, "%s must be 'true' or 'false'", name);
}

/* One hex part of a PCI address, trimmed, as a signed value (the tool
 * range-checks after parsing, so "-1" is a range error, not a syntax one). */
static bool pci_part(const char *s, size_t n, int64_t *out)
{
    while (n && strchr(" \t\r\n", *s))
        s++, n--;
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    char buf[32];
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    uint64_t mag;
    bool neg;
    if (rust_int(buf, 16, true, &mag, &neg) || mag > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? -(int64_t)mag : (int64_t)mag;
    return true;
}

const char *sdf_pci_parse(const char *s, unsigned *bus, unsigned *dev, unsigned *fn)
{
    const char *colon = strchr(s, ':');
    const char *dot = colon ? strchr(colon + 1, '.') : NULL;
    if (!colon || !dot)
        return "expected PCI address in bus:device.function form";
    int64_t b, d, f;
    if (!pci_part(s, (size_t)(colon - s), &b))
        return "failed to parse PCI bus";
    if (!pci_part(colon + 1, (size_t)(dot - colon - 1), &d))
        return "failed to parse PCI device";
    if (!pci_part(dot + 1, strlen(dot + 1), &f))
        return "failed to parse PCI function";
    if (b < 0 || b > 255)
        return "PCI bus must be within [0..255]";
    if (d < 0 || d > 31)
        return "PCI device must be within [0..31]";
    if (f < 0 || f > 7)
        return "PCI function must be within [0..7]";
    *bus = (unsigned)b, *dev = (unsigned)d, *fn = (unsigned)f;
    return NULL;
}

void sdf_add_symbol(sdf_ctx *c, sdf_pd *pd, const sdf_elem *e, const char *sym)
{
    for (size_t i = 0; i < pd->n_symbols; i++)
        if (!strcmp(pd->symbols[i], sym))
            sdf_fail_value(c, e, "setvar on symbol '%s' already exists", sym);
    *SDF_PUSH(c, pd->symbols, pd->n_symbols) = sym;
}

int sdf_find_pd(const sdf_system *s, const char *name)
{
    for (size_t i = 0; i < s->n_pds; i++)
        if (!strcmp(s->pds[i].name, name))
            return (int)i;
    return -1;
}

int sdf_find_mr(const sdf_system *s, const char *name)
{
    for (size_t i = 0; i < s->n_mrs; i++)
        if (!strcmp(s->mrs[i].name, name))
            return (int)i;
    return -1;
}
