/*
 * kv-linux: the kv002 client/store pair as two ordinary Linux processes,
 * for `cellulos compare --linux` (CellulOS vs Linux, issue 7 part 8).
 *
 *   kv-linux N DIR               the pair: store forked, both become nobody
 *   kv-linux --thread N DIR      the store in a thread of the client (nobody)
 *   kv-linux --store FD DIR      only the store, on socket FD (as it is)
 *   kv-linux --client FD N DIR   only the client, on socket FD (as it is)
 *
 * The role modes are for `cellulos compare --mechanisms`, whose launcher
 * confines each process (uid, namespaces, cgroups, seccomp) before exec;
 * they change no credential themselves.
 *
 * The store is a forked process running SQLite (its own unix VFS) on
 * DIR/kv.db, a plain file (DIR on tmpfs, e.g. /dev/shm); the client runs the
 * kv workload (workload.h, the very one cel-kvclient runs) against it over
 * a SEQPACKET socket pair and keeps its log in DIR/client.log, as the kv002
 * client does in its namespace.  Run as root, both first drop to the
 * unprivileged user nobody (65534): ordinary processes of one user, like a
 * client and a store an ordinary user starts.
 *
 * When the workload has verified its data the client prints
 * "ready CLIENT_PID STORE_PID FAILURES" on stdout (--thread: the store's
 * thread ID; --client: STORE_PID 0) and waits for stdin to
 * close, so both processes are alive while someone extracts them; then it
 * ends the store and exits 0 if every check passed, 1 if not, 2 on usage.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kv/kv_sql.h"
#include "../kv/workload.h"

#define NOBODY 65534
#define MSG_MAX 4096

enum { OP_PUT = 1, OP_GET, OP_DEL, OP_BEGIN, OP_COMMIT };

/* One request or reply on the socket: header then key and value bytes. */
typedef struct kvl_msg {
    int32_t op, status;
    uint32_t klen, vlen;
    unsigned char data[MSG_MAX - 16];
} kvl_msg;

/* ---- the store process ----------------------------------------------------------- */

/* Run one request on the store; fills m as the reply. */
static void store_serve(cel_kv *kv, kvl_msg *m)
{
    size_t vlen = 0;
    switch (m->op) {
    case OP_PUT:
        m->status = cel_kv_put(kv, m->data, m->klen, m->data + m->klen, m->vlen);
        break;
    case OP_GET: {
        unsigned char key[sizeof m->data];
        memcpy(key, m->data, m->klen);
        m->status = cel_kv_get(kv, key, m->klen, m->data, sizeof m->data, &vlen);
        if (vlen > sizeof m->data)
            vlen = sizeof m->data;
        break;
    }
    case OP_DEL:
        m->status = cel_kv_del(kv, m->data, m->klen);
        break;
    case OP_BEGIN:
        m->status = cel_kv_begin(kv);
        break;
    case OP_COMMIT:
        m->status = cel_kv_commit(kv);
        break;
    default:
        m->status = -ENOSYS;
    }
    m->vlen = (uint32_t)vlen;
}

static int store_main(int sock, const char *dir)
{
    prctl(PR_SET_NAME, "kvstore");
    char path[4096], why[128];
    snprintf(path, sizeof path, "%s/kv.db", dir);
    cel_kv *kv;
    if (cel_kv_open_vfs(path, NULL, &kv, why, sizeof why)) {
        fprintf(stderr, "kv-linux: store: %s: %s\n", path, why);
        return 1;
    }
    kvl_msg m;
    ssize_t k;
    while ((k = recv(sock, &m, sizeof m, 0)) > 0) {
        if ((size_t)k < 16 || m.klen > sizeof m.data || m.vlen > sizeof m.data - m.klen)
            m.status = -EINVAL;
        else
            store_serve(kv, &m);
        if (send(sock, &m, 16 + (m.status ? 0 : m.vlen), 0) < 0)
            break;
    }
    cel_kv_close(kv);
    return 0;
}

/* ---- the client process: the workload's store operations as requests ------------ */

/* Send op with key and value, wait for the reply; its status. */
static int call(int sock, int op, const void *key, size_t klen, const void *val, size_t vlen,
                kvl_msg *m)
{
    if (klen + vlen > sizeof m->data)
        return -EINVAL;
    m->op = op;
    m->status = 0;
    m->klen = (uint32_t)klen;
    m->vlen = (uint32_t)vlen;
    if (klen)
        memcpy(m->data, key, klen);
    if (vlen)
        memcpy(m->data + klen, val, vlen);
    if (send(sock, m, 16 + klen + vlen, 0) < 0 || recv(sock, m, sizeof *m, 0) < 16)
        return -EPIPE;
    return m->status;
}

static int c_put(void *st, const void *k, size_t kl, const void *v, size_t vl)
{
    kvl_msg m;
    return call(*(int *)st, OP_PUT, k, kl, v, vl, &m);
}

static int c_get(void *st, const void *k, size_t kl, void *v, size_t cap, size_t *vl)
{
    kvl_msg m;
    int rc = call(*(int *)st, OP_GET, k, kl, NULL, 0, &m);
    if (!rc) {
        *vl = m.vlen;
        memcpy(v, m.data, m.vlen < cap ? m.vlen : cap);
    }
    return rc;
}

