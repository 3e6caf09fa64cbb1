/* Bounded diagnostic lists shared by the reader, checker and transitions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmosis/osmosis.h>

void osm_diags_init(osm_diags *d, size_t limit)
{
    memset(d, 0, sizeof *d);
    d->limit = limit ? limit : 1000;
}

void osm_diags_free(osm_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].msg);
    free(d->v);
    memset(d, 0, sizeof *d);
}

void osm_diags_add(osm_diags *d, osm_severity sev, int rule, uint64_t line, const char *fmt, ...)
{
    if (sev == OSM_ERROR)
        d->errors++;
    else
        d->warnings++;
    if (d->n >= d->limit) {
        d->dropped++;
        return;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        osm_diag *v = realloc(d->v, cap * sizeof *v);
        if (!v) {
            d->dropped++;
            return;
        }
        d->v = v;
        d->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (!msg) {
        d->dropped++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    d->v[d->n++] = (osm_diag){ sev, rule, line, msg };
}
