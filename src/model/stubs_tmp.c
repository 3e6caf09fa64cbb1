#include <osmosis/osmosis.h>
size_t osm_check(const osm_store *s, bool strict, osm_diags *d) { (void)s; (void)strict; (void)d; return 0; }
osm_store *osm_process(const osm_store *s, osm_process_stats *st) { (void)st; return osm_store_clone(s); }
