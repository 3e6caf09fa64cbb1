/*
 * The CellulOS root task: shared structures of its components.
 *
 * The model state lives in one libosmosis store and changes only through
 * osm_tr_* (model.c wraps them).  Everything here besides the store is
 * runtime bookkeeping the model has no place for: badges and hold
 * registries, file descriptors, queues, waiters.
 *
 * Objects (PDs, ADSes, VMRs, MOs, VCPUs, EPs) share one table indexed by a
 * 32-bit object number that is never reused; a badge names its object by
 * that number.  Spaces (MO, ADS, VCPU, PCPU, EP pools) have their own 16-bit
 * numbers, which also appear in model IDs (MO_1_2 = object 2 of space 1, in
 * the CellulOS prototype's naming).
 */
#ifndef CEL_ROOT_H
#define CEL_ROOT_H

#include <stdio.h>
#include <sys/types.h>

#include <osmosis/osmosis.h>

#include "../proto/badge.h"
#include "../proto/proto.h"

_Static_assert((int)CEL_PERM_R == (int)OSM_PERM_R && (int)CEL_PERM_W == (int)OSM_PERM_W &&
               (int)CEL_PERM_T == (int)OSM_PERM_T,
               "badge permissions are the model's");

/* ---- hold registry (holds.c) --------------------------------------------- */

/* One held badge and how many times it was handed over (grants of the same
 * badge stack; one revoke drops them all). */
typedef struct cel_hold {
    uint64_t badge;     /* 0 = empty slot */
    uint32_t refs;
} cel_hold;

typedef struct cel_holds {
    cel_hold *v;
    size_t cap, n, tombs;
} cel_holds;

/* Add a reference to `badge`; 1 if it is new, 0 if it existed, -1 ENOMEM. */
int cel_holds_add(cel_holds *h, uint64_t badge);
/* The entry for exactly `badge`, or NULL. */
cel_hold *cel_holds_find(const cel_holds *h, uint64_t badge);
/* The badge held for object `obj` (any perms), or 0. */
uint64_t cel_holds_find_obj(const cel_holds *h, uint32_t obj);
/* Remove the entry; 0, or -1 when absent. */
int cel_holds_remove(cel_holds *h, uint64_t badge);
/* Badges of all entries, copied into a fresh array (the caller frees);
 * NULL with *n = 0 when empty. */
uint64_t *cel_holds_list(const cel_holds *h, size_t *n);
void cel_holds_free(cel_holds *h);

/* ---- objects ------------------------------------------------------------------- */

typedef struct cel_pd cel_pd;
typedef struct cel_ep cel_ep;
typedef struct cel_revoking cel_revoking;   /* revoke.c */
typedef struct cel_outq cel_outq;           /* outq.c */

typedef struct cel_obj {
    cel_type type;
    uint32_t num;           /* object number */
    uint16_t space;         /* space number (badge field) */
    osm_id node;            /* the model node */
    uint32_t holders;       /* registries that hold it */
    union {
        struct { int fd; size_t bytes; dev_t dev; ino_t ino; bool lazy; } mo;
        struct { uint32_t pd, mo; uint64_t vaddr, bytes; } vmr;
        struct { uint32_t pd; } owner; /* ADS, VCPU: the PD it belongs to */
        cel_pd *pd;
        cel_ep *ep;
        struct { uint32_t client, server; } conn; /* CONN (srv.c) */
    } u;
} cel_obj;

typedef struct cel_space {
    uint16_t num;
    osm_id node;
    uint32_t next;          /* next resource index (model ID suffix) */
    uint32_t obj;           /* ADS: its object number; else 0 */
} cel_space;

