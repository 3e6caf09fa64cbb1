/*
 * VM PDs (issue 8 part 4; docs/cellulos.md "VM PDs"): `cellulos vm` boots a
 * Linux guest under QEMU, started by the root task as a PD (the VMM PD)
 * whose guest RAM is an MO the root task allocated and passed as an fd, and
 * joins the guest's own model state (extracted inside the guest, shipped on
 * its second serial port, docs/vm.md) into the root task's store with the
 * join of `osmosis extract vm` (osm_vm_join_into).  The dump then shows the
 * VMM PD holding a VMR over the guest-RAM MO, the VMM PD controlling the
 * guest kernel, and the guest kernel controlling the guest's PDs.
 *
 * QEMU cannot run under the PD seccomp filter (it opens files, creates
 * threads with its own flags, mmaps anonymously, uses ioctls), and it cannot
 * say HELLO.  The VMM PD is therefore a *trusted* PD: spawned unconfined,
 * never served (it has no call socket), but in the table and the model like
 * any PD, torn down like any PD when its process ends.  It is in the TCB of
 * everything in the guest, which is what the model says (it controls the
 * guest kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cellulos/platform/platform.h"
#include "../cellulos/root/root.h"
#include "scenario.h"
#include "vmpd.h"
#include "../extract/vm/vm_internal.h"

#define VM_MEMFD_NAME "/memfd:cellulos-mo"     /* cel_mo_alloc's memfds, in QEMU's maps */
#define VM_PD_NAME "vmm.qemu"

typedef struct vm_opts {
    const char *dump, *cmd, *kernel, *qemu, *console, *capture;
    const char *add[16];
    size_t n_add;
    unsigned mem_mib, timeout_s;
} vm_opts;

typedef struct vm_run {
    const vm_opts *o;
    cel_root *r;
    char tmp[64], initrd[PATH_MAX], console[PATH_MAX], capture[PATH_MAX], kernel[PATH_MAX];
    uint32_t pd_num;            /* the VMM PD's object number */
    pid_t pid;
    int pidfd;
    uint64_t mo_badge, vmr_badge;
} vm_run;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The guest initramfs, written by `osmosis vm run --write-initramfs` (the
 * one `osmosis vm run` boots: same /init, same shipping), and the kernel it
 * names.  0, or -1 with a message. */
static int build_initramfs(vm_run *v)
{
    char prog[PATH_MAX];
    cel_plat_sibling("osmosis", prog, sizeof prog);
    const char *argv[8 + 2 * 16 + 1] = { prog, "vm", "run", "--write-initramfs", v->initrd };
    size_t n = 5;
    if (v->o->cmd)
        argv[n++] = "--cmd", argv[n++] = v->o->cmd;
    if (v->o->kernel)
        argv[n++] = "--kernel", argv[n++] = v->o->kernel;
    for (size_t i = 0; i < v->o->n_add; i++)
        argv[n++] = "--add", argv[n++] = v->o->add[i];
    argv[n] = NULL;
    int p[2];
    if (pipe2(p, O_CLOEXEC))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    ssize_t k = pid > 0 ? read(p[0], v->kernel, sizeof v->kernel - 1) : -1;
    close(p[0]);
    int st = -1;
    if (pid > 0)
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    v->kernel[k > 0 ? k : 0] = '\0';
    v->kernel[strcspn(v->kernel, "\n")] = '\0';
    if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) || !*v->kernel) {
        fprintf(stderr, "cellulos: vm: %s vm run --write-initramfs failed\n", prog);
        return -1;
    }
    return 0;
}

/* The VMM PD and its guest-RAM MO; QEMU started with the MO's memfd as its
 * fd 3, guest RAM = memory-backend-file on /proc/self/fd/3 (share=on: QEMU
 * maps the root task's memfd itself, no copy).  0 or -1. */
