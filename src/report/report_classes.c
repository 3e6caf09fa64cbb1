/*
 * The classes section of the report: PDs whose TCB and impact boundary are
 * the same, each PD counted in its own sets (otherwise two PDs that share
 * everything differ by each other).  On a host most processes fall into a
 * few classes, so this is the summary a reader can take in at once.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { MAX_CLASS_ROWS = 200, MAX_CLASS_NAMES = 24 };

typedef struct pd_key {
    osm_id pd;
    size_t row;         /* index in all->pds */
    uint64_t hash;
} pd_key;

static _Thread_local const osm_store *cls_store;

static uint64_t mix(uint64_t v)
{
    v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
    v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
    return v ^ (v >> 31);
}

/* Order-independent hash of a member list plus the PD itself. */
static uint64_t set_hash(const osm_member *v, size_t n, osm_id self, uint64_t salt)
{
    uint64_t h = mix(self ^ salt);
    for (size_t i = 0; i < n; i++)
        h += mix(v[i].pd ^ salt);
    return h;
}

/* Are the closed sets (members + self) of rows a and b equal?  Member lists
 * are sorted by string ID, so compare as sets through a stamp array. */
static bool same_set(const osm_member *va, size_t na, osm_id a, const osm_member *vb, size_t nb,
                     osm_id b, uint32_t *stamp, uint32_t *gen)
{
    if (na != nb)
        return false;
    ++*gen;
    stamp[a] = *gen;
    for (size_t i = 0; i < na; i++)
        stamp[va[i].pd] = *gen;
    if (stamp[b] != *gen)
        return false;
    for (size_t i = 0; i < nb; i++)
        if (stamp[vb[i].pd] != *gen && vb[i].pd != a)
            return false;
    return true;
}

static int cmp_key(const void *x, const void *y)
{
    const pd_key *a = x, *b = y;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return osm_id_natural_cmp(osm_node_id(cls_store, a->pd), osm_node_id(cls_store, b->pd));
}

typedef struct cls { size_t first, n, tcb, ib; } cls;

static int cmp_cls(const void *x, const void *y, void *arg)
{
    const cls *a = x, *b = y;
    const pd_key *k = arg;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    if (a->tcb != b->tcb)
        return a->tcb > b->tcb ? -1 : 1;
    return osm_id_natural_cmp(osm_node_id(cls_store, k[a->first].pd),
                              osm_node_id(cls_store, k[b->first].pd));
}

int osm_report_classes(osm_report *r, const osm_all *a)
{
    FILE *f = r->f;
    size_t n = a->n_pds;
    pd_key *k = malloc((n + 1) * sizeof *k);
    cls *c = malloc((n + 1) * sizeof *c);
    uint32_t *stamp = calloc(osm_store_node_bound(r->s) + 1, sizeof *stamp), gen = 0;
    if (!k || !c || !stamp) {
        free(k);
        free(c);
        free(stamp);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const osm_member *t = a->tcb + a->tcb_off[i], *b = a->ib + a->ib_off[i];
        size_t nt = a->tcb_off[i + 1] - a->tcb_off[i], nb = a->ib_off[i + 1] - a->ib_off[i];
        k[i] = (pd_key){ a->pds[i], i, set_hash(t, nt, a->pds[i], 1) ^
                                           (set_hash(b, nb, a->pds[i], 2) * 31) };
    }
    cls_store = r->s;
    qsort(k, n, sizeof *k, cmp_key);
    /* Equal hashes are runs; split a run where the sets really differ (a
     * hash collision keeps its PDs in separate classes, never merges). */
    size_t nc = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        size_t ri = k[i].row;
        while (j < n && k[j].hash == k[i].hash) {
            size_t rj = k[j].row;
            if (!same_set(a->tcb + a->tcb_off[ri], a->tcb_off[ri + 1] - a->tcb_off[ri], k[i].pd,
                          a->tcb + a->tcb_off[rj], a->tcb_off[rj + 1] - a->tcb_off[rj], k[j].pd,
                          stamp, &gen) ||
                !same_set(a->ib + a->ib_off[ri], a->ib_off[ri + 1] - a->ib_off[ri], k[i].pd,
                          a->ib + a->ib_off[rj], a->ib_off[rj + 1] - a->ib_off[rj], k[j].pd,
                          stamp, &gen))
                break;
            j++;
        }
        c[nc++] = (cls){ i, j - i, a->tcb_off[ri + 1] - a->tcb_off[ri],
                         a->ib_off[ri + 1] - a->ib_off[ri] };
        i = j;
    }
    qsort_r(c, nc, sizeof *c, cmp_cls, k);
    fprintf(f, "<h2 id=\"classes\">Classes of PDs</h2>\n<p class=\"note\">%zu PDs fall into %zu "
               "classes: PDs in one class have the same TCB and the same impact boundary "
               "(each counting itself in). Largest class first.</p>\n"
               "<div class=\"scroll\"><table id=\"class-table\"><tr><th>class</th><th>PDs</th>"
               "<th>TCB size</th><th>impact boundary size</th><th>members</th></tr>\n", n, nc);
    size_t rows = nc < MAX_CLASS_ROWS ? nc : MAX_CLASS_ROWS;
    for (size_t i = 0; i < rows; i++) {
        fprintf(f, "<tr data-f class=\"cls\"><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                   "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td>", i + 1, c[i].n,
                c[i].tcb, c[i].ib);
        for (size_t m = 0; m < c[i].n && m < MAX_CLASS_NAMES; m++) {
            osm_id pd = k[c[i].first + m].pd;
            fputs(m ? ", <span class=\"id\">" : "<span class=\"id\">", f);
            osm_report_esc(f, osm_node_id(r->s, pd));
            fputs("</span> <span class=\"note\">", f);
            osm_report_esc(f, osm_node_data_name(r->s, pd));
            fputs("</span>", f);
        }
        if (c[i].n > MAX_CLASS_NAMES)
            fprintf(f, " &hellip; and %zu more", c[i].n - MAX_CLASS_NAMES);
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
    if (rows < nc)
        fprintf(f, "<p class=\"note\">&hellip; and %zu smaller classes.</p>\n", nc - rows);
    free(k);
    free(c);
    free(stamp);
    return 0;
}
