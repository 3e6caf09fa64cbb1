/*
 * cel-stress: the PD program of the `stress` scenario, a random workload.
 *
 *   cel-stress [N]     driver: starts N worker PDs (default 1000), at most
 *                      a few at a time, each with a shared MO and a fault
 *                      endpoint; revokes, kills and waits for them at
 *                      random, and checks that every end was reported on
 *                      the fault endpoint with the status PD_WAIT gave
 *   cel-stress soak    the same with 1000 workers of which every seventh
 *                      floods: sends requests and never reads the replies
 *                      (the root task stops it: `make soak`)
 *   cel-stress wSEED   worker: allocates, attaches, writes and frees MOs,
 *                      then by SEED crashes, exits, makes denied system
 *                      calls, or is busy until it is killed
 *   cel-stress fSEED   a soak worker: floods when SEED % 7 == 6, else as w
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/cellulos.h"

#define LIVE_MAX 6

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* A few MO operations: alloc, attach, write, detach, free. */
static int memory_ops(void)
{
    for (unsigned i = 0, n = 1 + next_rand() % 3; i < n; i++) {
        cel_badge mo, vmr;
        void *p;
        size_t bytes;
        if (cel_mo_alloc(1 + next_rand() % 4, &mo) ||
            cel_mo_attach(mo, CEL_PERM_R | CEL_PERM_W, &p, &bytes, &vmr))
            return -1;
        memset(p, 0x5a, bytes);
        if (next_rand() % 2 && (cel_vmr_detach(vmr, p, bytes) || cel_mo_free(mo)))
            return -1;
    }
    return 0;
}

/* Requests on the call socket (fd 3), no reply ever read: the root task
 * must stop this PD rather than block on it. */
static int flood(void)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_PING, 1);
    for (int i = 0; i < 200000; i++)
        if (send(3, &m, sizeof m, MSG_NOSIGNAL) < 0)
            return 14;
    return 15;
}

/* Whether worker SEED of a soak run floods. */
static bool floods(bool soak, unsigned seed)
{
    return soak && seed % 7 == 6;
}

static int worker(unsigned seed)
{
    rng ^= seed * 0x100000001b3ull;
    const cel_self *self = cel_self_info();
    if (memory_ops())
        return 10;
    if (self->n_pass >= 1) {    /* the shared MO, read-only; it may be revoked any time */
        cel_badge vmr;
        void *p;
        size_t bytes;
        int rc = cel_mo_attach(self->pass[0], CEL_PERM_R, &p, &bytes, &vmr);
        if (rc && rc != -EPERM)
            return 11;
    }
    switch (seed % 5) {
    case 0:
        raise(SIGSEGV);                 /* a crash */
        return 12;
    case 1:
        return 3;
    case 2:     /* denied calls, long enough for revocations' signals to cut into some */
        for (int i = 0; i < 20; i++)
            if (open("/etc/hostname", O_RDONLY) >= 0 || errno != EPERM)
                return 13;
        return 0;
    case 3:
        for (;;)
            cel_ping();                 /* busy until killed */
    default:
        return 0;
    }
}

typedef struct child { cel_badge pd; unsigned seed; } child;

/* Wait for one child; check its status and its fault-endpoint notice. */
static int reap(child *c, cel_badge fault_ep, bool soak)
{
    int status = 0;
    if (cel_pd_wait(c->pd, &status))
        return -1;
    int want = c->seed % 5 == 0 ? -SIGSEGV : c->seed % 5 == 1 ? 3 : c->seed % 5 == 3 ? -SIGKILL : 0;
    if (floods(soak, c->seed))
        want = -SIGKILL;        /* stopped by the root task */
    if (status != want && status != -SIGKILL) {     /* a revoke may kill anyone */
        fprintf(stderr, "cel-stress: worker w%u ended with %d, expected %d\n", c->seed, status, want);
        return -1;
    }
    /* Notices arrive in the order PDs end, not the order they are reaped:
     * keep the others for later. */
    static cel_ep_msg seen[64];
    static unsigned n_seen;
    for (;;) {
        for (unsigned i = 0; i < n_seen; i++)
            if (seen[i].word[0] == c->pd) {
                bool ok = (int)(int64_t)seen[i].word[1] == status;
                seen[i] = seen[--n_seen];
                if (!ok)
                    fprintf(stderr, "cel-stress: notice for w%u has the wrong status\n", c->seed);
                return ok ? 0 : -1;
            }
        if (n_seen == 64 || cel_ep_recv(fault_ep, &seen[n_seen])) {
            fprintf(stderr, "cel-stress: no fault-endpoint notice for w%u\n", c->seed);
            return -1;
        }
        n_seen++;
    }
}

static int driver(unsigned n, bool soak)
{
    cel_badge shared, fault_ep;
    if (cel_mo_alloc(2, &shared) || cel_ep_alloc(&fault_ep))
        return 1;
    child live[LIVE_MAX];
    unsigned n_live = 0, crashes = 0, revokes = 0, flooders = 0;
    for (unsigned i = 0; i < n || n_live; ) {
        if (i < n && n_live < LIVE_MAX) {
            char arg[16];
            snprintf(arg, sizeof arg, "%c%u", soak ? 'f' : 'w', i);
            cel_pd_config cfg = { .program = "cel-stress", .arg = arg, .linked = next_rand() % 2,
                                  .n_pass = 1, .pass = { { shared, CEL_PERM_R, 0 } },
                                  .fault_ep = fault_ep };
            if (cel_pd_create(&cfg, &live[n_live].pd))
                return 1;
            live[n_live++].seed = i++;
            continue;
        }
        unsigned k = next_rand() % n_live;
        if (next_rand() % 4 == 0) {
            int outcome;
            int rc = cel_revoke(live[k].pd, shared, &outcome);
            revokes += rc == 0;
            if (rc && rc != -ENOENT)
                return 1;
        }
        if (live[k].seed % 5 == 3 && !floods(soak, live[k].seed))
            cel_pd_kill(live[k].pd);
        if (reap(&live[k], fault_ep, soak))
            return 1;
        flooders += floods(soak, live[k].seed);
        crashes += live[k].seed % 5 == 0 && !floods(soak, live[k].seed);
        live[k] = live[--n_live];
    }
    if (soak)
        printf("cel-stress: %u worker PDs ended (%u crashed, %u revocations, %u flooders "
               "stopped), all reported\n", n, crashes, revokes, flooders);
    else
        printf("cel-stress: %u worker PDs ended (%u crashed, %u revocations), all reported\n",
               n, crashes, revokes);
    return cel_done(true, "stress") ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && (argv[1][0] == 'w' || argv[1][0] == 'f')) {
        unsigned seed = (unsigned)strtoul(argv[1] + 1, NULL, 10);
        return floods(argv[1][0] == 'f', seed) ? flood() : worker(seed);
    }
    bool soak = argc > 1 && strcmp(argv[1], "soak") == 0;
    unsigned n = argc > 1 && !soak ? (unsigned)strtoul(argv[1], NULL, 10) : 1000;
    int rc = driver(n ? n : 1000, soak);
    if (rc)
        cel_done(false, "stress driver failed");
    return rc;
}
