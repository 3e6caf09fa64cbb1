/*
 * The key-value-store isolation scenarios: one workload (SQLite over the FS
 * server over the ramdisk server) under several configurations, each run
 * by the cel-kvdrv driver PD.  `-small` variants run a tenth of the
 * workload (for tests).
 */
#include <string.h>

#include "scenario_kv.h"

static const cel_scenario kv_scenarios[] = {
    { "kv001", "cel-kvdrv", "kv001:10000", NULL,
      "KV store as a library in the client PD (SQLite, FS server, ramdisk server)" },
    { "kv002", "cel-kvdrv", "kv002:10000", NULL,
      "client and store in separate PDs, sharing one FS namespace" },
    { "kv003", "cel-kvdrv", "kv003:10000", NULL,
      "client and store in separate PDs with separate FS namespaces" },
    { "kv004", "cel-kvdrv", "kv004:10000", NULL,
      "separate FS servers for client and store, on one shared ramdisk" },
    { "kv006", "cel-kvdrv", "kv006:10000", NULL,
      "the store in a thread PD of the client (one address space), sharing its FS namespace" },
    { "kv007", "cel-kvdrv", "kv007:10000", NULL, "two client/store pairs on one FS server" },
    { "kv008", "cel-kvdrv", "kv008:10000", NULL,
      "kv003, and the ramdisk crashes halfway (try each --policy)" },
    { "kv001-small", "cel-kvdrv", "kv001:1000", NULL, "kv001 with 1000 puts" },
    { "kv002-small", "cel-kvdrv", "kv002:1000", NULL, "kv002 with 1000 puts" },
    { "kv003-small", "cel-kvdrv", "kv003:1000", NULL, "kv003 with 1000 puts" },
    { "kv004-small", "cel-kvdrv", "kv004:1000", NULL, "kv004 with 1000 puts" },
    { "kv006-small", "cel-kvdrv", "kv006:1000", NULL, "kv006 with 1000 puts" },
    { "kv007-small", "cel-kvdrv", "kv007:1000", NULL, "kv007 with 1000 puts" },
    { "kv008-small", "cel-kvdrv", "kv008:1000", NULL, "kv008 with 1000 puts" },
};

const char *const cel_kv_compare_names[] = { "kv001", "kv002", "kv003", "kv004", "kv006", "kv007",
                                             "kv008", NULL };

/* Each explanation is whole on its own and fits one screen (`make demo`
 * prints it as is). */
static const struct { const char *name, *why; } unsupported[] = {
    { "kv005",
      "kv005 (the store in a second address space of the client, HighJMP) is not\n"
      "supported on this runtime, and is left out of the comparison:\n"
      "  - HighJMP lets one PD switch between two address spaces; a Linux process\n"
      "    has exactly one (one mm), so one PD cannot hold two.\n"
      "  - Two processes would be two PDs sharing through the root task: that is\n"
      "    kv002 under another name, not kv005.\n"
      "  - Swapping the store's mappings in and out of one process leaves them\n"
      "    readable by the same thread in between: no isolation to measure.\n"
      "It needs a kernel that gives one thread two page tables (seL4 can).\n"
      "See docs/cellulos.md, \"Isolated stacks and HighJMP: why they are not built\".\n" },
};

const cel_scenario *cel_scenario_kv_find(const char *name)
{
    for (size_t i = 0; i < sizeof kv_scenarios / sizeof *kv_scenarios; i++)
        if (strcmp(kv_scenarios[i].name, name) == 0)
            return &kv_scenarios[i];
    return NULL;
}

void cel_scenario_kv_each(cel_scenario_fn fn, void *ctx)
{
    for (size_t i = 0; i < sizeof kv_scenarios / sizeof *kv_scenarios; i++)
        fn(kv_scenarios[i].name, kv_scenarios[i].summary, ctx);
    fn("kv005", "HighJMP: unsupported on Linux (says why, exit 3)", ctx);
}

const char *cel_scenario_kv_unsupported(const char *name)
{
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
        if (strcmp(unsupported[i].name, name) == 0)
            return unsupported[i].why;
    return NULL;
}
