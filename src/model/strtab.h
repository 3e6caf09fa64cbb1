/* Hash index and interned-string helpers (internal to libosmosis). */
#ifndef OSM_STRTAB_H
#define OSM_STRTAB_H

#include "store_internal.h"

/* Returns the NUL-terminated key stored for value v. */
typedef const char *(*osm_key_fn)(const void *ctx, osm_id v);

/* Find the value whose key equals key[0..n); OSM_NONE when absent. */
osm_id osm_hindex_find(const osm_hindex *h, const char *key, size_t n, uint32_t hash,
                       osm_key_fn key_of, const void *ctx);
int osm_hindex_insert(osm_hindex *h, uint32_t hash, osm_id val);
void osm_hindex_remove(osm_hindex *h, uint32_t hash, osm_id val);

osm_id osm_strtab_lookup(const osm_strtab *t, const char *s, size_t n);
osm_id osm_strtab_intern(osm_strtab *t, const char *s, size_t n);

#endif
