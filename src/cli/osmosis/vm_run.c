/*
 * osmosis vm run: boot a small Linux guest under QEMU, wait for the state it
 * ships on its second serial port, stop it, and join that state to the
 * host's model of the QEMU process (docs/vm.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vm_run.h"
#include "../../extract/vm/vm.h"

static const char help_run[] =
    "usage: osmosis vm run [--kernel K] [--initrd I] [--mem MIB] [--cmd \"...\"]\n"
    "                      [--add PROG]... [-o OUT] [--format F] [--json] [options]\n"
    "\n"
    "Boot a Linux guest under QEMU with an initramfs built on the fly (static\n"
    "busybox, the static osmosis, the --add programs), run --cmd in it with\n"
    "busybox sh, extract the guest with 'osmosis extract linux', ship the state\n"
    "out on the guest's second serial port, stop the guest, and write the state\n"
    "joined to the host's model of the QEMU process ('osmosis extract vm').\n"
    "Processes --cmd leaves running (with &) are part of the guest state.\n"
    "Run as root (host frame numbers).\n"
    "\n"
    "  --kernel K         guest kernel (default: the newest /boot/vmlinuz-*)\n"
    "  --initrd I         boot this initramfs instead of building one (it must\n"
    "                     ship the state the same way; docs/vm.md)\n"
    "  --mem MIB          guest RAM in MiB (default 256, at most 2048)\n"
    "  --cmd \"...\"        shell command run in the guest before the extraction\n"
    "  --add PROG         a static program copied to the guest's /bin (repeatable)\n"
    "  -o, --output OUT   joined state (default stdout; written whole or not at all)\n"
    "  --format F         csv (default), json, graphml or dot\n"
    "  --json             print a JSON summary to stdout instead of the state\n"
    "                     (with -o OUT the state still goes to OUT)\n"
    "  --prefix P         prefix of guest IDs (default G_)\n"
    "  --accel A          auto (default: KVM when /dev/kvm opens and the machine\n"
    "                     is not itself a VM, else TCG), kvm or tcg\n"
    "  --timeout S        give up when no state arrived after S seconds (default 300)\n"
    "  --console FILE     keep the guest console output here\n"
    "  --guest-out FILE   keep the guest capture (framed state) here\n"
    "  --keep PIDFILE     leave QEMU running but stopped (SIGSTOP) and write its PID;\n"
    "                     the caller ends it (kill -KILL)\n"
    "  --busybox B        static busybox (default /bin/busybox, Debian busybox-static)\n"
    "  --guest-osmosis G  static osmosis for the guest (default: osmosis-static next\n"
    "                     to this program)\n"
    "  --qemu Q           QEMU binary (default qemu-system-x86_64)\n"
    "  --write-initramfs F  only write the guest initramfs to F, print the kernel\n"
    "                     to boot and exit (for a launcher of its own: `cellulos\n"
    "                     vm`, docs/cellulos.md)\n"
    "\n"
    "Exit status: 0 joined state written; 2 usage error, QEMU or the guest failed,\n"
    "or the guest's state was missing, truncated or garbled (nothing written).\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

/* The newest /boot/vmlinuz-* (version order), or NULL. */
static char *default_kernel(void)
{
    struct dirent **v;
    int n = scandir("/boot", &v, NULL, versionsort);
    char *best = NULL;
    for (int i = 0; i < n; i++) {
        if (!strncmp(v[i]->d_name, "vmlinuz-", 8)) {
            free(best);
            if (asprintf(&best, "/boot/%s", v[i]->d_name) < 0)
                best = NULL;
        }
        free(v[i]);
    }
    if (n >= 0)
        free(v);
    return best;
}

/* osmosis-static next to the running binary. */
static char *default_guest_osmosis(void)
{
    return cli_helper_path("osmosis-static");
}

/* KVM when /dev/kvm opens and the CPU does not say it is virtualised: a
 * nested KVM was measured here not to get through the kernel's
 * decompression in 45 s, while TCG boots in 8 s. */
static bool kvm_usable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    close(fd);
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    bool nested = false;
    while (f && !nested && fgets(line, sizeof line, f))
        nested = !strncmp(line, "flags", 5) && strstr(line, " hypervisor");
    if (f)
        fclose(f);
    return !nested;
}

