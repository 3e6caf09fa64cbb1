/*
 * `osmosis extract KIND ...`: the extractors that build a model state from
 * a real system or a system description.  Each kind is one function with
 * the verb calling convention (argv[0] is the kind); verb_extract.c
 * dispatches to them.
 */
#ifndef OSM_CLI_EXTRACT_H
#define OSM_CLI_EXTRACT_H

/* osmosis extract sdf FILE.system ... (extract_sdf.c) */
int osm_cli_extract_sdf(int argc, char **argv);

#endif
