/*
 * gen_big: write a synthetic CellulOS CSV state of a given size for the
 * import benchmark.
 *
 *   gen_big [NODES [EDGES]] > state.csv      (defaults 1000000 10000000)
 *
 * The shape follows real CellulOS dumps (GPIKV001): every node row first,
 * then the edge rows grouped by owner PD, hex-suffixed IDs.  One PD per 1000
 * nodes, PD_0 is the ROOT_TASK (it holds every MO, VCPU and ADS), PD_1 a file
 * server and PD_2 a block server.  Each PD has its own ADS with VMRs that MAP
 * to MOs of the one physical-memory space; FILEs live in FILE spaces that MAP
 * to BLOCK spaces, each FILE MAPs to two BLOCKs.  PDs REQUEST memory from the
 * root, files from the file server, which requests blocks from the block
 * server.  The edges left over after those become HOLDs of a PD's resources
 * by its neighbouring PDs (shared memory and files), so that the file has
 * EDGES edges.  Deterministic: same arguments, same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { N_FSPACE = 16 };        /* FILE spaces, each mapped to a BLOCK space */

static const char *const vmr_kinds[] = { "ELF_CODE", "ELF_DATA", "STACK", "IPC_BUF",
                                         "SHARED_FRAMES", "HEAP", "OSM_DATA" };
static const char *const hold_perms[] = { "RW", "R", "RX", "RWX", "NONE", "RW", "R", "RWT" };

/* A PD's resources are numbered 0..per-1; the type follows from the number. */
typedef enum { R_VMR, R_MO, R_BLOCK, R_FILE } rtype;

typedef struct gen {
    uint64_t nodes, edges;
    uint64_t pds, per;          /* PDs, resources per PD (besides its VCPU) */
    uint64_t n_edges;           /* edges written so far */
} gen;

static rtype type_of(uint64_t i)
{
    unsigned k = (unsigned)(i % 20);
    return k < 7 ? R_VMR : k < 14 ? R_MO : k < 18 ? R_BLOCK : R_FILE;
}

/* Print the ID of resource i of PD p. */
static void put_res(uint64_t p, uint64_t i)
{
    static const char *const pre[] = { "VMR", "MO", "BLOCK", "FILE" };
    printf("%s_%llx_%llx", pre[type_of(i)], (unsigned long long)p, (unsigned long long)i);
}

static void put_space_of(uint64_t p, uint64_t i)
{
    switch (type_of(i)) {
    case R_VMR: printf("ADS_SPACE_%llx", (unsigned long long)p); break;
    case R_MO: fputs("MO_SPACE_0", stdout); break;
    case R_BLOCK: printf("BLOCK_SPACE_%llx", (unsigned long long)(p % N_FSPACE)); break;
    case R_FILE: printf("FILE_SPACE_%llx", (unsigned long long)(p % N_FSPACE)); break;
    }
}

static void nodes(gen *g)
{
    puts("NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA");
    puts("RESOURCE_SPACE,MO_SPACE_0,MO,,,,");
    puts("RESOURCE_SPACE,VCPU_SPACE_0,VCPU,,,,");
    for (unsigned k = 0; k < N_FSPACE; k++)
        printf("RESOURCE_SPACE,FILE_SPACE_%x,FILE,,,,\nRESOURCE_SPACE,BLOCK_SPACE_%x,BLOCK,,,,\n",
               k, k);
    for (uint64_t p = 0; p < g->pds; p++) {
        unsigned long long lp = (unsigned long long)p;
        printf("PD,PD_%llx,%s,,,,\n", lp,
               p == 0 ? "ROOT_TASK" : p == 1 ? "fs_server" : p == 2 ? "ramdisk_server" : "app");
        printf("RESOURCE_SPACE,ADS_SPACE_%llx,ADS,,,,\n", lp);
        printf("RESOURCE,VCPU_%llx,VCPU,,,,\n", lp);
        for (uint64_t i = 0; i < g->per; i++) {
            fputs("RESOURCE,", stdout);
            put_res(p, i);
            unsigned long long pages = 1 + (i * 7 + p) % 64;
            switch (type_of(i)) {
            case R_VMR:
                printf(",VMR,,,,0x%llx_%s_%llu_12\n", 0x400000ull + i * 0x100000ull,
                       vmr_kinds[i % 7], pages);
                break;
            case R_MO:
                printf(",MO,,,,0x%llx_%llu_12\n", 0x40000000ull + (p * g->per + i) * 0x40000ull,
                       pages);
                break;
            case R_BLOCK: fputs(",BLOCK,,,,\n", stdout); break;
            case R_FILE: printf(",FILE,,,,/data/%llx/f%llx\n", lp, (unsigned long long)i); break;
            }
        }
    }
}

static void edge(gen *g, const char *data, const char *kind)
{
    printf(",,%s,%s,", data, kind);
    g->n_edges++;
}

