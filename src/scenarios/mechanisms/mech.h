/* `cellulos compare --mechanisms` (src/compare/compare_mech.c: the matrix;
 * mech_run.c: the Linux launchers; mech_box.c: bubblewrap,
 * podman and the QEMU guest).  docs/compare.md. */
#ifndef CEL_COMPARE_MECH_H
#define CEL_COMPARE_MECH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The Linux mechanisms, in matrix order (each adds to the one before it
 * up to SECCOMP; the boxes stand alone). */
typedef enum cel_mech {
    CEL_MECH_THREADS,   /* the store a thread of the client process */
    CEL_MECH_PROCS,     /* two processes of one uid (nobody) */
    CEL_MECH_UIDS,      /* two processes, two uids */
    CEL_MECH_NS,        /* + own user/pid/mnt/net/ipc/uts namespaces, a cgroup each */
    CEL_MECH_SECCOMP,   /* + a seccomp filter, no capabilities */
    CEL_MECH_BWRAP,     /* the pair in one bubblewrap sandbox */
    CEL_MECH_PODMAN,    /* the pair in one podman container */
    CEL_MECH_VM,        /* the pair in a QEMU guest */
    CEL_MECH_COUNT
} cel_mech;

/* In the guest: start the pair (its stdin a pipe that never closes, so both
 * stay alive for the extraction) and wait until the workload verified. */
#define KV_GUEST_CMD                                                                       \
    "mkdir -p /tmp/kv; sleep 1000000 | kv-linux-static 1000 /tmp/kv >/tmp/kv.out 2>&1 & "  \
    "while ! grep -q ready /tmp/kv.out; do sleep 1; done; cat /tmp/kv.out; "               \
    "grep -q 'ready [0-9]* [0-9]* 0$' /tmp/kv.out"

extern const char *const cel_mech_name[CEL_MECH_COUNT];    /* "threads", ... */

/* What running one mechanism gave. */
typedef struct cel_mech_out {
    int status;             /* 0 ran and extracted; 1 not available here; -1 failed */
    char why[512];          /* status != 0: exactly why */
    char note[320];         /* status 0: how it was set up, when it is worth saying */
    char client[48], store[48];     /* PD IDs in the state */
} cel_mech_out;

/* Run the kv pair (n puts) under mechanism m, extract the whole machine
 * into `path` while both live (`osmosis extract linux --all`), end them.
 * Fills *out; returns out->status.  Needs root. */
int cel_mech_run(cel_mech m, unsigned n, const char *path, cel_mech_out *out);

/* mech_box.c: bubblewrap, podman and the VM rows. */
int cel_mech_box(cel_mech m, unsigned n, const char *path, cel_mech_out *out);

/* Shared by the launchers (mech_run.c). */
/* Fork+exec argv with stdin/stdout on the given descriptors (-1 = /dev/null);
 * the child's PID or -1. */
pid_t cel_mech_spawn(char *const argv[], int in, int out);
/* Wait for pid; its exit status, or -1. */
int cel_mech_wait(pid_t pid);
/* `osmosis extract linux --all [--threads] -o path`; 0 or -1 with why. */
int cel_mech_extract(const char *path, bool threads, char *why, size_t len);
/* The host PID of the process named comm that is root or descends from it
 * (found in /proc); 0 when none. */
pid_t cel_mech_find_desc(pid_t root, const char *comm);
/* Read "ready C S BAD" from fd (blocking until the pair is up or gone);
 * 0 when BAD is 0, else -1 with why. */
int cel_mech_ready(int fd, int *client, int *store, char *why, size_t len);
/* A fresh 0777 directory on tmpfs for the store's database; 0 or -1. */
int cel_mech_tmpdir(char dir[64]);
/* Remove what the pair left in dir, and dir. */
void cel_mech_tmpdir_remove(const char *dir);

#endif
