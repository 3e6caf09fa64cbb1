/*
 * libosmosis — exporting a model state for other tools: networkx node-link
 * JSON, GraphML, Graphviz DOT and the CSV files of `neo4j-admin database
 * import` (plus a LOAD CSV script).  The CellulOS CSV itself is written by
 * osm_csv_write (format.h).
 *
 * Every exporter writes nodes sorted by ID and edges sorted by (source ID,
 * target ID, kind, request type), so the same state always gives the same
 * bytes whatever order it was read in.  Attribute names follow the original
 * CellulOS scripts: a node has `type` (PD / RESOURCE / RESOURCE_SPACE),
 * `data` (PD name or resource type) and `extra`; an edge has `type` (HOLD,
 * MAP, SUBSET, REQUEST, CREATEDBY), `data` (the CSV DATA column: permission
 * letters or the request type), `perms` and `extra`.  See docs/export.md.
 *
 * Include <osmosis/osmosis.h>, not this file.
 */
#ifndef OSMOSIS_EXPORT_H
#define OSMOSIS_EXPORT_H

#include <stdio.h>
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum osm_export_format {
    OSM_EXPORT_CSV = 0,     /* CellulOS CSV (osm_csv_write) */
    OSM_EXPORT_JSON,        /* networkx node-link JSON */
    OSM_EXPORT_GRAPHML,     /* GraphML */
    OSM_EXPORT_DOT,         /* Graphviz */
    OSM_EXPORT_NEO4J,       /* a folder: nodes.csv, relationships.csv, load.cypher */
    OSM_EXPORT_FORMAT_COUNT
} osm_export_format;

/* "csv", "json", ... ; NULL for an out-of-range value. */
const char *osm_export_format_name(osm_export_format f);
/* Parse a format name (exact, lower case); -1 when unknown. */
int osm_export_format_parse(const char *name);

/* Each writer returns 0, or -1 on ENOMEM or a write error on `f`. */

/* networkx node-link JSON for a directed multigraph: nx.node_link_graph()
 * (networkx 2.x/3.x, default attribute names) reads it back. */
int osm_export_json(const osm_store *s, FILE *f);
/* GraphML with typed keys; nx.read_graphml() reads it back. */
int osm_export_graphml(const osm_store *s, FILE *f);
/* A Graphviz digraph: PDs as boxes, resources as ellipses, spaces as
 * folders; edges labelled with their kind and permissions. */
int osm_export_dot(const osm_store *s, FILE *f);

/* The three files of the neo4j export.  nodes.csv has the header
 * `ID:ID,:LABEL,NODE_TYPE,DATA,EXTRA,pages:long`; relationships.csv
 * `:START_ID,:END_ID,:TYPE,DATA,perms:string[],EXTRA`.  Properties as the
 * original CellulOS import script set them (EXTRA "0" when empty); perms are
 * the effective permission letters (R;W;X;T for an unrestricted edge). */
int osm_export_neo4j_nodes(const osm_store *s, FILE *f);
int osm_export_neo4j_relationships(const osm_store *s, FILE *f);
/* load.cypher: builds the same graph from the two CSV files with LOAD CSV
 * (file:///nodes.csv, file:///relationships.csv in Neo4j's import folder). */
int osm_export_neo4j_cypher(FILE *f);

#ifdef __cplusplus
}
#endif
#endif