/* The edges every state of this shape has, whatever EDGES asks for. */
static void fixed_edges(gen *g)
{
    for (unsigned k = 0; k < N_FSPACE; k++) {
        edge(g, "RW", "MAP");
        printf("FILE_SPACE_%x,BLOCK_SPACE_%x,\n", k, k);
        edge(g, "RW", "HOLD");
        printf("PD_1,FILE_SPACE_%x,\n", k);
        edge(g, "RW", "HOLD");
        printf("PD_2,BLOCK_SPACE_%x,\n", k);
    }
    edge(g, "RWX", "HOLD");
    puts("PD_0,MO_SPACE_0,");
    edge(g, "RWX", "HOLD");
    puts("PD_0,VCPU_SPACE_0,");
}

static void pd_edges(gen *g, uint64_t p, uint64_t *budget, uint64_t extra_base, uint64_t extra_rem)
{
    unsigned long long lp = (unsigned long long)p;
    printf(",,RWX,HOLD,PD_%llx,ADS_SPACE_%llx,\n", lp, lp);
    printf(",,NONE,MAP,ADS_SPACE_%llx,MO_SPACE_0,\n", lp);
    printf(",,RWXT,HOLD,PD_%llx,VCPU_%llx,\n", lp, lp);
    printf(",,NONE,SUBSET,VCPU_%llx,VCPU_SPACE_0,\n", lp);
    g->n_edges += 4;
    if (p != 0) {
        printf(",,RWX,HOLD,PD_0,ADS_SPACE_%llx,\n,,RWXT,HOLD,PD_0,VCPU_%llx,\n", lp, lp);
        printf(",,MO,REQUEST,PD_%llx,PD_0,MO_SPACE_0\n", lp);
        printf(",,VMR,REQUEST,PD_%llx,PD_0,\n", lp);
        g->n_edges += 4;
        if (p != 1) {
            printf(",,FILE,REQUEST,PD_%llx,PD_1,FILE_SPACE_%llx\n", lp,
                   (unsigned long long)(p % N_FSPACE));
            g->n_edges++;
        }
        if (p == 1) {
            puts(",,BLOCK,REQUEST,PD_1,PD_2,");
            g->n_edges++;
        }
    }
    for (uint64_t i = 0; i < g->per; i++) {
        rtype t = type_of(i);
        edge(g, "NONE", "SUBSET");
        put_res(p, i);
        putchar(',');
        put_space_of(p, i);
        puts(",");
        edge(g, hold_perms[(p + i) % 8], "HOLD");
        printf("PD_%llx,", lp);
        put_res(p, i);
        puts(",");
        if (t == R_MO && p != 0) {
            edge(g, "RWX", "HOLD");
            fputs("PD_0,", stdout);
            put_res(p, i);
            puts(",");
        }
        if (t == R_VMR) {           /* VMR i maps to the MO that follows it */
            edge(g, i % 7 == 0 ? "RX" : "RW", "MAP");
            put_res(p, i);
            putchar(',');
            put_res(p, i + 7 < g->per ? i + 7 : i % 7 + 7);
            puts(",");
        }
        if (t == R_FILE) {          /* a FILE maps to two BLOCKs of its PD */
            for (int b = 0; b < 2; b++) {
                edge(g, "RW", "MAP");
                put_res(p, i);
                putchar(',');
                put_res(p, i - 4 + (uint64_t)b);
                puts(",");
            }
        }
        /* Shared holds by the PDs that follow this one. */
        uint64_t k = extra_base + (i < extra_rem ? 1 : 0);
        for (uint64_t j = 1; j <= k && *budget; j++, (*budget)--) {
            edge(g, hold_perms[(p + i + j) % 8], "HOLD");
            printf("PD_%llx,", (unsigned long long)((p + j) % g->pds));
            put_res(p, i);
            puts(",");
        }
    }
}

int main(int argc, char **argv)
{
    gen g = { .nodes = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000,
              .edges = argc > 2 ? strtoull(argv[2], NULL, 0) : 10000000 };
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    g.pds = g.nodes / 1000 < 3 ? 3 : g.nodes / 1000;
    uint64_t fixed_nodes = 2 + 2 * N_FSPACE + 3 * g.pds;
    g.per = g.nodes > fixed_nodes + 20 * g.pds ? (g.nodes - fixed_nodes) / g.pds : 20;
    nodes(&g);
    fixed_edges(&g);
    /* Edges per PD besides the shared holds (see pd_edges). */
    uint64_t base = 0;
    for (uint64_t i = 0; i < g.per; i++) {
        rtype t = type_of(i);
        base += 2 + (t == R_MO) + (t == R_VMR) + 2 * (t == R_FILE);
    }
    uint64_t total_base = g.n_edges + g.pds * (base + 9);
    uint64_t budget = g.edges > total_base ? g.edges - total_base : 0;
    uint64_t per_res = budget / (g.pds * g.per);
    uint64_t rem = (budget % (g.pds * g.per)) / g.pds + 1;
    for (uint64_t p = 0; p < g.pds; p++)
        pd_edges(&g, p, &budget, per_res, rem);
    fflush(stdout);
    fprintf(stderr, "gen_big: %llu nodes, %llu edges\n",
            (unsigned long long)(fixed_nodes + g.pds * g.per), (unsigned long long)g.n_edges);
    return ferror(stdout) ? 1 : 0;
}
