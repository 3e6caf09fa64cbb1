/*
 * Query engine benchmark: on one state, time one TCB, TCB + IB for every
 * PD, RSI and FR for a pair, and one plain igraph BFS over the same graph
 * (the floor).  Prints seconds and ratios; the networkx side is in
 * nx_bench.py.
 *
 * usage: query_bench FILE PD_X PD_Y
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <igraph.h>

#include <osmosis/osmosis.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best of `reps` runs of igraph_bfs_simple from `root`, following edges in
 * both directions so that it visits the whole connected graph. */
static double igraph_bfs_time(const osm_snapshot *g, osm_id root, int reps)
{
    igraph_vector_int_t ev, order;
    igraph_vector_int_init(&ev, (igraph_integer_t)g->n_edges * 2);
    size_t k = 0;
    for (uint32_t v = 0; v < g->n_nodes; v++)
        for (uint32_t i = g->out_off[v]; i < g->out_off[v + 1]; i++) {
            VECTOR(ev)[k++] = v;
            VECTOR(ev)[k++] = g->out[i].node;
        }
    igraph_t ig;
    igraph_create(&ig, &ev, g->n_nodes, IGRAPH_DIRECTED);
    igraph_vector_int_init(&order, 0);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = now();
        igraph_bfs_simple(&ig, root, IGRAPH_ALL, &order, NULL, NULL);
        t = now() - t;
        if (t < best)
            best = t;
    }
    printf("igraph BFS visited %ld nodes\n", (long)igraph_vector_int_size(&order));
    igraph_vector_int_destroy(&order);
    igraph_vector_int_destroy(&ev);
    igraph_destroy(&ig);
    return best;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: query_bench FILE PD_X PD_Y\n");
        return 2;
    }
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 10);
    double t0 = now();
    if (osm_csv_read_file(s, argv[1], NULL, &d, NULL) < 0) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    osm_diags_free(&d);
    osm_cellulos_add_control(s);
    double t_load = now() - t0;
    osm_id x = osm_store_find(s, argv[2]), y = osm_store_find(s, argv[3]);
    if (x == OSM_NONE || y == OSM_NONE) {
        fprintf(stderr, "no such PD\n");
        return 2;
    }
    t0 = now();
    osm_query *q = osm_query_new(s);
    double t_snap = now() - t0;
    const osm_snapshot *g = osm_query_snapshot(q);
    printf("state: %u nodes, %u edges (load %.2fs, snapshot %.3fs)\n", g->n_nodes, g->n_edges,
           t_load, t_snap);

    double t_bfs = igraph_bfs_time(g, g->root != OSM_NONE ? g->root : x, 3);

    osm_members m;
    double t_tcb = 1e30;
    for (int r = 0; r < 3; r++) {       /* best of 3, as for igraph */
        t0 = now();
        osm_tcb(q, x, NULL, &m);
        double t = now() - t0;
        if (t < t_tcb)
            t_tcb = t;
        if (r < 2)
            osm_members_free(&m);
    }
    size_t tcb_n = m.n;
    osm_members_free(&m);

    osm_all a;
    t0 = now();
    osm_query_all(q, NULL, true, &a);
    double t_all = now() - t0;
    size_t pairs = a.tcb_off[a.n_pds];
    osm_all_free(&a);

    osm_id *tv;
    double *rv;
    size_t nt;
    uint32_t fr;
    t0 = now();
    osm_rsi_all(q, x, y, &tv, &rv, &nt);
    double t_pair = now() - t0;
    t0 = now();
    osm_fr(q, x, y, &fr);       /* includes the one-off flatten of the state */
    double t_fr = now() - t0;
    free(tv);
    free(rv);

    printf("one igraph BFS (whole graph)     %9.4fs\n", t_bfs);
    printf("one TCB (%s, %zu members)     %9.4fs  = %.2fx igraph BFS (target <= 1.5x)\n",
           argv[2], tcb_n, t_tcb, t_tcb / t_bfs);
    printf("TCB+IB for all %zu PDs (%zu pairs) %9.4fs  = %.2fx igraph BFS (target <= 20x)\n",
           (size_t)osm_store_node_count_kind(s, OSM_PD), pairs, t_all, t_all / t_bfs);
    printf("RSI (all types) for a pair       %9.4fs  = %.2fx igraph BFS\n", t_pair, t_pair / t_bfs);
    printf("FR for a pair (with flatten)     %9.4fs  = %.2fx igraph BFS\n", t_fr, t_fr / t_bfs);
    /* Machine-readable line for run.sh. */
    printf("RESULT edges=%u tcb=%.6f all=%.6f pair=%.6f fr=%.6f bfs=%.6f\n", g->n_edges, t_tcb,
           t_all, t_pair, t_fr, t_bfs);
    osm_query_free(q);
    osm_store_free(s);
    return 0;
}
