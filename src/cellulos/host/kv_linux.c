/*
 * kv-linux: the kv002 client/store pair as two ordinary Linux processes,
 * for `cellulos compare --linux` (CellulOS vs Linux, issue 7 part 8).
 *
 *   kv-linux N DIR
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
 * "ready CLIENT_PID STORE_PID FAILURES" on stdout and waits for stdin to
 * close, so both processes are alive while someone extracts them; then it
 * ends the store and exits 0 if every check passed, 1 if not, 2 on usage.
 */
#include <errno.h>
#include <grp.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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

typedef struct kvl_store {
    sqlite3 *db;
    sqlite3_stmt *put, *get, *del;
} kvl_store;

static int store_open(kvl_store *st, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/kv.db", dir);
    if (sqlite3_open(path, &st->db) ||     /* the pragmas of kv.c */
        sqlite3_exec(st->db, "PRAGMA page_size=4096; PRAGMA journal_mode=DELETE;"
                             "PRAGMA temp_store=MEMORY;"
                             "CREATE TABLE IF NOT EXISTS kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID;",
                     NULL, NULL, NULL) ||
        sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO kv(k, v) VALUES(?, ?)", -1, &st->put,
                           NULL) ||
        sqlite3_prepare_v2(st->db, "SELECT v FROM kv WHERE k = ?", -1, &st->get, NULL) ||
        sqlite3_prepare_v2(st->db, "DELETE FROM kv WHERE k = ?", -1, &st->del, NULL)) {
        fprintf(stderr, "kv-linux: store: %s: %s\n", path, sqlite3_errmsg(st->db));
        return -1;
    }
    return 0;
}

static void store_close(kvl_store *st)
{
    sqlite3_finalize(st->put);
    sqlite3_finalize(st->get);
    sqlite3_finalize(st->del);
    sqlite3_close(st->db);
}

/* Run one statement with key (and value) bound; fills m as the reply. */
static void store_step(kvl_store *st, sqlite3_stmt *s, kvl_msg *m)
{
    sqlite3_bind_blob(s, 1, m->data, (int)m->klen, SQLITE_STATIC);
    if (s == st->put)
        sqlite3_bind_blob(s, 2, m->data + m->klen, (int)m->vlen, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    m->status = rc == SQLITE_DONE ? (s == st->get ? -ENOENT : 0) : rc == SQLITE_ROW ? 0 : -EIO;
    m->vlen = 0;
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(s, 0);
        m->vlen = n > (int)sizeof m->data ? (uint32_t)sizeof m->data : (uint32_t)n;
        memcpy(m->data, sqlite3_column_blob(s, 0), m->vlen);
    }
    sqlite3_reset(s);
}

static int store_main(int sock, const char *dir)
{
    prctl(PR_SET_NAME, "kvstore");
    kvl_store st = { 0 };
    if (store_open(&st, dir))
        return 1;
    kvl_msg m;
    ssize_t k;
    while ((k = recv(sock, &m, sizeof m, 0)) > 0) {
        if ((size_t)k < 16 || m.klen > sizeof m.data || m.vlen > sizeof m.data - m.klen) {
            m.status = -EINVAL;
        } else if (m.op == OP_PUT) {
            store_step(&st, st.put, &m);
        } else if (m.op == OP_GET) {
            store_step(&st, st.get, &m);
        } else if (m.op == OP_DEL) {
            store_step(&st, st.del, &m);
        } else if (m.op == OP_BEGIN || m.op == OP_COMMIT) {
            m.status = sqlite3_exec(st.db, m.op == OP_BEGIN ? "BEGIN" : "COMMIT", NULL, NULL,
                                    NULL) == SQLITE_OK ? 0 : -EIO;
        } else {
            m.status = -ENOSYS;
        }
        if (send(sock, &m, 16 + (m.status ? 0 : m.vlen), 0) < 0)
            break;
    }
    store_close(&st);
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

int main(int argc, char **argv)
{
    unsigned n = argc == 3 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
    if (n < 10) {
        fprintf(stderr, "usage: kv-linux N DIR   (N >= 10 puts; DIR on tmpfs)\n");
        return 2;
    }
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
    prctl(PR_SET_NAME, "kvclient");
    char log[4096];
    snprintf(log, sizeof log, "%s/client.log", argv[2]);
    FILE *lf = fopen(log, "w");
    unsigned bad = cel_kvw_put_range(&client_ops, &sv[0], 0, n);
    bad += cel_kvw_verify(&client_ops, &sv[0], n);
    if (lf) {
        fprintf(lf, "%u puts, %u gets: %u failure(s)\n", n, 2 * n, bad);
        fflush(lf);     /* stays open: the client holds its log, as in kv002 */
    }
    printf("ready %d %d %u\n", (int)getpid(), (int)store, bad);
    fflush(stdout);
    char c;
    while (read(STDIN_FILENO, &c, 1) > 0)
        ;
    close(sv[0]);       /* the store's recv sees the end */
    int st = 0;
    while (waitpid(store, &st, 0) < 0 && errno == EINTR)
        ;
    if (lf)
        fclose(lf);
    return bad == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
