/* Shared by `osmosis extract vm` (extract_vm.c) and `osmosis vm` (verb_vm.c). */
#ifndef OSM_VM_CLI_H
#define OSM_VM_CLI_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vm_cli_join {
    int qemu_pid;
    const char *ram_path;       /* NULL: QEMU's memfd backend */
    const char *prefix;         /* "G_" */
    bool unframed;              /* the guest capture is plain CSV, not framed */
    const char *out;            /* output path, NULL/"-" stdout */
    int format;                 /* osm_export_format */
    bool json;                  /* a JSON summary on stdout (cli_state_summary) */
    const char *verb;           /* for the summary: "extract vm" or "vm run" */
} vm_cli_join;

/* Verify the guest capture buf[0..len) (named `name` in messages), load it
 * strictly, join it to the live QEMU process and write the joined state.
 * Nothing is written unless everything succeeded.  CLI_OK or CLI_USAGE. */
int vm_cli_join_write(const vm_cli_join *j, const char *buf, size_t len, const char *name);

/* Read a whole file ("-" = stdin); NULL with a message printed. */
char *vm_cli_slurp(const char *verb, const char *path, size_t *len);

/* osmosis vm run ... (vm_run.c) */
int vm_cli_run(int argc, char **argv);

#endif
