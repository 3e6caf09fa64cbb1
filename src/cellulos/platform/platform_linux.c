/*
 * The Linux platform layer (platform.h): processes with pidfds, memfd memory
 * objects, SCM_RIGHTS handle passing, /proc inspection and seccomp.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "platform.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

/* ---- messages ---------------------------------------------------------------- */

/* sendmsg of one datagram with an optional SCM_RIGHTS handle; EINTR retried. */
static int send_flags(int sock, const void *buf, size_t len, int fd, int flags)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } cm;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd >= 0) {
        memset(&cm, 0, sizeof cm);
        mh.msg_control = cm.b;
        mh.msg_controllen = sizeof cm.b;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    for (;;) {
        ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
        if (n >= 0)
            return (size_t)n == len ? 0 : -EMSGSIZE;
        if (errno != EINTR)
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
}

int cel_plat_send(int sock, const void *buf, size_t len, int fd)
{
    return send_flags(sock, buf, len, fd, 0);
}

int cel_plat_try_send(int sock, const void *buf, size_t len, int fd)
{
    return send_flags(sock, buf, len, fd, MSG_DONTWAIT);
}

int cel_plat_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) ? -errno : 0;
}

/* Close every handle in a control message but the first, which is returned. */
static int take_fds(struct msghdr *mh)
{
    int first = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (first < 0)
                first = fd;
            else
                close(fd);
        }
    }
    return first;
}

int cel_plat_recv(int sock, void *buf, size_t cap, size_t *got, bool *truncated, int *fd)
{
    struct iovec iov = { .iov_base = buf, .iov_len = cap };
    union { struct cmsghdr h; char b[CMSG_SPACE(4 * sizeof(int))]; } cm;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b,
                         .msg_controllen = sizeof cm.b };
    ssize_t n;
    do
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    int passed = take_fds(&mh);
    if (fd)
        *fd = passed;
    else if (passed >= 0)
        close(passed);
    if (n == 0 && !(mh.msg_flags & MSG_TRUNC)) {
        if (fd && *fd >= 0)
            close(*fd), *fd = -1;
        return -EPIPE;
    }
    *got = (size_t)n;
    *truncated = (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
    return 0;
}

int cel_plat_socketpair(int sv[2])
{
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) ? -errno : 0;
}

/* ---- processes ------------------------------------------------------------ */

/* posix_spawn (vfork-like, cheap) with the two PD sockets dup2'ed onto 3
 * and 4, every descriptor above closed, no signal blocked or ignored.
 * Sources are first lifted above 4 so the dup2s cannot clobber one another. */
int cel_plat_spawn(const char *path, char *const argv[], int call_fd, int notify_fd,
                   pid_t *pid, int *pidfd)
{
    int c = fcntl(call_fd, F_DUPFD_CLOEXEC, 5), n = fcntl(notify_fd, F_DUPFD_CLOEXEC, 5);
    size_t nenv = 0;
    while (environ[nenv])
        nenv++;
    char **envp = malloc((nenv + 2) * sizeof *envp);
    int rc = -ENOMEM;
    posix_spawn_file_actions_t fa;
    if (c < 0 || n < 0 || !envp)
        goto out;
    memcpy(envp, environ, nenv * sizeof *envp);
    envp[nenv] = "CELLULOS=1";
    envp[nenv + 1] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, c, 3);
    posix_spawn_file_actions_adddup2(&fa, n, 4);
    /* Nothing else: besides the root task's own (close-on-exec), what it
     * inherited without the flag (a shell's, a CI runner's). */
    posix_spawn_file_actions_addclosefrom_np(&fa, 5);
    /* And a clean signal state: a mask or an ignored signal inherited from
     * whoever started the root task (SIGIO blocked made every revocation
     * time out: libcellulos answers from its SIGIO handler). */
    posix_spawnattr_t at;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    rc = -posix_spawn(pid, path, &fa, &at, argv, envp);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    if (rc == 0) {
        *pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
        if (*pidfd < 0) {
            rc = -errno;
            kill(*pid, SIGKILL);
            waitpid(*pid, NULL, 0);
        }
    }
out:
    free(envp);
    if (c >= 0)
        close(c);
    if (n >= 0)
        close(n);
    return rc;
}

int cel_plat_reap(int pidfd, int *status)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG) < 0)
        return -errno;
    if (si.si_pid == 0)
        return -EAGAIN;
    *status = si.si_code == CLD_EXITED ? si.si_status : -si.si_status;
    return 0;
}

int cel_plat_kill(int pidfd)
{
    return syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) ? -errno : 0;
}

