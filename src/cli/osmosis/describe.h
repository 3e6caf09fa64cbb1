/* Sections of `osmosis describe` kept in their own files (describe_*.c). */
#ifndef OSM_CLI_DESCRIBE_H
#define OSM_CLI_DESCRIBE_H

#include <stdio.h>

#include <osmosis/osmosis.h>

/* Value of key in a "k=v;k=v" EXTRA into buf; buf, or NULL (buf "") when absent. */
const char *dsc_extra_get(const char *extra, const char *key, char *buf, size_t sz);

/* The space of `type` that pd draws from: the space of a membership
 * resource "SPACE#PID" it holds (a Linux extraction), else a space of that
 * type it holds directly; the first found, or OSM_NONE. */
osm_id dsc_space_of(const osm_store *s, osm_id pd, const char *type);

/* Every space pd draws from (as above) whose type starts with `prefix`, as
 * a malloc'ed array sorted by ID in *out (free it); the count. */
size_t dsc_spaces_of(const osm_store *s, osm_id pd, const char *prefix, osm_id **out);

/* "exhaustible kernel pools shared with other processes": each POOL_*
 * space pd draws from, its limit and use, and who else draws from it.
 * JSON (when j): the value [{pool, what, limit, used, binds, shared_with}]
 * (the caller writes the key). */
void dsc_pools(const osm_store *s, osm_id pd, osm_json *j, FILE *f);

/* "uncertain": what seccomp leaves pd when the filter could not be decided,
 * and every control edge to or from pd whose EXTRA says uncertain=, grouped
 * by perms and reason.  JSON: the value {seccomp, control: [{to|from: [...],
 * perms, why}]}. */
void dsc_uncertain(const osm_store *s, osm_id pd, osm_json *j, FILE *f);

#endif
