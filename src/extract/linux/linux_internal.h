/* Shared state of the Linux extractor's files (not a public interface). */
#ifndef OSM_LINUX_INTERNAL_H
#define OSM_LINUX_INTERNAL_H

#include <pthread.h>

#include "linux.h"

/* ---- reading /proc (linux_io.c) ------------------------------------------ */

/* A growable buffer reused across reads. */
typedef struct lx_buf {
    char *p;
    size_t len, cap;
    char why[96];                   /* why the last read was refused (lx_refused) */
} lx_buf;

/* Kinds of /proc file, each with its own size cap (docs/reliability.md). */
typedef enum lx_kind { LX_K_SMALL, LX_K_STATUS, LX_K_MAPS, LX_K_FDINFO, LX_K_MOUNTINFO,
                       LX_K_COUNT } lx_kind;

/* Read the whole file dirfd/path into b (NUL-terminated).  Regular files
 * only, opened without blocking, never through a symbolic link leading out
 * of dirfd (or any magic link), at most the cap of `kind`.  0, or -1 with
 * errno (ENOENT/ESRCH: gone; EACCES/EPERM: denied); b->why is non-empty
 * when the file was refused (not regular, too big, a link out of dirfd). */
int lx_read_file(int dirfd, const char *path, lx_kind kind, lx_buf *b);
/* Record in r that PROC/PID/path (pid 0: PROC/path) was refused for `why`;
 * the report keeps the first OSM_LX_NAMED by pid and path. */
void lx_note_refused(osm_lx_report *r, const char *proc, int pid, const char *path,
                     const char *why);
/* readlinkat into buf (NUL-terminated); length or -1 with errno. */
ssize_t lx_readlink(int dirfd, const char *path, char *buf, size_t sz);
void lx_buf_free(lx_buf *b);
/* errno means "the process is gone" (as opposed to denied / other). */
bool lx_gone(int err);

/* ---- one process, gathered (linux_gather.c) --------------------------------- */

enum lx_ns_kind { LX_NS_CGROUP, LX_NS_IPC, LX_NS_MNT, LX_NS_NET, LX_NS_PID,
                  LX_NS_TIME, LX_NS_USER, LX_NS_UTS, LX_NS_COUNT };
extern const char *const lx_ns_names[LX_NS_COUNT];

typedef enum lx_fd_kind { LX_FD_FILE, LX_FD_SOCKET, LX_FD_PIPE, LX_FD_EVENTFD,
                          LX_FD_SIGNALFD, LX_FD_TIMERFD, LX_FD_MEMFD, LX_FD_DEVICE,
                          LX_FD_ANON, LX_FD_KIND_COUNT } lx_fd_kind;
extern const char *const lx_fd_types[LX_FD_KIND_COUNT];

typedef struct lx_fd {
    int fd;
    lx_fd_kind kind;
    uint8_t perms;
    unsigned major, minor;          /* FILE / MEMFD / DEVICE */
    uint64_t ino;                   /* inode (socket/pipe: from the link) */
    uint64_t anon_id;               /* eventfd-id, else 0 */
    char what[OSM_LX_PATH_MAX];     /* path or anon inode name */
} lx_fd;

typedef struct lx_vmr {
    osm_lx_vma v;
    osm_lx_run *runs;               /* frames behind it (page index relative to v.start) */
    osm_id node;                    /* its VMR, once committed */
    /* The FILE / MEMFD / SHM behind it whose page cache its file frames
     * are, and that resource's space; OSM_NONE for anything else. */
    osm_id file, file_space;
    size_t n_runs;
} lx_vmr;

/* A new VMR record for mapping v, nothing committed yet (the /proc and the
 * BPF sources both make them this way). */
static inline void lx_vmr_init(lx_vmr *r, const osm_lx_vma *v)
{
    *r = (lx_vmr){ .v = *v, .node = OSM_NONE, .file = OSM_NONE, .file_space = OSM_NONE };
}

typedef struct lx_thread {
    int tid;
    char comm[64];
} lx_thread;

/* Whether a process may do something (to other processes or the kernel):
 * its seccomp mode and filters decide which system calls it can make. */
typedef enum lx_may { LX_MAY_NO, LX_MAY_YES, LX_MAY_UNKNOWN } lx_may;

/* The ways one process can act on others that seccomp can take away
 * (docs/linux.md lists the system calls behind each). */
typedef struct lx_reach {
    lx_may signal;                  /* kill, tkill, tgkill, pidfd_send_signal, ptrace */
    lx_may read, write;             /* ptrace, process_vm_readv/writev, open of /proc/PID/mem */
    lx_may module, rawio, boot;     /* over the kernel: module loading, raw I/O, reboot */
    char why[80];                   /* what made an UNKNOWN unknown */
} lx_reach;

