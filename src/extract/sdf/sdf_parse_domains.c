/*
 * SDF parser: <domains> (the seL4 domain scheduler), with its <domain>
 * list and its single <domain_schedule>.  Only the declared names matter
 * to the model (a PD's `domain` rides in its EXTRA); the ids and the
 * schedule are validated as the Microkit tool does.
 */
#include <string.h>

#include "sdf_parse_internal.h"

typedef struct dom { const char *name; int64_t id; /* -1 = automatic */ } dom;

static void parse_domain(sdf_ctx *c, const sdf_elem *e, dom **doms, size_t *n)
{
    static const char *const attrs[] = { "name", "id", NULL };
    sdf_check_attrs(c, e, attrs);
    dom d = { .name = sdf_attr_req(c, e, "name"), .id = -1 };
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*doms)[i].name, d.name))
            sdf_fail_value(c, e, "Each <domain>'s name element must be unique found existing "
                           "domain '%s' with id '%lld'", d.name, (long long)(*doms)[i].id);
    uint64_t id;
    if (sdf_num_opt(c, e, "id", &id)) {
        if (id >= c->cfg->num_domains)
            sdf_fail_value(c, e, "domain id %llu should be less than the configured "
                           "KernelNumDomains value of %u", (unsigned long long)id,
                           c->cfg->num_domains);
        for (size_t i = 0; i < *n; i++)
            if ((*doms)[i].id == (int64_t)id)
                sdf_fail_value(c, e, "Each <domain>'s id element must be unique found existing "
                               "domain '%s' with id '%llu'", (*doms)[i].name,
                               (unsigned long long)id);
        d.id = (int64_t)id;
    }
    *SDF_PUSH(c, *doms, *n) = d;
}

/* "<num> <unit>" with unit us or ticks and a non-zero value. */
static void parse_duration(sdf_ctx *c, const sdf_elem *e)
{
    const char *d = sdf_attr_req(c, e, "duration");
    const char *sp = strchr(d, ' ');
    if (!sp)
        sdf_fail_value(c, e, "The duration '%s' must contain a value and a unit, e.g. '1000 us'", d);
    char *num = sdf_arena_alloc(c->a, (size_t)(sp - d) + 1);
    if (!num)
        sdf_fail(c, "Error: out of memory");
    memcpy(num, d, (size_t)(sp - d));
    if (sdf_num(c, e, num) == 0)
        sdf_fail_value(c, e, "The duration '%s' must be non-zero", d);
    if (strcmp(sp + 1, "us") && strcmp(sp + 1, "ticks"))
        sdf_fail_value(c, e, "The duration '%s' must be in either 'ticks' or 'us'", d);
}

static void parse_schedule(sdf_ctx *c, const sdf_elem *e, const dom *doms, size_t n)
{
    static const char *const attrs[] = { "start_index", "index_shift", NULL };
    static const char *const entry_attrs[] = { "domain", "duration", NULL };
    static const char *const none[] = { NULL };
    sdf_check_attrs(c, e, attrs);
    uint64_t entries = 0;
    for (const sdf_elem *k = e->first; k; k = k->next) {
        if (!strcmp(k->name, "schedule_entry")) {
            sdf_check_attrs(c, k, entry_attrs);
            const char *name = sdf_attr_req(c, k, "domain");
            size_t i = 0;
            while (i < n && strcmp(doms[i].name, name))
                i++;
            if (i == n)
                sdf_fail_value(c, k, "domain '%s' does not exist,", name);
            parse_duration(c, k);
        } else if (!strcmp(k->name, "schedule_end_marker")) {
            sdf_check_attrs(c, k, none);
        } else {
            sdf_fail(c, "Error: invalid XML element as child of <domain_schedule> '%s': %s:%u:%u",
                     k->name, c->file, k->loc.line, k->loc.col);
        }
        entries++;
    }
    unsigned max = c->cfg->num_domain_schedules;
    if (entries >= max)
        sdf_fail_at(c, e->loc, "More than configured KernelNumDomainSchedules %u number of "
                    "<schedule_entry> elements found", max);
    uint64_t start = 0, shift;
    sdf_num_opt(c, e, "start_index", &start);
    if (start >= entries)
        sdf_fail_value(c, e, "schedule_start_index '%llu' is greater than the length of the "
                       "schedule '%llu'", (unsigned long long)start, (unsigned long long)entries);
    if (sdf_num_opt(c, e, "index_shift", &shift) && (shift >= max || shift + entries >= max))
        /* The tool prints the start index where one expects the shift. */
        sdf_fail_value(c, e, "schedule_index_shift '%llu' on top of the schedule length '%llu' "
                       "would exceed than the configured KernelNumDomainSchedules %u",
                       (unsigned long long)start, (unsigned long long)entries, max);
}

void sdf_parse_domains(sdf_ctx *c, const sdf_elem *e)
{
    static const char *const none[] = { NULL };
    sdf_check_attrs(c, e, none);
    if (c->cfg->num_cores != 1)
        sdf_fail_at(c, e->loc, "The domain scheduler is not supported in multicore builds of seL4");
    if (c->domains_seen)
        sdf_fail_value(c, e, "domains must only be specified once");
    dom *doms = NULL;
    size_t n = 0;
    const sdf_elem *schedule = NULL;
    for (const sdf_elem *k = e->first; k; k = k->next) {
        if (!strcmp(k->name, "domain")) {
            parse_domain(c, k, &doms, &n);
        } else if (!strcmp(k->name, "domain_schedule")) {
            if (schedule)
                sdf_fail_value(c, k, "The <domain_schedule> element can only appear once");
            schedule = k;
        } else {
            sdf_fail(c, "Error: invalid XML element as child of <domains> '%s': %s:%u:%u",
                     k->name, c->file, k->loc.line, k->loc.col);
        }
    }
    /* Automatic ids: the first free one in 0..=num_domains (inclusive, as
     * in the tool). */
    for (size_t i = 0; i < n; i++) {
        if (doms[i].id >= 0)
            continue;
        int64_t id = 0;
        for (; id <= (int64_t)c->cfg->num_domains; id++) {
            size_t j = 0;
            while (j < n && doms[j].id != id)
                j++;
            if (j == n)
                break;
        }
        if (id > (int64_t)c->cfg->num_domains)
            sdf_fail_value(c, e, "Number of domains exceeds %u", c->cfg->num_domains);
        doms[i].id = id;
    }
    if (!schedule)
        sdf_fail_value(c, e, "The <domain_schedule> element must appear once");
    parse_schedule(c, schedule, doms, n);
    c->sys->n_domains += n;
    for (size_t i = 0; i < n; i++)
        *SDF_PUSH(c, c->domain_names, c->n_domain_names) = doms[i].name;
    c->domains_seen = n > 0;
}
