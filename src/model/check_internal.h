/* Helpers the checker shares with the transitions (internal). */
#ifndef OSM_CHECK_INTERNAL_H
#define OSM_CHECK_INTERNAL_H

#include "store_internal.h"

/* May a resource of type res_type be drawn from a space of space_type?
 * Equal types, or a VMR in an ADS (the one built-in pairing). */
bool osm_type_pairs(const osm_store *s, osm_id res_type, osm_id space_type);
/* Does pd HOLD a space that serves resources of `type`? */
bool osm_holds_space_of_type(const osm_store *s, osm_id pd, osm_id type);

#endif
