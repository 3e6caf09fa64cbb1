/*
 * cel-kvclient: the key-value workload of the kv scenarios.
 *
 *   cel-kvclient MODE:NS:N[:pause]
 *
 * MODE lib: the store is a library in this PD, its database in FS namespace
 * NS; MODE remote: the store is a server PD reached through the door passed
 * fourth, and NS is where this client keeps its own log file; MODE thread:
 * as remote, but this PD starts the store server itself, in a thread PD of
 * its own process (kv006) serving the door passed fourth (held R and W),
 * its database in NS too.  N puts (in
 * transactions of 100), N gets verified, every tenth key deleted and
 * verified gone.  Passed: report EP (W), control EP (R), FS door (W)
 * [, store door (W)].  Reports on the report EP: word0 = 1 halfway (with
 * :pause it then waits for a word on the control EP), 2 done (word1 = 0
 * when every check passed, else the number of failures), 3 after the
 * survivor check (word1 = gets answered, word2 = gets refused with an
 * error).  Then it waits to be ended.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../scenarios/kv/kv.h"
#include "../../scenarios/kv/workload.h"

static int kvc_put(void *c, const void *k, size_t kl, const void *v, size_t vl)
{
    return cel_kvc_put(c, k, kl, v, vl);
}

static int kvc_get(void *c, const void *k, size_t kl, void *v, size_t cap, size_t *vl)
{
    return cel_kvc_get(c, k, kl, v, cap, vl);
}

static int kvc_del(void *c, const void *k, size_t kl)
{
    return cel_kvc_del(c, k, kl);
}

static int kvc_begin(void *c)
{
    return cel_kvc_begin(c);
}

static int kvc_commit(void *c)
{
    return cel_kvc_commit(c);
}

static const cel_kvw_ops kvc_ops = { kvc_put, kvc_get, kvc_del, kvc_begin, kvc_commit };

static void report(cel_badge ep, uint64_t w0, uint64_t w1, uint64_t w2, const char *text)
{
    cel_ep_msg m = { .word = { w0, w1, w2 } };
    snprintf(m.text, sizeof m.text, "%s", text);
    cel_ep_send(ep, &m);
}

static void log_line(cel_fs *fs, int fd, const char *line)
{
    if (fd >= 0)
        cel_fs_write(fs, fd, line, strlen(line));
}

/* The store of MODE thread: the cel-kvstore server, run by a thread PD that
 * was passed the FS door and the store's door (its cel_self_info()). */
static int store_thread(void *ns)
{
    char *argv[] = { "cel-kvstore", ns, NULL };
    return cel_kvstore_main(2, argv);
}

/* After a crash: do gets still get an answer (a value or an error)? */
static void survivor_check(cel_kvc *kv, unsigned *answered, unsigned *refused)
{
    char k[16];
    unsigned char got[CEL_KVW_VLEN * 2];
    for (unsigned i = 1; i < 11; i++) {
        size_t len = 0;
        cel_kvw_key(i, k);
        int rc = cel_kvc_get(kv, k, strlen(k), got, sizeof got, &len);
        if (rc == -EPIPE || rc == -ECONNRESET)
            ++*refused;
        else
            ++*answered;
    }
}

int main(int argc, char **argv)
{
    const cel_self *self = cel_self_info();
    char mode[16] = "", ns[32] = "";
    unsigned n = 0;
    char pause[8] = "";
    if (argc != 2 || sscanf(argv[1], "%15[a-z]:%31[a-z0-9-]:%u:%7s", mode, ns, &n, pause) < 3 ||
        n == 0 || self->n_pass < 3 + (strcmp(mode, "lib") != 0)) {
        fprintf(stderr, "cel-kvclient: usage: cel-kvclient lib|remote|thread:NS:N[:pause]\n");
        return 2;
    }
    cel_badge rep = self->pass[0], ctl = self->pass[1];
    static cel_fs fs;
    static cel_session store;
    cel_kvc kv = { 0 };
    int rc = cel_fs_mount(self->pass[2], ns, &fs);
    if (!rc && strcmp(mode, "thread") == 0) {
        cel_thread *t;      /* runs until the process ends */
        cel_thread_config tc = { .n_pass = 2, .pass = { { self->pass[2], CEL_PERM_W, 0 },
                                                        { self->pass[3], CEL_PERM_R, 0 } } };
        rc = cel_thread_create(store_thread, ns, &tc, &t);
    }
    if (!rc && strcmp(mode, "lib") == 0)
        rc = cel_kv_open(&fs, "kv.db", &kv.local);
    else if (!rc)
        rc = cel_session_open(self->pass[3], "", &store), kv.remote = &store;
    if (rc) {
        report(rep, 2, 1, 0, "cannot reach the store");
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int log = cel_fs_open(&fs, "client.log", CEL_O_CREAT | CEL_O_TRUNC);
    log_line(&fs, log, "start\n");
    unsigned bad = cel_kvw_put_range(&kvc_ops, &kv, 0, n / 2);
    log_line(&fs, log, "half\n");
    report(rep, 1, bad, 0, "half");
    if (strcmp(pause, "pause") == 0) {
        cel_ep_msg go;
        cel_ep_recv(ctl, &go);
        unsigned answered = 0, refused = 0;
        survivor_check(&kv, &answered, &refused);
        report(rep, 3, answered, refused, "survivor");
    } else {
        bad += cel_kvw_put_range(&kvc_ops, &kv, n / 2, n);
        bad += cel_kvw_verify(&kvc_ops, &kv, n);
        log_line(&fs, log, bad ? "failed\n" : "ok\n");
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (getenv("CEL_KV_TIMING"))    /* bench/kv */
            printf("kv_workload_ns %lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000 +
                                                (t1.tv_nsec - t0.tv_nsec));
        fflush(stdout);     /* it ends by SIGKILL */
        char text[64];
        snprintf(text, sizeof text, "%u puts, %u gets: %u failure(s)", n, 2 * n, bad);
        report(rep, 2, bad, 0, text);
    }
    for (;;)    /* until the driver ends (it is linked to it) */
        poll(NULL, 0, -1);
}
