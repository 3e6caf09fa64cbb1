/* Built-in scenarios of `cellulos run` (scenario.c). */
#ifndef CEL_SCENARIO_H
#define CEL_SCENARIO_H

#include "../cellulos/root/root.h"

typedef struct cel_scenario {
    const char *name;
    const char *program, *arg;      /* the driver PD */
    int (*check)(cel_root *r);      /* root-side checks after the run; 0 = fine */
    const char *summary;
} cel_scenario;

const cel_scenario *cel_scenario_find(const char *name);
/* Every scenario `cellulos run` knows, in `cellulos list` order: fn(name,
 * summary, ctx) for each (the kv ones after the built-in ones). */
typedef void (*cel_scenario_fn)(const char *name, const char *summary, void *ctx);
void cel_scenario_each(cel_scenario_fn fn, void *ctx);
/* The list as `cellulos list` prints it: "  NAME  summary", the summaries in
 * one column whatever the names' lengths. */
void cel_scenario_list(FILE *f);
/* Run it to completion; 0 when every check passed, 1 otherwise. */
int cel_scenario_run(cel_root *r, const cel_scenario *sc, const char *dump_path);
/* Kill every PD and serve until all are torn down; 0 or -1 on timeout. */
int cel_scenario_end_all(cel_root *r, double timeout_s);
/* Everything the boot made is still there and nothing else (nodes, edges,
 * descriptors, no memfd), the invariants hold; 0, or 1 with messages. */
int cel_scenario_check_clean(cel_root *r, size_t boot_nodes, size_t boot_edges, int boot_fds);

#endif