/* Start QEMU in its own session (a terminal's ^C must not stop it half-way;
 * we end it), stdout/stderr to log.  The PID, or -1. */
static pid_t start_qemu(const vm_run_opts *o, bool kvm, const char *initrd, const char *log)
{
    char mem[32], backend[96], machine[96], con[PATH_MAX + 8], cap[PATH_MAX + 8];
    snprintf(mem, sizeof mem, "%uM", o->mem_mib);
    snprintf(backend, sizeof backend, "memory-backend-memfd,id=osmosis-ram,size=%uM,share=on",
             o->mem_mib);
    snprintf(machine, sizeof machine, "pc,memory-backend=osmosis-ram");
    snprintf(con, sizeof con, "file:%s", o->console);
    snprintf(cap, sizeof cap, "file:%s", o->capture);
    const char *argv[] = { o->qemu, "-nodefaults", "-no-user-config", "-display", "none",
                           "-machine", machine, "-accel", kvm ? "kvm" : "tcg",
                           "-cpu", kvm ? "host" : "max", "-object", backend, "-m", mem,
                           "-smp", "1", "-kernel", o->kernel, "-initrd", initrd,
                           "-append", "console=ttyS0 quiet panic=-1", "-serial", con,
                           "-serial", cap, "-monitor", "none", "-net", "none", "-no-reboot",
                           NULL };
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    setsid();
    if (!o->keep)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    int in = open("/dev/null", O_RDONLY), out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(127);
    execvp(o->qemu, (char *const *)argv);
    fprintf(stderr, "cannot run %s: %s\n", o->qemu, strerror(errno));
    _exit(127);
}

/* The last `max` bytes of a file, for error messages. */
static void print_tail(const char *what, const char *path, size_t max)
{
    size_t len;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long end = ftell(f);
    len = end > 0 ? (size_t)end : 0;
    fseek(f, len > max ? (long)(len - max) : 0, SEEK_SET);
    fprintf(stderr, "--- %s (%s, last %zu bytes) ---\n", what, path, len > max ? max : len);
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, k, stderr);
    fprintf(stderr, "\n--- end of %s ---\n", what);
    fclose(f);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wait until the capture holds a complete frame (returned, with its length)
 * or something goes wrong (NULL, message printed). */
static char *wait_for_state(const vm_run_opts *o, pid_t qemu, const char *log, size_t *len)
{
    double start = now_s();
    char why[256] = "no output";
    for (;;) {
        int ws;
        pid_t w = waitpid(qemu, &ws, WNOHANG);
        size_t n = 0;
        char *buf = NULL;
        struct stat st;
        if (stat(o->capture, &st) == 0 && st.st_size > 0)
            buf = vm_cli_slurp("vm run", o->capture, &n);
        const char *p;
        size_t pl;
        osm_vm_frame_status fs = buf ? osm_vm_frame_find(buf, n, &p, &pl, why, sizeof why)
                                     : OSM_VM_FRAME_INCOMPLETE;
        if (fs == OSM_VM_FRAME_OK) {
            *len = n;
            return buf;
        }
        free(buf);
        const char *stop = NULL;
        if (fs == OSM_VM_FRAME_BAD)
            stop = "the guest's state is unusable";
        else if (w == qemu)
            stop = "QEMU exited before the guest shipped its state";
        else if (interrupted)
            stop = "interrupted";
        else if (now_s() - start > o->timeout_s)
            stop = "timed out waiting for the guest's state";
        if (stop) {
            fprintf(stderr, "osmosis vm run: %s (%s); nothing joined\n", stop, why);
            print_tail("QEMU messages", log, 2000);
            print_tail("guest console", o->console, 3000);
            return NULL;
        }
        usleep(100 * 1000);
    }
}

/* Stop QEMU (SIGSTOP) and wait until it is stopped: its frames must not
 * move while the host side is read. */
static int stop_qemu(pid_t qemu)
{
    int ws;
    if (kill(qemu, SIGSTOP) < 0 || waitpid(qemu, &ws, WUNTRACED) != qemu || !WIFSTOPPED(ws)) {
        fprintf(stderr, "osmosis vm run: cannot stop QEMU (pid %d): %s\n", (int)qemu,
                strerror(errno));
        return -1;
    }
    return 0;
}

