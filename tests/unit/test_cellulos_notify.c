/* The root task's side of seccomp user notification, against a real
 * confined process: a call withdrawn by a signal before the root task
 * receives it must read as "none pending" (not as a dead listener), and the
 * call must then come again and be answered.  Once, libseccomp's -ECANCELED
 * for that case made the root task drop the listener, and the PD's restarted
 * call hung forever. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cellulos/platform/platform.h"

/* The confined child's signal handler: slow, so that its withdrawn call
 * stays withdrawn while the parent tries to receive it. */
static void slow_handler(int sig)
{
    (void)sig;
    struct timespec t = { 1, 0 };
    nanosleep(&t, NULL);
}

/* The child: confine itself, pass the listener up, then make one call the
 * filter leaves to the supervisor (openat) until it gets an answer.  Exit
 * code 0 when the answer was the root task's EPERM. */
static void confined_child(int sock)
{
    struct sigaction sa = { .sa_handler = slow_handler, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    int listener = cel_plat_confine();
    if (listener < 0 || cel_plat_send(sock, "L", 1, listener))
        _exit(2);
    close(listener);
    int fd;
    do
        fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
    while (fd < 0 && errno == EINTR);
    _exit(fd < 0 && errno == EPERM ? 0 : 3);    /* _exit: no sanitizer exit work */
}

/* Fork a confined child; its pid, with its listener in *listener. */
static pid_t start_confined(int *listener)
{
    int sv[2];
    assert_int_equal(cel_plat_socketpair(sv), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        confined_child(sv[1]);
    }
    close(sv[1]);
    char b;
    size_t got;
    bool trunc;
    *listener = -1;
    assert_int_equal(cel_plat_recv(sv[0], &b, 1, &got, &trunc, listener), 0);
    assert_true(*listener >= 0);
    close(sv[0]);
    return pid;
}

/* Wait until the pending call is withdrawn (the listener is no longer
 * readable); the child's handler then sleeps a second before it restarts. */
static void wait_withdrawn(int listener)
{
    struct pollfd p = { .fd = listener, .events = POLLIN };
    for (int i = 0; i < 5000 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN); i++) {
        struct timespec t = { 0, 1000000L };
        nanosleep(&t, NULL);
    }
    assert_int_equal(poll(&p, 1, 0), 0);
}

/* Wait until the listener has a call pending. */
static void wait_readable(int listener)
{
    struct pollfd p = { .fd = listener, .events = POLLIN };
    assert_int_equal(poll(&p, 1, 10000), 1);
    assert_true(p.revents & POLLIN);
}

static void test_withdrawn_call_comes_again(void **state)
{
    (void)state;
    int listener;
    pid_t pid = start_confined(&listener);

    wait_readable(listener);            /* the openat waits for an answer */
    kill(pid, SIGUSR1);                 /* withdraws it: the handler runs */
    wait_withdrawn(listener);
    cel_plat_call c;
    assert_int_equal(cel_plat_notify_next(listener, &c), -EAGAIN);

    wait_readable(listener);            /* restarted after the handler */
    assert_int_equal(cel_plat_notify_next(listener, &c), 0);
    assert_string_equal(c.name, "openat");
    assert_int_equal(c.pid, pid);
    assert_int_equal(cel_plat_notify_answer(listener, &c, false), 0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);   /* it got EPERM */
    close(listener);
}

/* An answer to a call whose thread died meanwhile says so. */
static void test_answer_to_dead_caller(void **state)
{
    (void)state;
    int listener;
    pid_t pid = start_confined(&listener);
    wait_readable(listener);
    cel_plat_call c;
    assert_int_equal(cel_plat_notify_next(listener, &c), 0);
    kill(pid, SIGKILL);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(cel_plat_notify_answer(listener, &c, false), -ENOENT);
    close(listener);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_withdrawn_call_comes_again),
        cmocka_unit_test(test_answer_to_dead_caller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
