/*
 * cel-hello: the PD program of the `hello` and `revoke` scenarios.
 *
 *   cel-hello            creator: allocates an MO, starts a linked child with
 *                        it, lets the child write, reads the bytes back
 *   cel-hello revoke     creator as above, then revokes the MO from a
 *                        complying child and from a stubborn one
 *   cel-hello child      attaches the MO it was given and writes to it
 *   cel-hello stubborn   a child that ignores revocation requests
 *   cel-hello witness    a child that makes null calls forever, counting them
 *                        in the MO it was given (served during a revocation?)
 *   cel-hello idle       attaches an MO of its own and waits to be killed
 *                        (a live PD for `cellulos serve` / `cellulos dump`)
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../lib/cellulos.h"

#define CHECK(cond, what)                                                       \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "cel-hello %s: check failed: %s\n", self->pd_id, what); \
            return 1;                                                           \
        }                                                                       \
    } while (0)

static const cel_self *self;
static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

/* Whether reading addr faults (it must, once the MO is revoked). */
static bool read_faults(const volatile char *addr)
{
    struct sigaction sa = { .sa_handler = on_segv }, old;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old);
    sigaction(SIGBUS, &sa, NULL);
    bool faulted = true;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        (void)*addr;
        faulted = false;
    }
    sigaction(SIGSEGV, &old, NULL);
    return faulted;
}

static int send_text(cel_badge ep, const char *text)
{
    cel_ep_msg m = { { 0 }, { 0 } };
    snprintf(m.text, sizeof m.text, "%s", text);
    return cel_ep_send(ep, &m);
}

/* Child: pass[0] = MO, pass[1] = EP to the creator, pass[2] = EP from it. */
static int child(bool stubborn)
{
    CHECK(self->n_pass == 3, "three passed resources");
    if (stubborn) {     /* never answer the root task's requests */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGIO);
        sigprocmask(SIG_BLOCK, &set, NULL);
    }
    void *p;
    size_t bytes;
    cel_badge vmr;
    CHECK(cel_mo_attach(self->pass[0], CEL_PERM_R | CEL_PERM_W, &p, &bytes, &vmr) == 0, "attach");
    snprintf(p, bytes, "hello from %s", self->pd_id);
    CHECK(send_text(self->pass[1], self->pd_id) == 0, "send");
    cel_ep_msg m;
    while (cel_ep_recv(self->pass[2], &m) == 0) {
        if (strcmp(m.text, "probe") == 0)
            send_text(self->pass[1], read_faults(p) ? "revoked" : "readable");
    }
    return 0;
}

/* Witness: pass[0] = MO (a call counter), pass[1] = EP to the creator. */
static int witness(void)
{
    void *p;
    size_t bytes;
    cel_badge vmr;
    CHECK(self->n_pass == 3, "three passed resources");
    CHECK(cel_mo_attach(self->pass[0], CEL_PERM_R | CEL_PERM_W, &p, &bytes, &vmr) == 0, "attach");
    CHECK(send_text(self->pass[1], self->pd_id) == 0, "send");
    for (volatile uint64_t *count = p; cel_ping() == 0;)
        ++*count;
    return 0;
}

/* Start a child with the MO and two endpoints; wait until it wrote. */
static int start_child(const char *arg, cel_badge mo, cel_badge up, cel_badge down,
                       cel_badge *pd, char id[CEL_TEXT_MAX])
{
    cel_pd_config cfg = {
        .program = "cel-hello", .arg = arg, .linked = true, .n_pass = 3,
        .pass = { { mo, CEL_PERM_R | CEL_PERM_W, 0 }, { up, CEL_PERM_R | CEL_PERM_W, 0 },
                  { down, CEL_PERM_R | CEL_PERM_W, 0 } },
    };
    CHECK(cel_pd_create(&cfg, pd) == 0, "create child");
    cel_ep_msg m;
    CHECK(cel_ep_recv(up, &m) == 0, "child reported");
    memcpy(id, m.text, CEL_TEXT_MAX);
    return 0;
}