static void end_qemu(pid_t qemu)
{
    kill(qemu, SIGKILL);
    waitpid(qemu, NULL, 0);
}

/* Boot, wait, join: the launcher once options are parsed and tmp exists. */
static int launch(vm_run_opts *o, const char *tmp)
{
    char initrd[PATH_MAX], log[PATH_MAX], con[PATH_MAX], cap[PATH_MAX], why[512];
    snprintf(initrd, sizeof initrd, "%s/initramfs.cpio", tmp);
    snprintf(log, sizeof log, "%s/qemu.log", tmp);
    snprintf(con, sizeof con, "%s/console.log", tmp);
    snprintf(cap, sizeof cap, "%s/guest.out", tmp);
    if (!o->console)
        o->console = con;
    if (!o->capture)
        o->capture = cap;
    if (!o->initrd && vm_initramfs_write(o, initrd, why, sizeof why) < 0) {
        fprintf(stderr, "osmosis vm run: %s\n", why);
        return CLI_USAGE;
    }
    bool kvm = !strcmp(o->accel, "kvm") || (!strcmp(o->accel, "auto") && kvm_usable());
    unlink(o->capture);         /* no stale state from an earlier run */
    fprintf(stderr, "osmosis vm run: booting %s (%u MiB, %s)\n", o->kernel, o->mem_mib,
            kvm ? "KVM" : "TCG");
    pid_t qemu = start_qemu(o, kvm, o->initrd ? o->initrd : initrd, log);
    if (qemu < 0) {
        fprintf(stderr, "osmosis vm run: cannot start QEMU: %s\n", strerror(errno));
        return CLI_USAGE;
    }
    size_t len;
    char *buf = wait_for_state(o, qemu, log, &len);
    int st = CLI_USAGE;
    if (buf && stop_qemu(qemu) == 0) {
        o->join.qemu_pid = (int)qemu;
        st = vm_cli_join_write(&o->join, buf, len, o->capture);
    }
    free(buf);
    if (st == CLI_OK && o->keep) {
        FILE *f = fopen(o->keep, "w");
        if (f && fprintf(f, "%d\n", (int)qemu) > 0 && fclose(f) == 0)
            return CLI_OK;
        fprintf(stderr, "osmosis vm run: cannot write %s\n", o->keep);
        st = CLI_USAGE;
    }
    end_qemu(qemu);
    return st;
}

/* Remove the launcher's temporary directory and what is in it. */
static void remove_tmp(const char *tmp)
{
    static const char *const files[] = { "initramfs.cpio", "qemu.log", "console.log",
                                         "guest.out" };
    char p[PATH_MAX];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, files[i]);
        unlink(p);
    }
    rmdir(tmp);
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* --write-initramfs --json: what was written and the kernel to boot it. */
static int print_initramfs_json(const char *initramfs, const char *kernel)
{
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "initramfs");
    osm_json_string(&j, initramfs);
    osm_json_key(&j, "kernel");
    osm_json_string(&j, kernel);
    osm_json_end_object(&j);
    osm_json_finish(&j);
    return fflush(stdout) == 0 ? CLI_OK : CLI_USAGE;
}

