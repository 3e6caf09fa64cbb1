/*
 * seL4 Microkit system descriptions (SDF, `*.system`): the parsed form and
 * the entry points of the SDF extractor (MODEL.md §7, docs/sdf.md).
 *
 * Three layers, each in its own files:
 *   sdf_parse_xml.c       expat -> a small element tree with line:column
 *   sdf_parse*.c          element tree -> sdf_system, validated the way the
 *                         Microkit tool validates (first error wins)
 *   sdf_model.c           sdf_system -> an OSmosis model state (osm_store)
 * The parser never touches the file system: prefill files are measured
 * through a callback, so the fuzzer can drive it from a buffer.
 *
 * Everything a parse allocates lives in one arena freed by sdf_system_free.
 */
#ifndef OSM_SDF_H
#define OSM_SDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <osmosis/osmosis.h>

/* Hard limits so that hostile input is refused before it costs much. */
#define SDF_MAX_INPUT (64u << 20)   /* bytes */
#define SDF_MAX_DEPTH 128u          /* element nesting */
#define SDF_MAX_ELEMS (1u << 20)    /* elements in one document */

typedef enum sdf_arch { SDF_AARCH64, SDF_RISCV64, SDF_X86_64 } sdf_arch;

/* The kernel configuration the SDF is checked against (the fields of the
 * Microkit tool's Config that its SDF parser reads). */
typedef struct sdf_config {
    sdf_arch arch;
    unsigned num_cores;
    bool hypervisor, iommu;
    int arm_smc;                /* -1 = not available, 0 = off, 1 = on */
    uint64_t vspace_user_top;   /* inclusive */
    unsigned num_domains, num_domain_schedules;
    unsigned max_pds;           /* 63 in Microkit */
    /* Size of prefill file `path`: >= 0, -1 not found, -2 unreadable or
     * refused (the reason in why[whysz], NUL-terminated).  NULL: every
     * prefill file is "not found".  sdf_prefill.h has the real one. */
    int64_t (*prefill_size)(void *ctx, const char *path, char *why, size_t whysz);
    void *prefill_ctx;
} sdf_config;

/* The defaults of the Microkit test suite's DEFAULT_<ARCH>_KERNEL_CONFIG. */
void sdf_config_default(sdf_config *c, sdf_arch arch);
/* "aarch64" / "riscv64" / "x86_64" -> arch; -1 when unknown. */
int sdf_arch_parse(const char *s);

typedef struct sdf_loc { uint32_t line, col; } sdf_loc;

enum { SDF_R = 1, SDF_W = 2, SDF_X = 4 };

typedef struct sdf_map {
    const char *mr;
    uint64_t vaddr;
    uint8_t perms;              /* SDF_R | SDF_W | SDF_X */
    bool cached;
    const char *setvar_prefill_size;
    int mr_index;               /* resolved by validation */
    sdf_loc loc;
} sdf_map;

enum { SDF_IRQ_ARM, SDF_IRQ_IOAPIC, SDF_IRQ_MSI };

typedef struct sdf_irq {
    int64_t id;
    int kind;                   /* SDF_IRQ_* */
    uint64_t number;            /* ARM irq, or the x86 vector */
    bool edge;
    sdf_loc loc;
} sdf_irq;

typedef struct sdf_ioport {
    int64_t id;
    uint64_t addr;
    int64_t size;
    sdf_loc loc;
} sdf_ioport;

enum { SDF_CAP_TCB, SDF_CAP_SC, SDF_CAP_VSPACE };

typedef struct sdf_cap {
    int type;                   /* SDF_CAP_* */
    uint64_t slot;
    const char *pd;
    int pd_index;               /* resolved by validation */
    sdf_loc loc;
} sdf_cap;

typedef struct sdf_setvar {
    const char *symbol, *region_paddr;
    sdf_loc loc;
} sdf_setvar;

typedef struct sdf_vcpu { uint64_t id, cpu; } sdf_vcpu;

typedef struct sdf_vm {
    const char *name;
    uint64_t priority, budget, period;
    sdf_vcpu *vcpus;
    size_t n_vcpus;
    sdf_map *maps;
    size_t n_maps;
    sdf_loc loc;
} sdf_vm;

typedef struct sdf_pd {
    const char *name;
    uint64_t priority, budget, period, stack_size, cpu;
    bool passive, smc, fpu;
    const char *domain;
    int parent;                 /* index in sdf_system.pds, -1 = top level */
    bool has_id;
    uint64_t id;                /* child PDs: the id under the parent */
    const char *program_image;
    sdf_map *maps;
    size_t n_maps;
    sdf_irq *irqs;
    size_t n_irqs;
    sdf_ioport *ioports;
    size_t n_ioports;
    sdf_cap *caps;
    size_t n_caps;
    sdf_setvar *setvars;        /* <setvar> elements (region_paddr) */
    size_t n_setvars;
    const char **symbols;       /* every setvar symbol of this PD */
    size_t n_symbols;
    sdf_vm *vm;                 /* NULL when none */
    sdf_loc loc;
} sdf_pd;

typedef struct sdf_mr {
    const char *name;
    uint64_t size, page_size, phys_addr;
    bool page_size_given, has_phys;
    const char *prefill_path, *prefill_bootinfo;
    int64_t prefill_len;        /* -1 when no prefill file */
    bool iomapped, used;
    sdf_loc loc;
} sdf_mr;

typedef struct sdf_end {
    const char *pd_name;
    int pd;                     /* index in sdf_system.pds */
    int64_t id;
    bool pp, notify;
    sdf_loc loc;
} sdf_end;

typedef struct sdf_channel {
    sdf_end end[2];
    sdf_loc loc;
} sdf_channel;

typedef struct sdf_iomap {
    const char *mr;
    uint64_t iovaddr;
    uint8_t perms;
    int mr_index;
    sdf_loc loc;
} sdf_iomap;

typedef struct sdf_ioas {
    const char *name;
    uint64_t domain_id;
    unsigned bus, dev, fn;
    sdf_iomap *maps;
    size_t n_maps;
    sdf_loc loc;
} sdf_ioas;

typedef struct sdf_arena sdf_arena;

typedef struct sdf_system {
    sdf_arena *arena;
    const char *file;           /* the name used in messages */
    sdf_pd *pds;                /* depth-first, parents before children */
    size_t n_pds;
    sdf_mr *mrs;
    size_t n_mrs;
    sdf_channel *channels;
    size_t n_channels;
    sdf_ioas *ioas;
    size_t n_ioas;
    size_t n_domains;
    char **warnings;            /* "WARNING: unused memory region 'X'" */
    size_t n_warnings;
} sdf_system;

/* Parse and validate an SDF held in `buf`.  `file` names it in messages.
 * Returns 0 and fills `out`, or -1 with a malloc'ed message in *err (the
 * Microkit tool's wording, plus file:line:column where the tool gives
 * none).  Either way call sdf_system_free(out). */
int sdf_parse(const char *buf, size_t len, const char *file, const sdf_config *cfg,
              sdf_system *out, char **err);
void sdf_system_free(sdf_system *sys);

/* Options of the model builder. */
typedef struct sdf_model_opts {
    const char *image_dir;      /* where program images are looked for; NULL = none */
} sdf_model_opts;

/* Add the model state of `sys` to `s` (MODEL.md §7; docs/sdf.md).
 * 0, or -1 on ENOMEM. */
int sdf_model_build(const sdf_system *sys, const sdf_model_opts *o, osm_store *s);

#endif