struct cel_pd {
    uint32_t num;
    char id[CEL_NAME_MAX];  /* model ID, PD_n */
    char name[CEL_NAME_MAX];
    pid_t pid;
    int pidfd, sock, notify, listener;     /* the root's ends are non-blocking */
    cel_outq *outq;         /* replies waiting for room in sock (outq.c), or NULL */
    bool hello, linked, ended, reaped;
    bool hung_up;           /* its call socket closed or it sent an empty message */
    bool flooded;           /* stopped for not reading its replies (outq.c) */
    unsigned thread_grants; /* THREAD_CREATEs whose clone has not come yet (process PD) */
    long log_second;        /* denial log rate limit (root.c): the current second, */
    unsigned log_lines, log_suppressed;    /* lines logged in it, lines held back */
    int status;             /* exit code or -signal, once ended */
    uint32_t creator;       /* creating PD's object number, 0 = the root task */
    uint32_t ads, vcpu;     /* object numbers */
    uint64_t fault_ep;      /* badge in the creator's registry, 0 = none */
    uint32_t n_pass;
    uint64_t pass[CEL_PASS_MAX];
    cel_holds holds;
    uint32_t waiter, waiter_seq;    /* a PD blocked in PD_WAIT on this one */
    unsigned denials;
    bool policy_victim;     /* killed by a cleanup policy: its end applies none */
    unsigned policy_kills;  /* PDs the policy killed because this one ended */
    /* thread PDs (thread.c): a thread PD shares the process of thread_of
     * (pid, address space, fd table); a process PD counts its threads. */
    uint32_t thread_of;
    pid_t tid;
    unsigned n_threads;
    bool exited;            /* a thread PD said THREAD_EXIT */
    cel_revoking *revoking; /* a revocation from this PD in flight (revoke.c) */
    bool revoking_busy;     /* process PD: one of its PDs is being revoked from */
};

#define CEL_EP_QUEUE 16
/* `cellulos dump` clients served at once; an idle one is dropped after
 * CEL_CLIENT_TIMEOUT_MS (control.c, docs/reliability.md). */
#define CEL_CLIENTS_MAX 16
#define CEL_CLIENT_TIMEOUT_MS 1000
struct cel_ep {
    cel_b_ep_msg q[CEL_EP_QUEUE];
    unsigned head, len;
    uint32_t waiter, waiter_seq;    /* a PD blocked in EP_RECV */
};

/* Cleanup policy depths (MODEL.md §6); UINT32_MAX = unbounded. */
typedef struct cel_policy {
    uint32_t d_pd, d_rs;
    char name[4];
} cel_policy;

typedef struct cel_root {
    osm_store *s;
    osm_id pd0;
    cel_space *mo_space, *vcpu_space, *pcpu_space, *ep_space, *ads0;
    osm_id pcpu[64];        /* PCPU resources, one per online core */
    unsigned n_pcpu;
    cel_obj **objs;         /* [cap_objs], index = object number, NULL = gone */
    uint32_t n_objs, cap_objs;
    cel_space *spaces;      /* [65536] by number; node == OSM_NONE = free */
    uint32_t n_spaces;
    uint32_t next_pd_id;
    size_t live_pds;
    int epfd;
    char bindir[4096];
    cel_policy policy;
    bool debug;
    bool verbose;
    FILE *log;              /* denial and event log (stderr by default) */
    unsigned revoke_timeout_ms;
    /* denial records, for the log and the scenario checks */
    unsigned denied_total;
    char denied_kinds[32][32];
    unsigned denied_count[32];
    unsigned n_denied_kinds;
    /* scenario state */
    bool done, done_ok, broken;
    uint32_t driver;                /* the PD whose DONE ends a scenario; 0 = none */
    char done_note[CEL_TEXT_MAX];
    int ctl_fd;             /* `cellulos dump` listening socket, or -1 */
    int client_timer;       /* timerfd that expires idle dump clients, or -1 */
    struct { int fd; double deadline; } clients[CEL_CLIENTS_MAX];   /* fd -1: free */
    struct cel_srv *srv;    /* resource servers' doors (srv.c), NULL until used */
    const char *crash_dump; /* write the state here when a PD first crashes */
} cel_root;

/* ---- root.c ---------------------------------------------------------------------- */
int cel_root_init(cel_root *r, const char *bindir);
void cel_root_fini(cel_root *r);
/* Serve events until `stop` says so (0) or timeout_ms have passed (1; with
 * 0, what is ready now is served once); -1 on an epoll failure. */