static int c_del(void *st, const void *k, size_t kl)
{
    kvl_msg m;
    return call(*(int *)st, OP_DEL, k, kl, NULL, 0, &m);
}

static int c_begin(void *st)
{
    kvl_msg m;
    return call(*(int *)st, OP_BEGIN, NULL, 0, NULL, 0, &m);
}

static int c_commit(void *st)
{
    kvl_msg m;
    return call(*(int *)st, OP_COMMIT, NULL, 0, NULL, 0, &m);
}

static const cel_kvw_ops client_ops = { c_put, c_get, c_del, c_begin, c_commit };

/* Root: give dir to nobody and become nobody (no groups, no capabilities). */
static int drop_privileges(const char *dir)
{
    if (geteuid() != 0)
        return 0;
    if (chown(dir, NOBODY, NOBODY) || setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
        fprintf(stderr, "kv-linux: cannot become nobody: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* The store thread of --thread: serves until the client closes its end. */
typedef struct kvl_thread {
    int sock;
    const char *dir;
    pid_t tid;
    int ready[2];           /* the thread writes its ID here */
} kvl_thread;

static void *store_thread(void *arg)
{
    kvl_thread *t = arg;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    if (write(t->ready[1], &tid, sizeof tid) != sizeof tid)
        return NULL;
    store_main(t->sock, t->dir);
    return NULL;
}

/* Run the workload on sock, print "ready CLIENT STORE FAILURES", wait for
 * stdin to close; the number of failed checks. */
static unsigned client_main(int sock, unsigned n, const char *dir, int store_id)
{
    prctl(PR_SET_NAME, "kvclient");
    char log[4096];
    snprintf(log, sizeof log, "%s/client.log", dir);
    FILE *lf = fopen(log, "w");
    unsigned bad = cel_kvw_put_range(&client_ops, &sock, 0, n);
    bad += cel_kvw_verify(&client_ops, &sock, n);
    if (lf) {
        fprintf(lf, "%u puts, %u gets: %u failure(s)\n", n, 2 * n, bad);
        fflush(lf);     /* stays open: the client holds its log, as in kv002 */
    }
    printf("ready %d %d %u\n", (int)getpid(), store_id, bad);
    fflush(stdout);
    char c;
    while (read(STDIN_FILENO, &c, 1) > 0)
        ;
    close(sock);        /* the store's recv sees the end */
    if (lf)
        fclose(lf);
    return bad;
}

/* Parse a count or descriptor argument; -1 when bad. */
static long num_arg(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= 0 ? v : -1;
}

static int usage(void)
{
    fprintf(stderr, "usage: kv-linux [--thread] N DIR | --store FD DIR | --client FD N DIR\n"
                    "       (N >= 10 puts; DIR on tmpfs)\n");
    return 2;
}

/* --store FD DIR / --client FD N DIR: one role, credentials untouched. */
static int role_main(int argc, char **argv)
{
    bool store = strcmp(argv[1], "--store") == 0;
    long fd = argc == (store ? 4 : 5) ? num_arg(argv[2]) : -1;
    long n = store ? 10 : argc == 5 ? num_arg(argv[3]) : -1;
    if (fd < 0 || n < 10)
        return usage();
    if (store)
        return store_main((int)fd, argv[3]);
    return client_main((int)fd, (unsigned)n, argv[4], 0) == 0 ? 0 : 1;
}

/* --thread N DIR: the store as a thread of the client process. */
static int thread_main(unsigned n, const char *dir)
{
    int sv[2];
    kvl_thread t = { .dir = dir };
    pthread_t th;
    if (drop_privileges(dir) || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) ||
        pipe(t.ready)) {
        perror("kv-linux");
        return 1;
    }
    t.sock = sv[1];
    if (pthread_create(&th, NULL, store_thread, &t) ||
        read(t.ready[0], &t.tid, sizeof t.tid) != sizeof t.tid) {
        perror("kv-linux: store thread");
        return 1;
    }
    /* the thread names itself kvstore (store_main) before serving */
    unsigned bad = client_main(sv[0], n, dir, (int)t.tid);
    pthread_join(th, NULL);
    close(sv[1]);
    return bad == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--store") == 0 || strcmp(argv[1], "--client") == 0))
        return role_main(argc, argv);
    if (argc == 4 && strcmp(argv[1], "--thread") == 0) {
        long tn = num_arg(argv[2]);
        return tn >= 10 ? thread_main((unsigned)tn, argv[3]) : usage();
    }
    unsigned n = argc == 3 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
    if (n < 10)
        return usage();
    int sv[2];
    if (drop_privileges(argv[2]) || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
        perror("kv-linux");
        return 1;
    }
    fflush(stdout);
    pid_t store = fork();
    if (store < 0) {
        perror("kv-linux: fork");
        return 1;
    }
    if (store == 0) {
        close(sv[0]);
        _exit(store_main(sv[1], argv[2]));
    }
    close(sv[1]);
    unsigned bad = client_main(sv[0], n, argv[2], (int)store);
    int st = 0;
    while (waitpid(store, &st, 0) < 0 && errno == EINTR)
        ;
    return bad == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
