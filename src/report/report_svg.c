/*
 * The neighbourhood picture of one PD: the PD, what it holds, every member
 * of its TCB and impact boundary coloured by role, and the chain of edges
 * that explains each member.  Laid out and rendered to SVG in-process with
 * Graphviz (libgvc, dot engine) and inlined into the page.
 *
 * Large neighbourhoods stay readable: unless --no-collapse, resources of one
 * type drawn from one space become one counted node ("1024 x BLOCK in
 * BLOCK_SPACE_a"), and member PDs that are there for the same reason (same
 * role, component and witness) become one counted node once there are
 * PD_GROUP_MIN of them.  A hard cap on drawn nodes keeps dot fast.
 */
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "report.h"
#include "../format/text.h"

enum {
    PD_GROUP_MIN = 4,       /* members sharing a reason before they merge */
    FEW_MEMBERS = 12,       /* up to this many members are all drawn singly */
    MAX_SINGLE_PDS = 40,    /* members drawn one by one */
    MAX_PIC_NODES = 300     /* beyond this the picture is cut (and says so) */
};

enum { ROLE_SELF = 1, ROLE_TCB = 2, ROLE_IB = 4 };
enum { PIC_PD, PIC_PD_GROUP, PIC_RES, PIC_RES_GROUP, PIC_SPACE, PIC_SPACE_GROUP };

/* A drawn node.  Groups stand for `count` resources or PDs. */
typedef struct pic_node {
    uint8_t what, role;
    osm_id node;            /* the real node, or a group's first member */
    osm_id type, space;     /* PIC_RES_GROUP: the type and the space */
    uint32_t comp;          /* PIC_PD_GROUP: the shared reason */
    uint64_t via;           /* PIC_PD_GROUP: witness key (see via_key) */
    uint32_t count;
} pic_node;

typedef struct pic_edge {
    uint32_t a, b;
    uint8_t kind;
} pic_edge;

typedef struct pic {
    osm_report *r;
    osm_id x;
    bool collapse, cut;
    pic_node *n;
    size_t nn;
    pic_edge *e;
    size_t ne, ecap;
    uint8_t *role;          /* [node bound] ROLE_* of every PD */
    uint8_t *counted;       /* [node bound] resource already counted in its group */
    uint32_t *member_pic;   /* [node bound] PD -> pic node + 1 (0 = none yet) */
} pic;

/* The space a resource is drawn from (its SUBSET target), or OSM_NONE. */
static osm_id space_of(const osm_store *s, osm_id res)
{
    osm_edge e;
    for (osm_id i = osm_store_first_out(s, res); i != OSM_NONE; i = osm_store_next_out(s, i))
        if (osm_store_edge(s, i, &e) && e.kind == OSM_SUBSET)
            return e.to;
    return OSM_NONE;
}

/* Add a node (or return the existing one); UINT32_MAX when the picture is
 * full.  Linear search: pictures hold at most MAX_PIC_NODES nodes. */
static uint32_t pic_add(pic *p, const pic_node *want)
{
    for (size_t i = 0; i < p->nn; i++) {
        const pic_node *h = &p->n[i];
        if (h->what != want->what)
            continue;
        if ((want->what == PIC_RES_GROUP && h->type == want->type && h->space == want->space) ||
            (want->what == PIC_SPACE_GROUP && h->type == want->type) ||
            (want->what == PIC_PD_GROUP && h->role == want->role && h->comp == want->comp &&
             h->via == want->via) ||
            (want->what != PIC_RES_GROUP && want->what != PIC_PD_GROUP &&
             want->what != PIC_SPACE_GROUP && h->node == want->node))
            return (uint32_t)i;
    }
    if (p->nn == MAX_PIC_NODES) {
        p->cut = true;
        return UINT32_MAX;
    }
    p->n[p->nn] = *want;
    return (uint32_t)p->nn++;
}

/* Count real node v once in group node i. */
static void pic_count(pic *p, uint32_t i, osm_id v)
{
    if (i != UINT32_MAX && !p->counted[v]) {
        p->counted[v] = 1;
        p->n[i].count++;
    }
}

/* The drawn node for a resource or space: with collapsing, resources merge
 * per (type, space), and spaces per type when `group_spaces` (on the chains
 * of merged members, which each name their own space). */