static int probe(cel_badge up, cel_badge down, const char *want)
{
    cel_ep_msg m;
    CHECK(send_text(down, "probe") == 0 && cel_ep_recv(up, &m) == 0, "probe");
    CHECK(strcmp(m.text, want) == 0, want);
    return 0;
}

static int creator(bool revoke)
{
    cel_badge mo, up, down, pd;
    char id[CEL_TEXT_MAX], want[CEL_TEXT_MAX + 16];
    CHECK(cel_mo_alloc(1, &mo) == 0, "MO alloc");
    CHECK(cel_ep_alloc(&up) == 0 && cel_ep_alloc(&down) == 0, "EP alloc");
    if (start_child("child", mo, up, down, &pd, id))
        return 1;
    void *p;
    size_t bytes;
    cel_badge vmr;
    CHECK(cel_mo_attach(mo, CEL_PERM_R, &p, &bytes, &vmr) == 0, "creator attach");
    snprintf(want, sizeof want, "hello from %s", id);
    CHECK(strcmp(p, want) == 0, "creator reads the child's bytes");
    printf("cel-hello: %s read \"%s\" written by %s\n", self->pd_id, (char *)p, id);
    if (!revoke)
        return cel_done(true, want) ? 1 : 0;

    /* A complying child loses the mapping and the model agrees. */
    int outcome = 0;
    if (probe(up, down, "readable"))
        return 1;
    CHECK(cel_revoke(pd, mo, &outcome) == 0 && outcome == CEL_REVOKE_COMPLIED, "revoke complied");
    if (probe(up, down, "revoked"))
        return 1;
    CHECK(cel_revoke(pd, mo, &outcome) == -ENOENT, "second revoke refused");
    printf("cel-hello: revoked the MO from %s; its read faults\n", id);

    /* A stubborn child is killed; while the root task waits for its answer,
     * a witness PD is served (it counts its calls in an MO shared with us). */
    cel_badge pd2, up2, down2, wmo, wvmr, wpd;
    void *wp;
    size_t wbytes;
    CHECK(cel_ep_alloc(&up2) == 0 && cel_ep_alloc(&down2) == 0, "EP alloc");
    CHECK(cel_mo_alloc_attach(1, CEL_PERM_R | CEL_PERM_W, &wp, &wbytes, &wmo, &wvmr) == 0, "witness MO");
    if (start_child("stubborn", mo, up2, down2, &pd2, id))
        return 1;
    char wid[CEL_TEXT_MAX];
    if (start_child("witness", wmo, up2, down2, &wpd, wid))
        return 1;
    uint64_t calls0 = *(volatile uint64_t *)wp;
    CHECK(cel_revoke(pd2, mo, &outcome) == 0 && outcome == CEL_REVOKE_KILLED, "stubborn killed");
    uint64_t calls = *(volatile uint64_t *)wp - calls0;
    CHECK(calls >= 10, "another PD was served while the revocation waited");
    printf("cel-hello: the witness made %llu calls during the revocation\n",
           (unsigned long long)calls);
    int status = 0;
    CHECK(cel_pd_wait(pd2, &status) == 0 && status == -SIGKILL, "stubborn child died of SIGKILL");
    printf("cel-hello: %s ignored the revocation and was killed\n", id);
    return cel_done(true, "revoke") ? 1 : 0;
}

static int idle(void)
{
    cel_badge mo, ep, vmr;
    void *p;
    size_t bytes;
    CHECK(cel_mo_alloc(2, &mo) == 0 && cel_ep_alloc(&ep) == 0, "alloc");
    CHECK(cel_mo_attach(mo, CEL_PERM_R | CEL_PERM_W, &p, &bytes, &vmr) == 0, "attach");
    cel_ep_msg m;
    while (cel_ep_recv(ep, &m) == 0)
        ;
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    self = cel_self_info();
    const char *role = argc > 1 ? argv[1] : "creator";
    if (strcmp(role, "idle") == 0)
        return idle();
    if (strcmp(role, "witness") == 0)
        return witness();
    if (strcmp(role, "child") == 0 || strcmp(role, "stubborn") == 0)
        return child(role[0] == 's');
    return creator(strcmp(role, "revoke") == 0);
}
