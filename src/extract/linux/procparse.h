/*
 * Pure parsers for the Linux /proc files the extractor reads.
 *
 * Each takes a buffer (not necessarily NUL-terminated) and fills plain
 * structs; none does I/O, allocates behind the caller's back or keeps
 * state, so each can be fuzzed on its own (fuzz/fuzz_linux_*.c).  /proc is
 * parsed by hand on purpose: the formats are line-oriented and fixed, no
 * Debian library parses them all, and the extractor's speed depends on not
 * copying or re-scanning.
 *
 * Every parser tolerates truncated or garbled input: a line it cannot read
 * is skipped (and counted), never a crash.
 */
#ifndef OSM_LINUX_PROCPARSE_H
#define OSM_LINUX_PROCPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- /proc/PID/maps ---------------------------------------------------- */

enum { OSM_LX_PATH_MAX = 256 };

typedef struct osm_lx_vma {
    uint64_t start, end, offset, inode;
    unsigned dev_major, dev_minor;
    bool r, w, x, shared;
    char path[OSM_LX_PATH_MAX];     /* "" for anonymous; truncated if longer */
} osm_lx_vma;

/* Parse one maps line (without its newline) into *v; 0, or -1 if malformed. */
int osm_lx_parse_maps_line(const char *line, size_t len, osm_lx_vma *v);

/* Call `fn` for every well-formed line of a maps buffer; returns the number
 * of malformed lines skipped.  `fn` returning non-zero stops the walk. */
size_t osm_lx_parse_maps(const char *buf, size_t len,
                         int (*fn)(const osm_lx_vma *v, void *arg), void *arg);

/* The VMR kind of a mapping (code, data, heap, stack, vdso, vvar, file,
 * anon, shm, memfd, ...), from its path and permissions. */
const char *osm_lx_vma_kind(const osm_lx_vma *v);

/* ---- /proc/PID/status -------------------------------------------------- */

enum { OSM_LX_NSPID_MAX = 33 };

typedef struct osm_lx_status {
    char name[64];                  /* Name: (comm, escaped by the kernel) */
    int tgid, pid, ppid;
    unsigned uid[4], gid[4];        /* real, effective, saved, fs */
    uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
    int seccomp;                    /* 0 off, 1 strict, 2 filter, -1 unknown */
    int no_new_privs;               /* -1 unknown */
    int threads;
    int nspid_depth;                /* entries on the NSpid line (1 = init pid ns) */
    int kthread;                    /* Kthread: line (6.x); -1 when absent */
    bool have_uid, have_caps;
} osm_lx_status;

/* Parse a status buffer; 0, or -1 when the Pid or Name line is missing. */
int osm_lx_parse_status(const char *buf, size_t len, osm_lx_status *st);

/* ---- /proc/PID/fdinfo/FD ------------------------------------------------- */

typedef struct osm_lx_fdinfo {
    uint64_t pos, ino;
    unsigned flags;                 /* open flags (octal in the file) */
    int mnt_id;
    uint64_t eventfd_id;            /* eventfd-id: (6.x kernels), 0 if absent */
    bool have_flags, have_ino, have_eventfd_id;
} osm_lx_fdinfo;

int osm_lx_parse_fdinfo(const char *buf, size_t len, osm_lx_fdinfo *fi);

/* ---- /proc/PID/mountinfo ------------------------------------------------- */

typedef struct osm_lx_mount {
    int mnt_id, parent_id;
    unsigned major, minor;
    char root[OSM_LX_PATH_MAX], mountpoint[OSM_LX_PATH_MAX];
    char fstype[32], source[OSM_LX_PATH_MAX], super_opts[OSM_LX_PATH_MAX];
} osm_lx_mount;

int osm_lx_parse_mountinfo_line(const char *line, size_t len, osm_lx_mount *m);
size_t osm_lx_parse_mountinfo(const char *buf, size_t len,
                              int (*fn)(const osm_lx_mount *m, void *arg), void *arg);

/* ---- /proc/PID/cgroup and cgroup limit files --------------------------- */