typedef struct osm_lx_proc {
    int pid;
    osm_lx_status st;
    uint64_t ns[LX_NS_COUNT];       /* namespace inodes, 0 unknown */
    osm_lx_cgroup *cg;
    size_t n_cg;
    lx_vmr *vmr;
    size_t n_vmr;
    lx_fd *fd;
    size_t n_fd;
    lx_thread *thr;
    size_t n_thr;
    osm_id *pd;                     /* committed PD node per thread (or one) */
    size_t n_pd;
    bool fds_denied, maps_denied;
    int maps_errno;                 /* why maps was unreadable (maps_denied) */
    lx_reach reach;                 /* what seccomp leaves it (linux_seccomp.c) */
    int dumpable;                   /* 1 yes, 0 no, -1 unknown (from /proc/PID's owner) */
    int filters;                    /* lx_gather_reach's result */
    char *cwd, *root;               /* readlink of cwd and root; NULL unreadable */
} osm_lx_proc;

typedef struct lx_mount_table lx_mount_table;
/* One run of the BPF iterators: every process's descriptors and VMAs
 * (linux_bpf.c). */
typedef struct lx_bpf lx_bpf;

/* One gathering thread's own state: scratch buffers and the counters of
 * what it could not see (merged into the report after the scan).  Nothing
 * in it is shared, so gathers run in parallel (linux_scan.c). */
typedef struct lx_scratch {
    lx_buf buf, buf2;
    uint64_t *pm;                   /* pagemap scratch */
    size_t pm_cap;
    osm_lx_run *runs;               /* decode scratch */
    size_t runs_cap;
    osm_lx_report rep;              /* gather-side counters only */
    int pm_scan_ok;                 /* 1 PAGEMAP_SCAN works, 0 not, -1 untried */
} lx_scratch;

/* The extraction in progress.  While workers gather, only `o`, `procfd`,
 * `init_ns` and the mount tables (under mounts_lock) are shared with them;
 * everything else belongs to the committing (main) thread. */
typedef struct lx_ctx {
    const osm_lx_opts *o;
    osm_lx_report *rep;
    osm_store *s;
    int procfd;
    lx_buf buf, buf2;               /* the committing thread's scratch */
    pthread_mutex_t mounts_lock;    /* guards mounts, n_mounts, first_slot */
    lx_mount_table **mounts;        /* per mount namespace; tables never move */
    size_t n_mounts;
    const lx_mount_table *host;     /* the host's table (see lx_mounts_host) */
    osm_lx_range *ram;              /* System RAM ranges (PHYS spaces) */
    size_t n_ram, ram_last;         /* ram_last: the range phys_space hit last */
    osm_id *ram_space;
    osm_id kernel;
    osm_lx_proc *procs;             /* committed processes, pid order */
    size_t n_procs, cap_procs;
    uint64_t init_ns[LX_NS_COUNT];  /* PID 1's namespaces (or the first process's) */
    int yama;                       /* ptrace_scope, 0 when absent */
    lx_bpf *bpf;                    /* --source bpf: the iterators' snapshot (read-only) */
} lx_ctx;

/* Gather pids[0..n) in parallel and commit them in that order
 * (linux_scan.c); 0, or -1 on ENOMEM. */
int lx_scan_pids(lx_ctx *c, const int *pids, size_t n);
void lx_scratch_init(lx_scratch *w);
void lx_scratch_free(lx_scratch *w);
/* Add the gather-side counters of w into r. */
void lx_report_merge(osm_lx_report *r, const osm_lx_report *w);
/* Keep f among r's named refusals if it is one of the first OSM_LX_NAMED
 * by (pid, text), so that the names do not depend on the worker split. */
void lx_report_add_refusal(osm_lx_report *r, const osm_lx_refusal *f);

/* Read everything about `pid` with w's scratch; 0, 1 when it is gone
 * (skip), 3 when it is a kernel thread (folded into PD_kernel), 4 when its
 * status file was refused (skip; in w's report), -1 on
 * ENOMEM.  `slot` is its place in the scan order (see lx_mounts_for).
 * Touches no store: safe to run in several threads at once. */
int lx_gather(lx_ctx *c, lx_scratch *w, size_t slot, int pid, osm_lx_proc *p);
void lx_proc_free(osm_lx_proc *p);
/* Only the namespaces of /proc/NAME (NAME "1", "self"); 0 or -1. */
int lx_gather_ns_of(lx_ctx *c, const char *name, osm_lx_proc *p);

/* Classify a descriptor from its link text (sets kind, what, and ino for
 * sockets and pipes). */
void lx_classify_fd(const char *link, lx_fd *f);
/* OSM_PERM_R/W of open flags' access mode. */
uint8_t lx_open_perms(unsigned flags);

/* ---- the BPF source (linux_bpf.c) ------------------------------------------- */

/* Load (or open the pinned) iterators and run them once; NULL with a
 * reason in why (no BPF support built, no privilege, no BTF, no BPF
 * filesystem to pin them in when need_pin, ...). */
lx_bpf *lx_bpf_open(bool need_pin, char *why, size_t whysz);
void lx_bpf_free(lx_bpf *b);
/* p's VMAs from the snapshot, as add_vma would keep them from maps: 0, 1
 * when the snapshot cannot give them (read maps instead), -1 on ENOMEM. */
