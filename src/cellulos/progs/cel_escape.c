/*
 * cel-escape: the PD program of the `escape` scenario.
 *
 *   cel-escape           attacker: tries to get resources behind the root
 *                        task's back, presents a victim's badge, forges one,
 *                        sends malformed and oversized messages; every
 *                        attempt must fail, and the root task must go on
 *                        serving both PDs
 *   cel-escape victim    holds an MO the attacker must not reach
 *   cel-escape forger    reports a verdict although it is not the driver:
 *                        exits 0 when the root task refused it
 *   cel-escape flood     sends requests on its call socket and never reads
 *                        a reply: the root task must stop it, not block
 *   cel-escape spam      makes 5000 denied system calls in a row: counted,
 *                        but the log keeps to its rate limit
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/cellulos.h"

static int failures;

static void expect(bool ok, const char *what)
{
    printf("cel-escape: %-40s %s\n", what, ok ? "denied" : "NOT DENIED");
    failures += !ok;
}

static void served(bool ok, const char *what)
{
    printf("cel-escape: %-40s %s\n", what, ok ? "served" : "NOT SERVED");
    failures += !ok;
}

static int send_words(cel_badge ep, uint64_t w0, const char *text)
{
    cel_ep_msg m = { { w0, 0, 0, 0 }, { 0 } };
    snprintf(m.text, sizeof m.text, "%s", text);
    return cel_ep_send(ep, &m);
}

/* Victim: pass[0] = EP to the attacker, pass[1] = EP from it. */
static int victim(void)
{
    const cel_self *self = cel_self_info();
    cel_badge mo;
    if (self->n_pass != 2 || cel_mo_alloc(1, &mo))
        return 1;
    send_words(self->pass[0], mo, "badge");
    cel_ep_msg m;
    if (cel_ep_recv(self->pass[1], &m))
        return 1;
    void *p;
    size_t bytes;
    cel_badge vmr;
    int ok = cel_mo_attach(mo, CEL_PERM_R | CEL_PERM_W, &p, &bytes, &vmr) == 0;
    if (ok)
        strcpy(p, "victim data");
    send_words(self->pass[0], 0, ok ? "victim-ok" : "victim-failed");
    while (cel_ep_recv(self->pass[1], &m) == 0)
        ;
    return 0;
}

/* Only the scenario's driver may end it: a DONE from any other PD is
 * refused (and would otherwise end the scenario as failed). */
static int forger(void)
{
    return cel_done(false, "forged verdict") == -EPERM ? 0 : 1;
}

static void *thread_body(void *arg)
{
    return arg;
}

/* What runs must be what the model says (exactness): no executable memory
 * (VMRs are R/W), no thread the root task did not make a thread PD. */
static void exactness_attempts(void)
{
    cel_badge mo, vmr;
    void *p;
    size_t bytes;
    if (cel_mo_alloc(1, &mo) || cel_mo_attach(mo, CEL_PERM_R | CEL_PERM_W, &p, &bytes, &vmr)) {
        expect(false, "an MO to work on");
        return;
    }
    errno = 0;
    expect(mprotect(p, bytes, PROT_READ | PROT_WRITE | PROT_EXEC) < 0 && errno == EPERM,
           "mprotect an MO to RWX");
    cel_msg m;      /* the MO's memfd, as MO_ATTACH hands it out */
    int fd = -1;
    cel_msg_init(&m, CEL_OP_MO_ATTACH, 0);
    m.u.mo_attach.mo = mo;
    if (cel_call(&m, &fd) == 0 && fd >= 0) {
        errno = 0;
        void *x = mmap(NULL, m.u.mo_attach.bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        expect(x == MAP_FAILED && errno == EPERM, "map a received memfd R|X");
        if (x != MAP_FAILED)
            munmap(x, m.u.mo_attach.bytes);
        close(fd);
    } else {
        expect(false, "map a received memfd R|X (no memfd)");
    }
    /* pthread_create on a stack from the MO heap, without THREAD_CREATE */
    size_t stack = 256 * 1024;
    void *stk = malloc(stack);
    pthread_attr_t attr;
    pthread_t th;
    int rc = stk ? pthread_attr_init(&attr) : ENOMEM;
    rc = rc ? rc : pthread_attr_setstack(&attr, stk, stack);
    rc = rc ? rc : pthread_create(&th, &attr, thread_body, NULL);
    expect(rc != 0, "start a thread without THREAD_CREATE");
    if (rc == 0)
        pthread_join(th, NULL);
    free(stk);
}

/* The call socket is fd 3 in every PD (platform.h); raw sends bypass the
 * library, which would wait for each reply.  Returns only if nobody stopped
 * it (the root task blocked or let the replies pile up). */
static int flood(void)
{
    cel_msg m;
    cel_msg_init(&m, CEL_OP_PING, 1);
    for (int i = 0; i < 200000; i++)
        if (send(3, &m, sizeof m, MSG_NOSIGNAL) < 0)
            return 2;
    return 1;
}

/* A PD that never reads its replies is stopped (killed), and the root task
 * goes on serving: the wait for it is answered. */
static void flooder(void)
{
    cel_pd_config cfg = { .program = "cel-escape", .arg = "flood", .linked = true };
    cel_badge pd;
    int status = 0;
    expect(cel_pd_create(&cfg, &pd) == 0 && cel_pd_wait(pd, &status) == 0 && status == -SIGKILL,
           "a PD that never reads its replies");
}

static int spam(void)
{
    for (int i = 0; i < 5000; i++)
        if (open("/etc/hostname", O_RDONLY) >= 0 || errno != EPERM)
            return 1;
    return 0;
}

static void spammer(void)
{
    cel_pd_config cfg = { .program = "cel-escape", .arg = "spam", .linked = true };
    cel_badge pd;
    int status = -1;
    expect(cel_pd_create(&cfg, &pd) == 0 && cel_pd_wait(pd, &status) == 0 && status == 0,
           "5000 denied system calls in a row");
}

/* Start the forger and wait for its verdict on the root task's answer. */
static void forged_verdict(void)
{
    cel_pd_config cfg = { .program = "cel-escape", .arg = "forger", .linked = true };
    cel_badge pd;
    int status = -1;
    expect(cel_pd_create(&cfg, &pd) == 0 && cel_pd_wait(pd, &status) == 0 && status == 0,
           "a verdict from a PD not the driver");
}

static void syscall_attempts(void)
{
    errno = 0;
    expect(open("/etc/passwd", O_RDONLY) < 0 && errno == EPERM, "open /etc/passwd");
    errno = 0;
    expect(socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM, "socket AF_INET");
    errno = 0;
    expect(mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
               MAP_FAILED && errno == EPERM, "anonymous mmap");
    errno = 0;     /* the heap is MOs: brk is not for PDs */
    expect(syscall(SYS_brk, 0) < 0 || errno == EPERM, "brk");
    errno = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);   /* must not happen */
    expect(pid < 0 && errno == EPERM, "fork");
    errno = 0;
    expect(ptrace(PTRACE_ATTACH, getppid(), 0, 0) < 0 && errno == EPERM, "ptrace the root task");
    errno = 0;
    expect(kill(getppid(), SIGKILL) < 0 && errno == EPERM, "kill the root task");
    char *argv[] = { "/bin/sh", NULL };
    errno = 0;
    expect(execve("/bin/sh", argv, argv + 1) < 0 && errno == EPERM, "execve /bin/sh");
}