static int start_vmm(vm_run *v)
{
    cel_root *r = v->r;
    int err;
    cel_pd *pd = cel_pd_new(r, VM_PD_NAME, NULL, false, 0, &err);
    if (!pd) {
        fprintf(stderr, "cellulos: vm: cannot create the VMM PD: %s\n", strerror(-err));
        return -1;
    }
    v->pd_num = pd->num;
    cel_msg m;
    memset(&m, 0, sizeof m);
    m.u.mo_alloc.pages = (uint64_t)v->o->mem_mib << 8;
    if ((err = cel_mo_alloc(r, pd, &m))) {
        fprintf(stderr, "cellulos: vm: cannot allocate guest RAM: %s\n", strerror(-err));
        return -1;
    }
    v->mo_badge = m.u.badge.badge;
    cel_obj *mo = cel_obj_get(r, cel_badge_obj(v->mo_badge));
    char mem[32], backend[160], con[PATH_MAX + 8], cap[PATH_MAX + 8];
    snprintf(mem, sizeof mem, "%uM", v->o->mem_mib);
    snprintf(backend, sizeof backend, "memory-backend-file,id=osmosis-ram,size=%uM,share=on,"
                                      "mem-path=/proc/self/fd/3", v->o->mem_mib);
    snprintf(con, sizeof con, "file:%s", v->console);
    snprintf(cap, sizeof cap, "file:%s", v->capture);
    char *argv[] = { (char *)v->o->qemu, "-nodefaults", "-no-user-config", "-display", "none",
                     "-machine", "pc,memory-backend=osmosis-ram", "-accel", "tcg", "-cpu", "max",
                     "-object", backend, "-m", mem, "-smp", "1", "-kernel", v->kernel,
                     "-initrd", v->initrd, "-append", "console=ttyS0 quiet panic=-1",
                     "-serial", con, "-serial", cap, "-monitor", "none", "-net", "none",
                     "-no-reboot", NULL };
    /* fd 3 = the guest-RAM memfd, fd 4 = /dev/null (the platform's spawn
     * places a PD's two sockets there; the VMM PD has none). */
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    err = null < 0 ? -errno : cel_plat_spawn(v->o->qemu, argv, mo->u.mo.fd, null, &pd->pid,
                                             &pd->pidfd);
    if (null >= 0)
        close(null);
    if (err || (err = cel_epoll_add(r, pd->pidfd, CEL_TAG_EXIT, pd->num))) {
        fprintf(stderr, "cellulos: vm: cannot start %s: %s\n", v->o->qemu, strerror(-err));
        if (pd->pidfd >= 0) {   /* started but not watched: end it here */
            int st;
            cel_plat_kill(pd->pidfd);
            while (cel_plat_reap(pd->pidfd, &st) == -EAGAIN)
                usleep(1000);
        }
        cel_pd_ended(r, pd);    /* no process (left): tear the PD down now */
        return -1;
    }
    v->pid = pd->pid;
    v->pidfd = pd->pidfd;
    fprintf(stderr, "cellulos: vm: %s (%s) is QEMU, pid %d; booting %s (%u MiB, TCG)\n", pd->id,
            VM_PD_NAME, (int)pd->pid, v->kernel, v->o->mem_mib);
    return 0;
}

static uint32_t watched_pd;

static bool vmm_ended(cel_root *r)
{
    cel_pd *pd = cel_pd_of(r, watched_pd);
    return !pd || pd->ended;
}

/* Serve (the VMM's end is an event) until the capture holds a complete
 * frame: the capture's bytes, or NULL with a message. */
