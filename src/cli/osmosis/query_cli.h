/* Helpers shared by the query verbs (tcb, ib, bfs, rsi, fr, cleanup, ...):
 * loading a state into a query context, parsing --types/--mode/--property,
 * and printing member lists as tables or JSON. */
#ifndef OSM_QUERY_CLI_H
#define OSM_QUERY_CLI_H

#include "cli.h"

typedef struct qcli {
    cli_load_opts lo;
    cli_loaded loaded;
    osm_query *q;
    osm_qopts opts;
    osm_typeset types;
    const char *types_arg, *mode_arg, *property_arg;
    bool json;
} qcli;

void qcli_init(qcli *c);
/* Load FILE, build the context, parse the filters.  CLI_OK or CLI_USAGE
 * (message printed). */
int qcli_open(qcli *c, const char *verb, const char *file);
void qcli_close(qcli *c);
/* Print "out of memory" for verb; returns CLI_USAGE. */
int qcli_oom(const char *verb);
/* "types": null or the sorted list of names given. */
void qcli_json_types(osm_json *j, const qcli *c);
/* The member IDs as a sorted JSON array. */
void qcli_json_members(osm_json *j, const osm_query *q, const osm_members *m);
/* {"PD": {"component":..,"components":[..],"via":..,"path":[..]}, ...} */
void qcli_json_why(osm_json *j, const osm_query *q, const osm_members *m);
/* A chain as [{"node","kind","type","name","edge","perms"}, ...]: type is
 * null for a PD, name null for others; edge ({"kind","dir"}) and perms are
 * those of the edge from the previous step (null on the first). */
void qcli_json_path(osm_json *j, const osm_query *q, const osm_step *st, size_t n);
/* {"ID": "name", ...} for the PDs given (sorted, without repeats). */
void qcli_json_names(osm_json *j, const osm_query *q, const osm_id *pds, size_t n);
/* The ranked TCB: [{"pd","name","way","components","via","path"?}, ...]. */
void qcli_json_ranked(osm_json *j, const osm_query *q, const osm_ranking *r);
/* A table: WAY, PD, NAME, VIA (strongest first); chains with why. */
void qcli_print_ranked(const osm_query *q, const osm_ranking *r, bool why);
/* A table: PD, NAME, COMPONENTS, VIA; chains under each row with why. */
void qcli_print_members(const osm_query *q, const osm_members *m, bool why);
/* Print a sorted ID list as a JSON array. */
void qcli_json_ids(osm_json *j, const osm_store *s, osm_id *v, size_t n);
/* Parse a depth: a non-negative integer or "inf"; 0 or -1. */
int qcli_parse_depth(const char *s, uint32_t *out);

#endif
