/*
 * The root task's model state: the only code that changes the store, and it
 * does so only through the MODEL.md §1 transitions (osm_tr_*), acting as the
 * root task.  A refused transition is logged with its reason and turned into
 * -EPERM for the caller; in debug mode a broken invariant also marks the run
 * as broken so a scenario cannot pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root.h"

/* Turn a transition's result into 0 / -EPERM, logging refusals. */
static int tr_done(cel_root *r, int rc, const osm_error *e, const char *what, const char *id)
{
    if (rc == 0 && e->code == OSM_OK)
        return 0;
    fprintf(r->log, "cellulos: model: %s %s refused: %s\n", what, id, e->msg);
    if (e->code == OSM_EINVARIANT || e->code == OSM_ENOMEM)
        r->broken = true;
    return e->code == OSM_ENOMEM ? -ENOMEM : -EPERM;
}

#define TR(what, id, call)                                   \
    do {                                                     \
        osm_error e_ = { 0 };                                \
        int rc_ = (call);                                    \
        return tr_done(r, rc_, &e_, what, id);               \
    } while (0)

cel_space *cel_space_new(cel_root *r, const char *type)
{
    if (r->n_spaces >= 0xffff)
        return NULL;
    cel_space *sp = &r->spaces[++r->n_spaces];
    char id[64];
    snprintf(id, sizeof id, "%s_SPACE_%x", type, (unsigned)r->n_spaces);
    osm_error e = { 0 };
    osm_id node = OSM_NONE;
    int rc = osm_tr_create_space(r->s, r->pd0, id, type, NULL, &node, &e);
    if (tr_done(r, rc, &e, "create_space", id)) {
        r->n_spaces--;
        return NULL;
    }
    *sp = (cel_space){ .num = (uint16_t)r->n_spaces, .node = node };
    return sp;
}

int cel_space_free(cel_root *r, cel_space *sp)
{
    osm_error e = { 0 };
    const char *id = osm_node_id(r->s, sp->node);
    int rc = osm_tr_destroy_space(r->s, r->pd0, sp->node, &e);
    rc = tr_done(r, rc, &e, "destroy_space", id);
    if (!rc)
        sp->node = OSM_NONE;
    return rc;
}

osm_id cel_model_resource(cel_root *r, cel_space *sp, const char *type, const char *extra)
{
    char id[64];
    snprintf(id, sizeof id, "%s_%x_%x", type, (unsigned)sp->num, (unsigned)++sp->next);
    osm_error e = { 0 };
    osm_id node = OSM_NONE;
    int rc = osm_tr_create_resource(r->s, r->pd0, id, sp->node, extra, &node, &e);
    return tr_done(r, rc, &e, "create_resource", id) ? OSM_NONE : node;
}

int cel_model_grant(cel_root *r, osm_id pd, osm_id res, unsigned perms)
{
    TR("grant", osm_node_id(r->s, res), osm_tr_grant(r->s, r->pd0, pd, res, (uint8_t)perms, &e_));
}

int cel_model_revoke(cel_root *r, osm_id pd, osm_id res)
{
    TR("revoke", osm_node_id(r->s, res), osm_tr_revoke(r->s, r->pd0, pd, res, &e_));
}

int cel_model_delete(cel_root *r, osm_id res)
{
    TR("delete_resource", osm_node_id(r->s, res), osm_tr_delete_resource(r->s, r->pd0, res, &e_));
}

int cel_model_map(cel_root *r, osm_id from, osm_id to, unsigned perms)
{
    TR("map", osm_node_id(r->s, from), osm_tr_map(r->s, from, to, (uint8_t)perms, &e_));
}

int cel_model_unmap(cel_root *r, osm_id from, osm_id to)
{
    TR("unmap", osm_node_id(r->s, from), osm_tr_unmap(r->s, from, to, &e_));
}

int cel_model_map_space(cel_root *r, osm_id from, osm_id to)
{
    TR("map_space", osm_node_id(r->s, from), osm_tr_map_space(r->s, from, to, &e_));
}

int cel_model_unmap_space(cel_root *r, osm_id from, osm_id to)
{
    TR("unmap_space", osm_node_id(r->s, from), osm_tr_unmap_space(r->s, from, to, &e_));
}

/* A PD may ask the root task for every type the root serves. */
static const char *const pd_requests[] = { "ADS", "MO", "VCPU", "EP" };

osm_id cel_model_pd(cel_root *r, const char *id, const char *name)
{
    osm_error e = { 0 };
    osm_id node = OSM_NONE;
    int rc = osm_tr_create_pd(r->s, r->pd0, id, name, pd_requests,
                              sizeof pd_requests / sizeof *pd_requests, &node, &e);
    return tr_done(r, rc, &e, "create_pd", id) ? OSM_NONE : node;
}

int cel_model_destroy_pd(cel_root *r, osm_id pd)
{
    TR("destroy_pd", osm_node_id(r->s, pd), osm_tr_destroy_pd(r->s, r->pd0, pd, &e_));
}

/* Boot state: the root task with its address space, physical memory, CPUs
 * and the endpoint pool (create_pd with no actor bootstraps the root). */
int cel_model_boot(cel_root *r)
{
    osm_error e = { 0 };
    int rc = osm_tr_create_pd(r->s, OSM_NONE, "PD_0", "ROOT_TASK", NULL, 0, &r->pd0, &e);
    if (tr_done(r, rc, &e, "create_pd", "PD_0"))
        return -ENOMEM;
    r->mo_space = cel_space_new(r, "MO");
    r->ads0 = cel_space_new(r, "ADS");
    if (!r->mo_space || !r->ads0 || cel_model_map_space(r, r->ads0->node, r->mo_space->node))
        return -EPERM;
    if (cel_cpu_boot(r))
        return -EPERM;
    r->ep_space = cel_space_new(r, "EP");
    return r->ep_space ? 0 : -EPERM;
}

int cel_model_dump_file(cel_root *r, const char *path)
{
    cel_mo_frames_resolve(r);
    if (strcmp(path, "-") == 0)
        return osm_csv_write(r->s, stdout) || fflush(stdout) ? -EIO : 0;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -ENOMEM;
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = f ? 0 : -errno;
    if (f) {
        rc = osm_csv_write(r->s, f) ? -EIO : 0;
        if (fclose(f))
            rc = -EIO;
        if (!rc && rename(tmp, path))
            rc = -errno;
    } else if (fd >= 0) {
        close(fd);
    }
    if (rc && fd >= 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int cel_model_dump_memfd(cel_root *r, size_t *bytes)
{
    cel_mo_frames_resolve(r);
    int fd = memfd_create("cellulos-dump", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int w = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    FILE *f = w >= 0 ? fdopen(w, "w") : NULL;
    if (f)      /* big writes: the memfd is the only consumer */
        setvbuf(f, NULL, _IOFBF, 1 << 20);
    int rc = f ? (osm_csv_write(r->s, f) ? -EIO : 0) : -errno;
    if (f && fclose(f))
        rc = -EIO;
    else if (!f && w >= 0)
        close(w);
    struct stat st;
    if (!rc && fstat(fd, &st))
        rc = -errno;
    if (rc) {
        close(fd);
        return rc;
    }
    *bytes = (size_t)st.st_size;
    return fd;
}
