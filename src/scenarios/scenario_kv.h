/* The key-value-store scenarios kv001..kv008 (scenario_kv.c). */
#ifndef CEL_SCENARIO_KV_H
#define CEL_SCENARIO_KV_H

#include <osmosis/osmosis.h>

#include "scenario.h"

/* Exit status of `cellulos run` for a configuration the substrate cannot
 * give honestly (kv005). */
#define CEL_EXIT_UNSUPPORTED 3

const cel_scenario *cel_scenario_kv_find(const char *name);
/* fn(name, summary, ctx) for each kv scenario, kv005 (unsupported) last. */
void cel_scenario_kv_each(cel_scenario_fn fn, void *ctx);
/* Why a scenario is not supported, or NULL when it is. */
const char *cel_scenario_kv_unsupported(const char *name);
/* The names `cellulos compare` runs, in order, NULL-terminated. */
extern const char *const cel_kv_compare_names[];

#endif
