/* Message validation shared by the root task and libcellulos (proto.h). */
#include <stdio.h>
#include <string.h>

#include "badge.h"
#include "proto.h"
#include "srv_proto.h"

static const char *const op_names[CEL_OP_COUNT] = {
    [CEL_OP_HELLO] = "HELLO", [CEL_OP_PING] = "PING", [CEL_OP_MO_ALLOC] = "MO_ALLOC",
    [CEL_OP_MO_ATTACH] = "MO_ATTACH", [CEL_OP_VMR_MAP] = "VMR_MAP",
    [CEL_OP_VMR_UNMAP] = "VMR_UNMAP", [CEL_OP_MO_FREE] = "MO_FREE",
    [CEL_OP_PD_CREATE] = "PD_CREATE", [CEL_OP_PD_WAIT] = "PD_WAIT",
    [CEL_OP_PD_KILL] = "PD_KILL", [CEL_OP_GRANT] = "GRANT", [CEL_OP_REVOKE] = "REVOKE",
    [CEL_OP_EP_ALLOC] = "EP_ALLOC", [CEL_OP_EP_SEND] = "EP_SEND", [CEL_OP_EP_RECV] = "EP_RECV",
    [CEL_OP_DUMP] = "DUMP", [CEL_OP_DONE] = "DONE", [CEL_OP_REVOKE_NOTIFY] = "REVOKE_NOTIFY",
};

static const char *const ext_op_names[CEL_OP_EXT_END - CEL_OP_EXT_BASE] = {
    "MO_ALLOC_MAP", "MO_UNMAP_FREE", "THREAD_CREATE", "THREAD_EXIT",
};

const char *cel_op_name(unsigned op)
{
    if (op >= CEL_OP_SRV_FIRST)
        return cel_srv_op_name(op);
    if (op >= CEL_OP_EXT_BASE && op < CEL_OP_EXT_END)
        return ext_op_names[op - CEL_OP_EXT_BASE];
    return op > 0 && op < CEL_OP_COUNT ? op_names[op] : "?";
}

bool cel_op_known(unsigned op)
{
    return (op > 0 && op < CEL_OP_COUNT) || (op >= CEL_OP_EXT_BASE && op < CEL_OP_EXT_END) ||
           (op >= CEL_OP_SRV_FIRST && op < CEL_OP_SRV_END);
}

void cel_msg_init(cel_msg *m, cel_op op, uint32_t seq)
{
    memset(m, 0, sizeof *m);
    m->h.magic = CEL_MAGIC;
    m->h.op = (uint16_t)op;
    m->h.seq = seq;
}

static bool has_nul(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}


#define PERM_OK(p) (((p) & ~0x0fu) == 0)   /* R, W, X, T only */

/* Highest user address (x86-64 / arm64 with 4-level page tables, 47 bits). */
#define CEL_VADDR_END (1ull << 47)

/* Shape checks of the CEL_OP_EXT_BASE operations' request bodies. */
static const char *check_ext_request(const cel_msg *m)
{
    switch (m->h.op) {
    case CEL_OP_MO_ALLOC_MAP: {
        const cel_b_mo_alloc_map *a = &m->u.alloc_map;
        if (a->pages == 0 || a->pages > CEL_MO_MAX_PAGES)
            return "MO size out of range";
        if ((a->perms & ~(uint32_t)(CEL_PERM_R | CEL_PERM_W)) || !a->perms ||
            (a->flags & ~CEL_MAP_HEAP))
            return "bad permission bits";
        if (!a->vaddr || (a->vaddr & 0xfff) || a->vaddr >= CEL_VADDR_END ||
            a->pages * 4096 > CEL_VADDR_END - a->vaddr)
            return "bad VMR address or size";
        if (a->mo || a->vmr || a->bytes)
            return "reply fields set in a request";
        return NULL;
    }
    case CEL_OP_MO_UNMAP_FREE:
        return (m->u.unmap_free.flags & ~CEL_MAP_HEAP) || m->u.unmap_free.reserved
                   ? "unknown flags" : NULL;
    case CEL_OP_THREAD_CREATE: {
        const cel_b_thread *t = &m->u.thread;
        if (t->flags || t->pd || t->status || t->reserved)
            return "unknown flags";
        if (t->n_pass > CEL_PASS_MAX)
            return "too many passed resources";
        for (uint32_t i = 0; i < t->n_pass; i++)
            if (!PERM_OK(t->pass[i].perms) || t->pass[i].reserved)
                return "bad permission bits";
        return NULL;
    }
    default:    /* THREAD_EXIT: any status */
        return m->u.thread.flags || m->u.thread.pd || m->u.thread.fault_ep ||
                       m->u.thread.n_pass || m->u.thread.reserved
                   ? "unknown flags" : NULL;
    }
}