/* Read a small /proc file into buf; length or -1. */
static ssize_t read_proc(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

bool cel_plat_confined(pid_t pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (read_proc(path, buf, sizeof buf) < 0)
        return false;
    return strstr(buf, "\nNoNewPrivs:\t1\n") && strstr(buf, "\nSeccomp:\t2\n");
}

bool cel_plat_thread_confined(pid_t pid, pid_t tid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)pid, (int)tid);
    if (tid <= 0 || read_proc(path, buf, sizeof buf) < 0)
        return false;
    return strstr(buf, "\nNoNewPrivs:\t1\n") && strstr(buf, "\nSeccomp:\t2\n");
}

/* Whether one /proc/PID/maps line maps (dev, ino). */
static bool maps_line_uses(const char *line, dev_t dev, ino_t ino)
{
    unsigned maj, min;
    unsigned long long inode;
    if (sscanf(line, "%*x-%*x %*s %*x %x:%x %llu", &maj, &min, &inode) != 3)
        return false;
    return inode == (unsigned long long)ino && makedev(maj, min) == dev;
}

int cel_plat_uses_file(pid_t pid, dev_t dev, ino_t ino)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = maps_line_uses(line, dev, ino);
    fclose(f);
    if (found)
        return 1;
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    for (struct dirent *e; !found && (e = readdir(d));) {
        struct stat st;
        if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0)
            found = st.st_dev == dev && st.st_ino == ino;
    }
    closedir(d);
    return found;
}

/* ---- memory ---------------------------------------------------------------- */

int cel_plat_mo_new(const char *name, size_t bytes)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)bytes) || fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL)) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

int cel_plat_file_id(int fd, dev_t *dev, ino_t *ino)
{
    struct stat st;
    if (fstat(fd, &st))
        return -errno;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

/* /proc/self/pagemap, open for the root task's life: reading frames is on
 * every MO allocation's path. */
static int pagemap_fd = -1;

void cel_plat_init(void)
{
    /* Started with stdin, stdout or stderr closed, the root task would hand
     * the number to its first socket (a PD would inherit it as a standard
     * descriptor), and a PD started without fd 0 gets its seccomp listener
     * as 0, which libseccomp cannot return.  /dev/null stands in. */
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
            (void)open("/dev/null", O_RDWR);    /* the lowest free number: fd */
    /* The root task reaps its PDs to learn how they ended: an inherited
     * SIGCHLD ignore would have the kernel reap them first. */
    signal(SIGCHLD, SIG_DFL);
    if (pagemap_fd < 0)
        pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
}

void cel_plat_fini(void)
{
    if (pagemap_fd >= 0)
        close(pagemap_fd);
    pagemap_fd = -1;
}

int cel_plat_mo_frames(int fd, size_t bytes, uint64_t *paddr, bool *contiguous)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t pages = bytes / (size_t)pg;
    *paddr = 0;
    *contiguous = false;
    volatile char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return -errno;
    for (size_t i = 0; i < pages; i++)
        p[i * (size_t)pg] = p[i * (size_t)pg];     /* fault it in, keep its bytes */
    int pm = pagemap_fd;
    uint64_t prev = 0;
    bool contig = pm >= 0;
    for (size_t i = 0; pm >= 0 && i < pages; i++) {
        uint64_t e = 0;
        off_t off = (off_t)(((uintptr_t)p / (uintptr_t)pg + i) * sizeof e);
        if (pread(pm, &e, sizeof e, off) != (ssize_t)sizeof e || !(e & (1ull << 63))) {
            contig = false;
            break;
        }
        uint64_t pfn = e & ((1ull << 55) - 1);
        if (i == 0)
            *paddr = pfn * (uint64_t)pg;
        else if (pfn != prev + 1)
            contig = false;
        prev = pfn;
    }
    munmap((void *)p, bytes);
    *contiguous = contig;
    return 0;
}

/* ---- confinement ------------------------------------------------------------ */

/* Plainly allowed system calls: they act only on what the PD already has
 * (its memory, the fds the root task gave it, its own signals and time). */
static const int allowed[] = {
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
    SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(close), SCMP_SYS(fstat),
    SCMP_SYS(lseek), SCMP_SYS(munmap), SCMP_SYS(madvise),
    SCMP_SYS(mincore), SCMP_SYS(msync), SCMP_SYS(rt_sigaction),
    SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
    SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg),
    SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(getpid), SCMP_SYS(getppid), SCMP_SYS(gettid),
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(futex), SCMP_SYS(sched_yield),
    SCMP_SYS(getrandom), SCMP_SYS(restart_syscall), SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(dup), SCMP_SYS(dup3),
    SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
};

/* glibc's clone flags for pthread_create (sysdeps/unix/sysv/linux/createthread.c). */
#define THREAD_CLONE_FLAGS                                                              \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SIGHAND | CLONE_THREAD | \
     CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/* Rules with an argument condition: file-backed mmap only (anonymous memory
 * must come from the MO component), never executable (mmap and mprotect:
 * the model's VMR perms are R and W, so code may not come from an MO),
 * fstat through an fd, isatty, harmless fcntls, and signals to the PD
 * itself (abort/raise).  Threads (clone) are not here: the root task
 * decides each one (cel_plat_notify_next), allowing only those it was asked
 * for with THREAD_CREATE. */
