/*
 * libcellulos — what a CellulOS PD program links with.
 *
 * Before main() runs, a constructor connects to the root task through the
 * sockets it inherited (fds 3 and 4), installs the PD's seccomp filter and
 * says HELLO; from then on every resource the program gets comes through the
 * typed calls below.  Every call returns 0 or a negative errno: -EPERM when
 * the root task refused (unknown/foreign badge, missing permission, model
 * transition refused), -EINVAL for a bad argument, -EPIPE when the root task
 * is gone.
 */
#ifndef CELLULOS_H
#define CELLULOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/proto.h"
#include "../proto/badge.h"

typedef uint64_t cel_badge;

/* What the root task told this PD at HELLO. */
typedef struct cel_self {
    cel_badge self, ads, vcpu;
    uint32_t n_pass;
    cel_badge pass[CEL_PASS_MAX];   /* resources passed by the creator, in order */
    char pd_id[CEL_NAME_MAX];       /* the PD's model ID, e.g. "PD_3" */
} cel_self;

const cel_self *cel_self_info(void);

/* Null RPC. */
int cel_ping(void);

/* ---- memory: MO, VMR ------------------------------------------------------ */
int cel_mo_alloc(size_t pages, cel_badge *mo);
/* Map an MO into this PD (perms OSM_PERM_R|W): the root task hands over the
 * memfd, the library maps it and reports the VMR, then closes the fd. */
int cel_mo_attach(cel_badge mo, unsigned perms, void **addr, size_t *bytes, cel_badge *vmr);
/* Unmap a VMR made by cel_mo_attach. */
int cel_vmr_detach(cel_badge vmr, void *addr, size_t bytes);
int cel_mo_free(cel_badge mo);

/* ---- PDs ---------------------------------------------------------------------- */
typedef struct cel_pd_config {
    const char *program;            /* "cel-hello": a PD binary next to the root task */
    const char *arg;                /* one argument, or NULL */
    bool linked;                    /* dies with its creator */
    uint32_t n_pass;
    cel_pass pass[CEL_PASS_MAX];    /* resources to pass (badge, perms) */
    cel_badge fault_ep;             /* told when the PD faults or exits; 0 = none */
} cel_pd_config;

int cel_pd_create(const cel_pd_config *cfg, cel_badge *pd);
/* Wait for a PD this PD created; *status = exit code or -signal. */
int cel_pd_wait(cel_badge pd, int *status);
int cel_pd_kill(cel_badge pd);
/* Share a held resource with a PD this PD created; *theirs = the badge the
 * other PD now holds it by (send it to them over an endpoint). */
int cel_grant(cel_badge pd, cel_badge res, unsigned perms, cel_badge *theirs);
/* Take a resource back from a PD this PD created; for an MO every mapping the
 * other PD made is removed too.  *outcome = CEL_REVOKE_*. */
int cel_revoke(cel_badge pd, cel_badge res, int *outcome);

/* ---- endpoints ------------------------------------------------------------------ */
typedef struct cel_ep_msg {
    uint64_t word[4];
    char text[CEL_TEXT_MAX];
} cel_ep_msg;

int cel_ep_alloc(cel_badge *ep);
int cel_ep_send(cel_badge ep, const cel_ep_msg *m);
/* Block until a message arrives on ep. */
int cel_ep_recv(cel_badge ep, cel_ep_msg *m);

/* ---- model state -------------------------------------------------------------------- */
/* The current model state as CellulOS CSV: *fd (read it from offset 0, then
 * close it) and its size. */
int cel_model_dump(int *fd, size_t *bytes);
/* A scenario's driver PD reports its verdict to the root task. */
int cel_done(bool ok, const char *note);

/* One request/reply with the root task (m is overwritten by the reply; *fd
 * receives a passed handle or -1 when fd is not NULL).  For libcellulos'
 * own extensions (server.c); programs use the typed calls. */
int cel_call(cel_msg *m, int *fd);

/* ---- raw access (tests of the root task's validation) ----------------------------- */
/* Send `len` raw bytes on the call socket and receive one reply.  Returns the
 * reply's status, or -errno for a transport failure. */
int cel_call_raw(const void *buf, size_t len, cel_msg *reply);

/* ---- one-call MO path (mapping.c) --------------------------------------------------- */
/* Allocate an MO and map it into this PD (perms CEL_PERM_R|W) in one round
 * trip: *addr and *bytes the mapping, *mo and *vmr its badges. */
int cel_mo_alloc_attach(size_t pages, unsigned perms, void **addr, size_t *bytes, cel_badge *mo,
                        cel_badge *vmr);
/* Undo cel_mo_alloc_attach: unmap, drop the VMR and the MO, in one round trip. */
int cel_mo_detach_free(cel_badge mo, cel_badge vmr, void *addr, size_t bytes);

/* ---- thread PDs (thread.c) ------------------------------------------------------------ */
/* A thread PD runs fn(arg) as a thread of this process: its own PD and VCPU,
 * this PD's address space (and, as on any Linux thread, its fd table).  A
 * fault in any thread ends the whole process, so every thread PD in it ends
 * too; cel_pd_kill of a thread PD kills the process.  fn's result is the
 * thread PD's exit status.  Passed resources reach the thread in its
 * cel_self_info(); cfg may be NULL (nothing passed, no fault endpoint). */
typedef struct cel_thread_config {
    uint32_t n_pass;
    cel_pass pass[CEL_PASS_MAX];    /* resources to pass (badge, perms) */
    cel_badge fault_ep;             /* as in cel_pd_config; 0 = none */
} cel_thread_config;
typedef struct cel_thread cel_thread;
int cel_thread_create(int (*fn)(void *), void *arg, const cel_thread_config *cfg,
                      cel_thread **t);
/* The thread PD's badge (held by its creator, RWT). */
cel_badge cel_thread_badge(const cel_thread *t);
/* Wait for the thread to end, then for the root task to tear its PD down;
 * *status = fn's result.  Frees t. */
int cel_thread_join(cel_thread *t, int *status);

/* ---- heap (heap.c) ---------------------------------------------------------------------- */
/* malloc and friends are libcellulos': served from MOs held by the PD that
 * owns the address space.  What the heap has asked the root task for. */
typedef struct cel_heap_stats {
    size_t mo_bytes;        /* bytes of MOs mapped for the heap now */
    size_t mos;             /* how many */
    size_t boot_bytes;      /* bytes served from the bootstrap arena */
} cel_heap_stats;
void cel_heap_stats_get(cel_heap_stats *st);

#endif
