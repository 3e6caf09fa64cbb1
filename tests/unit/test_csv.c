/*
 * CellulOS CSV reader and writer (MODEL.md §2): raw console dumps, both
 * permission encodings, typed EXTRA fields, every kind of unusable line with
 * its exact line number, byte-stable writing, and the GPIKV001 acceptance
 * numbers of issue 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <osmosis/osmosis.h>

#include "format/csv_lines.h"

#define HDR "NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n"

/* A read of one text: the store, its diagnostics and stats. */
typedef struct rd {
    osm_store *s;
    osm_diags d;
    osm_csv_stats st;
    int rc;
} rd;

static rd *read_text_opts(const char *text, size_t len, bool strict)
{
    rd *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->s = osm_store_new();
    assert_non_null(r->s);
    osm_diags_init(&r->d, 0);
    osm_csv_opts o = { .strict = strict };
    r->rc = osm_csv_read_buffer(r->s, text, len, "t.csv", &o, &r->d, &r->st);
    return r;
}

static rd *read_text(const char *text)
{
    return read_text_opts(text, strlen(text), false);
}

static void rd_free(rd *r)
{
    osm_diags_free(&r->d);
    osm_store_free(r->s);
    free(r);
}

/* The diagnostic reported for `line` that contains `needle`, or fail. */
static const osm_diag *diag_at(const rd *r, uint64_t line, const char *needle)
{
    for (size_t i = 0; i < r->d.n; i++)
        if (r->d.v[i].line == line && strstr(r->d.v[i].msg, needle))
            return &r->d.v[i];
    for (size_t i = 0; i < r->d.n; i++)
        print_message("  diag line %llu: %s\n", (unsigned long long)r->d.v[i].line,
                      r->d.v[i].msg);
    fail_msg("no diagnostic at line %llu containing '%s'", (unsigned long long)line, needle);
    return NULL;
}

static osm_edge edge_between(const osm_store *s, osm_edge_kind k, const char *a, const char *b)
{
    osm_id from = osm_store_find(s, a), to = osm_store_find(s, b);
    assert_int_not_equal(from, OSM_NONE);
    assert_int_not_equal(to, OSM_NONE);
    osm_id e = osm_store_find_edge(s, k, from, to, OSM_NONE);
    assert_int_not_equal(e, OSM_NONE);
    osm_edge out;
    assert_true(osm_store_edge(s, e, &out));
    return out;
}