static char *wait_for_state(vm_run *v, size_t *len)
{
    double start = now_s();
    char why[256] = "no output";
    watched_pd = v->pd_num;
    for (;;) {
        if (cel_root_run(v->r, vmm_ended, 100) < 0)
            break;
        struct stat st;
        int fd = stat(v->capture, &st) == 0 && st.st_size > 0 ? open(v->capture, O_RDONLY | O_CLOEXEC)
                                                              : -1;
        char *buf = fd >= 0 ? malloc((size_t)st.st_size + 1) : NULL;
        ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : 0;
        if (fd >= 0)
            close(fd);
        const char *p;
        size_t pl;
        osm_vm_frame_status fs = buf && n > 0 ? osm_vm_frame_find(buf, (size_t)n, &p, &pl, why,
                                                                  sizeof why)
                                              : OSM_VM_FRAME_INCOMPLETE;
        if (fs == OSM_VM_FRAME_OK) {
            *len = (size_t)n;
            return buf;
        }
        free(buf);
        const char *stop = fs == OSM_VM_FRAME_BAD ? "the guest's state is unusable"
                           : vmm_ended(v->r)      ? "QEMU exited before the guest shipped its state"
                           : now_s() - start > v->o->timeout_s ? "timed out waiting for the guest"
                                                               : NULL;
        if (stop) {
            fprintf(stderr, "cellulos: vm: %s (%s); nothing joined (guest console: %s)\n", stop,
                    why, v->o->console ? v->o->console : "give --console to keep it");
            return NULL;
        }
    }
    fprintf(stderr, "cellulos: vm: the root task's event loop failed\n");
    return NULL;
}

