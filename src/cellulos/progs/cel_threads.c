/*
 * cel-threads: the PD program of the `threads` and `heap` scenarios.
 *
 *   cel-threads          driver: two thread PDs in its own address space map
 *                        memory and write to it, the driver reads it in place;
 *                        a child process whose thread faults dies whole; the
 *                        verdict comes while the threads are alive (so the
 *                        dump shows them sharing the ADS), then they are
 *                        released and joined
 *   cel-threads crasher  a process PD whose thread PD dereferences NULL
 *   cel-threads heap     mallocs HEAP_MIB MiB (and small, aligned, resized
 *                        blocks) and reports while holding them: the model
 *                        must show the MOs behind them
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cellulos.h"

#define HEAP_MIB 8

#define CHECK(cond, what)                                                               \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "cel-threads %s: check failed: %s\n", cel_self_info()->pd_id, what); \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

typedef struct worker {
    int index;
    cel_badge up, down;     /* the driver's badges of the EPs to and from it */
} worker;

static int send_text(cel_badge ep, uint64_t w0, const char *text)
{
    cel_ep_msg m = { { w0, 0, 0, 0 }, { 0 } };
    snprintf(m.text, sizeof m.text, "%s", text);
    return cel_ep_send(ep, &m);
}

/* A thread PD: map a page of its own, write its PD ID there, tell the
 * driver where, wait to be released. */
static int work(void *arg)
{
    worker *w = arg;
    const cel_self *self = cel_self_info();
    void *p;
    size_t bytes;
    cel_badge mo, vmr;
    char *scratch = malloc(1000);   /* the shared heap, from a thread */
    CHECK(scratch && self->self && self->ads && self->vcpu, "thread PD identity");
    errno = 0;      /* confined like its process; recorded against the thread PD */
    CHECK(open("/etc/passwd", O_RDONLY) < 0 && errno == EPERM, "open denied");
    CHECK(cel_mo_alloc_attach(1, CEL_PERM_R | CEL_PERM_W, &p, &bytes, &mo, &vmr) == 0, "attach");
    snprintf(p, bytes, "written by %s", self->pd_id);
    /* its own badges of the EPs: pass[0] to the driver, pass[1] from it */
    CHECK(self->n_pass == 2, "two passed EPs");
    CHECK(send_text(self->pass[0], (uintptr_t)p, self->pd_id) == 0, "report");
    free(scratch);
    cel_ep_msg m;
    CHECK(cel_ep_recv(self->pass[1], &m) == 0 && strcmp(m.text, "finish") == 0, "release");
    return 40 + w->index;
}

/* A descriptor above 4 open in this PD right after its start, or 0.  A PD
 * gets 0-4 and nothing else: neither the root task's own descriptors
 * (another PD's sockets, MOs) nor what the root task inherited.  Checked in
 * a PD started while the driver has thread PDs, whose root-side sockets once
 * leaked into every PD started after them. */