static uint32_t pic_thing(pic *p, osm_id v, bool group_spaces)
{
    const osm_store *s = p->r->s;
    pic_node want = { .node = v, .count = 1, .type = osm_node_data(s, v) };
    bool space = osm_node_kind(s, v) == OSM_SPACE;
    if (!p->collapse) {
        want.what = space ? PIC_SPACE : PIC_RES;
        return pic_add(p, &want);
    }
    if (space && !group_spaces) {
        want.what = PIC_SPACE;
        return pic_add(p, &want);
    }
    want.what = space ? PIC_SPACE_GROUP : PIC_RES_GROUP;
    want.space = space ? OSM_NONE : space_of(s, v);
    want.count = 0;
    uint32_t i = pic_add(p, &want);
    pic_count(p, i, v);
    return i;
}

/* The drawn node for a PD: its group or itself. */
static uint32_t pic_pd(pic *p, osm_id pd)
{
    if (p->member_pic[pd])
        return p->member_pic[pd] - 1;
    pic_node want = { .what = PIC_PD, .node = pd, .role = p->role[pd], .count = 1 };
    uint32_t i = pic_add(p, &want);
    if (i != UINT32_MAX)
        p->member_pic[pd] = i + 1;
    return i;
}

static uint32_t pic_any(pic *p, osm_id v, bool group_spaces)
{
    return osm_node_kind(p->r->s, v) == OSM_PD ? pic_pd(p, v) : pic_thing(p, v, group_spaces);
}

static void pic_edge_add(pic *p, uint32_t a, uint32_t b, uint8_t kind)
{
    if (a == UINT32_MAX || b == UINT32_MAX || a == b)
        return;
    for (size_t i = 0; i < p->ne; i++)
        if (p->e[i].a == a && p->e[i].b == b && p->e[i].kind == kind)
            return;
    if (p->ne == p->ecap) {
        size_t cap = p->ecap ? p->ecap * 2 : 64;
        pic_edge *e = realloc(p->e, cap * sizeof *e);
        if (!e)
            return;     /* a missing edge beats a failed report */
        p->e = e;
        p->ecap = cap;
    }
    p->e[p->ne++] = (pic_edge){ a, b, kind };
}

/* Draw an explanation chain; its last step is drawn as `last`. */
static void pic_chain(pic *p, const osm_step *st, size_t n, uint32_t last, bool group_spaces)
{
    uint32_t prev = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        uint32_t cur = i + 1 == n ? last : pic_any(p, st[i].node, group_spaces);
        if (i > 0) {
            uint8_t kind = (uint8_t)OSM_ADJ_KIND(st[i].info);
            if (st[i].back)
                pic_edge_add(p, cur, prev, kind);
            else
                pic_edge_add(p, prev, cur, kind);
        }
        prev = cur;
    }
}

/* Which witness a member's reason names, as a key shared by the members
 * that would be drawn through the same node. */
static uint64_t via_key(pic *p, osm_id via)
{
    const osm_store *s = p->r->s;
    if (via == OSM_NONE)
        return UINT64_MAX;
    if (p->collapse && osm_node_kind(s, via) == OSM_RESOURCE)
        return 1ull << 63 | (uint64_t)osm_node_data(s, via) << 32 | space_of(s, via);
    if (p->collapse && osm_node_kind(s, via) == OSM_SPACE)
        return 1ull << 62 | osm_node_data(s, via);
    return via;
}

/* Place the members of one answer: singly while few share a reason, else
 * in a group; then draw each single member's chain and one chain per group. */
static void pic_members(pic *p, const osm_members *ms)
{
    size_t singles = 0;
    bool few = ms->n <= FEW_MEMBERS;
    for (size_t i = 0; i < ms->n; i++) {
        const osm_member *m = &ms->v[i];
        if (p->member_pic[m->pd])
            continue;       /* already placed (in both TCB and IB) */
        uint64_t vk = via_key(p, m->via);
        size_t same = 0;
        for (size_t j = 0; p->collapse && !few && j < ms->n && same < PD_GROUP_MIN; j++)
            if (ms->v[j].comp == m->comp && p->role[ms->v[j].pd] == p->role[m->pd] &&
                via_key(p, ms->v[j].via) == vk)
                same++;
        bool group = same >= PD_GROUP_MIN || singles >= MAX_SINGLE_PDS;
        uint32_t at;
        if (group) {
            pic_node want = { .what = PIC_PD_GROUP, .node = m->pd, .role = p->role[m->pd],
                              .comp = m->comp, .via = vk, .count = 0 };
            at = pic_add(p, &want);
            if (at == UINT32_MAX)
                continue;
            bool first = p->n[at].count == 0;
            p->n[at].count++;
            p->member_pic[m->pd] = at + 1;
            if (!first)
                continue;
        } else {
            at = pic_pd(p, m->pd);
            singles++;
        }
        if (m->why_len)
            pic_chain(p, ms->steps + m->why_off, m->why_len, at, group);
    }
}

