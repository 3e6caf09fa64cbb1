/*
 * libosmosis — reading and writing model states: the CellulOS CSV
 * (MODEL.md §2), the processing split, and a small JSON emitter shared by
 * every `--json` output and exporter.
 *
 * Include <osmosis/osmosis.h>, not this file.
 */
#ifndef OSMOSIS_FORMAT_H
#define OSMOSIS_FORMAT_H

#include <stdio.h>
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CellulOS CSV ---------------------------------------------------- */

/* What a read found, row by row. */
typedef struct osm_csv_stats {
    uint64_t lines;                         /* physical lines seen */
    uint64_t node_rows[OSM_KIND_COUNT];     /* usable node rows by kind */
    uint64_t nodes_new[OSM_KIND_COUNT];     /* distinct nodes added */
    uint64_t nodes_merged;                  /* repeated node rows merged */
    uint64_t edge_rows[OSM_EDGE_KIND_COUNT];/* edges added, by kind */
    uint64_t headers;                       /* header lines (incl. repeats) */
    uint64_t blank;                         /* blank lines */
    uint64_t noise;                         /* non-CSV lines (log output, prompts) */
    uint64_t bad_rows;                      /* CSV rows that could not be used */
} osm_csv_stats;

typedef struct osm_csv_opts {
    bool strict;            /* report unusable rows as errors, not warnings */
} osm_csv_opts;

/* Read CellulOS CSV from memory into `s` (which may already hold nodes).
 * `name` is used in messages ("file:line: problem").  Every usable row is
 * kept; every unusable line is reported in `d` with its number.  Returns 0
 * when at least one row was usable, -1 otherwise (an error is in `d`). */
int osm_csv_read_buffer(osm_store *s, const char *buf, size_t len, const char *name,
                        const osm_csv_opts *opts, osm_diags *d, osm_csv_stats *st);
/* Read a file ("-" = stdin).  -1 also when it cannot be read. */
int osm_csv_read_file(osm_store *s, const char *path, const osm_csv_opts *opts,
                      osm_diags *d, osm_csv_stats *st);

/* Write the state as CellulOS CSV: the header, every node in index order,
 * then every edge in index order.  Byte-stable.  0, or -1 on a write error. */
int osm_csv_write(const osm_store *s, FILE *f);
/* Write one CSV field, quoted (RFC 4180) only when it holds a comma, quote
 * or line break. */
void osm_csv_write_field(FILE *f, const char *s);

/* Add HOLD(RWT) ROOT_TASK -> PD for every other PD, when the state has no
 * PD -> PD HOLD edge at all (MODEL.md §7, CellulOS dumps).  Returns the
 * number of edges added. */
size_t osm_cellulos_add_control(osm_store *s);

/* ---- processing split (MODEL.md §2) ------------------------------------ */

typedef struct osm_process_stats {
    size_t split_vcpu;      /* PDs split per own VCPU */
    size_t split_ads;       /* PDs split per own ADS */
    size_t pds_added;       /* copies created (net of the originals) */
} osm_process_stats;

/* Return a processed copy of `s` (NULL on ENOMEM).  `s` is not changed. */
osm_store *osm_process(const osm_store *s, osm_process_stats *st);

/* ---- JSON emitter ------------------------------------------------------ */

/* A minimal streaming JSON writer: we only ever emit JSON, and the output
 * must be byte-stable, so a few dozen lines beat a dependency. */
typedef struct osm_json {
    FILE *f;
    int depth;
    bool need_comma[64];    /* per depth: a value was written */
    bool after_key[64];     /* per depth: a key awaits its value */
    bool pretty;
} osm_json;

void osm_json_init(osm_json *j, FILE *f, bool pretty);
void osm_json_begin_object(osm_json *j);
void osm_json_end_object(osm_json *j);
void osm_json_begin_array(osm_json *j);
void osm_json_end_array(osm_json *j);
void osm_json_key(osm_json *j, const char *key);
void osm_json_string(osm_json *j, const char *s);
void osm_json_int(osm_json *j, int64_t v);
void osm_json_uint(osm_json *j, uint64_t v);
void osm_json_double(osm_json *j, double v);
void osm_json_bool(osm_json *j, bool v);
void osm_json_null(osm_json *j);
/* End the document with a newline. */
void osm_json_finish(osm_json *j);
/* Write `s` as a JSON string literal (quotes and escapes). */
void osm_json_write_escaped(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif
#endif
