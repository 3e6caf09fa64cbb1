/*
 * libFuzzer target: the root task's message validation (cel_msg_check) and
 * the receive path in front of it (cel_plat_recv on a real SEQPACKET pair,
 * so truncation of oversized datagrams is the kernel's, not simulated).
 *
 * Input: byte 0 picks the direction (bit 0: validate as a reply) and whether
 * to go through the socket (bit 1); the rest is the datagram.  Whatever the
 * validator accepts must have the shape handlers rely on: exact size, known
 * op, consistent flags, NUL-terminated strings, counts, sizes and permission
 * bits in range.  A violation aborts (a finding).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cellulos/proto/badge.h"
#include "cellulos/platform/platform.h"
#include "cellulos/proto/proto.h"

#define MUST(cond)                                                              \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz_cellulos_proto: accepted a message where %s fails\n", #cond); \
            abort();                                                            \
        }                                                                       \
    } while (0)

static bool nul_in(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

/* What a handler may assume about an accepted request. */
static void request_shape(const cel_msg *m)
{
    MUST(m->h.flags == 0 && m->h.status == 0);
    switch (m->h.op) {
    case CEL_OP_MO_ALLOC:
        MUST(m->u.mo_alloc.pages >= 1 && m->u.mo_alloc.pages <= CEL_MO_MAX_PAGES);
        break;
    case CEL_OP_VMR_MAP:
        MUST((m->u.vmr_map.perms & ~0xfu) == 0 && m->u.vmr_map.bytes);
        MUST((m->u.vmr_map.vaddr & 0xfff) == 0);
        break;
    case CEL_OP_PD_CREATE: {
        const cel_b_pd_create *c = &m->u.pd_create;
        MUST(nul_in(c->program, sizeof c->program) && nul_in(c->arg, sizeof c->arg));
        MUST(c->n_pass <= CEL_PASS_MAX && (c->flags & ~CEL_PD_LINKED) == 0);
        for (uint32_t i = 0; i < c->n_pass; i++)
            MUST((c->pass[i].perms & ~0xfu) == 0);
        break;
    }
    case CEL_OP_GRANT:
        MUST((m->u.grant.perms & ~0xfu) == 0);
        break;
    case CEL_OP_EP_SEND:
        MUST(nul_in(m->u.ep.text, sizeof m->u.ep.text));
        break;
    case CEL_OP_DONE:
        MUST(nul_in(m->u.done.note, sizeof m->u.done.note));
        break;
    case CEL_OP_MO_ALLOC_MAP: {
        const cel_b_mo_alloc_map *a = &m->u.alloc_map;
        MUST(a->pages >= 1 && a->pages <= CEL_MO_MAX_PAGES);
        MUST(a->perms && (a->perms & ~(uint32_t)(CEL_PERM_R | CEL_PERM_W)) == 0);
        MUST(a->vaddr && (a->vaddr & 0xfff) == 0);
        MUST(a->vaddr + a->pages * 4096 <= (1ull << 47) && a->vaddr + a->pages * 4096 > a->vaddr);
        MUST((a->flags & ~CEL_MAP_HEAP) == 0);
        break;
    }
    case CEL_OP_MO_UNMAP_FREE:
        MUST((m->u.unmap_free.flags & ~CEL_MAP_HEAP) == 0);
        break;
    case CEL_OP_THREAD_CREATE:
        MUST(m->u.thread.flags == 0 && m->u.thread.pd == 0 && m->u.thread.n_pass <= CEL_PASS_MAX);
        for (uint32_t i = 0; i < m->u.thread.n_pass; i++)
            MUST((m->u.thread.pass[i].perms & ~0xfu) == 0);
        break;
    case CEL_OP_THREAD_EXIT:
        MUST(m->u.thread.flags == 0 && m->u.thread.pd == 0 && m->u.thread.n_pass == 0);
        break;
    default:
        break;
    }
}

static void validate(const cel_msg *m, size_t got, bool trunc, bool reply)
{
    char why[64] = "";
    if (cel_msg_check(m, got, trunc, reply, why, sizeof why)) {
        MUST(why[0] != '\0');
        return;
    }
    MUST(got == CEL_MSG_SIZE && !trunc && m->h.magic == CEL_MAGIC);
    MUST(reply ? (m->h.op == 0 || cel_op_known(m->h.op)) : cel_op_known(m->h.op));
    MUST(m->h.op == 0 || strcmp(cel_op_name(m->h.op), "?") != 0);
    if (reply) {
        MUST(m->h.flags == CEL_F_REPLY);
        if (m->h.op == CEL_OP_HELLO)
            MUST(nul_in(m->u.hello_r.pd_id, sizeof m->u.hello_r.pd_id));
    } else {
        request_shape(m);
    }
}

static int sv[2] = { -1, -1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool reply = data[0] & 1, via_socket = data[0] & 2;
    data++, size--;
    cel_msg m;
    memset(&m, 0xa5, sizeof m);     /* stale bytes must not matter */
    if (!via_socket || size == 0) {
        memcpy(&m, data, size < sizeof m ? size : sizeof m);
        validate(&m, size, size > sizeof m, reply);
        return 0;
    }
    if (sv[0] < 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
        abort();
    if (send(sv[1], data, size, MSG_DONTWAIT) != (ssize_t)size)
        return 0;   /* larger than the socket buffer: the kernel refuses it */
    size_t got = 0;
    bool trunc = false;
    int fd = -1;
    if (cel_plat_recv(sv[0], &m, sizeof m, &got, &trunc, &fd))
        abort();    /* a datagram was queued: it must be received */
    MUST(fd < 0);
    MUST(trunc == (size > sizeof m) && got == (size < sizeof m ? size : sizeof m));
    validate(&m, got, trunc, reply);
    return 0;
}