/* Is real node v drawn as itself already (e.g. as a reason's witness)? */
static bool pic_has(const pic *p, osm_id v)
{
    for (size_t i = 0; i < p->nn; i++)
        if (p->n[i].node == v && (p->n[i].what == PIC_SPACE || p->n[i].what == PIC_RES))
            return true;
    return false;
}

/* What the PD itself holds (after the chains, so that spaces no reason
 * names can merge into one "N x TYPE spaces" node per type). */
static void pic_holds(pic *p)
{
    const osm_store *s = p->r->s;
    uint32_t self = pic_pd(p, p->x);
    osm_edge e;
    for (osm_id i = osm_store_first_out(s, p->x); i != OSM_NONE; i = osm_store_next_out(s, i)) {
        if (!osm_store_edge(s, i, &e) || e.kind != OSM_HOLD || osm_node_kind(s, e.to) == OSM_PD)
            continue;
        bool group = osm_node_kind(s, e.to) == OSM_SPACE && !pic_has(p, e.to);
        pic_edge_add(p, self, pic_thing(p, e.to, group), OSM_HOLD);
    }
}

/* ---- Graphviz -------------------------------------------------------- */

/* A growing label; Graphviz label escapes (\n, \N, ...) start with a
 * backslash, so IDs have theirs doubled. */
typedef struct lbl {
    char buf[512];
    size_t n;
} lbl;

static void lbl_put(lbl *l, const char *s, bool raw)
{
    char *t = raw ? NULL : osm_text_dup(s);  /* not UTF-8: \xNN (text.h) */
    for (s = t ? t : s; *s && l->n + 3 < sizeof l->buf; s++) {
        if (!raw && *s == '\\')
            l->buf[l->n++] = '\\';
        l->buf[l->n++] = *s;
    }
    l->buf[l->n] = 0;
    free(t);
}

static const char *role_fill(uint8_t role)
{
    if (role & ROLE_SELF)
        return "#ffd966";
    if ((role & (ROLE_TCB | ROLE_IB)) == (ROLE_TCB | ROLE_IB))
        return "#d7b8e8";
    return role & ROLE_TCB ? "#f4b6a6" : role & ROLE_IB ? "#b6d3f0" : "#ffffff";
}

static const char *role_text(uint8_t role)
{
    if ((role & (ROLE_TCB | ROLE_IB)) == (ROLE_TCB | ROLE_IB))
        return "in its TCB and impact boundary";
    return role & ROLE_TCB ? "in its TCB" : role & ROLE_IB ? "in its impact boundary" : "";
}

static void set(void *obj, const char *k, const char *v)
{
    agsafeset(obj, (char *)k, (char *)v, "");
}

static void node_attrs(pic *p, Agnode_t *gn, const pic_node *pn)
{
    const osm_store *s = p->r->s;
    lbl l = { .n = 0 }, tip = { .n = 0 };
    char num[32];
    switch (pn->what) {
    case PIC_PD:
    case PIC_PD_GROUP:
        set(gn, "shape", "box");
        set(gn, "style", "filled,rounded");
        set(gn, "fillcolor", role_fill(pn->role));
        if (pn->what == PIC_PD) {
            lbl_put(&l, osm_node_id(s, pn->node), false);
            lbl_put(&l, "\\n", true);
            lbl_put(&l, osm_node_data_name(s, pn->node), false);
            lbl_put(&tip, osm_node_id(s, pn->node), false);
        } else {
            snprintf(num, sizeof num, "%u PDs", pn->count);
            lbl_put(&l, num, true);
            lbl_put(&l, "\\n", true);
            lbl_put(&l, osm_report_comp_label(pn->comp), true);
            lbl_put(&tip, num, true);
        }
        if (pn->role & ROLE_SELF) {
            set(gn, "penwidth", "2.5");
            set(gn, "fontname", "Helvetica-Bold");
        } else {
            lbl_put(&tip, ": ", true);
            lbl_put(&tip, role_text(pn->role), true);
        }
        break;
    case PIC_SPACE_GROUP:
        if (pn->count > 1) {
            set(gn, "shape", "folder");
            set(gn, "style", "filled");
            set(gn, "fillcolor", "#dcefd9");
            snprintf(num, sizeof num, "%u \xc3\x97 ", pn->count);
            lbl_put(&l, num, true);
            lbl_put(&l, osm_store_type_name(s, pn->type), false);
            lbl_put(&l, " space", true);
            lbl_put(&tip, l.buf, true);
            break;
        }
        /* one space is drawn as itself */
        __attribute__((fallthrough));
    case PIC_SPACE:
        set(gn, "shape", "folder");
        set(gn, "style", "filled");
        set(gn, "fillcolor", "#dcefd9");
        lbl_put(&l, osm_node_id(s, pn->node), false);
        lbl_put(&l, "\\n", true);
        lbl_put(&l, osm_node_data_name(s, pn->node), false);
        lbl_put(&tip, l.buf, true);
        break;
    case PIC_RES_GROUP:
        set(gn, "shape", "ellipse");
        set(gn, "style", "filled");
        set(gn, "fillcolor", "#eef1f6");
        snprintf(num, sizeof num, "%u \xc3\x97 ", pn->count);    /* U+00D7 */
        lbl_put(&l, num, true);
        lbl_put(&l, osm_store_type_name(s, pn->type), false);
        if (pn->space != OSM_NONE) {
            lbl_put(&l, "\\nin ", true);
            lbl_put(&l, osm_node_id(s, pn->space), false);
        }
        lbl_put(&tip, l.buf, true);
        break;
    default:
        set(gn, "shape", "ellipse");
        set(gn, "style", "filled");
        set(gn, "fillcolor", "#eef1f6");
        lbl_put(&l, osm_node_id(s, pn->node), false);
        lbl_put(&l, "\\n", true);
        lbl_put(&l, osm_node_data_name(s, pn->node), false);
        lbl_put(&tip, l.buf, true);
    }
    set(gn, "label", l.buf);
    set(gn, "tooltip", tip.buf);
}

