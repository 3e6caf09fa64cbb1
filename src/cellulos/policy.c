/*
 * Cleanup policies (MODEL.md §6): what else goes when a PD ends.
 *
 * TEMPORARY (to be replaced by the query helper's policy computation from
 * wt/query once it lands): the PD itself is torn down exactly by pd.c (its
 * ADS, VMRs, VCPU and every hold), which is what depth 0 asks for, since a
 * CellulOS PD's resource spaces are created and held by the root task.  The
 * deeper levels act on PDs that relied on the dead one: with d_pd > 0 every
 * live PD that holds a resource the dead PD also held only through it...
 */
#include <string.h>

#include "root.h"

int cel_policy_parse(const char *s, cel_policy *p)
{
    static const struct { const char *name; uint32_t d_pd, d_rs; } named[] = {
        { "1a", 0, 0 }, { "1b", 0, UINT32_MAX }, { "2a", 1, 0 }, { "2b", UINT32_MAX, 0 },
    };
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strcmp(s, named[i].name) == 0) {
            p->d_pd = named[i].d_pd;
            p->d_rs = named[i].d_rs;
            strcpy(p->name, named[i].name);
            return 0;
        }
    return -1;
}

void cel_policy_apply(cel_root *r, cel_pd *crashed)
{
    (void)r;
    (void)crashed;
}
