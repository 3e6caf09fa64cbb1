/*
 * What seccomp leaves a process: can it still signal, read or write other
 * processes, or act on the kernel?  Strict mode allows only read, write,
 * _exit and sigreturn; filter mode is decided by the filters themselves,
 * which only a tracer with CAP_SYS_ADMIN can read (PTRACE_SECCOMP_GET_FILTER
 * needs the process stopped: it is seized, interrupted, read and released,
 * a stop of well under a millisecond).  Where they cannot be read, the
 * answer is "unknown" and the control edges that depend on it say so.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux_internal.h"

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

enum { MAX_FILTERS = 64 };
#define ARCH_X86_64 0xc000003eu
#define ARCH_I386 0x40000003u

/* A system call by number in both x86 ABIs (-1: absent in that ABI).  A
 * process on x86-64 can always enter the i386 ABI (int 0x80), so a filter
 * must deny both for the call to be gone. */
typedef struct lx_call {
    int x86_64, i386;
} lx_call;

static const lx_call calls_signal[] = {
    { 62, 37 },   /* kill */       { 200, 238 }, /* tkill */
    { 234, 270 }, /* tgkill */     { 129, 178 }, /* rt_sigqueueinfo */
    { 297, 335 }, /* rt_tgsigqueueinfo */ { 424, 424 }, /* pidfd_send_signal */
    { 101, 26 },  /* ptrace (PTRACE_KILL, signal injection) */
};
/* Reading or writing another process' memory: ptrace, process_vm_*, and
 * opening /proc/PID/mem (open, openat, openat2, or io_uring's openat). */
static const lx_call calls_read[] = {
    { 101, 26 }, { 310, 347 }, { 2, 5 }, { 257, 295 }, { 437, 437 }, { 425, 425 },
};
static const lx_call calls_write[] = {
    { 101, 26 }, { 311, 348 }, { 2, 5 }, { 257, 295 }, { 437, 437 }, { 425, 425 },
};
static const lx_call calls_module[] = { { 175, 128 }, { 313, 350 } };   /* init/finit_module */
static const lx_call calls_rawio[] = {                                  /* iopl, ioperm, /dev/mem */
    { 172, 110 }, { 173, 101 }, { 2, 5 }, { 257, 295 }, { 437, 437 },
};
static const lx_call calls_boot[] = { { 169, 88 }, { 246, 283 }, { 320, -1 } };  /* reboot, kexec */

typedef struct lx_filters {
    osm_lx_bpf_insn *prog[MAX_FILTERS];
    size_t len[MAX_FILTERS];
    size_t n;
} lx_filters;

/* May the process make at least one of `calls`?  YES if the filters allow
 * one for sure, NO if they deny all for sure, else UNKNOWN. */
static lx_may may_any(const lx_filters *f, const lx_call *calls, size_t n)
{
    bool unknown = false;
    const osm_lx_bpf_insn *const *progs = (const osm_lx_bpf_insn *const *)f->prog;
    for (size_t i = 0; i < n; i++) {
        const int nr[2] = { calls[i].x86_64, calls[i].i386 };
        const uint32_t arch[2] = { ARCH_X86_64, ARCH_I386 };
        for (int a = 0; a < 2; a++) {
            if (nr[a] < 0)
                continue;
            osm_lx_verdict v = osm_lx_seccomp_eval(progs, f->len, f->n, arch[a], nr[a]);
            if (v == OSM_LX_ALLOWED)
                return LX_MAY_YES;
            unknown |= v == OSM_LX_UNDECIDED;
        }
    }
    return unknown ? LX_MAY_UNKNOWN : LX_MAY_NO;
}

#define MAY(f, set) may_any(f, set, sizeof set / sizeof set[0])

static void reach_all(lx_reach *r, lx_may m, const char *why)
{
    r->signal = r->read = r->write = r->module = r->rawio = r->boot = m;
    snprintf(r->why, sizeof r->why, "%s", why);
}