int cel_root_run(cel_root *r, bool (*stop)(cel_root *), int timeout_ms);
cel_obj *cel_obj_new(cel_root *r, cel_type type, uint16_t space);
cel_obj *cel_obj_get(const cel_root *r, uint32_t num);
void cel_obj_free(cel_root *r, cel_obj *o);
/* Look up a badge in a PD's registry: the object if the PD holds exactly
 * this badge, it is of `type`, and its perms include `need`; NULL else. */
cel_obj *cel_lookup(cel_root *r, cel_pd *pd, uint64_t badge, cel_type type, unsigned need);
/* Record a refused attempt by pd (kind = "syscall openat", "badge", ...):
 * always counted, logged at most CEL_DENY_LOG_PER_S times a second per PD
 * (the rest summed up in one line by cel_deny_flush, at the next second or
 * the PD's end). */
#define CEL_DENY_LOG_PER_S 20
void cel_deny(cel_root *r, cel_pd *pd, const char *kind, const char *detail);
void cel_deny_flush(cel_root *r, cel_pd *pd);
unsigned cel_denied(const cel_root *r, const char *kind);
/* Answer a deferred request of pd. */
void cel_reply_late(cel_root *r, uint32_t pd_num, uint32_t seq, cel_op op, int status,
                    const cel_msg *body);
int cel_epoll_add(cel_root *r, int fd, uint32_t tag, uint32_t num);
enum { CEL_TAG_CALL = 1, CEL_TAG_EXIT = 2, CEL_TAG_SECCOMP = 3, CEL_TAG_CONTROL = 4 };
enum { CEL_TAG_REVOKE_NOTIFY = 5, CEL_TAG_REVOKE_TIMER = 6 };  /* revoke.c */
enum { CEL_TAG_OUT = 7 };                                     /* outq.c */
enum { CEL_TAG_CLIENT = 8, CEL_TAG_CLIENT_TIMER = 9 };        /* control.c */
/* control.c: `cellulos dump` clients, served by the event loop like PDs.
 * Listen on a Unix socket at path (mode 0600, the root task's uid only). */
int cel_root_listen(cel_root *r, const char *path);
/* A CEL_TAG_CONTROL / CLIENT / CLIENT_TIMER event; num = the client's slot. */
void cel_control_event(cel_root *r, uint32_t tag, uint32_t num);
/* Close the listener and every client. */
void cel_control_fini(cel_root *r);

/* ---- model.c (the only writer of the store) -------------------------------------- */
int cel_model_boot(cel_root *r);
cel_space *cel_space_new(cel_root *r, const char *type);
int cel_space_free(cel_root *r, cel_space *sp);
/* A resource of the space's type, held by the root task: node or OSM_NONE. */
osm_id cel_model_resource(cel_root *r, cel_space *sp, const char *type, const char *extra);
int cel_model_grant(cel_root *r, osm_id pd, osm_id res, unsigned perms);
int cel_model_revoke(cel_root *r, osm_id pd, osm_id res);
int cel_model_delete(cel_root *r, osm_id res);
int cel_model_map(cel_root *r, osm_id from, osm_id to, unsigned perms);
int cel_model_unmap(cel_root *r, osm_id from, osm_id to);
int cel_model_map_space(cel_root *r, osm_id from, osm_id to);
int cel_model_unmap_space(cel_root *r, osm_id from, osm_id to);
osm_id cel_model_pd(cel_root *r, const char *id, const char *name);
int cel_model_destroy_pd(cel_root *r, osm_id pd);
/* Write the state as CellulOS CSV to path ("-" = stdout) atomically. */
int cel_model_dump_file(cel_root *r, const char *path);
/* The state as CellulOS CSV in a memfd; fd or -errno; *bytes its size. */
int cel_model_dump_memfd(cel_root *r, size_t *bytes);

