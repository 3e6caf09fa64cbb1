/*
 * The self-contained HTML report (`osmosis report`): a summary of the state,
 * each chosen PD's TCB and impact boundary with a reason per member, the
 * RSI / FR matrix of the chosen PDs, and a Graphviz picture of each chosen
 * PD's neighbourhood.  Lives outside libosmosis because it links Graphviz.
 *
 * report.c         the page: summary, PD sections, options
 * report_matrix.c  the RSI / FR matrix
 * report_svg.c     the neighbourhood pictures (libgvc)
 * report_html.c    HTML escaping, the page's CSS and JavaScript
 */
#ifndef OSM_REPORT_H
#define OSM_REPORT_H

#include <stdio.h>
#include <osmosis/osmosis.h>

typedef struct osm_report_opts {
    const char *title;          /* shown as the state's name (the input file) */
    const osm_id *pds;          /* chosen PDs; NULL = all, up to max_pds */
    size_t n_pds;
    const char *types;          /* comma-separated resource types; NULL = all */
    uint8_t mode;               /* access mode (0 = ANY) */
    osm_property property;      /* A, I or C view */
    bool collapse;              /* resources of one type under one space -> one node */
    size_t max_pds;             /* cap on default PD sections (0 = 24) */
} osm_report_opts;

/* Write the whole page to `f`.  0, or -1 with a message in `err` (bad type
 * list, ENOMEM, Graphviz failure, write error). */
int osm_report_write(const osm_store *s, const osm_report_opts *o, FILE *f, char *err,
                     size_t errlen);

/* ---- shared between the report files ------------------------------------ */

/* Everything a section needs. */
typedef struct osm_report {
    const osm_store *s;
    osm_query *q;
    const osm_report_opts *o;
    osm_qopts qo;               /* types, mode, property, why */
    osm_typeset types;
    FILE *f;
    osm_id *pds;                /* the chosen PDs, sorted by ID */
    size_t n_pds;
    char *err;
    size_t errlen;
    void *gvc;                  /* Graphviz context (GVC_t), made on first use */
    unsigned n_pics;            /* pictures written, for unique SVG ids */
} osm_report;

/* HTML-escape `s` into f (& < > " '). */
void osm_report_esc(FILE *f, const char *s);
/* The <head> (CSS, JavaScript) and the page's end. */
void osm_report_page_head(FILE *f, const char *title);
void osm_report_page_tail(FILE *f);
/* A short human label for one component bit ("shares a resource", ...). */
const char *osm_report_comp_label(uint32_t comp);
/* A stable HTML id fragment for a node ID (non-alphanumerics -> '_' + hex). */
void osm_report_anchor(FILE *f, const char *id);

/* Classes of PDs whose TCB and impact boundary are the same once each PD
 * counts itself in (24 `sleep`s sharing everything are one class).  0 or
 * -1 (ENOMEM). */
int osm_report_classes(osm_report *r, const osm_all *all);

/* The RSI / FR matrix of r->pds.  0 or -1 (ENOMEM). */
int osm_report_matrix(osm_report *r);

/* The neighbourhood picture of PD x as inline SVG, from its TCB and IB
 * (members with chains).  0 or -1 (message in r->err). */
int osm_report_svg(osm_report *r, osm_id x, const osm_members *tcb, const osm_members *ib);
/* Release the Graphviz context. */
void osm_report_svg_free(osm_report *r);

#endif
