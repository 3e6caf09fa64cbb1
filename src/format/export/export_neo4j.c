/*
 * Neo4j: the CSV files of `neo4j-admin database import full` and a Cypher
 * script that builds the same graph with LOAD CSV.
 *
 * The graph matches what the original CellulOS import script created, so
 * queries written for it keep working: labels PD / RESOURCE /
 * RESOURCE_SPACE; node properties ID, NODE_TYPE, DATA, EXTRA (EXTRA "0"
 * when the dump has none, as that script did); relationship types HOLD, MAP,
 * SUBSET, REQUEST, CREATEDBY with property DATA (the CSV DATA column).  Two
 * properties are new: `perms` (a string array of the permission letters that
 * bound a walk: all of R, W, X, T for an unrestricted HOLD/MAP edge) and
 * `pages` on VMR / MO nodes.
 *
 * Header syntax (Neo4j Operations Manual, "Import header format"): each
 * field is <name>:<field_type>; ID, LABEL, START_ID, END_ID, TYPE are
 * special; a property type may be int, long, float, double, boolean, byte,
 * short, char, string, ... with [] for an array (default delimiter ';').
 */
#include <inttypes.h>
#include <stdlib.h>

#include "export_internal.h"
#include "../text.h"

/* A CSV field in UTF-8 (Neo4j reads nothing else): bytes that are not UTF-8
 * as the text \xNN (text.h). */
static void put_field(FILE *f, const char *s)
{
    char *t = osm_text_dup(s);
    osm_csv_write_field(f, t ? t : s);      /* out of memory: as it is */
    free(t);
}

int osm_export_neo4j_nodes(const osm_store *s, FILE *f)
{
    osm_export_order o;
    if (osm_export_order_build(s, &o) < 0)
        return -1;
    fputs("ID:ID,:LABEL,NODE_TYPE,DATA,EXTRA,pages:long\n", f);
    for (size_t i = 0; i < o.n_nodes; i++) {
        osm_id n = o.nodes[i];
        const char *kind = osm_kind_name(osm_node_kind(s, n));
        const char *extra = osm_node_extra(s, n);
        uint64_t pages;
        put_field(f, osm_node_id(s, n));
        fprintf(f, ",%s,%s,", kind, kind);
        put_field(f, osm_node_data_name(s, n));
        fputc(',', f);
        put_field(f, *extra ? extra : "0");
        fputc(',', f);
        if (osm_export_node_pages(s, n, &pages))
            fprintf(f, "%" PRIu64, pages);
        fputc('\n', f);
    }
    osm_export_order_free(&o);
    return ferror(f) ? -1 : 0;
}

/* The letters of `perms` as a Neo4j array field: "R;W;T". */
static void put_perm_array(FILE *f, uint8_t perms)
{
    static const char letters[] = "RWXT";
    if (!(perms & OSM_PERM_RWXT))
        perms |= OSM_PERM_RWXT;     /* unrestricted: every mode passes */
    const char *sep = "";
    for (int b = 0; b < 4; b++)
        if (perms & (1u << b)) {
            fprintf(f, "%s%c", sep, letters[b]);
            sep = ";";
        }
}

int osm_export_neo4j_relationships(const osm_store *s, FILE *f)
{
    osm_export_order o;
    if (osm_export_order_build(s, &o) < 0)
        return -1;
    fputs(":START_ID,:END_ID,:TYPE,DATA,perms:string[],EXTRA\n", f);
    osm_edge e;
    char b[8];
    for (size_t i = 0; i < o.n_edges; i++) {
        osm_store_edge(s, o.edges[i], &e);
        put_field(f, osm_node_id(s, e.from));
        fputc(',', f);
        put_field(f, osm_node_id(s, e.to));
        fprintf(f, ",%s,", osm_edge_kind_name((osm_edge_kind)e.kind));
        put_field(f, osm_export_edge_data(s, &e, b));
        fputc(',', f);
        if (e.kind == OSM_HOLD || e.kind == OSM_MAP)
            put_perm_array(f, e.perms);
        fputc(',', f);
        put_field(f, osm_edge_extra(s, o.edges[i]));
        fputc('\n', f);
    }
    osm_export_order_free(&o);
    return ferror(f) ? -1 : 0;
}

/* LOAD CSV cannot take a label or relationship type from a column without
 * APOC, so the script has one statement per label and per type; the
 * header names become the row keys (row.`ID:ID`, row.`:START_ID`). */
static const char cypher_head[] =
    "// Build the OSmosis model state in Neo4j from nodes.csv and relationships.csv\n"
    "// (copy both into the database's import folder), e.g.\n"
    "//   cypher-shell -u neo4j -p PASSWORD -f load.cypher\n"
    "// For large states prefer the offline bulk importer:\n"
    "//   neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv neo4j\n"
    "// Both give the graph the original CellulOS import script built.\n"
    "\n"
    "CREATE CONSTRAINT osmosis_pd_id IF NOT EXISTS FOR (n:PD) REQUIRE n.ID IS UNIQUE;\n"
    "CREATE CONSTRAINT osmosis_resource_id IF NOT EXISTS FOR (n:RESOURCE) REQUIRE n.ID IS UNIQUE;\n"
    "CREATE CONSTRAINT osmosis_space_id IF NOT EXISTS FOR (n:RESOURCE_SPACE) REQUIRE n.ID IS UNIQUE;\n";

static void cypher_nodes(FILE *f, const char *label)
{
    fprintf(f,
            "\nLOAD CSV WITH HEADERS FROM 'file:///nodes.csv' AS row\n"
            "WITH row WHERE row.`:LABEL` = '%s'\n"
            "CREATE (:%s {ID: row.`ID:ID`, NODE_TYPE: row.NODE_TYPE, DATA: row.DATA,\n"
            "        EXTRA: coalesce(row.EXTRA, '0'), pages: toInteger(row.`pages:long`)});\n",
            label, label);
}

static void cypher_rels(FILE *f, const char *type)
{
    fprintf(f,
            "\nLOAD CSV WITH HEADERS FROM 'file:///relationships.csv' AS row\n"
            "WITH row WHERE row.`:TYPE` = '%s'\n"
            "MATCH (a:PD|RESOURCE|RESOURCE_SPACE {ID: row.`:START_ID`})\n"
            "MATCH (b:PD|RESOURCE|RESOURCE_SPACE {ID: row.`:END_ID`})\n"
            "CREATE (a)-[:%s {DATA: row.DATA, perms: split(row.`perms:string[]`, ';'),\n"
            "        EXTRA: row.EXTRA}]->(b);\n",
            type, type);
}

int osm_export_neo4j_cypher(FILE *f)
{
    fputs(cypher_head, f);
    for (int k = 0; k < OSM_KIND_COUNT; k++)
        cypher_nodes(f, osm_kind_name((osm_kind)k));
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++)
        cypher_rels(f, osm_edge_kind_name((osm_edge_kind)k));
    return ferror(f) ? -1 : 0;
}