/* Wait until the seized process `pid` reports its stop, for at most
 * ~0.5 s (a process in uninterruptible sleep stops only when it wakes). */
static bool wait_stopped(int pid)
{
    for (int i = 0; i < 500; i++) {
        int st;
        pid_t w = waitpid(pid, &st, __WALL | WNOHANG);
        if (w == pid)
            return WIFSTOPPED(st);
        if (w < 0 && errno != EINTR)
            return false;
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    return false;
}

/* Copy the filter stack of `pid` into f.  0, or -1 with errno (EPERM: not
 * allowed; ESRCH: gone; EBUSY: would not stop). */
static int read_filters(int pid, lx_filters *f)
{
    f->n = 0;
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
        return -1;
    int rc = 0;
    if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
        rc = -1;
    } else if (!wait_stopped(pid)) {
        rc = -1;
        errno = EBUSY;
    }
    while (rc == 0 && f->n < MAX_FILTERS) {
        long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)f->n, NULL);
        if (n < 0) {
            if (errno == ENOENT)
                break;          /* past the last filter */
            rc = -1;
            break;
        }
        osm_lx_bpf_insn *prog = calloc((size_t)n ? (size_t)n : 1, sizeof *prog);
        if (!prog || ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)f->n, prog) != n) {
            free(prog);
            rc = -1;
            break;
        }
        f->prog[f->n] = prog;
        f->len[f->n++] = (size_t)n;
    }
    int e = errno;
    ptrace(PTRACE_DETACH, pid, 0, 0);   /* resumes it; ESRCH if it never stopped */
    errno = e;
    return rc;
}

static void filters_free(lx_filters *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->prog[i]);
    f->n = 0;
}

#if defined(__x86_64__)
/* Whether `pid` has ended: gone, or a zombie (its /proc/PID/stat state is
 * Z or X), which ptrace refuses like a process that is gone. */
static bool exited(const lx_ctx *c, int pid)
{
    char name[32], buf[256];
    snprintf(name, sizeof name, "%d/stat", pid);
    int fd = openat(c->procfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return true;
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');     /* comm may hold spaces and ')' */
    return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}
#endif

int lx_gather_reach(const lx_ctx *c, osm_lx_proc *p)
{
    lx_reach *r = &p->reach;
    switch (p->st.seccomp) {
    case 0:
        reach_all(r, LX_MAY_YES, "");
        return 0;
    case 1:
        reach_all(r, LX_MAY_NO, "");
        return 0;
    case 2:
        break;
    default:
        reach_all(r, LX_MAY_UNKNOWN, "seccomp mode not readable");
        return 0;
    }
#if defined(__x86_64__)
    if (!c->o->live || c->o->no_seccomp_read) {
        reach_all(r, LX_MAY_UNKNOWN, c->o->live ? "seccomp filter not read (--no-seccomp-read)"
                                                : "seccomp filter not in a /proc copy");
        return -1;
    }
    lx_filters f = { .n = 0 };
    if (read_filters(p->pid, &f) < 0) {
        filters_free(&f);
        if (exited(c, p->pid))
            return -2;          /* skipped like any process that ends mid-scan */
        reach_all(r, LX_MAY_UNKNOWN, errno == EPERM || errno == EACCES
                                         ? "seccomp filter unreadable (needs root)"
                                         : "seccomp filter unreadable");
        return -1;
    }
    r->signal = MAY(&f, calls_signal);
    r->read = MAY(&f, calls_read);
    r->write = MAY(&f, calls_write);
    r->module = MAY(&f, calls_module);
    r->rawio = MAY(&f, calls_rawio);
    r->boot = MAY(&f, calls_boot);
    snprintf(r->why, sizeof r->why, "seccomp filter depends on arguments or a supervisor");
    filters_free(&f);
    return 1;
#else
    (void)c;
    reach_all(r, LX_MAY_UNKNOWN, "seccomp filters are evaluated on x86-64 only");
    return -1;
#endif
}