int lx_bpf_vmas(const lx_bpf *b, osm_lx_proc *p);
/* p's descriptors as gather_fds would read them live: 0, 1 when the
 * snapshot has none for p (read fd/ instead), -1 on ENOMEM. */
int lx_bpf_fds(const lx_bpf *b, osm_lx_proc *p);
/* Malformed records skipped (0 unless the kernel side is broken). */
size_t lx_bpf_bad(const lx_bpf *b);

/* ---- seccomp (linux_seccomp.c) ---------------------------------------------- */

/* Fill p->reach from p->st.seccomp and, for filter mode on a live system
 * when allowed (root), from the filters themselves, read with
 * PTRACE_SECCOMP_GET_FILTER while the process is briefly stopped.
 * 1 when filters were read, 0 when none was needed, -1 when they could not
 * be read (what depends on them is then LX_MAY_UNKNOWN), -2 when the
 * process exited meanwhile (gone or a zombie: ptrace refuses both). */
int lx_gather_reach(const lx_ctx *c, osm_lx_proc *p);

/* ---- pagemap (linux_pagemap.c) --------------------------------------------- */

/* Fill p->vmr[*].runs from pagemap; 0, 1 when gone, -1 on ENOMEM. */
int lx_gather_frames(const lx_ctx *c, lx_scratch *w, int pidfd, osm_lx_proc *p);

/* ---- building the state (linux_build.c, linux_phys.c, linux_control.c) ----- */

/* Find or add a node; OSM_NONE on ENOMEM. */
osm_id lx_node(lx_ctx *c, osm_kind kind, const char *id, const char *type, const char *extra);
/* Add HOLD from -> to with perms, widening an existing one; -1 on ENOMEM. */
int lx_hold(lx_ctx *c, osm_id from, osm_id to, uint8_t perms);
/* Add HOLD from -> to known not to exist yet (fresh node, deduplicated list). */
int lx_hold_new(lx_ctx *c, osm_id from, osm_id to, uint8_t perms);
/* Add MAP r -> q (and the space map it needs, rule 5); -1 on ENOMEM. */
int lx_map(lx_ctx *c, osm_id r, osm_id rspace, osm_id q, osm_id qspace, uint8_t perms);
/* p draws from `space` (a namespace, cgroup or kernel pool it is in): a
 * resource "<space>#<pid>" of the space's type, SUBSET the space, held by
 * p's PDs.  Membership is a resource, not a HOLD on the space, because
 * holding a space makes a PD the server of everyone who draws from it
 * (MODEL.md §4, ResourceSpaceServers): only the kernel holds these spaces.
 * Once per process and space; -1 on ENOMEM. */
int lx_member(lx_ctx *c, const osm_lx_proc *p, osm_id space);
/* SUBSET r -> space, once. */
int lx_subset(lx_ctx *c, osm_id r, osm_id space);

int lx_commit(lx_ctx *c, osm_lx_proc *p);
int lx_phys_init(lx_ctx *c);
/* Frames of every committed process, as MO resources shared across them. */
int lx_phys_commit(lx_ctx *c);
int lx_control_commit(lx_ctx *c);
/* The kernel's exhaustible pools as POOL_* spaces, and which instance each
 * process draws from (linux_pools.c). */
int lx_pools_commit(lx_ctx *c);
/* The kernel holds every space and every resource nobody else holds. */
int lx_kernel_holds(lx_ctx *c);

/* ---- mounts and cgroups (linux_mounts.c) --------------------------------------- */

/* The mount table of p's mount namespace (read on first use, with w's
 * scratch); NULL if unreadable.  Thread-safe.  `slot` is the asking
 * process's place in the scan order: the table first asked for in scan
 * order becomes the host's when the extraction is not live. */
const lx_mount_table *lx_mounts_for(lx_ctx *c, lx_scratch *w, size_t slot,
                                    const osm_lx_proc *p, int pidfd);
/* Make the host's table known once every process before `slot` in scan
 * order has been gathered (the committing thread calls this in order). */
void lx_mounts_settle_host(lx_ctx *c, size_t slot);
/* Device of a mount id; false when unknown. */
bool lx_mount_dev(const lx_mount_table *t, int mnt_id, unsigned *major, unsigned *minor);
/* fstype and mount point of the filesystem on a device, or NULL. */
const osm_lx_mount *lx_mount_by_dev(const lx_mount_table *t, unsigned major, unsigned minor);
/* The cgroup mount for a controller list ("" = v2) in the host's table. */
const char *lx_cgroup_mountpoint(lx_ctx *c, const char *controllers);
void lx_mounts_free(lx_ctx *c);
/* The host's table: the extractor's own when live, else the first one
 * asked for in scan order (as a serial scan would have read it first). */
const lx_mount_table *lx_mounts_host(const lx_ctx *c);
/* Cgroup spaces for p (nested cgroups MAP to their parent); HOLD them. */
int lx_commit_cgroups(lx_ctx *c, const osm_lx_proc *p);

#endif
