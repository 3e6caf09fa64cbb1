/*
 * cel-kvdrv: the driver PD of the key-value scenarios kv001..kv008.
 *
 *   cel-kvdrv kvNNN:N
 *
 * Builds the scenario's configuration of ramdisk, FS server(s), store(s)
 * and client(s) (all linked to the driver, all reporting their end on its
 * report endpoint; in kv006 the client starts its store as a thread PD
 * of its own), waits for every client's verdict, and reports the
 * scenario's.  kv008 crashes the ramdisk halfway (killed), waits until the
 * root task has torn down everything the cleanup policy named, asks the
 * survivors whether they still answer, and has the root task audit that
 * nothing of a destroyed PD is left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/server.h"

#define MAX_PDS 12

typedef struct drv {
    cel_badge rep, ctl;
    cel_badge pds[MAX_PDS];
    bool ended[MAX_PDS];
    unsigned n_pds, n;
} drv;

static int ep(cel_badge *b)
{
    return cel_ep_alloc(b);
}

/* Start a linked PD with up to four passed badges (perms per badge). */
static cel_badge start(drv *d, const char *prog, const char *arg, unsigned n_pass,
                       const cel_badge *pass, const unsigned *perms)
{
    cel_pd_config c = { .program = prog, .arg = arg, .linked = true, .n_pass = n_pass,
                        .fault_ep = d->rep };
    for (unsigned i = 0; i < n_pass; i++)
        c.pass[i] = (cel_pass){ pass[i], perms[i], 0 };
    cel_badge pd = 0;
    if (cel_pd_create(&c, &pd) || d->n_pds == MAX_PDS) {
        fprintf(stderr, "cel-kvdrv: cannot start %s\n", prog);
        return 0;
    }
    d->pds[d->n_pds++] = pd;
    return pd;
}

enum { R = CEL_PERM_R, W = CEL_PERM_W };

static cel_badge ramdisk(drv *d, cel_badge door)
{
    return start(d, "cel-ramdisk", "4096", 1, (cel_badge[]){ door }, (unsigned[]){ R });
}

static cel_badge fs(drv *d, cel_badge rd_door, cel_badge door)
{
    return start(d, "cel-fs", NULL, 2, (cel_badge[]){ rd_door, door }, (unsigned[]){ W, R });
}

static cel_badge store(drv *d, cel_badge fs_door, cel_badge door, const char *ns)
{
    return start(d, "cel-kvstore", ns, 2, (cel_badge[]){ fs_door, door }, (unsigned[]){ W, R });
}

/* A client; in mode "thread" it serves the store's door itself (from a
 * thread PD), so it gets that door with R as well. */
static cel_badge client(drv *d, const char *mode, const char *ns, bool pause, cel_badge fs_door,
                        cel_badge kv_door)
{
    char arg[64];
    snprintf(arg, sizeof arg, "%s:%s:%u%s", mode, ns, d->n, pause ? ":pause" : "");
    unsigned kv_perms = strcmp(mode, "thread") ? W : R | W;
    return start(d, "cel-kvclient", arg, kv_door ? 4 : 3,
                 (cel_badge[]){ d->rep, d->ctl, fs_door, kv_door }, (unsigned[]){ W, R, W, kv_perms });
}

/* Which of our PDs a fault notice is about; -1 if none. */
static int pd_index(const drv *d, cel_badge b)
{
    for (unsigned i = 0; i < d->n_pds; i++)
        if (d->pds[i] == b)
            return (int)i;
    return -1;
}

/* Wait for `want` reports of kind `kind` (1, 2 or 3); a PD that ends
 * meanwhile fails the wait.  The failures the clients reported add up in
 * *failures; survivor answers in *answered. */
static int wait_reports(drv *d, unsigned want, uint64_t kind, unsigned *failures,
                        unsigned *answered, char *note, size_t len)
{
    while (want) {
        cel_ep_msg m;
        if (cel_ep_recv(d->rep, &m))
            return -1;
        int i = pd_index(d, m.word[0]);
        if (i >= 0) {
            snprintf(note, len, "unexpected end: %.40s", m.text);
            return -1;
        }
        if (m.word[0] == kind) {
            want--;
            *failures += (unsigned)m.word[1] * (kind != 3);
            *answered += kind == 3 ? (unsigned)m.word[1] : 0;
        } else if (m.word[0] == 2) {
            snprintf(note, len, "a client gave up: %.40s", m.text);
            return -1;
        }
    }
    return 0;
}

/* kv008: kill the ramdisk, wait for its end and for the end of every PD
 * the cleanup policy took with it, let the surviving client check its
 * store, then audit. */
