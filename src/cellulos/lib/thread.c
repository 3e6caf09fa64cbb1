/*
 * libcellulos: thread PDs.  The root task makes the PD and hands over its
 * call socket; the thread is a pthread on a stack from the MO-backed heap
 * (anonymous mmap, which glibc would use for the stack, is denied), so even
 * the stack is accounted as an MO of the process.  See src/cellulos/root/thread.c
 * for what sharing a process means for the model.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define STACK_BYTES (256u * 1024)

struct cel_thread {
    pthread_t th;
    int (*fn)(void *);
    void *arg;
    int sock;
    cel_badge pd;
    void *stack;
};

static void *trampoline(void *p)
{
    cel_thread *t = p;
    int rc = cel_lib_thread_hello(t->sock);
    int status = rc ? rc : t->fn(t->arg);
    cel_lib_thread_bye(t->sock, status);
    return NULL;
}

int cel_thread_create(int (*fn)(void *), void *arg, const cel_thread_config *cfg,
                      cel_thread **out)
{
    if (cfg && cfg->n_pass > CEL_PASS_MAX)
        return -EINVAL;
    cel_thread *t = calloc(1, sizeof *t);
    void *stack = t ? aligned_alloc(4096, STACK_BYTES) : NULL;
    if (!stack) {
        free(t);
        return -ENOMEM;
    }
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_THREAD_CREATE, 0);
    if (cfg) {
        m.u.thread.fault_ep = cfg->fault_ep;
        m.u.thread.n_pass = cfg->n_pass;
        memcpy(m.u.thread.pass, cfg->pass, cfg->n_pass * sizeof *cfg->pass);
    }
    int fd = -1, rc = cel_lib_call(&m, &fd);
    if (!rc && fd < 0)
        rc = -EPROTO;
    if (!rc) {
        *t = (cel_thread){ .fn = fn, .arg = arg, .sock = fd, .pd = m.u.thread.pd, .stack = stack };
        pthread_attr_t attr;
        rc = -pthread_attr_init(&attr);
        rc = rc ? rc : -pthread_attr_setstack(&attr, stack, STACK_BYTES);
        rc = rc ? rc : -pthread_create(&t->th, &attr, trampoline, t);
        pthread_attr_destroy(&attr);
        if (rc)     /* the PD never ran: end it from here */
            cel_lib_thread_bye(fd, rc);
    }
    if (rc) {
        free(stack);
        free(t);
        return rc;
    }
    *out = t;
    return 0;
}

cel_badge cel_thread_badge(const cel_thread *t)
{
    return t->pd;
}

int cel_thread_join(cel_thread *t, int *status)
{
    int rc = -pthread_join(t->th, NULL);
    int st = 0;
    rc = rc ? rc : cel_pd_wait(t->pd, &st);
    if (!rc && status)
        *status = st;
    free(t->stack);     /* the thread is gone: its stack is free */
    free(t);
    return rc;
}