static void protocol_attempts(cel_badge foreign, cel_badge own_ep)
{
    void *p;
    size_t bytes;
    cel_badge vmr;
    expect(cel_mo_attach(foreign, CEL_PERM_R, &p, &bytes, &vmr) == -EPERM, "attach the victim's MO");
    cel_badge forged = cel_badge_make(CEL_T_MO, CEL_PERM_R | CEL_PERM_W,
                                      cel_badge_space(foreign), cel_badge_obj(foreign) + 100000);
    expect(cel_mo_attach(forged, CEL_PERM_R, &p, &bytes, &vmr) == -EPERM, "attach a forged badge");
    cel_badge widened = own_ep | ((uint64_t)CEL_PERM_T << 48);
    cel_ep_msg em = { { 0 }, { 0 } };
    expect(cel_ep_send(widened, &em) == -EPERM, "widen a badge's permissions");

    cel_msg reply, bad;
    cel_msg_init(&bad, CEL_OP_PING, 77);
    bad.h.magic = 0xdeadbeef;
    expect(cel_call_raw(&bad, sizeof bad, &reply) == -EBADMSG, "bad magic");
    cel_msg_init(&bad, CEL_OP_MO_ALLOC, 78);
    bad.u.mo_alloc.pages = (uint64_t)1 << 40;
    expect(cel_call_raw(&bad, sizeof bad, &reply) == -EBADMSG, "absurd MO size");
    expect(cel_call_raw(&bad, 10, &reply) == -EBADMSG, "short message");
    static char big[8192];
    memcpy(big, &bad, sizeof bad);
    expect(cel_call_raw(big, sizeof big, &reply) == -EBADMSG, "oversized message");
}

static int attacker(void)
{
    cel_badge up, down, pd;
    if (cel_ep_alloc(&up) || cel_ep_alloc(&down))
        return 1;
    cel_pd_config cfg = {
        .program = "cel-escape", .arg = "victim", .linked = true, .n_pass = 2,
        .pass = { { up, CEL_PERM_R | CEL_PERM_W, 0 }, { down, CEL_PERM_R | CEL_PERM_W, 0 } },
    };
    cel_ep_msg m;
    if (cel_pd_create(&cfg, &pd) || cel_ep_recv(up, &m) || strcmp(m.text, "badge"))
        return 1;
    syscall_attempts();
    protocol_attempts(m.word[0], up);
    exactness_attempts();
    forged_verdict();
    flooder();
    spammer();
    /* The root task still serves the attacker and the victim. */
    served(cel_ping() == 0, "ping after the attempts");
    int ok = send_words(down, 0, "go") == 0 && cel_ep_recv(up, &m) == 0 &&
             strcmp(m.text, "victim-ok") == 0;
    served(ok, "victim attaches its MO");
    cel_done(failures == 0, failures ? "an attempt was not denied" : "all denied");
    return failures != 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "victim") == 0)
        return victim();
    if (argc > 1 && strcmp(argv[1], "forger") == 0)
        return forger();
    if (argc > 1 && strcmp(argv[1], "flood") == 0)
        return flood();
    if (argc > 1 && strcmp(argv[1], "spam") == 0)
        return spam();
    return attacker();
}
