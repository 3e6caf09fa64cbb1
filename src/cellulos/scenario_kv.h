/* The key-value-store scenarios kv001..kv008 (scenario_kv.c). */
#ifndef CEL_SCENARIO_KV_H
#define CEL_SCENARIO_KV_H

#include "scenario.h"

/* Exit status of `cellulos run` for a configuration the substrate cannot
 * give honestly (kv005, kv006 without thread PDs). */
#define CEL_EXIT_UNSUPPORTED 3

const cel_scenario *cel_scenario_kv_find(const char *name);
void cel_scenario_kv_list(FILE *f);
/* Why a scenario is not supported, or NULL when it is. */
const char *cel_scenario_kv_unsupported(const char *name);
/* The names `cellulos compare` runs, in order, NULL-terminated. */
extern const char *const cel_kv_compare_names[];

/* `cellulos compare` (compare.c). */
int cel_compare_main(int argc, char **argv);

#endif