typedef struct osm_lx_cgroup {
    int hierarchy;                  /* 0 for cgroup v2 */
    char controllers[128];          /* "memory", "cpu,cpuacct", "name=systemd", "" (v2) */
    char path[OSM_LX_PATH_MAX];
} osm_lx_cgroup;

int osm_lx_parse_cgroup_line(const char *line, size_t len, osm_lx_cgroup *c);
size_t osm_lx_parse_cgroup(const char *buf, size_t len,
                           int (*fn)(const osm_lx_cgroup *c, void *arg), void *arg);

/* Normalise a cgroup limit file's content ("max\n", "100000 100000\n",
 * "9223372036854771712\n") into out: first line, trailing space dropped,
 * characters outside [!-~ ] replaced by '?', ';' and '=' by '_' (they
 * separate EXTRA fields).  Returns the length written. */
size_t osm_lx_parse_limit(const char *buf, size_t len, char *out, size_t outsz);

/* ---- /proc/iomem ----------------------------------------------------------- */

typedef struct osm_lx_range {
    uint64_t start, end;            /* inclusive end, as printed */
} osm_lx_range;

/* Top-level "System RAM" ranges; returns how many were stored (at most
 * max), *total the number found. */
size_t osm_lx_parse_iomem_ram(const char *buf, size_t len, osm_lx_range *out, size_t max,
                              size_t *total);

/* ---- /proc/PID/pagemap ------------------------------------------------------ */

#define OSM_LX_PM_PRESENT (1ull << 63)
#define OSM_LX_PM_SWAPPED (1ull << 62)
#define OSM_LX_PM_FILE (1ull << 61)         /* file page or shared anonymous */
#define OSM_LX_PM_EXCLUSIVE (1ull << 56)
#define OSM_LX_PM_PFN_MASK ((1ull << 55) - 1)

/* A run of pages contiguous both virtually and physically, present, with a
 * known frame (PFN != 0), the same exclusivity and the same kind of frame. */
typedef struct osm_lx_run {
    uint64_t page;                  /* index of the first page in the input */
    uint64_t pfn, n;
    bool exclusive;
    bool file;                      /* page cache (or shmem): not a private anonymous copy */
} osm_lx_run;

/* Decode `n` pagemap entries (one per virtual page) into runs; when
 * `per_page` each present page is its own run.  Returns the number of runs
 * written to `out` (at most max); *consumed is how many entries were
 * decoded (less than n when out filled up: call again from there).
 * *hidden counts present pages whose PFN reads as 0 (no CAP_SYS_ADMIN). */
size_t osm_lx_decode_pagemap(const uint64_t *pm, size_t n, bool per_page, osm_lx_run *out,
                             size_t max, size_t *consumed, uint64_t *hidden);

/* ---- seccomp filters (classic BPF, as PTRACE_SECCOMP_GET_FILTER returns) -- */

/* One instruction of a classic BPF program (struct sock_filter's layout). */
typedef struct osm_lx_bpf_insn {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
} osm_lx_bpf_insn;

/* What a filter stack does with one system call. */
typedef enum osm_lx_verdict {
    OSM_LX_ALLOWED,                 /* ALLOW or LOG: the call runs */
    OSM_LX_DENIED,                  /* KILL, TRAP or ERRNO: it never runs */
    OSM_LX_UNDECIDED                /* depends on arguments or the IP, on a tracer or a
                                     * supervisor (TRACE, USER_NOTIF), or the program is
                                     * malformed */
} osm_lx_verdict;

/* Run every filter of a stack (progs[i] with lens[i] instructions) for the
 * system call `nr` of the ABI `arch` (an AUDIT_ARCH_* value) with unknown
 * arguments, and combine their actions as the kernel does (the most
 * restrictive wins).  A program that reads an argument or the instruction
 * pointer on the path it takes makes the verdict UNDECIDED, since the
 * arguments a caller would pass are not known.  Pure: safe to fuzz. */
osm_lx_verdict osm_lx_seccomp_eval(const osm_lx_bpf_insn *const *progs, const size_t *lens,
                                   size_t n_progs, uint32_t arch, int nr);

/* ---- helpers shared by the parsers ----------------------------------------- */

/* Next line of buf from *pos: sets line and ll, advances *pos; false at end. */
bool osm_lx_next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *ll);

#endif
