/* osmosis extract vm: a guest's state joined to its QEMU process (docs/vm.md). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "extract.h"
#include "vm_cli.h"
#include "../../extract/vm/vm.h"
#include "../../format/file_read.h"

static const char help_vm[] =
    "usage: osmosis extract vm --qemu-pid PID --guest FILE [-o OUT] [--format F]\n"
    "                          [--ram-path PATH] [--prefix P] [--unframed] [--json]\n"
    "\n"
    "Join a guest's model state (osmosis extract linux run inside the guest and\n"
    "shipped out by 'osmosis vm send') to the host's model of the QEMU process\n"
    "running it (docs/vm.md): guest IDs get a prefix; guest frames (type GPA)\n"
    "MAP to slices of QEMU's guest-RAM mapping, which MAP to the host frames\n"
    "behind them (read from QEMU's pagemap: run as root); the guest's physical\n"
    "memory space MAPs to QEMU's address space; QEMU controls the guest kernel.\n"
    "Guest RAM must be a memory backend QEMU maps from a memfd\n"
    "(memory-backend-memfd) or a file (--ram-path).  Stop the guest while this\n"
    "runs (kill -STOP PID) so its frames do not move.\n"
    "\n"
    "  --qemu-pid PID   the QEMU process\n"
    "  --guest FILE     the guest capture (framed; '-' = stdin)\n"
    "  -o, --output OUT where to write (default stdout; written whole or not at all)\n"
    "  --format F       csv (default), json, graphml or dot\n"
    "  --ram-path PATH  guest RAM is memory-backend-file mem-path=PATH\n"
    "  --prefix P       prefix of guest IDs (default G_)\n"
    "  --unframed       FILE is plain CSV (truncation cannot be detected then)\n"
    "  --json           print a JSON summary to stdout instead of the state\n"
    "                   (with -o OUT the state still goes to OUT)\n"
    "\n"
    "A capture that is missing, truncated or garbled (bad length, checksum or\n"
    "end marker), or a guest CSV with an unusable row, is an error: exit 2 and\n"
    "no output.\n";

/* A guest capture is a model state: as large as a host's (see the CSV
 * pipe cap in src/format/csv_read.c). */
#define VM_CAPTURE_CAP ((size_t)1 << 30)

char *vm_cli_slurp(const char *verb, const char *path, size_t *len)
{
    char why[160];
    char *b = osm_file_read(path, VM_CAPTURE_CAP, "a guest capture", len, why, sizeof why);
    if (!b)
        fprintf(stderr, "osmosis %s: cannot read %s: %s\n", verb, path, why);
    return b;
}

/* The guest state, verified and loaded strictly; NULL with a message. */
static osm_store *load_guest(const vm_cli_join *j, const char *buf, size_t len, const char *name)
{
    osm_diags d;
    osm_diags_init(&d, 20);
    char why[256];
    osm_store *g = osm_vm_guest_load(buf, len, j->unframed, name, &d, why, sizeof why);
    if (!g) {
        cli_print_diags(name, &d);
        fprintf(stderr, "osmosis extract vm: %s: %s; nothing joined\n", name, why);
    }
    osm_diags_free(&d);
    return g;
}

int vm_cli_join_write(const vm_cli_join *j, const char *buf, size_t len, const char *name)
{
    osm_store *g = load_guest(j, buf, len, name);
    if (!g)
        return CLI_USAGE;
    osm_store *out = osm_store_new();
    osm_vm_join_opts jo = { .qemu_pid = j->qemu_pid, .ram_path = j->ram_path,
                            .prefix = j->prefix ? j->prefix : "G_" };
    osm_vm_join_report rep;
    char why[512];
    int st = CLI_USAGE;
    if (!out)
        fprintf(stderr, "osmosis extract vm: out of memory\n");
    else if (osm_vm_join(&jo, g, out, &rep, why, sizeof why) < 0)
        fprintf(stderr, "osmosis extract vm: %s; nothing joined\n", why);
    else {
        osm_lx_report_print(&rep.host, stderr);
        fprintf(stderr, "osmosis extract vm: guest RAM is %s (%llu MiB); %zu guest nodes, %zu "
                        "frame runs (%llu pages) joined to %zu host frame runs",
                rep.ram_vmr, (unsigned long long)(rep.ram_len >> 20), rep.guest_nodes,
                rep.guest_mos, (unsigned long long)rep.guest_pages, rep.host_mo_maps);
        if (rep.pages_unbacked)
            fprintf(stderr, "; %llu guest pages have no host frame (not in host RAM)",
                    (unsigned long long)rep.pages_unbacked);
        fputc('\n', stderr);
        if (j->json)
            st = cli_state_summary(j->verb ? j->verb : "extract vm", out, j->out,
                                   (osm_export_format)j->format, NULL, 0);
        else
            st = cli_write_state(out, j->out, (osm_export_format)j->format) < 0 ? CLI_USAGE : CLI_OK;
    }
    osm_store_free(out);
    osm_store_free(g);
    return st;
}

int osm_cli_extract_vm(int argc, char **argv)
{
    static const struct option opts[] = {
        { "qemu-pid", required_argument, 0, 'q' }, { "guest", required_argument, 0, 'g' },
        { "output", required_argument, 0, 'o' },   { "format", required_argument, 0, 'f' },
        { "ram-path", required_argument, 0, 'r' }, { "prefix", required_argument, 0, 'p' },
        { "unframed", no_argument, 0, 'u' },       { "help", no_argument, 0, 'h' },
        { "json", no_argument, 0, 'j' },           { 0, 0, 0, 0 } };
    vm_cli_join j = { .format = OSM_EXPORT_CSV, .prefix = "G_" };
    const char *guest = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'q': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v <= 0 || v > INT_MAX)
                return cli_usage_error("extract vm", "bad --qemu-pid '%s'", optarg);
            j.qemu_pid = (int)v;
            break;
        }
        case 'g': guest = optarg; break;
        case 'o': j.out = optarg; break;
        case 'f':
            j.format = cli_state_format_parse(optarg);
            if (j.format < 0)
                return cli_usage_error("extract vm", "unknown format '%s' (" CLI_STATE_FORMATS ")",
                                       optarg);
            break;
        case 'r': j.ram_path = optarg; break;
        case 'p': j.prefix = optarg; break;
        case 'u': j.unframed = true; break;
        case 'j': j.json = true; break;
        case 'h': fputs(help_vm, stdout); return CLI_OK;
        default: fputs(help_vm, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("extract vm", "unexpected argument '%s'", argv[optind]);
    if (!j.qemu_pid || !guest)
        return cli_usage_error("extract vm", "--qemu-pid and --guest are required");
    if (!*j.prefix)
        return cli_usage_error("extract vm", "--prefix must not be empty");
    size_t len;
    char *buf = vm_cli_slurp("extract vm", guest, &len);
    if (!buf)
        return CLI_USAGE;
    int st = vm_cli_join_write(&j, buf, len, guest);
    free(buf);
    return st;
}