int vm_cli_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "kernel", required_argument, 0, 'k' },  { "initrd", required_argument, 0, 'i' },
        { "mem", required_argument, 0, 'm' },     { "cmd", required_argument, 0, 'c' },
        { "add", required_argument, 0, 'a' },     { "output", required_argument, 0, 'o' },
        { "format", required_argument, 0, 'f' },  { "prefix", required_argument, 0, 'p' },
        { "accel", required_argument, 0, 'A' },   { "timeout", required_argument, 0, 't' },
        { "console", required_argument, 0, 'C' }, { "guest-out", required_argument, 0, 'g' },
        { "keep", required_argument, 0, 'K' },    { "busybox", required_argument, 0, 'b' },
        { "guest-osmosis", required_argument, 0, 'G' },
        { "qemu", required_argument, 0, 'q' },    { "help", no_argument, 0, 'h' },
        { "write-initramfs", required_argument, 0, 'W' },
        { "json", no_argument, 0, 'j' },          { 0, 0, 0, 0 } };
    vm_run_opts o = { .mem_mib = 256, .busybox = "/bin/busybox", .qemu = "qemu-system-x86_64",
                      .accel = "auto", .timeout_s = 300,
                      .join = { .format = OSM_EXPORT_CSV, .prefix = "G_", .verb = "vm run" } };
    const char *add[64], *write_initramfs = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': o.kernel = optarg; break;
        case 'i': o.initrd = optarg; break;
        case 'm':
            if (parse_uint(optarg, 64, 2048, &o.mem_mib) < 0)
                return cli_usage_error("vm run", "--mem wants MiB between 64 and 2048, not '%s'",
                                       optarg);
            break;
        case 'c': o.cmd = optarg; break;
        case 'a':
            if (o.n_add == sizeof add / sizeof add[0])
                return cli_usage_error("vm run", "too many --add");
            add[o.n_add++] = optarg;
            break;
        case 'o': o.join.out = optarg; break;
        case 'j': o.join.json = true; break;
        case 'f':
            o.join.format = cli_state_format_parse(optarg);
            if (o.join.format < 0)
                return cli_usage_error("vm run", "unknown format '%s' (" CLI_STATE_FORMATS ")",
                                       optarg);
            break;
        case 'p': o.join.prefix = optarg; break;
        case 'A':
            if (strcmp(optarg, "auto") && strcmp(optarg, "kvm") && strcmp(optarg, "tcg"))
                return cli_usage_error("vm run", "--accel is auto, kvm or tcg, not '%s'", optarg);
            o.accel = optarg;
            break;
        case 't':
            if (parse_uint(optarg, 1, 86400, &o.timeout_s) < 0)
                return cli_usage_error("vm run", "bad --timeout '%s'", optarg);
            break;
        case 'C': o.console = optarg; break;
        case 'g': o.capture = optarg; break;
        case 'K': o.keep = optarg; break;
        case 'b': o.busybox = optarg; break;
        case 'G': o.guest_osmosis = optarg; break;
        case 'q': o.qemu = optarg; break;
        case 'W': write_initramfs = optarg; break;
        case 'h': fputs(help_run, stdout); return CLI_OK;
        default: fputs(help_run, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("vm run", "unexpected argument '%s'", argv[optind]);
    if (!*o.join.prefix)
        return cli_usage_error("vm run", "--prefix must not be empty");
    o.add = add;
    char *kernel = NULL, *gos = NULL;
    if (!o.kernel && !(o.kernel = kernel = default_kernel())) {
        fprintf(stderr, "osmosis vm run: no /boot/vmlinuz-* (install linux-image-amd64 or give "
                        "--kernel)\n");
        return CLI_USAGE;
    }
    if (!o.guest_osmosis && !(o.guest_osmosis = gos = default_guest_osmosis())) {
        free(kernel);
        return cli_usage_error("vm run", "cannot find osmosis-static (give --guest-osmosis)");
    }
    char tmp[] = "/tmp/osmosis-vm-XXXXXX", why[512];
    int st = CLI_USAGE;
    if (write_initramfs) {
        if (vm_initramfs_write(&o, write_initramfs, why, sizeof why) < 0)
            fprintf(stderr, "osmosis vm run: %s\n", why);
        else if (o.join.json)
            st = print_initramfs_json(write_initramfs, o.kernel);
        else
            st = printf("%s\n", o.kernel) < 0 ? CLI_USAGE : CLI_OK;  /* the kernel to boot */
    } else if (!mkdtemp(tmp))
        fprintf(stderr, "osmosis vm run: cannot create a temporary directory: %s\n",
                strerror(errno));
    else {
        struct sigaction sa = { .sa_handler = on_signal }, old[3];
        sigaction(SIGINT, &sa, &old[0]);
        sigaction(SIGTERM, &sa, &old[1]);
        sigaction(SIGHUP, &sa, &old[2]);
        st = launch(&o, tmp);
        sigaction(SIGINT, &old[0], NULL);
        sigaction(SIGTERM, &old[1], NULL);
        sigaction(SIGHUP, &old[2], NULL);
        remove_tmp(tmp);
    }
    free(kernel);
    free(gos);
    return st;
}