/* Stop QEMU so guest memory holds still while it is joined. */
static int stop_vmm(vm_run *v)
{
    siginfo_t si;
    if (kill(v->pid, SIGSTOP) < 0 ||
        waitid((idtype_t)P_PIDFD, (id_t)v->pidfd, &si, WSTOPPED) < 0) {
        fprintf(stderr, "cellulos: vm: cannot stop QEMU: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* The VMR over the guest-RAM MO, where QEMU mapped it (its /proc maps): the
 * root task records the mapping once it exists, as for a PD's VMR_MAP. */
static cel_obj *record_vmr(vm_run *v)
{
    cel_root *r = v->r;
    cel_pd *pd = cel_pd_of(r, v->pd_num);
    cel_obj *mo = cel_obj_get(r, cel_badge_obj(v->mo_badge));
    osm_lx_vma ram;
    char why[512];
    if (vm_find_ram(v->pid, VM_MEMFD_NAME, &ram, why, sizeof why) < 0) {
        fprintf(stderr, "cellulos: vm: %s\n", why);
        return NULL;
    }
    if (ram.end - ram.start != mo->u.mo.bytes || ram.offset) {
        fprintf(stderr, "cellulos: vm: QEMU maps %llu bytes of guest RAM at offset %llu, the MO "
                        "has %zu\n", (unsigned long long)(ram.end - ram.start),
                (unsigned long long)ram.offset, mo->u.mo.bytes);
        return NULL;
    }
    cel_msg m;
    memset(&m, 0, sizeof m);
    m.u.vmr_map = (cel_b_vmr_map){ .mo = v->mo_badge, .vaddr = ram.start, .bytes = mo->u.mo.bytes,
                                   .perms = (ram.r ? OSM_PERM_R : 0) | (ram.w ? OSM_PERM_W : 0) };
    int err = cel_vmr_map(r, pd, &m);
    if (err) {
        fprintf(stderr, "cellulos: vm: cannot record QEMU's guest-RAM VMR: %s\n", strerror(-err));
        return NULL;
    }
    v->vmr_badge = m.u.badge.badge;
    return cel_obj_get(r, cel_badge_obj(v->vmr_badge));
}

/* Load the guest, join it to the VMM PD, check, dump, take the join out
 * again.  0 or -1. */
static int join_and_dump(vm_run *v, const char *buf, size_t len, cel_obj *vmr)
{
    cel_root *r = v->r;
    cel_pd *pd = cel_pd_of(r, v->pd_num);
    cel_obj *mo = cel_obj_get(r, cel_badge_obj(v->mo_badge));
    osm_diags d;
    osm_diags_init(&d, 5);
    char why[512], tag[16];
    osm_store *g = osm_vm_guest_load(buf, len, false, v->capture, &d, why, sizeof why);
    for (size_t i = 0; !g && i < d.n; i++)
        fprintf(stderr, "cellulos: vm: %s\n", d.v[i].msg);
    osm_diags_free(&d);
    if (!g) {
        fprintf(stderr, "cellulos: vm: %s: %s; nothing joined\n", v->capture, why);
        return -1;
    }
    snprintf(tag, sizeof tag, "%u", pd->num);
    osm_vm_host h = { .vmm = cel_obj_get(r, pd->num)->node, .ads = cel_obj_get(r, pd->ads)->node,
                      .backing_mo = mo->node, .ram_vmr = osm_node_id(r->s, vmr->node),
                      .ram_start = vmr->u.vmr.vaddr, .ram_len = vmr->u.vmr.bytes,
                      .ram_perms = cel_badge_perms(v->vmr_badge), .tag = tag, .prefix = "G_" };
    osm_vm_joined joined = { 0 };
    osm_vm_join_report rep;
    int rc = osm_vm_join_into(&h, g, r->s, &joined, &rep, why, sizeof why);
    osm_store_free(g);
    if (rc < 0) {
        fprintf(stderr, "cellulos: vm: %s; nothing joined\n", why);
        return -1;
    }
    fprintf(stderr, "cellulos: vm: guest RAM is %s over %s (%llu MiB); %zu guest nodes, %zu "
                    "frame runs (%llu pages) joined\n", rep.ram_vmr, osm_node_id(r->s, mo->node),
            (unsigned long long)(rep.ram_len >> 20), rep.guest_nodes, rep.guest_mos,
            (unsigned long long)rep.guest_pages);
    osm_diags_init(&d, 5);
    if (osm_check(r->s, true, &d)) {
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "cellulos: vm: joined state: %s\n", d.v[i].msg);
        rc = -1;
    }
    osm_diags_free(&d);
    if (v->o->dump && cel_model_dump_file(r, v->o->dump)) {
        fprintf(stderr, "cellulos: vm: cannot write %s\n", v->o->dump);
        rc = -1;
    }
    osm_vm_unjoin(r->s, joined.nodes, joined.n);
    free(joined.nodes);
    return rc;
}

/* Boot, wait, join, dump, tear down; 0 when everything worked and teardown
 * left the boot state. */
static int vm_run_once(vm_run *v)
{
    cel_root *r = v->r;
    size_t boot_nodes = osm_store_node_count(r->s), boot_edges = osm_store_edge_count(r->s);
    int memfds, boot_fds = cel_count_fds(&memfds);
    int bad = 1;
    if (start_vmm(v) == 0) {
        size_t len = 0;
        char *buf = wait_for_state(v, &len);
        cel_obj *vmr = buf && stop_vmm(v) == 0 ? record_vmr(v) : NULL;
        bad = vmr && join_and_dump(v, buf, len, vmr) == 0 ? 0 : 1;
        free(buf);
    }
    /* The VMM PD ends like any PD: its VMR, the guest-RAM MO, ADS, VCPU go. */
    if (cel_scenario_end_all(r, 30)) {
        fprintf(stderr, "cellulos: vm: QEMU did not end\n");
        return 1;
    }
    bad |= cel_scenario_check_clean(r, boot_nodes, boot_edges, boot_fds);
    if (r->broken) {
        fprintf(stderr, "cellulos: vm: a model transition broke an invariant\n");
        bad = 1;
    }
    printf("cellulos: vm: %s\n", bad ? "FAILED" : "ok");
    return bad;
}

static void remove_tmp(const vm_run *v)
{
    const char *files[] = { v->initrd, v->console, v->capture };
    for (size_t i = 0; i < 3; i++)
        if (!strncmp(files[i], v->tmp, strlen(v->tmp)))
            unlink(files[i]);
    rmdir(v->tmp);
}

static int usage(FILE *f, int st)
{
    fprintf(f,
            "usage: cellulos vm [--dump FILE] [--cmd \"...\"] [--add PROG]... [--mem MIB]\n"
            "                   [--kernel K] [--console FILE] [--guest-out FILE]\n"
            "                   [--qemu PATH] [--timeout S]\n"
            "\n"
            "Boot a Linux guest under QEMU as a VM PD of the root task: the VMM PD\n"
            "(vmm.qemu, trusted: it runs unconfined) gets its guest RAM as an MO the root\n"
            "task allocates and passes as an fd.  The guest runs --cmd, extracts itself and\n"
            "ships its state (as with `osmosis vm run`, docs/vm.md); the root task joins it\n"
            "into its own model state (guest IDs prefixed G_), checks the invariants,\n"
            "writes the state to FILE, then ends the VMM PD and checks that teardown left\n"
            "the boot state.  TCG only.  Run as root.  Exit status: 0 fine, 1 failed, 2\n"
            "usage.\n");
    return st;
}

static int parse_opts(int argc, char **argv, vm_opts *o)
{
    static const struct option opts[] = {
        { "dump", required_argument, 0, 'd' },    { "cmd", required_argument, 0, 'c' },
        { "add", required_argument, 0, 'a' },     { "mem", required_argument, 0, 'm' },
        { "kernel", required_argument, 0, 'k' },  { "console", required_argument, 0, 'C' },
        { "guest-out", required_argument, 0, 'g' }, { "qemu", required_argument, 0, 'q' },
        { "timeout", required_argument, 0, 't' }, { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 } };
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->dump = optarg; break;
        case 'c': o->cmd = optarg; break;
        case 'a':
            if (o->n_add == sizeof o->add / sizeof *o->add)
                return usage(stderr, 2);
            o->add[o->n_add++] = optarg;
            break;
        case 'm':
            o->mem_mib = (unsigned)strtoul(optarg, &end, 10);
            if (*end || o->mem_mib < 64 || o->mem_mib > 1024) {
                fprintf(stderr, "cellulos: vm: --mem wants MiB between 64 and 1024\n");
                return 2;
            }
            break;
        case 'k': o->kernel = optarg; break;
        case 'C': o->console = optarg; break;
        case 'g': o->capture = optarg; break;
        case 'q': o->qemu = optarg; break;
        case 't':
            o->timeout_s = (unsigned)strtoul(optarg, &end, 10);
            if (*end || !o->timeout_s) {
                fprintf(stderr, "cellulos: vm: bad --timeout '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': return usage(stdout, 0);
        default: return usage(stderr, 2);
        }
    }
    return optind != argc ? usage(stderr, 2) : -1;
}

int cel_vmpd_main(int argc, char **argv)
{
    vm_opts o = { .mem_mib = 256, .timeout_s = 300, .qemu = "/usr/bin/qemu-system-x86_64" };
    int st = parse_opts(argc, argv, &o);
    if (st >= 0)
        return st;
    vm_run v = { .o = &o, .pidfd = -1 };
    snprintf(v.tmp, sizeof v.tmp, "/tmp/cellulos-vm-XXXXXX");
    if (!mkdtemp(v.tmp)) {
        perror("cellulos: vm: mkdtemp");
        return 1;
    }
    snprintf(v.initrd, sizeof v.initrd, "%s/initramfs.cpio", v.tmp);
    snprintf(v.console, sizeof v.console, "%s", o.console ? o.console : "");
    snprintf(v.capture, sizeof v.capture, "%s", o.capture ? o.capture : "");
    if (!o.console)
        snprintf(v.console, sizeof v.console, "%s/console.log", v.tmp);
    if (!o.capture)
        snprintf(v.capture, sizeof v.capture, "%s/guest.out", v.tmp);
    unlink(v.capture);      /* no stale state from an earlier run */
    st = 1;
    char dir[PATH_MAX];
    cel_plat_sibling("", dir, sizeof dir);
    cel_root r;
    v.r = &r;
    if (build_initramfs(&v) == 0) {
        if (cel_root_init(&r, dir) || cel_model_boot(&r))
            fprintf(stderr, "cellulos: vm: cannot build the boot model state\n");
        else
            st = vm_run_once(&v);
        cel_root_fini(&r);
    }
    remove_tmp(&v);
    return st;
}
