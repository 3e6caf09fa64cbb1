/*
 * `osmosis extract KIND ...`: the extractors that build a model state from
 * a real system or a system description.  Each kind is one function with
 * the verb calling convention (argv[0] is the kind); verb_extract.c
 * dispatches to them.
 */
#ifndef OSM_CLI_EXTRACT_H
#define OSM_CLI_EXTRACT_H

/* osmosis extract linux ... (extract_linux.c) */
int osm_cli_extract_linux(int argc, char **argv);
/* osmosis extract sdf FILE.system ... (extract_sdf.c) */
int osm_cli_extract_sdf(int argc, char **argv);
/* osmosis extract vm --qemu-pid PID --guest FILE ... (extract_vm.c) */
int osm_cli_extract_vm(int argc, char **argv);

#endif
