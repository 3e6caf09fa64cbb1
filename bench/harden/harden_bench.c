/*
 * harden benchmark: osm_harden_rank on one PD against the plain way of
 * answering the same question, re-running osm_tcb once per candidate cut
 * (every edge and resource / space node on a member's chain).  Both run in
 * this process on the same context; prints seconds, the ratio, and checks
 * that both agree on the best cut's count.
 *
 * usage: harden_bench FILE PD
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <osmosis/osmosis.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: harden_bench FILE PD\n");
        return 2;
    }
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 10);
    if (osm_csv_read_file(s, argv[1], NULL, &d, NULL) < 0)
        return 2;
    osm_diags_free(&d);
    osm_query *q = osm_query_new(s);
    osm_id x = osm_store_find(s, argv[2]);
    osm_qopts o = { .why = true };
    double t0 = now();
    osm_harden h;
    if (osm_harden_rank(q, x, &o, &h) < 0)
        return 1;
    double t_harden = now() - t0;

    /* The baseline: one full TCB per candidate on the members' chains. */
    t0 = now();
    osm_members base;
    osm_tcb(q, x, &o, &base);
    osm_qopts plain = { 0 };
    size_t best = 0, runs = 0;
    for (size_t i = 0; i < base.n; i++) {
        const osm_member *e = &base.v[i];
        for (uint32_t k = 0; k < e->why_len; k++) {
            const osm_step *st = &base.steps[e->why_off + k];
            osm_cut c = { OSM_CUT_NODE, st->node, OSM_NONE };
            if (osm_node_kind(s, st->node) == OSM_PD) {
                if (!k)
                    continue;
                osm_id u = base.steps[e->why_off + k - 1].node;
                c = (osm_cut){ OSM_CUT_EDGE, st->back ? st->node : u, st->back ? u : st->node };
            }
            osm_cut_apply(q, &c);
            osm_members m;
            osm_tcb(q, x, &plain, &m);
            if (base.n - m.n > best)
                best = base.n - m.n;
            runs++;
            osm_members_free(&m);
            osm_cut_clear(q);
        }
    }
    double t_plain = now() - t0;
    size_t top = h.n ? h.v[0].n_removed : 0;
    printf("harden %s: %zu TCB members, %zu candidates, best cut removes %zu\n", argv[2],
           base.n, h.n_candidates, top);
    printf("  harden            %8.3f s\n", t_harden);
    printf("  tcb per cut       %8.3f s  (%zu full TCB queries)\n", t_plain, runs);
    printf("RESULT harden=%.6f plain=%.6f best_harden=%zu best_plain=%zu\n", t_harden, t_plain,
           top, best);
    osm_members_free(&base);
    osm_harden_free(&h);
    osm_query_free(q);
    osm_store_free(s);
    return top == best ? 0 : 1;
}