static int add_conditional(scmp_filter_ctx ctx, pid_t self)
{
    static const int fcntl_ok[] = { F_GETFD, F_SETFD, F_GETFL, F_SETFL };
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 2,
                              SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0),
                              SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, 0));
    rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
                                    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
                                    SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
    rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
                                    SCMP_A1(SCMP_CMP_EQ, TCGETS));
    for (size_t i = 0; !rc && i < sizeof fcntl_ok / sizeof *fcntl_ok; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
                              SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)fcntl_ok[i]));
    rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
                                    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)self));
    rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
                                    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)self));
    /* clone3 passes its flags in memory the filter cannot read: it fails
     * with ENOSYS, unrecorded (it is libc's probe, not an attempt), and libc
     * falls back to clone, which the root task sees. */
    rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    return rc;
}

int cel_plat_confine(void)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        return -errno;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_NOTIFY);
    if (!ctx)
        return -ENOMEM;
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof allowed / sizeof *allowed; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
    rc = rc ? rc : add_conditional(ctx, getpid());
    rc = rc ? rc : seccomp_load(ctx);
    int fd = rc ? rc : seccomp_notify_fd(ctx);
    seccomp_release(ctx);
    return fd;
}

/* The receive and send ioctls are made here rather than through
 * seccomp_notify_receive/respond: libseccomp 2.5 turns every failure into
 * -ECANCELED, and ENOENT must be told apart.  It means the call vanished
 * after epoll saw it: its thread took a signal (a revocation's SIGIO; the
 * call restarts as a new notification) or died.  Taken for a dead listener,
 * it once left a live PD's restarted call unanswered forever.  The receive
 * cannot block after epoll reported the listener readable: the kernel's
 * count of pending calls only drops when someone receives, and only the
 * root task does. */
int cel_plat_notify_next(int listener, cel_plat_call *c)
{
    struct seccomp_notif *req;
    struct seccomp_notif_resp *resp;
    int rc = seccomp_notify_alloc(&req, &resp);     /* zeroed, as the kernel wants */
    if (rc)
        return rc;
    rc = ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) ? -errno : 0;
    if (rc == -ENOENT || rc == -EINTR)
        rc = -EAGAIN;
    if (rc == 0) {
        c->id = req->id;
        c->pid = (pid_t)req->pid;
        char *sys = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
        if (sys)
            snprintf(c->name, sizeof c->name, "%s", sys);
        else
            snprintf(c->name, sizeof c->name, "syscall_%d", req->data.nr);
        free(sys);
        c->clone3 = req->data.nr == SCMP_SYS(clone3);
        c->thread_clone = req->data.nr == SCMP_SYS(clone) &&
                          req->data.args[0] == (uint64_t)THREAD_CLONE_FLAGS;
    }
    seccomp_notify_free(req, resp);
    return rc;
}

int cel_plat_notify_answer(int listener, const cel_plat_call *c, bool allow)
{
    struct seccomp_notif *req;
    struct seccomp_notif_resp *resp;
    int rc = seccomp_notify_alloc(&req, &resp);
    if (rc)
        return rc;
    resp->id = c->id;
    resp->val = 0;
    /* CONTINUE runs the call as made: safe here, the decision read only
     * register arguments (clone's flags), which the caller cannot change. */
    resp->flags = allow ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
    resp->error = allow ? 0 : c->clone3 ? -ENOSYS : -EPERM;
    rc = ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) ? -errno : 0;
    seccomp_notify_free(req, resp);
    return rc;
}

void cel_plat_sibling(const char *name, char *buf, size_t len)
{
    char exe[PATH_MAX], alt[PATH_MAX + 32], real[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[k > 0 ? k : 0] = '\0';
    const char *dir = k > 0 ? dirname(exe) : ".";
    /* In build/bin everything sits together; `make install` puts the helper
     * programs in PREFIX/libexec/osmosis and the commands in PREFIX/bin.
     * The PD programs' directory ("") is found by one of them. */
    const char *probe = *name ? name : "cel-hello";
    snprintf(buf, len, "%s/%s", dir, probe);
    snprintf(alt, sizeof alt, "%s/../libexec/osmosis", dir);
    if (access(buf, X_OK) != 0 && realpath(alt, real)) {
        snprintf(alt, sizeof alt, "%s/%s", real, probe);
        if (access(alt, X_OK) == 0)
            dir = real;
    }
    if (*name)
        snprintf(buf, len, "%s/%s", dir, name);
    else
        snprintf(buf, len, "%s", dir);
}
