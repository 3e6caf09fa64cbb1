/*
 * The lists `osmosis compare` puts side by side (compare_view.h): their
 * titles, JSON keys, one-line help and the legend, and each list's members
 * in one column, with their names and the reason each is there.  Shared by
 * the table, the JSON and the page.
 */
#include <stdio.h>
#include <string.h>

#include "compare_view.h"

const char *const cmp_list_title[CMP_N_LISTS] = {
    "TCB_A", "TCB_I", "TCB_C", "IB_A", "IB_I", "IB_C", "CanControl", "ControlBy", "pools shared",
};
const char *const cmp_list_key[CMP_N_LISTS] = {
    "tcb_a", "tcb_i", "tcb_c", "ib_a", "ib_i", "ib_c", "can_control", "control_by", "pools_shared",
};
const char *const cmp_list_help[CMP_N_LISTS] = {
    "who can slow, starve or stop the PD (availability)",
    "who can change what the PD relies on (integrity)",
    "who can see what the PD holds (confidentiality)",
    "whom the PD can slow, starve or stop",
    "whose data the PD can change",
    "whose data the PD can see",
    "who can stop, read or change the PD itself (PD-to-PD HOLD chains)",
    "whom the PD can stop, read or change",
    "who draws from the same exhaustible kernel pool (POOL_* spaces)",
};

const char cmp_legend[] =
    "TCB_P   trusted computing base for property P (MODEL.md §4): the PDs that can\n"
    "        harm the PD in P; A = availability, I = integrity, C = confidentiality.\n"
    "        Smaller is better isolated.\n"
    "IB_P    impact boundary: the PDs whose TCB_P holds the PD; smaller is better.\n"
    "CanControl / ControlBy  PDs with a chain of control (HOLD) edges to / from\n"
    "        the PD: stop it (T), read (R) or change (W) it.  Fewer is better.\n"
    "RSI     resource-sharing index of the PD and the pair for one resource type:\n"
    "        |A∩B| / |A∪B| of the resources each reaches by 1-4 HOLD/MAP edges;\n"
    "        0 (nothing shared, better isolated) to 1 (everything shared).\n"
    "FR      fault ripple: the fewest REQUEST steps after which a fault of one can\n"
    "        reach a PD the other depends on; 0 (same provider) .. inf (never,\n"
    "        better isolated).\n"
    "pools   PDs drawing from an exhaustible kernel pool the PD draws from (pid\n"
    "        table, open files, memory ...: POOL_* spaces); fewer is better; '-'\n"
    "        when the state models no pools.\n";

void cmp_pd_label(const osm_store *s, osm_id pd, char *buf, size_t len)
{
    const char *nm = osm_node_data_name(s, pd);
    if (nm && *nm)
        snprintf(buf, len, "%s (%s)", osm_node_id(s, pd), nm);
    else
        snprintf(buf, len, "%s", osm_node_id(s, pd));
}

/* The osm_members behind list l, or NULL for the pool list. */
static const osm_members *list_members(const cmp_col *c, int l)
{
    if (l <= CMP_TCB_C)
        return &c->c.tcb[l - CMP_TCB_A];
    if (l <= CMP_IB_C)
        return &c->c.ib[l - CMP_IB_A];
    return l == CMP_CAN ? &c->c.can_control : l == CMP_BY ? &c->c.control_by : NULL;
}

size_t cmp_list_len(const cmp_col *c, int l)
{
    const osm_members *m = list_members(c, l);
    return m ? m->n : osm_cmp_pool_sharers(&c->c);
}

void cmp_list_item(const cmp_col *c, int l, size_t i, cmp_item *out)
{
    const osm_store *s = c->store;
    const osm_members *m = list_members(c, l);
    osm_id pd;
    out->reason[0] = '\0';
    if (m) {
        pd = m->v[i].pd;
        const char *comp = osm_comp_name(m->v[i].comp);
        if (m->v[i].via != OSM_NONE)
            snprintf(out->reason, sizeof out->reason, "%s: %s", comp, osm_node_id(s, m->v[i].via));
        else
            snprintf(out->reason, sizeof out->reason, "%s", comp);
    } else {
        /* the i-th distinct PD of the (PD, pool)-sorted shares, with its pools */
        size_t k = 0, j = 0;
        for (; j < c->c.n_pool_shares; j++)
            if ((j == 0 || c->c.pool_shares[j].pd != c->c.pool_shares[j - 1].pd) && k++ == i)
                break;
        pd = c->c.pool_shares[j].pd;
        size_t len = 0;
        for (; j < c->c.n_pool_shares && c->c.pool_shares[j].pd == pd; j++)
            len += (size_t)snprintf(out->reason + len, len < sizeof out->reason ?
                                    sizeof out->reason - len : 0, "%s%s", len ? ", " : "",
                                    osm_node_id(s, c->c.pool_shares[j].pool));
    }
    out->id = osm_node_id(s, pd);
    out->name = osm_node_data_name(s, pd) ? osm_node_data_name(s, pd) : "";
}

bool cmp_list_has(const cmp_col *c, int l, const char *id)
{
    cmp_item it;
    for (size_t i = 0, n = cmp_list_len(c, l); i < n; i++) {
        cmp_list_item(c, l, i, &it);
        if (strcmp(it.id, id) == 0)
            return true;
    }
    return false;
}

bool cmp_in_all(const cmp_col *cols, size_t n, int l, const char *id)
{
    for (size_t k = 0; k < n; k++)
        if (!cmp_list_has(&cols[k], l, id))
            return false;
    return true;
}