static int inherited_descriptor(void)
{
    for (int fd = 5; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            return fd;
    return 0;
}

static volatile int *volatile nowhere;   /* NULL, opaque to the compiler */

static int fault(void *arg)
{
    (void)arg;
    return *nowhere;
}

static int crasher(void)
{
    int leaked = inherited_descriptor();
    if (leaked) {
        fprintf(stderr, "cel-threads: descriptor %d was open at start\n", leaked);
        return 1;
    }
    cel_thread *t;
    CHECK(cel_thread_create(fault, NULL, NULL, &t) == 0, "create the faulting thread");
    int status = 0;
    cel_thread_join(t, &status);    /* never returns: the process dies */
    return 0;
}

/* A child process whose thread faults: the whole process ends with SIGSEGV,
 * and the driver hears of it on its fault endpoint. */
static int crash_child(void)
{
    cel_badge fault_ep, pd;
    CHECK(cel_ep_alloc(&fault_ep) == 0, "EP alloc");
    cel_pd_config cfg = { .program = "cel-threads", .arg = "crasher", .linked = true,
                          .fault_ep = fault_ep };
    CHECK(cel_pd_create(&cfg, &pd) == 0, "create crasher");
    cel_ep_msg m;
    CHECK(cel_ep_recv(fault_ep, &m) == 0 && m.word[0] == pd, "fault notice");
    CHECK((int64_t)m.word[1] == -11 && strncmp(m.text, "fault ", 6) == 0, "SIGSEGV reported");
    int status = 0;
    CHECK(cel_pd_wait(pd, &status) == 0 && status == -11, "crasher died of SIGSEGV");
    printf("cel-threads: a thread fault took its whole process down: %s\n", m.text);
    return 0;
}

static int driver(void)
{
    const cel_self *self = cel_self_info();
    worker w[2];
    cel_thread *t[2];
    for (int i = 0; i < 2; i++) {
        w[i].index = i;
        CHECK(cel_ep_alloc(&w[i].up) == 0 && cel_ep_alloc(&w[i].down) == 0, "EP alloc");
        cel_thread_config cfg = { .n_pass = 2, .pass = { { w[i].up, CEL_PERM_R | CEL_PERM_W, 0 },
                                                         { w[i].down, CEL_PERM_R | CEL_PERM_W, 0 } } };
        CHECK(cel_thread_create(work, &w[i], &cfg, &t[i]) == 0, "thread create");
    }
    for (int i = 0; i < 2; i++) {
        cel_ep_msg m;
        char want[CEL_TEXT_MAX + 16];
        CHECK(cel_ep_recv(w[i].up, &m) == 0, "thread report");
        CHECK(strcmp(m.text, self->pd_id) != 0, "a thread PD is a PD of its own");
        snprintf(want, sizeof want, "written by %s", m.text);
        /* the same address space: the thread's mapping is readable here */
        CHECK(strcmp((const char *)(uintptr_t)m.word[0], want) == 0, "read the thread's page");
        printf("cel-threads: %s read \"%s\" in place\n", self->pd_id, want);
    }
    if (crash_child())
        return 1;
    CHECK(cel_done(true, "threads") == 0, "verdict");
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        int status = -1;
        bad |= send_text(w[i].down, 0, "finish") || cel_thread_join(t[i], &status) ||
               status != 40 + i;
    }
    return bad;
}

static int heap(void)
{
    size_t big = (size_t)HEAP_MIB << 20;
    char *p = malloc(big);
    CHECK(p != NULL, "big malloc");
    memset(p, 0xab, big);
    void *small[1000];
    for (int i = 0; i < 1000; i++) {
        small[i] = malloc((size_t)i * 7 + 1);
        CHECK(small[i] && ((uintptr_t)small[i] & 15) == 0, "small malloc, 16-aligned");
        memset(small[i], i & 0xff, (size_t)i * 7 + 1);
    }
    for (int i = 0; i < 1000; i += 2)
        free(small[i]);
    void *a = NULL;
    CHECK(posix_memalign(&a, 64, 100) == 0 && ((uintptr_t)a & 63) == 0, "posix_memalign");
    void *b = aligned_alloc(65536, 300000);
    CHECK(b && ((uintptr_t)b & 65535) == 0, "aligned_alloc, large");
    char *c = calloc(100, 100);
    CHECK(c && c[0] == 0 && c[9999] == 0, "calloc");
    c = realloc(c, 200000);
    CHECK(c && c[9999] == 0 && malloc_usable_size(c) >= 200000, "realloc to large");
    cel_heap_stats st;
    cel_heap_stats_get(&st);
    CHECK(st.mo_bytes >= big, "the heap's MOs cover the big block");
    printf("cel-threads: heap of %zu KiB in %zu MOs (%zu KiB before HELLO)\n",
           st.mo_bytes >> 10, st.mos, st.boot_bytes >> 10);
    CHECK(p[big - 1] == (char)0xab, "big block intact");
    CHECK(cel_done(true, "heap") == 0, "verdict");
    free(a), free(b), free(c), free(p);
    for (int i = 1; i < 1000; i += 2)
        free(small[i]);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *role = argc > 1 ? argv[1] : "driver";
    if (strcmp(role, "crasher") == 0)
        return crasher();
    if (strcmp(role, "heap") == 0)
        return heap();
    return driver();
}