/* ---- components ----------------------------------------------------------------- */
/* pd.c */
/* A PD in the table and the model (PD, ADS, VCPU; the creator, if any,
 * holds it RWT), no process yet; NULL with *err. */
cel_pd *cel_pd_new(cel_root *r, const char *name, cel_pd *creator, bool linked, uint64_t fault_ep,
                   int *err);
cel_pd *cel_pd_spawn(cel_root *r, const char *program, const char *arg, cel_pd *creator,
                     bool linked, uint64_t fault_ep, int *err);
int cel_pd_hello(cel_root *r, cel_pd *pd, int listener, cel_msg *rep);
/* A new PD record (object, fds closed, ID PD_n, counted live) with no model
 * node and no resources yet; NULL on ENOMEM. */
cel_pd *cel_pd_record_new(cel_root *r, const char *name, cel_pd *creator, bool linked,
                          uint64_t fault_ep);
/* Fill the HELLO reply (its badges, passed caps, ID) and mark pd greeted. */
void cel_pd_hello_reply(cel_pd *pd, cel_msg *m);
int cel_pd_create(cel_root *r, cel_pd *pd, cel_msg *m);
int cel_pd_wait(cel_root *r, cel_pd *pd, cel_msg *m, bool *deferred);
int cel_pd_killcall(cel_root *r, cel_pd *pd, cel_msg *m);
void cel_pd_kill(cel_root *r, cel_pd *pd);
/* The PD's process ended (pidfd readable) or its connection broke. */
void cel_pd_ended(cel_root *r, cel_pd *pd);
/* Give `badge`'s object to `pd` (registry + model); 0 or -errno. */
int cel_pd_give(cel_root *r, cel_pd *pd, cel_obj *o, unsigned perms, uint64_t *badge);
/* Take object o away from pd entirely (registry + model). */
int cel_pd_take(cel_root *r, cel_pd *pd, cel_obj *o);
/* Free an ended PD's record (after its creator waited or ended). */
void cel_pd_free(cel_root *r, cel_pd *pd);
cel_pd *cel_pd_of(cel_root *r, uint32_t num);

/* mo.c / vmr.c */
int cel_mo_alloc(cel_root *r, cel_pd *pd, cel_msg *m);
int cel_mo_attach(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out);
int cel_mo_free(cel_root *r, cel_pd *pd, cel_msg *m);
void cel_mo_release(cel_root *r, cel_obj *mo);
int cel_vmr_map(cel_root *r, cel_pd *pd, cel_msg *m);
int cel_vmr_unmap(cel_root *r, cel_pd *pd, cel_msg *m);
void cel_vmr_destroy(cel_root *r, cel_obj *vmr);
/* ads.c */
cel_obj *cel_ads_new(cel_root *r, cel_pd *pd);
void cel_ads_destroy(cel_root *r, cel_obj *ads);
/* ads_share.c: every PD sharing an ADS (a process and its thread PDs) holds
 * every VMR in it, in the model (no badge).  A new VMR v, mapped with
 * perms: give it to the other sharers.  */
int cel_ads_share_vmr(cel_root *r, cel_obj *v, unsigned perms);
/* v goes: take it from everybody but its owner and the root task. */
void cel_ads_share_unvmr(cel_root *r, cel_obj *v);
/* Thread PD t was just given its process' ADS: give it the VMRs there. */
int cel_ads_share_join(cel_root *r, cel_pd *t);
/* Thread PD t ends: take its shared VMRs back; heir (or NULL), which will
 * get t's own VMRs, loses its sharer's hold on them first. */
