/*
 * The Linux extractor: a live host (or a captured copy of /proc) as an
 * OSmosis model state, built through the libosmosis store API.  The
 * mapping is documented in docs/linux.md; MODEL.md §7 is the reference.
 *
 * Flow: list the PIDs; for each, *gather* everything it needs from /proc
 * into an osm_lx_proc (no store changes, so a process that exits half-way
 * is dropped whole and counted); then *commit* it to the store.  After the
 * last process, the physical frames (runs shared across processes),
 * control edges, kernel requests and kernel holds are added.
 */
#ifndef OSM_LINUX_H
#define OSM_LINUX_H

#include <stdio.h>
#include <sys/types.h>

#include <osmosis/osmosis.h>
#include "procparse.h"

/* Where descriptors and mappings are read from (--source). */
typedef enum osm_lx_source {
    OSM_LX_SOURCE_AUTO,             /* BPF when it loads, else /proc */
    OSM_LX_SOURCE_BPF,              /* BPF iterators, or fail */
    OSM_LX_SOURCE_PROC              /* /proc/PID/fd, fdinfo and maps */
} osm_lx_source;

typedef struct osm_lx_opts {
    const char *proc;           /* "/proc" unless --proc DIR */
    const int *pids;            /* NULL: every process */
    size_t n_pids;
    bool threads, pages, no_phys;
    bool live;                  /* proc is the running kernel's (cgroup limits, stat fallback) */
    bool no_seccomp_read;       /* do not stop filtered processes to read their filters */
    osm_lx_source source;
    /* Extra frame numbers where MOs must start (the VM join cuts host
     * frames at the edges of the guest frames they back); may be NULL. */
    const uint64_t *cut_pfns;
    size_t n_cut_pfns;
} osm_lx_opts;

/* How many processes or files a report names before "and N more". */
#define OSM_LX_NAMED 10

/* A process whose maps could not be read, and why (an errno). */
typedef struct osm_lx_denial {
    int pid, err;
} osm_lx_denial;

/* A file the reader refused: "DIR/PID/maps: is a FIFO, not a regular file". */
typedef struct osm_lx_refusal {
    int pid;
    char what[320];
} osm_lx_refusal;

/* What the extraction could not see, reported once on stderr. */
typedef struct osm_lx_report {
    size_t processes, threads;      /* committed */
    size_t exited;                  /* vanished mid-scan, skipped */
    size_t kthreads;                /* kernel threads, part of PD_kernel */
    size_t denied;                  /* processes with parts unreadable (EACCES) */
    size_t fds_denied;              /* processes whose fds were unreadable */
    size_t maps_denied;
    osm_lx_denial maps_named[OSM_LX_NAMED];   /* the first by pid */
    size_t refused;                 /* files refused (not regular, too big, link out) */
    osm_lx_refusal refused_named[OSM_LX_NAMED];
    size_t missing_pids;            /* --pid entries that do not exist */
    uint64_t frames_hidden;         /* present pages whose PFN read as 0 */
    size_t pagemap_denied;
    bool iomem_hidden;              /* /proc/iomem unreadable or zeroed */
    bool no_pagemap_scan;           /* PAGEMAP_SCAN unavailable: full pagemap reads */
    size_t bad_lines;               /* malformed /proc lines skipped */
    size_t huge_skipped;            /* mappings too large to scan without PAGEMAP_SCAN */
    size_t filters_read;            /* seccomp filter stacks read and evaluated */
    size_t filters_unread;          /* filter-mode processes whose filters were not read */
    const char *source;             /* "bpf" or "proc": what was used */
    size_t bpf_fallbacks;           /* bpf: maps or fds of a process read from /proc */
    char source_why[192];           /* why (the BPF failure when it fell back) */
} osm_lx_report;

/* Extract into `s` (empty).  0, or -1 with a message on stderr when
 * nothing could be read at all (bad --proc DIR, out of memory, --source
 * bpf when BPF cannot be used). */
int osm_lx_extract(const osm_lx_opts *o, osm_store *s, osm_lx_report *rep);
/* Capability names of a mask ("cap_kill,cap_net_raw"), "ALL" when every
 * capability libcap knows is set, "none" when none (names from libcap). */
void osm_lx_cap_names(uint64_t mask, char *out, size_t sz);

/* Whether a resource type is one a descriptor becomes (FILE, SOCKET, PIPE,
 * ...: the "open files" of a process, as opposed to its mappings). */
bool osm_lx_is_fd_type(const char *type);

/* Print what could not be seen (one line per kind of gap) to f. */
void osm_lx_report_print(const osm_lx_report *r, FILE *f);

#endif