static void edge_attrs(pic *p, Agedge_t *ge, const pic_edge *pe)
{
    bool control = pe->kind == OSM_HOLD && p->n[pe->a].what <= PIC_PD_GROUP &&
                   p->n[pe->b].what <= PIC_PD_GROUP;
    set(ge, "label", control ? "controls" : osm_edge_kind_name((osm_edge_kind)pe->kind));
    switch (pe->kind) {
    case OSM_HOLD: set(ge, "color", control ? "#c0392b" : "#34495e"); break;
    case OSM_MAP: set(ge, "color", "#2e75b6"); break;
    case OSM_REQUEST: set(ge, "color", "#2e8b57"); break;
    default: set(ge, "color", "#999999"); set(ge, "style", "dashed");
    }
    if (control)
        set(ge, "fontcolor", "#c0392b");
}

/* Hops from the PD (node 0) to every drawn node, ignoring direction;
 * NULL on ENOMEM (the layout then keeps the edges' own direction). */
static uint32_t *pic_distances(const pic *p)
{
    uint32_t *dist = malloc((p->nn + 1) * sizeof *dist);
    if (!dist)
        return NULL;
    for (size_t i = 0; i < p->nn; i++)
        dist[i] = UINT32_MAX;
    dist[0] = 0;
    /* Bellman-Ford style relaxation: pictures are small. */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < p->ne; i++) {
            uint32_t a = p->e[i].a, b = p->e[i].b;
            if (dist[a] != UINT32_MAX && dist[a] + 1 < dist[b]) {
                dist[b] = dist[a] + 1;
                changed = true;
            }
            if (dist[b] != UINT32_MAX && dist[b] + 1 < dist[a]) {
                dist[a] = dist[b] + 1;
                changed = true;
            }
        }
    }
    return dist;
}

static Agraph_t *pic_graph(pic *p)
{
    Agraph_t *g = agopen((char *)"pd", Agdirected, NULL);
    if (!g)
        return NULL;
    agattr(g, AGRAPH, (char *)"rankdir", (char *)"LR");
    agattr(g, AGRAPH, (char *)"nodesep", (char *)"0.2");
    agattr(g, AGRAPH, (char *)"ranksep", (char *)"0.55");
    agattr(g, AGRAPH, (char *)"fontname", (char *)"Helvetica");
    agattr(g, AGNODE, (char *)"fontname", (char *)"Helvetica");
    agattr(g, AGNODE, (char *)"fontsize", (char *)"11");
    agattr(g, AGNODE, (char *)"margin", (char *)"0.08,0.04");
    agattr(g, AGEDGE, (char *)"fontname", (char *)"Helvetica");
    agattr(g, AGEDGE, (char *)"fontsize", (char *)"9");
    agattr(g, AGEDGE, (char *)"arrowsize", (char *)"0.7");
    Agnode_t **gn = malloc((p->nn + 1) * sizeof *gn);
    if (!gn) {
        agclose(g);
        return NULL;
    }
    uint32_t *dist = pic_distances(p);
    char name[32];
    for (size_t i = 0; i < p->nn; i++) {
        /* Name drawn nodes by their ID (the SVG <title>, which tools and
         * tests read); groups, and any clash, by position. */
        const pic_node *pn = &p->n[i];
        char *id = osm_text_dup(osm_node_id(p->r->s, pn->node)); /* SVG is UTF-8 */
        bool single = id && (pn->what == PIC_PD || pn->what == PIC_RES || pn->what == PIC_SPACE);
        snprintf(name, sizeof name, "group %zu", i);
        gn[i] = single && !agnode(g, id, 0) ? agnode(g, id, 1) : agnode(g, name, 1);
        free(id);
        node_attrs(p, gn[i], pn);
    }
    for (size_t i = 0; i < p->ne; i++) {
        const pic_edge *pe = &p->e[i];
        /* Lay every edge out going away from the PD (so it sits leftmost
         * and its TCB / IB to the right); arrows keep their direction. */
        bool flip = dist && dist[pe->a] > dist[pe->b];
        Agedge_t *ge = flip ? agedge(g, gn[pe->b], gn[pe->a], NULL, 1)
                            : agedge(g, gn[pe->a], gn[pe->b], NULL, 1);
        edge_attrs(p, ge, pe);
        if (flip)
            set(ge, "dir", "back");
    }
    free(dist);
    free(gn);
    return g;
}