void cel_ads_share_leave(cel_root *r, cel_pd *t, cel_pd *heir);
/* cpu.c */
int cel_cpu_boot(cel_root *r);
cel_obj *cel_vcpu_new(cel_root *r, cel_pd *pd);
void cel_vcpu_destroy(cel_root *r, cel_obj *vcpu);
/* ep.c */
int cel_ep_alloc(cel_root *r, cel_pd *pd, cel_msg *m);
int cel_ep_send(cel_root *r, cel_pd *pd, cel_msg *m);
int cel_ep_recv(cel_root *r, cel_pd *pd, cel_msg *m, bool *deferred);
/* Post a message from the root task itself (fault notifications). */
void cel_ep_post(cel_root *r, cel_obj *ep, const cel_b_ep_msg *msg);
void cel_ep_release(cel_root *r, cel_obj *ep);
/* cap.c: grant and revoke between PDs */
int cel_cap_grant(cel_root *r, cel_pd *pd, cel_msg *m);
int cel_cap_revoke(cel_root *r, cel_pd *pd, cel_msg *m, bool *deferred);
/* srv.c: resource servers (srv.h) */
int cel_srv_dispatch(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out, bool *deferred);
void cel_srv_pd_ended(cel_root *r, cel_pd *pd);
struct osm_cleanup_result;
void cel_srv_policy(cel_root *r, const struct osm_cleanup_result *res);
void cel_srv_fini(cel_root *r);
/* audit.c: model, object table and OS agree (every PD in the model runs,
 * every ended PD's process is gone and left nothing behind, every open
 * memfd is a live MO, the invariants hold).  0, or -EIO with the first
 * problem in why. */
int cel_audit(cel_root *r, char *why, size_t len);
/* Open descriptors of this process; *memfds = how many are memfds. */
int cel_count_fds(int *memfds);
/* outq.c: send m (with handle fd, which stays the caller's) to pd without
 * blocking; what does not fit waits in pd's queue; a PD that lets
 * CEL_OUTQ_MAX replies wait is stopped (logged as "flood", killed: its end
 * runs the cleanup policy). */
#define CEL_OUTQ_MAX 64
void cel_outq_send(cel_root *r, cel_pd *pd, const cel_msg *m, int fd);
/* pd's socket has room (CEL_TAG_OUT): send what waits. */
void cel_outq_writable(cel_root *r, cel_pd *pd);
/* Drop what waits (pd ended or stopped). */
void cel_outq_free(cel_root *r, cel_pd *pd);
/* policy.c */
int cel_policy_parse(const char *s, cel_policy *p);
void cel_policy_apply(cel_root *r, cel_pd *crashed);

/* mo_map.c: the one-call MO path (MO_ALLOC_MAP, MO_UNMAP_FREE) and frames
 * read lazily, at the first dump that shows an MO */
int cel_mo_alloc_map(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out);
int cel_mo_unmap_free(cel_root *r, cel_pd *pd, cel_msg *m);
/* Record the frames of every MO whose frames are not read yet. */
void cel_mo_frames_resolve(cel_root *r);
/* thread.c: thread PDs sharing their process' address space */
int cel_thread_create(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out);
int cel_thread_exit(cel_root *r, cel_pd *pd, cel_msg *m);
int cel_thread_hello(cel_root *r, cel_pd *t, int listener, cel_msg *m);
/* The thread PD ended (or its process did): hand what it mapped to the
 * process, drop its hold on the shared ADS, tear it down. */
void cel_thread_ended(cel_root *r, cel_pd *t);
/* revoke.c: revoking an MO from a PD without blocking the root task.
 * Start: the reply to the revoker (seq) comes later, with the outcome. */
int cel_revoke_start(cel_root *r, cel_pd *revoker, const cel_hdr *req, cel_pd *victim,
                     cel_obj *mo);
/* The victim's notify socket or revocation timer is readable. */
void cel_revoke_event(cel_root *r, cel_pd *victim, uint32_t tag);
/* The victim ended: its revocation in flight ends too. */
void cel_revoke_victim_ended(cel_root *r, cel_pd *victim);
/* Forget a revocation in flight (root task shutdown). */
void cel_revoke_free(cel_pd *pd);
/* The process PD ended: every thread PD in it ends with its status. */
void cel_thread_end_all(cel_root *r, cel_pd *proc);
/* The thread PD that made a system call (by tid), or proc itself. */
cel_pd *cel_thread_by_tid(cel_root *r, cel_pd *proc, pid_t tid);

#endif
