/*
 * /proc/PID/status: "Key:\tvalue" lines.  We read the name, ids,
 * credentials, capability sets, seccomp mode and the NSpid depth (how many
 * PID namespaces see the task).
 */
#include <string.h>

#include "procparse.h"
#include "procparse_util.h"

static void read_ids(const char *v, const char *end, unsigned out[4], bool *ok)
{
    for (int i = 0; i < 4; i++) {
        uint64_t x;
        lx_skip_spaces(&v, end);
        if (!lx_scan_base(&v, end, 10, &x) || x > UINT32_MAX)
            return;
        out[i] = (unsigned)x;
    }
    *ok = true;
}

static void read_int(const char *v, const char *end, int *out)
{
    uint64_t x;
    if (lx_scan_base(&v, end, 10, &x) && x <= INT32_MAX)
        *out = (int)x;
}

static void read_cap(const char *v, const char *end, uint64_t *out, int *seen)
{
    uint64_t x;
    if (lx_scan_hex(&v, end, &x)) {
        *out = x;
        (*seen)++;
    }
}

static int count_words(const char *v, const char *end)
{
    int n = 0;
    size_t wl;
    while (v < end) {
        lx_word(&v, end, &wl);
        if (wl)
            n++;
    }
    return n;
}

int osm_lx_parse_status(const char *buf, size_t len, osm_lx_status *st)
{
    memset(st, 0, sizeof *st);
    st->tgid = st->pid = st->ppid = -1;
    st->seccomp = st->no_new_privs = st->kthread = -1;
    size_t pos = 0, ll;
    const char *line, *v, *end;
    bool have_name = false;
    int caps = 0;
    while (osm_lx_next_line(buf, len, &pos, &line, &ll)) {
        if (lx_key(line, ll, "Name:", &v, &end)) {
            lx_copy_field(st->name, sizeof st->name, v, (size_t)(end - v));
            have_name = true;
        } else if (lx_key(line, ll, "Tgid:", &v, &end))
            read_int(v, end, &st->tgid);
        else if (lx_key(line, ll, "Pid:", &v, &end))
            read_int(v, end, &st->pid);
        else if (lx_key(line, ll, "PPid:", &v, &end))
            read_int(v, end, &st->ppid);
        else if (lx_key(line, ll, "Uid:", &v, &end))
            read_ids(v, end, st->uid, &st->have_uid);
        else if (lx_key(line, ll, "Gid:", &v, &end)) {
            bool ok = false;
            read_ids(v, end, st->gid, &ok);
        } else if (lx_key(line, ll, "Threads:", &v, &end))
            read_int(v, end, &st->threads);
        else if (lx_key(line, ll, "NSpid:", &v, &end))
            st->nspid_depth = count_words(v, end);
        else if (lx_key(line, ll, "CapInh:", &v, &end))
            read_cap(v, end, &st->cap_inh, &caps);
        else if (lx_key(line, ll, "CapPrm:", &v, &end))
            read_cap(v, end, &st->cap_prm, &caps);
        else if (lx_key(line, ll, "CapEff:", &v, &end))
            read_cap(v, end, &st->cap_eff, &caps);
        else if (lx_key(line, ll, "CapBnd:", &v, &end))
            read_cap(v, end, &st->cap_bnd, &caps);
        else if (lx_key(line, ll, "CapAmb:", &v, &end))
            read_cap(v, end, &st->cap_amb, &caps);
        else if (lx_key(line, ll, "Seccomp:", &v, &end))
            read_int(v, end, &st->seccomp);
        else if (lx_key(line, ll, "Kthread:", &v, &end))
            read_int(v, end, &st->kthread);
        else if (lx_key(line, ll, "NoNewPrivs:", &v, &end))
            read_int(v, end, &st->no_new_privs);
    }
    st->have_caps = caps >= 3;
    if (st->seccomp > 2)
        st->seccomp = -1;
    if (st->nspid_depth > OSM_LX_NSPID_MAX)
        st->nspid_depth = OSM_LX_NSPID_MAX;
    return have_name && st->pid >= 0 ? 0 : -1;
}