static int crash(drv *d, cel_badge rd, cel_badge cl, char *note, size_t len)
{
    if (cel_pd_kill(rd))
        return -1;
    unsigned expect = 1, seen = 0;
    bool client_alive = true;
    while (seen < expect) {
        cel_ep_msg m;
        if (cel_ep_recv(d->rep, &m))
            return -1;
        int i = pd_index(d, m.word[0]);
        if (i < 0)
            continue;
        d->ended[i] = true;
        if (m.word[0] == rd)
            expect += (unsigned)m.word[2];
        if (m.word[0] == cl)
            client_alive = false;
        seen++;
    }
    unsigned failures = 0, answered = 0;
    if (client_alive) {
        cel_ep_msg go = { .word = { 1 } };
        cel_ep_send(d->ctl, &go);
        if (wait_reports(d, 1, 3, &failures, &answered, note, len))
            return -1;
    }
    char why[CEL_TEXT_MAX];
    if (cel_audit(why, sizeof why)) {
        snprintf(note, len, "audit: %.55s", why);
        return -1;
    }
    snprintf(note, len, "ramdisk crash took %u PD(s); client %s, %u answers", expect - 1,
             client_alive ? "alive" : "gone", answered % 100);
    return 0;
}

int main(int argc, char **argv)
{
    drv d = { 0 };
    char name[16] = "";
    if (argc != 2 || sscanf(argv[1], "%15[a-z0-9]:%u", name, &d.n) != 2 || d.n < 10) {
        fprintf(stderr, "cel-kvdrv: usage: cel-kvdrv kvNNN:N\n");
        return 2;
    }
    cel_badge rd_door, fs_door, fs2_door, kv_door, kv2_door;
    if (ep(&d.rep) || ep(&d.ctl) || ep(&rd_door) || ep(&fs_door) || ep(&fs2_door) ||
        ep(&kv_door) || ep(&kv2_door))
        return 1;
    cel_badge rd = ramdisk(&d, rd_door), cl = 0;
    unsigned clients = 1, failures = 0, answered = 0;
    bool ok = rd != 0;
    char note[CEL_TEXT_MAX] = "";
    if (!strcmp(name, "kv001")) {
        ok = ok && fs(&d, rd_door, fs_door) && (cl = client(&d, "lib", "client", false, fs_door, 0));
    } else if (!strcmp(name, "kv002") || !strcmp(name, "kv003") || !strcmp(name, "kv008")) {
        bool shared = !strcmp(name, "kv002"), pause = !strcmp(name, "kv008");
        ok = ok && fs(&d, rd_door, fs_door) && store(&d, fs_door, kv_door, shared ? "shared" : "store") &&
             (cl = client(&d, "remote", shared ? "shared" : "client", pause, fs_door, kv_door));
    } else if (!strcmp(name, "kv006")) {
        ok = ok && fs(&d, rd_door, fs_door) &&
             (cl = client(&d, "thread", "shared", false, fs_door, kv_door));
    } else if (!strcmp(name, "kv004")) {
        ok = ok && fs(&d, rd_door, fs_door) && fs(&d, rd_door, fs2_door) &&
             store(&d, fs2_door, kv_door, "store") &&
             (cl = client(&d, "remote", "client", false, fs_door, kv_door));
    } else if (!strcmp(name, "kv007")) {
        clients = 2;
        ok = ok && fs(&d, rd_door, fs_door) && store(&d, fs_door, kv_door, "store1") &&
             store(&d, fs_door, kv2_door, "store2") &&
             (cl = client(&d, "remote", "client1", false, fs_door, kv_door)) &&
             client(&d, "remote", "client2", false, fs_door, kv2_door);
    } else {
        fprintf(stderr, "cel-kvdrv: unknown scenario %s\n", name);
        return 2;
    }
    if (ok && !strcmp(name, "kv008")) {
        ok = wait_reports(&d, 1, 1, &failures, &answered, note, sizeof note) == 0 && failures == 0 &&
             crash(&d, rd, cl, note, sizeof note) == 0;
    } else if (ok) {
        ok = wait_reports(&d, clients, 2, &failures, &answered, note, sizeof note) == 0 && failures == 0;
        if (ok)
            snprintf(note, sizeof note, "%u client(s): %u puts, %u gets each, verified", clients, d.n,
                     2 * d.n);
        else if (!note[0])
            snprintf(note, sizeof note, "%u check(s) failed", failures);
    }
    cel_done(ok, note);
    return ok ? 0 : 1;
}
