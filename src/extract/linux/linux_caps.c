/*
 * Capability sets in words ("none", "ALL", "ALL except CAP_SYS_ADMIN",
 * "cap_kill,cap_net_raw"), with libcap's names, for PD EXTRA and
 * `osmosis describe`.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/capability.h>

#include "linux.h"

void osm_lx_cap_names(uint64_t mask, char *out, size_t sz)
{
    unsigned max = (unsigned)cap_max_bits();
    uint64_t all = max >= 64 ? UINT64_MAX : (1ull << max) - 1;
    if (!mask) {
        snprintf(out, sz, "none");
        return;
    }
    if ((mask & all) == all) {
        snprintf(out, sz, "ALL");
        return;
    }
    size_t n = 0;
    out[0] = '\0';
    /* Mostly full sets read better as what is missing. */
    bool except = (unsigned)__builtin_popcountll(mask & all) > max / 2;
    if (except)
        n = (size_t)snprintf(out, sz, "ALL except ");
    size_t first = n;
    for (unsigned b = 0; b < 64 && n < sz; b++) {
        if (except ? b >= max || (mask & (1ull << b)) : !(mask & (1ull << b)))
            continue;
        char *name = b < max ? cap_to_name((cap_value_t)b) : NULL;
        const char *sep = n > first ? "," : "";
        if (name)
            n += (size_t)snprintf(out + n, sz - n, "%s%s", sep, name);
        else
            n += (size_t)snprintf(out + n, sz - n, "%scap_%u", sep, b);
        cap_free(name);
    }
}