/* Per-op shape checks of a request body. */
static const char *check_request(const cel_msg *m)
{
    switch (m->h.op) {
    case CEL_OP_MO_ALLOC:
        if (m->u.mo_alloc.pages == 0 || m->u.mo_alloc.pages > CEL_MO_MAX_PAGES)
            return "MO size out of range";
        return NULL;
    case CEL_OP_VMR_MAP:
        if (!PERM_OK(m->u.vmr_map.perms) || m->u.vmr_map.reserved)
            return "bad permission bits";
        if (m->u.vmr_map.bytes == 0 || (m->u.vmr_map.vaddr & 0xfff))
            return "bad VMR address or size";
        return NULL;
    case CEL_OP_PD_CREATE: {
        const cel_b_pd_create *c = &m->u.pd_create;
        if (!has_nul(c->program, sizeof c->program) || !has_nul(c->arg, sizeof c->arg))
            return "unterminated string";
        if (c->n_pass > CEL_PASS_MAX)
            return "too many passed resources";
        if (c->flags & ~CEL_PD_LINKED)
            return "unknown PD flags";
        for (uint32_t i = 0; i < c->n_pass; i++)
            if (!PERM_OK(c->pass[i].perms) || c->pass[i].reserved)
                return "bad permission bits";
        return NULL;
    }
    case CEL_OP_GRANT:
        if (!PERM_OK(m->u.grant.perms) || m->u.grant.reserved)
            return "bad permission bits";
        return NULL;
    case CEL_OP_EP_SEND:
        return has_nul(m->u.ep.text, sizeof m->u.ep.text) ? NULL : "unterminated string";
    case CEL_OP_DONE:
        return has_nul(m->u.done.note, sizeof m->u.done.note) ? NULL : "unterminated string";
    case CEL_OP_MO_ALLOC_MAP:
    case CEL_OP_MO_UNMAP_FREE:
    case CEL_OP_THREAD_CREATE:
    case CEL_OP_THREAD_EXIT:
        return check_ext_request(m);
    default:
        return m->h.op >= CEL_OP_SRV_FIRST ? cel_srv_check_request(m) : NULL;
    }
}

int cel_msg_check(const cel_msg *m, size_t got, bool truncated, bool reply,
                  char *why, size_t why_len)
{
    const char *bad = NULL;
    if (truncated || got > sizeof *m)
        bad = "oversized message";
    else if (got != sizeof *m)
        bad = "short message";
    else if (m->h.magic != CEL_MAGIC)
        bad = "bad magic";
    else if ((m->h.op == 0 && !reply) || (m->h.op && !cel_op_known(m->h.op)))
        bad = "unknown operation";   /* replies to garbage carry op 0 */
    else if ((m->h.flags & ~CEL_F_REPLY) || !!(m->h.flags & CEL_F_REPLY) != reply)
        bad = "bad flags";
    else if (!reply && m->h.status != 0)
        bad = "status set in a request";
    else if (!reply)
        bad = check_request(m);
    else if (m->h.op == CEL_OP_HELLO && !has_nul(m->u.hello_r.pd_id, sizeof m->u.hello_r.pd_id))
        bad = "unterminated string";
    if (!bad)
        return 0;
    if (why && why_len)
        snprintf(why, why_len, "%s", bad);
    return -1;
}
