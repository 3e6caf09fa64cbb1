/*
 * Finding the prefill files an SDF names (prefill_path) on the file system:
 * the one place the SDF extractor touches files other than the SDF itself.
 * A prefill path is looked up in each prefill directory in turn and must
 * stay inside it (no "..", no symbolic link leading out) unless the user
 * allows outside paths; it must be a regular file (a FIFO would block the
 * lookup for ever).  docs/sdf.md and docs/reliability.md.
 */
#ifndef OSM_SDF_PREFILL_H
#define OSM_SDF_PREFILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDF_MAX_PREFILL_DIRS 16

typedef struct sdf_prefill {
    const char *dirs[SDF_MAX_PREFILL_DIRS];
    size_t n_dirs;
    bool allow_outside;         /* --allow-outside-paths */
} sdf_prefill;

/* The sdf_config.prefill_size callback over an sdf_prefill (ctx): the size
 * of the first regular file dirs[i]/path; -1 when no directory has it, -2
 * when the first one found is refused or unreadable (the reason in why:
 * "is a FIFO, not a regular file", "is outside DIR ..."). */
int64_t sdf_prefill_size(void *ctx, const char *path, char *why, size_t whysz);

#endif
