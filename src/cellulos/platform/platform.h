/*
 * The platform layer: everything CellulOS asks of its substrate, and nothing
 * else.  Components (pd, mo, vmr, ...) call only these functions, so another
 * substrate (seL4) can be slotted in by reimplementing this file's contract;
 * platform_linux.c is the Linux implementation (processes, memfd, pidfd,
 * SCM_RIGHTS, seccomp).
 */
#ifndef CEL_PLATFORM_H
#define CEL_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Root task side: acquire / release what the layer keeps open; init also
 * opens /dev/null on a closed stdin, stdout or stderr and restores SIGCHLD's
 * default (an inherited ignore loses the PDs' exit statuses). */
void cel_plat_init(void);
void cel_plat_fini(void);
/* The path of helper `name` (a PD program, kv-linux, osmosis...): next to
 * this program's binary (build/bin), or else in ../libexec/osmosis relative
 * to it when it is there (an installed tree); name "" gives the directory
 * of the PD programs itself.  Root task only (PDs may not stat). */
void cel_plat_sibling(const char *name, char *buf, size_t len);

/* ---- messages with an optional handle ----------------------------------- */

/* Send one datagram of `len` bytes, passing `fd` along when >= 0.  0 or -errno. */
int cel_plat_send(int sock, const void *buf, size_t len, int fd);
/* The same, never waiting for room: -EAGAIN when the peer's socket is full. */
int cel_plat_try_send(int sock, const void *buf, size_t len, int fd);
/* Make fd non-blocking (the root task's ends of every PD socket).  0 or -errno. */
int cel_plat_nonblock(int fd);
/* Receive one datagram into buf[cap].  *got = its length; *truncated when it
 * was longer than cap; *fd = a passed handle or -1 (extra handles are closed).
 * 0, -errno, or -EPIPE at end of stream. */
int cel_plat_recv(int sock, void *buf, size_t cap, size_t *got, bool *truncated, int *fd);
/* A connected pair of SEQPACKET sockets (close-on-exec). */
int cel_plat_socketpair(int sv[2]);

/* ---- processes ---------------------------------------------------------- */

/* Start `path` with argv, the two PD sockets as fds 3 and 4 and nothing else
 * beyond stdin/out/err.  Returns 0 with *pid and *pidfd (close-on-exec), or
 * -errno. */
int cel_plat_spawn(const char *path, char *const argv[], int call_fd, int notify_fd,
                   pid_t *pid, int *pidfd);
/* Reap an ended process; *status = exit code, or -signal.  0, or -EAGAIN if
 * it is still running. */
int cel_plat_reap(int pidfd, int *status);
/* Kill the process behind pidfd (SIGKILL). */
int cel_plat_kill(int pidfd);
/* Whether pid runs under a seccomp filter with no_new_privs. */
bool cel_plat_confined(pid_t pid);
/* Whether tid is a thread of process pid, under a seccomp filter with
 * no_new_privs. */
bool cel_plat_thread_confined(pid_t pid, pid_t tid);
/* Whether pid maps or holds open the file (dev, ino) — what revocation
 * verifies.  -1 when /proc could not be read (process gone). */
int cel_plat_uses_file(pid_t pid, dev_t dev, ino_t ino);

/* ---- memory --------------------------------------------------------------- */

/* A memory object: a memfd of `bytes`, sealed so nobody can add seals (the
 * root task can always shrink it).  fd or -errno. */
int cel_plat_mo_new(const char *name, size_t bytes);
/* Identify a file (for cel_plat_uses_file). */
int cel_plat_file_id(int fd, dev_t *dev, ino_t *ino);
/* Fault the object's pages in and read their physical frames from
 * /proc/self/pagemap: *paddr = first frame's address (0 when unreadable),
 * *contiguous = all frames consecutive.  0 or -errno. */
int cel_plat_mo_frames(int fd, size_t bytes, uint64_t *paddr, bool *contiguous);

/* ---- confinement ------------------------------------------------------------ */

/* Client side: install the PD's seccomp filter (allowlist; everything else
 * goes to the root task as a user notification).  Returns the listener fd
 * to hand to the root task, or -errno. */
int cel_plat_confine(void);

/* Root side: a system call the filter left to the root task. */
typedef struct cel_plat_call {
    uint64_t id;
    pid_t pid;              /* the calling thread */
    char name[48];          /* "openat", or "syscall_N" */
    bool thread_clone;      /* clone with exactly glibc's pthread_create flags */
    bool clone3;
} cel_plat_call;
/* The next pending call on `listener` into *c: 0, -EAGAIN when none is
 * pending (any more: a call withdrawn by a signal comes again when it
 * restarts), or -errno (listener dead).  Never blocks once epoll reported
 * the listener readable.  Every call received must then be answered. */
int cel_plat_notify_next(int listener, cel_plat_call *c);
/* Let the call run (allow) or fail it with EPERM (ENOSYS for clone3, so
 * libc falls back to clone, which the root task decides).  0, or -ENOENT
 * when the call was withdrawn meanwhile (the answer went nowhere). */
int cel_plat_notify_answer(int listener, const cel_plat_call *c, bool allow);

#endif