/* Lay out and write the picture's SVG element (without the XML prolog). */
static int pic_render(pic *p)
{
    osm_report *r = p->r;
    if (!r->gvc && !(r->gvc = gvContext())) {
        snprintf(r->err, r->errlen, "cannot start Graphviz");
        return -1;
    }
    Agraph_t *g = pic_graph(p);
    if (!g)
        return -1;
    char *svg = NULL;
    unsigned int len = 0;
    int rc = -1;
    if (gvLayout(r->gvc, g, "dot") != 0)
        snprintf(r->err, r->errlen, "Graphviz could not lay out the picture of %s",
                 osm_node_id(r->s, p->x));
    else if (gvRenderData(r->gvc, g, "svg", &svg, &len) != 0 || !svg)
        snprintf(r->err, r->errlen, "Graphviz could not render SVG");
    else {
        const char *start = strstr(svg, "<svg"), *end = svg + len;
        fputs("<div class=\"pic\">", r->f);
        /* Graphviz numbers ids per picture (graph0, node1, ...): prefix
         * them with the picture's number so ids stay unique in the page. */
        unsigned pic_no = ++r->n_pics;
        for (const char *at = start; at && at < end;) {
            const char *id = strstr(at, " id=\"");
            if (!id || id >= end) {
                fwrite(at, 1, (size_t)(end - at), r->f);
                break;
            }
            fwrite(at, 1, (size_t)(id - at) + 5, r->f);
            fprintf(r->f, "p%u_", pic_no);
            at = id + 5;
        }
        fputs("</div>\n", r->f);
        rc = 0;
    }
    if (svg)
        gvFreeRenderData(svg);
    gvFreeLayout(r->gvc, g);
    agclose(g);
    return rc;
}

int osm_report_svg(osm_report *r, osm_id x, const osm_members *tcb, const osm_members *ib)
{
    size_t bound = osm_store_node_bound(r->s);
    pic p = { .r = r, .x = x, .collapse = r->o->collapse };
    p.n = malloc(MAX_PIC_NODES * sizeof *p.n);
    p.role = calloc(bound, 1);
    p.counted = calloc(bound, 1);
    p.member_pic = calloc(bound, sizeof *p.member_pic);
    int rc = -1;
    if (!p.n || !p.role || !p.counted || !p.member_pic) {
        snprintf(r->err, r->errlen, "out of memory");
        goto out;
    }
    p.role[x] = ROLE_SELF;
    for (size_t i = 0; i < tcb->n; i++)
        p.role[tcb->v[i].pd] |= ROLE_TCB;
    for (size_t i = 0; i < ib->n; i++)
        p.role[ib->v[i].pd] |= ROLE_IB;
    pic_pd(&p, x);
    pic_members(&p, tcb);
    pic_members(&p, ib);
    pic_holds(&p);
    rc = pic_render(&p);
    if (rc == 0 && p.cut)
        fprintf(r->f, "<p class=\"note\">Picture cut at %d nodes%s.</p>\n", MAX_PIC_NODES,
                p.collapse ? "" : " (drop --no-collapse to group resources)");
out:
    free(p.n);
    free(p.e);
    free(p.role);
    free(p.counted);
    free(p.member_pic);
    return rc;
}

void osm_report_svg_free(osm_report *r)
{
    if (r->gvc)
        gvFreeContext(r->gvc);
    r->gvc = NULL;
}
