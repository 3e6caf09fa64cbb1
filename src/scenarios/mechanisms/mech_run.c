/*
 * `cellulos compare --mechanisms`, the Linux launchers: the kv client/store
 * pair (kv-linux) run for real under threads, processes, uids, namespaces
 * plus cgroups, and the same plus seccomp without capabilities; the whole
 * machine extracted while the pair lives.  docs/compare.md says why each
 * is set up the way it is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "mech.h"
#include "../../cellulos/platform/platform.h"

const char *const cel_mech_name[CEL_MECH_COUNT] = {
    "threads", "processes", "uids", "namespaces", "seccomp", "bubblewrap", "podman", "vm",
};

/* The uids of the separated pair (nobody and the one below it). */
#define CLIENT_UID 65534
#define STORE_UID 65533
/* Inside a user namespace, the seccomp row's unprivileged uid. */
#define NS_USER 1000
/* Each process' cgroup limits (the workload needs far less). */
#define CG_PIDS_MAX "64"
#define CG_MEM_MAX "268435456"

pid_t cel_mech_spawn(char *const argv[], int in, int out)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(in >= 0 ? in : null, STDIN_FILENO);
        dup2(out >= 0 ? out : null, STDOUT_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

int cel_mech_wait(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int cel_mech_extract(const char *path, bool threads, char *why, size_t len)
{
    char prog[PATH_MAX];
    cel_plat_sibling("osmosis", prog, sizeof prog);
    char *argv[] = { prog, "extract", "linux", "--all", "-o", (char *)path,
                     threads ? "--threads" : NULL, NULL };
    int st = cel_mech_wait(cel_mech_spawn(argv, -1, -1));
    if (st != 0)
        snprintf(why, len, "osmosis extract linux --all failed (exit %d)", st);
    return st ? -1 : 0;
}

/* The parent PID and name of pid from /proc; 0 or -1. */
static int proc_stat(pid_t pid, pid_t *ppid, char comm[32])
{
    char p[64], buf[512];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(p, "r");
    size_t k = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[k] = '\0';
    char *l = strchr(buf, '('), *r = strrchr(buf, ')');
    if (!l || !r || r < l)
        return -1;
    snprintf(comm, 32, "%.*s", (int)(r - l - 1), l + 1);
    *ppid = (pid_t)atoi(r + 4);    /* ") S PPID" */
    return 0;
}

pid_t cel_mech_find_desc(pid_t root, const char *comm)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;
    while (d && !found && (e = readdir(d))) {
        pid_t pid = (pid_t)atoi(e->d_name), pp;
        char name[32];
        if (pid <= 0 || proc_stat(pid, &pp, name) || strcmp(name, comm))
            continue;
        /* walk up the parents: is root among them (or pid itself)? */
        for (pid_t a = pid; a > 1 && !found; a = pp)
            if (a == root)
                found = pid;
            else if (proc_stat(a, &pp, name))
                break;
    }
    if (d)
        closedir(d);
    return found;
}

int cel_mech_ready(int fd, int *client, int *store, char *why, size_t len)
{
    char buf[128];
    size_t k = 0;
    while (k < sizeof buf - 1) {        /* one line, byte by byte: nothing read past it */
        ssize_t r = read(fd, buf + k, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || buf[k] == '\n')
            break;
        k++;
    }
    buf[k] = '\0';
    unsigned bad = 1;
    if (sscanf(buf, "ready %d %d %u", client, store, &bad) != 3) {
        snprintf(why, len, "the pair ended before it was ready (said '%s')", buf);
        return -1;
    }
    if (bad)
        snprintf(why, len, "the workload failed %u check(s)", bad);
    return bad ? -1 : 0;
}

int cel_mech_tmpdir(char dir[64])
{
    snprintf(dir, 64, "/dev/shm/cellulos-mech-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    return chmod(dir, 01777);       /* two uids write into it */
}

void cel_mech_tmpdir_remove(const char *dir)
{
    static const char *const files[] = { "kv.db", "kv.db-journal", "client.log" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* ---- one confined process ------------------------------------------------------- */

/* How a separated process is confined. */
typedef struct confine {
    uid_t uid;          /* its host uid */
    bool ns;            /* own namespaces and cgroups */
    bool seccomp;       /* a filter and no capabilities */
    char cg[2][PATH_MAX];   /* the cgroups made for it (to remove), "" if none */
} confine;

/* Write s to path; 0 or -1. */
static int write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? write(fd, s, strlen(s)) : -1;
    if (fd >= 0)
        close(fd);
    return k == (ssize_t)strlen(s) ? 0 : -1;
}

/* The calls that act on other processes, or that leave the sandbox, are
 * refused with EPERM; everything else is allowed (the workload needs
 * files, sockets and memory only). */
static int load_filter(void)
{
    static const char *const deny[] = {
        "ptrace", "kill", "tkill", "tgkill", "process_vm_readv", "process_vm_writev",
        "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "kcmp", "perf_event_open", "bpf",
        "mount", "umount2", "unshare", "setns", "keyctl", "add_key", "request_key",
        "init_module", "finit_module", "reboot", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    };
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc = ctx ? 0 : -1;
    for (size_t i = 0; !rc && i < sizeof deny / sizeof *deny; i++) {
        int nr = seccomp_syscall_resolve_name(deny[i]);
        if (nr != __NR_SCMP_ERROR)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    }
    rc = rc ? rc : seccomp_load(ctx);
    seccomp_release(ctx);
    return rc;
}

/* In the child, once the parent has mapped its ids: become what c says,
 * then exec argv. */
static void child_exec(const confine *c, char *const argv[], int go)
{
    char b;
    if (read(go, &b, 1) != 1)
        _exit(126);
    if (c->ns) {
        /* root of its own user namespace; the seccomp row then gives up
         * every capability by becoming an ordinary uid of that namespace */
        uid_t in = c->seccomp ? NS_USER : 0;
        for (int cap = 0; c->seccomp && cap <= CAP_LAST_CAP; cap++)
            prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
        if (setresgid(in, in, in) || setresuid(in, in, in))
            _exit(126);
        sethostname("kv", 2);       /* its own UTS namespace */
    } else if (setgroups(0, NULL) || setresgid(c->uid, c->uid, c->uid) ||
               setresuid(c->uid, c->uid, c->uid)) {
        _exit(126);
    }
    if (c->seccomp && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || load_filter()))
        _exit(126);
    execv(argv[0], argv);
    _exit(127);
}

/* Make a cgroup for pid under each of pids and memory (v1), or one with both
 * limits (v2); 0 or -1 with why. */
static int cgroup_enter(confine *c, pid_t pid, const char *role, char *why, size_t len)
{
    static const char *const v1[2][3] = {
        { "/sys/fs/cgroup/pids", "pids.max", CG_PIDS_MAX },
        { "/sys/fs/cgroup/memory", "memory.limit_in_bytes", CG_MEM_MAX },
    };
    bool v2 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
    char p[PATH_MAX + 32], pidstr[16];
    snprintf(pidstr, sizeof pidstr, "%d", (int)pid);
    for (int k = 0; k < (v2 ? 1 : 2); k++) {
        snprintf(c->cg[k], sizeof c->cg[k], "%s/cellulos-kv-%d-%s",
                 v2 ? "/sys/fs/cgroup" : v1[k][0], (int)getpid(), role);
        if (mkdir(c->cg[k], 0755) && errno != EEXIST) {
            snprintf(why, len, "cannot create cgroup %.200s: %s", c->cg[k], strerror(errno));
            c->cg[k][0] = '\0';
            return -1;
        }
        int bad = 0;
        for (int l = v2 ? 0 : k; l < (v2 ? 2 : k + 1); l++) {   /* v2: both limits here */
            snprintf(p, sizeof p, "%s/%s", c->cg[k], v2 ? (l ? "memory.max" : "pids.max") : v1[l][1]);
            bad |= write_file(p, v1[l][2]);
        }
        snprintf(p, sizeof p, "%s/cgroup.procs", c->cg[k]);
        if (bad || write_file(p, pidstr)) {
            snprintf(why, len, "cannot limit or join cgroup %.200s: %s", c->cg[k], strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Map the child's namespace ids to its host uid (as root we may). */
static int map_ids(pid_t pid, const confine *c)
{
    char p[64], m[64];
    snprintf(m, sizeof m, "%d %d 1\n", c->seccomp ? NS_USER : 0, (int)c->uid);
    snprintf(p, sizeof p, "/proc/%d/uid_map", (int)pid);
    int rc = write_file(p, m);
    snprintf(p, sizeof p, "/proc/%d/setgroups", (int)pid);
    rc |= write_file(p, "deny");
    snprintf(p, sizeof p, "/proc/%d/gid_map", (int)pid);
    return rc | write_file(p, m);
}

/* Start argv confined as c (stdin in, stdout out); its host PID or -1. */
static pid_t spawn_confined(confine *c, const char *role, char *const argv[], int in, int out,
                            char *why, size_t len)
{
    int go[2];
    if (pipe2(go, O_CLOEXEC))
        return -1;
    unsigned long flags = c->ns ? CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
                                  CLONE_NEWIPC | CLONE_NEWUTS : 0;
    fflush(NULL);
    /* fork-like clone: no stack, the child continues here (in a new PID
     * namespace it is PID 1 there; clone returns its host PID) */
    pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        close(go[1]);
        int null = open("/dev/null", O_RDWR);
        dup2(in >= 0 ? in : null, STDIN_FILENO);
        dup2(out >= 0 ? out : null, STDOUT_FILENO);
        child_exec(c, argv, go[0]);
    }
    close(go[0]);
    if (pid < 0) {
        snprintf(why, len, "clone: %s", strerror(errno));
        close(go[1]);
        return -1;
    }
    int rc = 0;
    if (c->ns && map_ids(pid, c)) {
        snprintf(why, len, "cannot map the ids of the user namespace: %s", strerror(errno));
        rc = -1;
    }
    if (!rc && c->ns)
        rc = cgroup_enter(c, pid, role, why, len);
    if (rc) {
        kill(pid, SIGKILL);     /* never started: it waits on go */
        cel_mech_wait(pid);
        pid = -1;
    } else if (write(go[1], "g", 1) != 1) {
        pid = -1;
    }
    close(go[1]);
    return pid;
}

/* ---- the pair under one mechanism ------------------------------------------------ */

/* Start the separated pair: a socket between them, the client's stdin and
 * stdout on pipes to us.  0 or -1 with why. */
static int start_separated(cel_mech m, unsigned n, const char *dir, confine cf[2], pid_t pid[2],
                           int *to_client, int *from_client, char *why, size_t len)
{
    char prog[PATH_MAX], fd[2][16], num[16];
    cel_plat_sibling("kv-linux", prog, sizeof prog);
    int sv[2], pi[2], po[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) || pipe2(pi, O_CLOEXEC) || pipe2(po, O_CLOEXEC)) {
        snprintf(why, len, "socketpair/pipe: %s", strerror(errno));
        return -1;
    }
    snprintf(fd[0], sizeof fd[0], "%d", sv[0]);
    snprintf(fd[1], sizeof fd[1], "%d", sv[1]);
    snprintf(num, sizeof num, "%u", n);
    for (int k = 0; k < 2; k++) {
        cf[k].uid = k ? STORE_UID : CLIENT_UID;
        cf[k].ns = m >= CEL_MECH_NS;
        cf[k].seccomp = m >= CEL_MECH_SECCOMP;
    }
    char *cargv[] = { prog, "--client", fd[0], num, (char *)dir, NULL };
    char *sargv[] = { prog, "--store", fd[1], (char *)dir, NULL };
    /* each end must reach only its own process */
    fcntl(sv[1], F_SETFD, 0);
    fcntl(sv[0], F_SETFD, FD_CLOEXEC);
    pid[1] = spawn_confined(&cf[1], "store", sargv, -1, -1, why, len);
    fcntl(sv[0], F_SETFD, 0);
    fcntl(sv[1], F_SETFD, FD_CLOEXEC);
    pid[0] = pid[1] > 0 ? spawn_confined(&cf[0], "client", cargv, pi[0], po[1], why, len) : -1;
    close(sv[0]), close(sv[1]), close(pi[0]), close(po[1]);
    *to_client = pi[1];
    *from_client = po[0];
    return pid[0] > 0 && pid[1] > 0 ? 0 : -1;
}

/* Remove the cgroups made for one process (after it ended). */
static void cgroup_remove(const confine *c)
{
    for (int k = 0; k < 2; k++)
        if (c->cg[k][0])
            rmdir(c->cg[k]);
}

int cel_mech_run(cel_mech m, unsigned n, const char *path, cel_mech_out *out)
{
    memset(out, 0, sizeof *out);
    if (m >= CEL_MECH_BWRAP)
        return cel_mech_box(m, n, path, out);
    char dir[64], prog[PATH_MAX], num[16];
    if (cel_mech_tmpdir(dir)) {
        snprintf(out->why, sizeof out->why, "cannot make a directory on /dev/shm: %s",
                 strerror(errno));
        return out->status = -1;
    }
    cel_plat_sibling("kv-linux", prog, sizeof prog);
    snprintf(num, sizeof num, "%u", n);
    confine cf[2] = { 0 };
    pid_t pid[2] = { -1, -1 };
    int to = -1, from = -1, c = 0, s = 0, rc;
    if (m <= CEL_MECH_PROCS) {
        int pi[2], po[2];
        char *argv[] = { prog, m == CEL_MECH_THREADS ? "--thread" : num,
                         m == CEL_MECH_THREADS ? num : dir, m == CEL_MECH_THREADS ? dir : NULL,
                         NULL };
        rc = pipe2(pi, O_CLOEXEC) || pipe2(po, O_CLOEXEC) ? -1 : 0;
        pid[0] = rc ? -1 : cel_mech_spawn(argv, pi[0], po[1]);
        if (!rc) {
            close(pi[0]), close(po[1]);
            to = pi[1], from = po[0];
        }
        rc = pid[0] > 0 ? 0 : -1;
    } else {
        rc = start_separated(m, n, dir, cf, pid, &to, &from, out->why, sizeof out->why);
    }
    if (!rc)
        rc = cel_mech_ready(from, &c, &s, out->why, sizeof out->why);
    if (!rc && m == CEL_MECH_THREADS) {
        snprintf(out->client, sizeof out->client, "PD_%d.%d", c, c);
        snprintf(out->store, sizeof out->store, "PD_%d.%d", c, s);
    } else if (!rc) {       /* host PIDs: ours (separated) or the pair's own (one PID ns) */
        snprintf(out->client, sizeof out->client, "PD_%d", m == CEL_MECH_PROCS ? c : (int)pid[0]);
        snprintf(out->store, sizeof out->store, "PD_%d", m == CEL_MECH_PROCS ? s : (int)pid[1]);
    }
    if (!rc)
        rc = cel_mech_extract(path, m == CEL_MECH_THREADS, out->why, sizeof out->why);
    if (to >= 0)
        close(to);      /* the pair ends */
    if (from >= 0)
        close(from);
    for (int k = 0; k < 2; k++)
        if (pid[k] > 0 && cel_mech_wait(pid[k]) != 0 && !rc) {
            snprintf(out->why, sizeof out->why, "the %s exited with an error",
                     k ? "store" : "client");
            rc = -1;
        }
    for (int k = 0; k < 2; k++)
        cgroup_remove(&cf[k]);
    cel_mech_tmpdir_remove(dir);
    return out->status = rc ? -1 : 0;
}