static char *write_text(const osm_store *s, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(osm_csv_write(s, f), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* ---- raw dumps ---------------------------------------------------------- */

static void test_console_noise(void **state)
{
    (void)state;
    rd *r = read_text("seL4 Starting...\n"                 /* 1 */
                      "[root] spawning test GPIKV001\n"    /* 2 */
                      HDR                                  /* 3 */
                      "PD,PD_0,ROOT_TASK,,,,\n"            /* 4 */
                      "root> pd_client_dump 1\n"           /* 5 */
                      "RESOURCE_SPACE,S,MO,,,,\n"          /* 6 */
                      "RESOURCE,M,MO,,,,0x1000_1_12\n"     /* 7 */
                      ",,NONE,SUBSET,M,S,\n"               /* 8 */
                      ",,RW,HOLD,PD_0,M,\n"                /* 9 */
                      "All is well in the universe\n");    /* 10 */
    assert_int_equal(r->rc, 0);
    assert_int_equal(osm_store_node_count(r->s), 3);
    assert_int_equal(osm_store_edge_count(r->s), 2);
    assert_int_equal(r->st.noise, 4);
    assert_int_equal(r->st.lines, 10);
    assert_int_equal(r->d.n, 4);
    diag_at(r, 1, "not a CSV row");
    diag_at(r, 2, "not a CSV row");
    diag_at(r, 5, "not a CSV row");
    diag_at(r, 10, "not a CSV row");
    for (size_t i = 0; i < r->d.n; i++)
        assert_int_equal(r->d.v[i].severity, OSM_WARNING);
    rd_free(r);
}

static void test_strict_makes_errors(void **state)
{
    (void)state;
    const char *t = "noise\nPD,A,ROOT_TASK,,,,\n";
    rd *r = read_text_opts(t, strlen(t), true);
    assert_int_equal(r->rc, 0);
    assert_int_equal(diag_at(r, 1, "not a CSV row")->severity, OSM_ERROR);
    assert_int_equal(r->d.errors, 1);
    rd_free(r);
}

static void test_crlf_and_lone_cr(void **state)
{
    (void)state;
    rd *r = read_text(HDR "PD,A,ROOT_TASK,,,,\r\n"             /* 2 */
                      "RESOURCE_SPACE,S,FILE,,,,\r"            /* 3 */
                      "RESOURCE,F,FILE,,,,/etc/x\r\n"          /* 4 */
                      ",,NONE,SUBSET,F,S,\r"                   /* 5 */
                      ",,R,HOLD,A,F,\r\n"                      /* 6 */
                      "bad line\r");                           /* 7 */
    assert_int_equal(r->rc, 0);
    assert_int_equal(osm_store_node_count(r->s), 3);
    assert_int_equal(osm_store_edge_count(r->s), 2);
    assert_string_equal(osm_node_extra(r->s, osm_store_find(r->s, "F")), "/etc/x");
    assert_int_equal(r->st.lines, 7);
    assert_int_equal(r->d.n, 1);
    diag_at(r, 7, "not a CSV row");
    assert_int_equal(edge_between(r->s, OSM_HOLD, "A", "F").perms, OSM_PERM_R);
    rd_free(r);
}

static void test_repeated_missing_header_blank(void **state)
{
    (void)state;
    rd *r = read_text("PD,A,ROOT_TASK,,,,\n"   /* no header first */
                      "\n"
                      "   \n"
                      HDR
                      "PD,B,app,,,,\n"
                      HDR
                      "\t\n"
                      ",,RWT,HOLD,A,B,\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->d.n, 0);
    assert_int_equal(r->st.headers, 2);
    assert_int_equal(r->st.blank, 3);
    assert_int_equal(osm_store_node_count_kind(r->s, OSM_PD), 2);
    assert_int_equal(edge_between(r->s, OSM_HOLD, "A", "B").perms,
                     OSM_PERM_R | OSM_PERM_W | OSM_PERM_T);
    rd_free(r);
}

static void test_forward_references(void **state)
{
    (void)state;
    rd *r = read_text(HDR ",,RW,HOLD,P,R1,\n"
                      ",,NONE,SUBSET,R1,S,\n"
                      "PD,P,ROOT_TASK,,,,\n"
                      "RESOURCE,R1,MO,,,,0x0_1_12\n"
                      "RESOURCE_SPACE,S,MO,,,,\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->d.n, 0);
    assert_int_equal(osm_store_edge_count(r->s), 2);
    /* Nodes keep declaration order, edges file order. */
    assert_string_equal(osm_node_id(r->s, 0), "P");
    assert_string_equal(osm_node_id(r->s, 2), "S");
    osm_edge e;
    assert_true(osm_store_edge(r->s, 0, &e));
    assert_int_equal(e.kind, OSM_HOLD);
    rd_free(r);
}

static void test_repeated_node(void **state)
{
    (void)state;
    rd *r = read_text(HDR "RESOURCE,R,MO,,,,\n"            /* 2 */
                      "RESOURCE,R,MO,,,,0x10_2_12\n"       /* 3: fills EXTRA */
                      "RESOURCE,R,BLOCK,,,,0x99_9_12\n"    /* 4: conflicting DATA */
                      "PD,R,app,,,,\n"                     /* 5: another kind */
                      "PD,P,ROOT_TASK,,,,\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(osm_store_node_count(r->s), 2);
    osm_id n = osm_store_find(r->s, "R");
    assert_string_equal(osm_node_data_name(r->s, n), "MO");
    assert_string_equal(osm_node_extra(r->s, n), "0x10_2_12");   /* first EXTRA kept */
    assert_int_equal(r->st.nodes_merged, 2);
    assert_int_equal(r->d.n, 2);
    diag_at(r, 4, "repeated with DATA 'BLOCK' (first said 'MO')");
    diag_at(r, 5, "another kind");
    assert_int_equal(r->st.bad_rows, 1);
    rd_free(r);
}

/* ---- permissions ------------------------------------------------------------ */

static void test_permission_encodings(void **state)
{
    (void)state;
    rd *r = read_text(HDR "PD,P,ROOT_TASK,,,,\n"
                      "RESOURCE,A,MO,,,,\nRESOURCE,B,MO,,,,\nRESOURCE,C,MO,,,,\n"
                      "RESOURCE,D,MO,,,,\nRESOURCE,E,MO,,,,\nRESOURCE,F,MO,,,,\n"
                      ",,RWX,HOLD,P,A,\n"
                      ",,NONE,HOLD,P,B,\n"
                      ",,,HOLD,P,C,\n"
                      ",,,HOLD,P,D,\"{'perms': 'R', 'pds': [1, 2]}\"\n"
                      ",,NONE,HOLD,P,E,{'perms': 'RW', 'pds': ['PD_1', 'PD_2']}\n"
                      ",,W,HOLD,P,F,\"{'perms': 'R'}\"\n"
                      ",,rw,MAP,A,B,\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->d.n, 0);
    assert_int_equal(edge_between(r->s, OSM_HOLD, "P", "A").perms,
                     OSM_PERM_R | OSM_PERM_W | OSM_PERM_X);
    assert_int_equal(edge_between(r->s, OSM_HOLD, "P", "B").perms, 0);
    assert_int_equal(edge_between(r->s, OSM_HOLD, "P", "C").perms, 0);
    assert_int_equal(edge_between(r->s, OSM_HOLD, "P", "D").perms, OSM_PERM_R);
    /* Unquoted last column: the dict keeps its commas. */
    assert_int_equal(edge_between(r->s, OSM_HOLD, "P", "E").perms, OSM_PERM_R | OSM_PERM_W);
    osm_id e = osm_store_find_edge(r->s, OSM_HOLD, osm_store_find(r->s, "P"),
                                   osm_store_find(r->s, "E"), OSM_NONE);
    assert_string_equal(osm_edge_extra(r->s, e), "{'perms': 'RW', 'pds': ['PD_1', 'PD_2']}");
    /* DATA wins over the dict. */
    assert_int_equal(edge_between(r->s, OSM_HOLD, "P", "F").perms, OSM_PERM_W);
    assert_int_equal(edge_between(r->s, OSM_MAP, "A", "B").perms, OSM_PERM_R | OSM_PERM_W);
    rd_free(r);
}

static void test_bad_permission_letters(void **state)
{
    (void)state;
    rd *r = read_text(HDR "PD,P,ROOT_TASK,,,,\nRESOURCE,A,MO,,,,\n"
                      ",,RQ,HOLD,P,A,\n");                 /* 4 */
    assert_int_equal(r->rc, 0);
    diag_at(r, 4, "bad permission letters 'RQ'");
    assert_int_equal(osm_store_edge_count(r->s), 0);
    rd_free(r);
}

/* ---- quoting ----------------------------------------------------------------- */

static void test_quoted_fields(void **state)
{
    (void)state;
    rd *r = read_text(HDR "PD,\"PD,1\",\"a \"\"kv\"\" store\",,,,\n"
                      "RESOURCE,F,FILE,,,,\"/tmp/a,b\"\n"
                      ",,R,HOLD,\"PD,1\",F,\"x, y\"\n"
                      "PD,\"open,,,,\n");                  /* 5 */
    assert_int_equal(r->rc, 0);
    osm_id p = osm_store_find(r->s, "PD,1");
    assert_int_not_equal(p, OSM_NONE);
    assert_string_equal(osm_node_data_name(r->s, p), "a \"kv\" store");
    assert_string_equal(osm_node_extra(r->s, osm_store_find(r->s, "F")), "/tmp/a,b");
    assert_int_equal(osm_store_edge_count(r->s), 1);
    diag_at(r, 5, "unbalanced quotes");
    rd_free(r);
}

/* ---- unusable lines, each with its number ------------------------------------- */

static void test_broken_rows(void **state)
{
    (void)state;
    rd *r = read_text(HDR                                   /* 1 */
                      "PD,P,ROOT_TASK,,,,\n"                /* 2 */
                      "RESOURCE,M,MO,,,,\n"                 /* 3 */
                      "THING,X,Y,,,,\n"                     /* 4 unknown node kind */
                      ",,R,GRAB,P,M,\n"                     /* 5 unknown edge kind */
                      ",,R,HOLD,P,GHOST,\n"                 /* 6 undeclared node */
                      "RESOURCE,M2,MO\n"                    /* 7 truncated */
                      ",,R,HOLD\n"                          /* 8 truncated edge */
                      ",,,REQUEST,P,P,\n"                   /* 9 REQUEST without type */
                      ",,NONE,REQUEST,P,P,\n"               /* 10 ditto */
                      "PD,Q\x01,app,,,,\n"                  /* 11 control byte */
                      ",,R,HOLD,P,M,\x1b[0m\n"              /* 12 control byte in EXTRA */
                      "RESOURCE,,MO,,,,\n"                  /* 13 no ID */
                      "RESOURCE,Z,,,,,\n"                   /* 14 no type */
                      ",,R,HOLD,,M,\n"                      /* 15 no EDGE_FROM */
                      "PD,W,app,HOLD,P,M,\n"                /* 16 node row with edge cols */
                      ",,R,HOLD,P,M,\n");                   /* 17 fine */
    assert_int_equal(r->rc, 0);
    diag_at(r, 4, "unknown node kind 'THING'");
    diag_at(r, 5, "unknown edge kind 'GRAB'");
    diag_at(r, 6, "'GHOST', which is never declared");
    diag_at(r, 7, "truncated row: 3 of 7 columns");
    diag_at(r, 8, "truncated row: 4 of 7 columns");
    diag_at(r, 9, "REQUEST edge without a resource type");
    diag_at(r, 10, "REQUEST edge without a resource type");
    diag_at(r, 11, "control or NUL bytes");
    diag_at(r, 12, "control or NUL bytes");
    diag_at(r, 13, "without a NODE_ID");
    diag_at(r, 14, "without a type");
    diag_at(r, 15, "without EDGE_FROM");
    diag_at(r, 16, "edge columns filled");
    assert_int_equal(r->d.n, 13);
    /* Reported in line order. */
    for (size_t i = 1; i < r->d.n; i++)
        assert_true(r->d.v[i - 1].line <= r->d.v[i].line);
    assert_int_equal(osm_store_node_count(r->s), 2);
    assert_int_equal(osm_store_edge_count(r->s), 1);
    assert_int_equal(r->st.bad_rows, 13);
    rd_free(r);
}

static void test_nul_byte(void **state)
{
    (void)state;
    static const char t[] = "PD,P,ROOT_TASK,,,,\nPD,Q\0Q,app,,,,\n";
    rd *r = read_text_opts(t, sizeof t - 1, false);
    assert_int_equal(r->rc, 0);
    diag_at(r, 2, "control or NUL bytes");
    assert_int_equal(osm_store_node_count(r->s), 1);
    rd_free(r);
}

static void test_nothing_usable(void **state)
{
    (void)state;
    rd *r = read_text("");
    assert_int_equal(r->rc, -1);
    diag_at(r, 0, "empty input");
    rd_free(r);
    r = read_text("hello\nworld\n" HDR);
    assert_int_equal(r->rc, -1);
    diag_at(r, 0, "no usable row");
    diag_at(r, 2, "not a CSV row");
    assert_int_equal(osm_store_node_count(r->s), 0);
    rd_free(r);
}

static void test_request_and_createdby(void **state)
{
    (void)state;
    rd *r = read_text(HDR "PD,A,ROOT_TASK,,,,\nPD,B,app,,,,\nRESOURCE_SPACE,S,MO,,,,\n"
                      ",,MO,REQUEST,B,A,S\n"
                      ",,,CREATEDBY,S,A,\n");
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->d.n, 0);
    osm_edge e = edge_between(r->s, OSM_REQUEST, "B", "A");
    assert_string_equal(osm_store_type_name(r->s, e.type), "MO");
    assert_int_equal(r->st.edge_rows[OSM_CREATEDBY], 1);
    rd_free(r);
}

/* ---- typed EXTRA --------------------------------------------------------------- */

static void test_vmr_mo_info(void **state)
{
    (void)state;
    osm_vmr_info v;
    assert_int_equal(osm_vmr_info_parse("0x10000000_SHARED_FRAMES_1_12", &v), 0);
    assert_true(v.vaddr == 0x10000000u);
    assert_string_equal(v.kind, "SHARED_FRAMES");
    assert_true(v.pages == 1 && v.size_bits == 12);
    assert_int_equal(osm_vmr_info_parse("400000_ELF_CODE_557_12", &v), 0);   /* no 0x: hex */
    assert_true(v.vaddr == 0x400000u && v.pages == 557);
    assert_string_equal(v.kind, "ELF_CODE");
    assert_int_equal(osm_vmr_info_parse("0x2f400000_STACK_17_12", &v), 0);
    assert_string_equal(v.kind, "STACK");
    assert_int_equal(osm_vmr_info_parse("0x1_IPC_BUF_1_21", &v), 0);
    assert_true(v.size_bits == 21);
    assert_int_equal(osm_vmr_info_parse("0x1_STACK_17", &v), -1);        /* a field short */
    assert_int_equal(osm_vmr_info_parse("0x1__17_12", &v), -1);          /* empty kind */
    assert_int_equal(osm_vmr_info_parse("zz_STACK_1_12", &v), -1);
    assert_int_equal(osm_vmr_info_parse("", &v), -1);
    assert_int_equal(osm_vmr_info_parse(NULL, &v), -1);

    osm_mo_info m;
    assert_int_equal(osm_mo_info_parse("0x7fd39000_557_12", &m), 0);
    assert_true(m.paddr == 0x7fd39000u && m.pages == 557 && m.size_bits == 12);
    assert_int_equal(osm_mo_info_parse("7fd39000_2_12", &m), 0);
    assert_true(m.paddr == 0x7fd39000u && m.pages == 2);
    assert_int_equal(osm_mo_info_parse("0x0_0_12", &m), 0);
    assert_int_equal(osm_mo_info_parse("0x0_12", &m), -1);
    assert_int_equal(osm_mo_info_parse("0x0_1_99", &m), -1);             /* > 64 bits */
    assert_int_equal(osm_mo_info_parse("0x0_1_12_", &m), -1);
}

/* ---- writer ------------------------------------------------------------------- */

static void test_writer_byte_stable(void **state)
{
    (void)state;
    rd *r = read_text("log line\r\n" HDR ",,RW,HOLD,P,\"x,1\",{'perms': 'R', 'pds': []}\n"
                      "PD,P,ROOT_TASK,,,,\r\n"
                      "RESOURCE,\"x,1\",MO,,,,\" padded \"\n"
                      "RESOURCE_SPACE,\" s\",MO,,,,\n"
                      ",,,SUBSET,\"x,1\",\" s\",\n"
                      ",,\"a,b\",REQUEST,P,P,\"q\"\"uote\"\n");
    assert_int_equal(r->rc, 0);
    size_t l1, l2;
    char *w1 = write_text(r->s, &l1);
    rd *r2 = read_text_opts(w1, l1, false);
    assert_int_equal(r2->rc, 0);
    assert_int_equal(r2->d.n, 0);
    char *w2 = write_text(r2->s, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(w1, w2, l1);
    assert_string_equal(osm_node_extra(r2->s, osm_store_find(r2->s, "x,1")), " padded ");
    assert_int_not_equal(osm_store_find(r2->s, " s"), OSM_NONE);
    assert_non_null(strstr(w1, "\n,,RW,HOLD,P,\"x,1\",\"{'perms': 'R', 'pds': []}\"\n"));
    free(w1);
    free(w2);
    rd_free(r);
    rd_free(r2);
}

/* ---- the real dump --------------------------------------------------------------- */

static const char *gpikv_path(void)
{
    static char path[4096];
    const char *shared = getenv("SHARED");
    snprintf(path, sizeof path, "%s/corpus/cellulos/GPIKV001.output",
             shared ? shared : "../shared");
    return path;
}

static void test_gpikv_acceptance(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 0);
    osm_csv_stats st;
    assert_int_equal(osm_csv_read_file(s, gpikv_path(), NULL, &d, &st), 0);
    assert_int_equal(d.n, 0);
    assert_int_equal(osm_store_node_count_kind(s, OSM_PD), 5);
    assert_int_equal(osm_store_node_count_kind(s, OSM_SPACE), 9);
    assert_int_equal(osm_store_node_count_kind(s, OSM_RESOURCE), 1094);
    assert_int_equal(osm_store_edge_count(s), 2814);
    assert_int_equal(osm_store_edge_count_kind(s, OSM_HOLD), 1642);
    assert_int_equal(osm_store_edge_count_kind(s, OSM_SUBSET), 1094);
    assert_int_equal(osm_store_edge_count_kind(s, OSM_MAP), 58);
    assert_int_equal(osm_store_edge_count_kind(s, OSM_REQUEST), 20);
    assert_int_equal(st.edge_rows[OSM_HOLD], 1642);
    assert_int_equal(st.nodes_new[OSM_RESOURCE], 1094);

    osm_id root = osm_store_root(s);
    assert_string_equal(osm_node_id(s, root), "PD_0");
    assert_int_equal(osm_cellulos_add_control(s), 4);
    assert_int_equal(osm_store_edge_count(s), 2818);
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE;
         n = osm_store_next_node(s, n)) {
        if (osm_node_kind(s, n) != OSM_PD || n == root)
            continue;
        osm_id e = osm_store_find_edge(s, OSM_HOLD, root, n, OSM_NONE);
        assert_int_not_equal(e, OSM_NONE);
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        assert_int_equal(ed.perms, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T);
    }
    /* A second call adds nothing: control is now recorded. */
    assert_int_equal(osm_cellulos_add_control(s), 0);

    /* Import -> write -> import -> write is byte-identical. */
    size_t l1, l2;
    char *w1 = write_text(s, &l1);
    rd *r2 = read_text_opts(w1, l1, false);
    assert_int_equal(r2->rc, 0);
    assert_int_equal(osm_store_edge_count(r2->s), 2818);
    char *w2 = write_text(r2->s, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(w1, w2, l1);
    free(w1);
    free(w2);
    rd_free(r2);

    /* Typed EXTRA on real rows. */
    osm_vmr_info v;
    assert_int_equal(osm_vmr_info_parse(osm_node_extra(s, osm_store_find(s, "VMR_8_3")), &v), 0);
    assert_string_equal(v.kind, "SHARED_FRAMES");
    osm_diags_free(&d);
    osm_store_free(s);
}

/* ---- files are streamed: the same result as from memory ------------------------ */

/* Read `text` once from memory and once from a file; require the same
 * state (as written), the same messages and the same stats. */
static void same_from_file(const char *text, size_t len)
{
    char path[] = "/tmp/test_csv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);

    rd *m = read_text_opts(text, len, false);
    rd *fr = calloc(1, sizeof *fr);
    assert_non_null(fr);
    fr->s = osm_store_new();
    osm_diags_init(&fr->d, 0);
    fr->rc = osm_csv_read_file(fr->s, path, NULL, &fr->d, &fr->st);
    unlink(path);
    assert_int_equal(fr->rc, m->rc);
    assert_int_equal(fr->d.n, m->d.n);
    for (size_t i = 0; i < m->d.n; i++) {
        assert_int_equal(fr->d.v[i].line, m->d.v[i].line);
        assert_string_equal(fr->d.v[i].msg, m->d.v[i].msg);
    }
    assert_memory_equal(&fr->st, &m->st, sizeof m->st);
    size_t l1, l2;
    char *w1 = write_text(m->s, &l1), *w2 = write_text(fr->s, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(w1, w2, l1);
    free(w1);
    free(w2);
    rd_free(m);
    rd_free(fr);
}

/* Append printf output to a growing buffer. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

static void test_file_equals_buffer(void **state)
{
    (void)state;
    /* Several windows of rows, mixed line ends, edges before their nodes, a
     * 3 MB line (longer than the window) and noise in between. */
    static const char *const ends[] = { "\n", "\r\n", "\r" };
    sbuf b = { 0 };
    sb_printf(&b, "console noise\n" HDR);
    for (int i = 0; i < 40000; i++)
        sb_printf(&b, ",,RW,HOLD,P%d,R%d,%s", i % 50, i, ends[i % 3]);
    sb_printf(&b, "PD,BIG,app,,,,");
    for (int i = 0; i < 300000; i++)
        sb_printf(&b, "0123456789");
    sb_printf(&b, "\r\n");
    for (int i = 0; i < 50; i++)
        sb_printf(&b, "PD,P%d,%s,,,,%s", i, i ? "app" : "ROOT_TASK", ends[i % 3]);
    for (int i = 0; i < 40000; i++)
        sb_printf(&b, "RESOURCE,R%d,MO,,,,0x%x_1_12%s", i, i * 4096, ends[(i / 7) % 3]);
    sb_printf(&b, ",,R,HOLD,P1,NOWHERE,\nlast line without end");
    same_from_file(b.p, b.n);

    rd *r = read_text_opts(b.p, b.n, false);
    assert_int_equal(osm_store_edge_count(r->s), 40000);
    assert_int_equal(osm_store_node_count(r->s), 40051);
    assert_int_equal(strlen(osm_node_extra(r->s, osm_store_find(r->s, "BIG"))), 3000000);
    assert_int_equal(r->d.n, 3);
    rd_free(r);
    free(b.p);

    /* Small cases: lone CRs only, CRLF, no final newline, empty. */
    const char *small[] = { "PD,A,ROOT_TASK,,,,\rPD,B,x,,,,\r,,T,HOLD,A,B,\r",
                            "PD,A,ROOT_TASK,,,,\r\n\r\n,,R,HOLD,A,A,",
                            "noise\r\r\n\n", "", "\r", "\n",
                            "x\r\n,,R,HOLD,A,A,\r\nPD,A,ROOT_TASK,,,,\r\n\r\n\rPD,B,\"q\"\"\",,,,\n" };
    /* Tiny windows: every line crosses a window edge, CRLF pairs split. */
    size_t saved = osm_lines_window;
    for (size_t w = 1; w <= 9; w++) {
        osm_lines_window = w;
        for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
            same_from_file(small[i], strlen(small[i]));
    }
    osm_lines_window = saved;
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
        same_from_file(small[i], strlen(small[i]));
}

static void test_missing_file_and_directory(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 0);
    assert_int_equal(osm_csv_read_file(s, "/nonexistent/x.csv", NULL, &d, NULL), -1);
    assert_non_null(strstr(d.v[0].msg, "cannot open"));
    assert_int_equal(osm_csv_read_file(s, "/", NULL, &d, NULL), -1);
    assert_non_null(strstr(d.v[1].msg, "is a directory"));
    osm_diags_free(&d);
    osm_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_noise),
        cmocka_unit_test(test_strict_makes_errors),
        cmocka_unit_test(test_crlf_and_lone_cr),
        cmocka_unit_test(test_repeated_missing_header_blank),
        cmocka_unit_test(test_forward_references),
        cmocka_unit_test(test_repeated_node),
        cmocka_unit_test(test_permission_encodings),
        cmocka_unit_test(test_bad_permission_letters),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_broken_rows),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_nothing_usable),
        cmocka_unit_test(test_request_and_createdby),
        cmocka_unit_test(test_vmr_mo_info),
        cmocka_unit_test(test_writer_byte_stable),
        cmocka_unit_test(test_gpikv_acceptance),
        cmocka_unit_test(test_file_equals_buffer),
        cmocka_unit_test(test_missing_file_and_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
