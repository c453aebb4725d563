/*
 * crystalrl_plugin.h — the CrystalRL plugin ABI, version 1.1.
 *
 * This is the only file a plugin author needs. It is plain C99 with no
 * dependencies beyond <stddef.h> and <stdint.h>.
 *
 * Build a plugin with one line:
 *
 *     cc -shared -fPIC -I<dir holding this header> my_reward.c -o libmy_reward.so
 *
 * ---------------------------------------------------------------------------
 * 1. Entry point and version handshake
 * ---------------------------------------------------------------------------
 * A plugin exports exactly one symbol, CRL_ENTRY_SYMBOL
 * ("crystalrl_plugin_entry"), of type crl_entry_fn. Everything else is reached
 * through the descriptor tables it returns, so a plugin may hide every other
 * symbol (-fvisibility=hidden).
 *
 * The host calls the entry point once, right after dlopen, passing its
 * crl_host_api (which names the ABI version the host speaks). The plugin
 * returns a pointer to its crl_plugin_desc, whose abi_version names the ABI
 * version the plugin was built against (always write CRL_ABI_VERSION there).
 * The plugin may return NULL to refuse a host it cannot work with.
 *
 * Compatibility rules (checked by the host):
 *   - the major versions must be equal;
 *   - the plugin's minor version must be <= the host's minor version.
 * A plugin built against an older minor keeps working on newer hosts: every
 * struct below starts with struct_size and only ever grows at its end; the
 * host reads a field only when struct_size says the plugin's struct has it.
 * A plugin reading host structs (crl_host_api, crl_batch, crl_output) must do
 * the same: check struct_size before touching fields added after 1.0, e.g.
 *
 *     if (CRL_HAS_FIELD(host, crl_host_api, log) && host->log != NULL) ...
 *
 * (CRL_HAS_FIELD is defined below).
 *
 * ---------------------------------------------------------------------------
 * 2. Ownership
 * ---------------------------------------------------------------------------
 *   - The plugin owns its descriptors (crl_plugin_desc, crl_component_desc,
 *     crl_provider_desc, crl_param_desc and every string they point to). They
 *     must stay valid and unchanged until the library is unloaded; static
 *     storage is the norm.
 *   - The host never calls dlclose(): a library, once loaded, stays loaded
 *     until the process exits (an isolated plugin's worker process exits
 *     instead), so its code and static data outlive every instance. Loading
 *     the same file again calls the entry point again, with a new
 *     crl_host_api; a crl_host_api pointer is valid while the entry point or
 *     create() it was passed to runs and while any instance created with it
 *     exists.
 *   - The plugin owns each instance it creates; the host releases it with the
 *     component's (or provider's) destroy() exactly once.
 *   - The host owns every crl_batch, every array it points to, the
 *     crl_output and its reward buffer, and every error buffer. They are valid
 *     only for the duration of the call they are passed to: a plugin must not
 *     keep pointers into them, and must not write to the batch.
 *   - Strings passed to a plugin are UTF-8 and NUL-terminated.
 *
 * ---------------------------------------------------------------------------
 * 3. Errors
 * ---------------------------------------------------------------------------
 * Functions that can fail return a crl_status and write a NUL-terminated,
 * human-readable message into the host-provided error buffer (at most
 * error_size bytes, terminator included). The error buffer is never NULL and
 * error_size is always >= 1 (1024 today); the host hands it over zero-filled
 * and terminates it at its last byte after the call, so a message cut short
 * or left unterminated is read safely, and a failure with an empty message
 * is reported as "(no message)". Nothing may abort the host: no
 * exit(), abort() or assert() on bad input, and no C++ exception, Rust panic
 * or Swift error may unwind through any function of this ABI.
 *
 * ---------------------------------------------------------------------------
 * 4. Threads
 * ---------------------------------------------------------------------------
 *   - The entry point and create() may be called from any thread, never
 *     concurrently for the same library.
 *   - compute() is never called concurrently for the same instance; separate
 *     instances may be computed concurrently from different threads.
 *   - destroy() obeys the same rules: it may be called from any thread, exactly
 *     once per instance, never concurrently with compute() of that instance;
 *     other instances may be computing on other threads meanwhile.
 *   - crl_host_api functions may be called from any thread, but only while a
 *     call from the host into the plugin is in progress.
 *
 * ---------------------------------------------------------------------------
 * 5. Batches
 * ---------------------------------------------------------------------------
 * A batch is a structure-of-arrays of flat, contiguous buffers plus offsets,
 * so it can be handed over without copies and placed in shared memory for an
 * out-of-process worker. A plugin never calls back into the host to read its
 * input: everything it asked for (its required metrics) is in the batch.
 *
 * ---------------------------------------------------------------------------
 * 6. Reward components and metric providers
 * ---------------------------------------------------------------------------
 * A library exports reward components (crl_component_desc, since 1.0: one
 * reward per structure) and, since 1.1, metric providers (crl_provider_desc:
 * `width` values per structure under a metric name, e.g. energy_per_atom). A
 * provider's values reach every component that requires its metric, computed
 * once per batch; a provider may itself require metrics. Both have the same
 * life cycle (create from JSON -> compute -> destroy) and the same rules.
 *
 * The host checks every result, a component's as a provider's, and refuses
 * the batch (an error naming the component or provider) when:
 *   - output->count is not the number of values expected: num_structures for
 *     a component, num_structures * width for a provider;
 *   - any value is +inf or -inf (always refused);
 *   - any value is NaN, unless the descriptor sets
 *     CRL_COMPONENT_OUTPUT_MAY_BE_NAN (CRL_PROVIDER_OUTPUT_MAY_BE_NAN).
 * The host pre-fills the output with NaN and watches the slots just past
 * capacity: a plugin writing beyond capacity is an error too.
 *
 * ---------------------------------------------------------------------------
 * 7. Changes since 1.0 (all append-only; 1.0 binaries load unchanged)
 * ---------------------------------------------------------------------------
 *   - crl_provider_desc and the CRL_PROVIDER_* flags;
 *   - crl_plugin_desc.num_providers and .providers, appended; a 1.1 plugin may
 *     export providers only (num_components 0);
 *   - the typedefs crl_create_fn, crl_compute_fn and crl_destroy_fn name the
 *     function types crl_component_desc always had (its layout is unchanged);
 *   - the parameter type CRL_PARAM_OBJECT (a JSON object, e.g. a map of
 *     constants), a new enumerator with a new value: a host that predates it
 *     reads it as an unknown type and accepts any value for the parameter;
 *   - the component flag CRL_COMPONENT_METRICS_FROM_CONFIG: the component
 *     takes its required metrics from the host key `required_metrics` of its
 *     config entry (a list of metric names), in that order, instead of from
 *     its descriptor's required_metrics (leave that NULL). The batch's
 *     crl_metric entries carry each metric's name and width, so such a
 *     component reads what it was given from the batch. A host that predates
 *     the flag ignores it and passes no metrics (num_metrics 0).
 */
#ifndef CRYSTALRL_PLUGIN_H
#define CRYSTALRL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: major.minor packed into 32 bits. */
#define CRL_MAKE_VERSION(major, minor) ((uint32_t)(((uint32_t)(major) << 16) | (uint32_t)(minor)))
#define CRL_VERSION_MAJOR(version) ((uint32_t)(version) >> 16)
#define CRL_VERSION_MINOR(version) ((uint32_t)(version) & 0xFFFFu)

#define CRL_ABI_VERSION_MAJOR 1
#define CRL_ABI_VERSION_MINOR 1
#define CRL_ABI_VERSION CRL_MAKE_VERSION(CRL_ABI_VERSION_MAJOR, CRL_ABI_VERSION_MINOR)

/* The one symbol a plugin exports. */
#define CRL_ENTRY_SYMBOL "crystalrl_plugin_entry"

/* Non-zero when the struct at ptr (a crl_host_api, crl_batch, crl_output,
 * ... with its struct_size) is large enough to hold `field` of `type`: the
 * check section 1 asks for before reading a field added after 1.0. ptr must
 * not be NULL. */
#define CRL_HAS_FIELD(ptr, type, field) \
    (offsetof(type, field) + sizeof(((const type *)0)->field) <= (size_t)(ptr)->struct_size)

/* Put CRL_EXPORT in front of the entry point's definition. */
#if defined(_WIN32)
#define CRL_EXPORT __declspec(dllexport)
#else
#define CRL_EXPORT __attribute__((visibility("default")))
#endif

/* Result of every fallible call. */
typedef enum crl_status {
    CRL_OK = 0,
    CRL_ERROR = 1,            /* generic failure, see the message */
    CRL_INVALID_ARGUMENT = 2, /* bad configuration or batch */
    CRL_OUT_OF_MEMORY = 3
} crl_status;

/* Severity of a log message sent to the host. */
typedef enum crl_log_level {
    CRL_LOG_DEBUG = 0,
    CRL_LOG_INFO = 1,
    CRL_LOG_WARNING = 2,
    CRL_LOG_ERROR = 3
} crl_log_level;

/* Services the host offers a plugin. Passed to the entry point and create();
 * valid while any instance created with it exists (see section 2). */
typedef struct crl_host_api {
    uint32_t struct_size;  /* sizeof(crl_host_api) as the host built it */
    uint32_t abi_version;  /* CRL_ABI_VERSION the host speaks */
    void *host_context;    /* opaque; pass back to the functions below */
    /* Log one message (UTF-8, NUL-terminated) at the given crl_log_level. */
    void (*log)(void *host_context, int32_t level, const char *message);
} crl_host_api;

/* One named metric column of a batch: `width` values per structure, structure
 * i's values at values[i * width .. i * width + width - 1]. Scalar metrics
 * (unique, novel, e_above_hull, density, ...) have width 1; feature vectors
 * have width = feature dimension. Booleans are 0.0 / 1.0. NaN means "not
 * available" for that structure. */
typedef struct crl_metric {
    uint32_t struct_size;
    uint32_t reserved;  /* zero */
    const char *name;
    uint64_t width;
    const double *values;  /* num_structures * width values */
} crl_metric;

/* A batch of crystal structures, structure-of-arrays.
 * Structure i has atoms atom_offsets[i] .. atom_offsets[i + 1] - 1. */
typedef struct crl_batch {
    uint32_t struct_size;
    uint32_t reserved;  /* zero */
    uint64_t num_structures;
    uint64_t num_atoms;             /* total over the batch == atom_offsets[num_structures] */
    const uint64_t *atom_offsets;   /* num_structures + 1 entries, atom_offsets[0] == 0 */
    const int32_t *atomic_numbers;  /* num_atoms entries (1 = H ... 103 = Lr) */
    const double *frac_coords;      /* num_atoms * 3, fractional coordinates per atom */
    const double *lattices;         /* num_structures * 9, row-major 3x3 per structure:
                                       rows are the lattice vectors a, b, c in Angstrom */
    uint64_t num_metrics;
    /* num_metrics pointers, in the order of the component's (or provider's)
     * required_metrics (or of the configured list, for a component with
     * CRL_COMPONENT_METRICS_FROM_CONFIG). */
    const crl_metric *const *metrics;
} crl_batch;

/* Where compute() writes its result. For a reward component, one reward per
 * structure; for a metric provider (1.1), `width` values per structure, row
 * after row (structure i's at rewards[i * width ..]). */
typedef struct crl_output {
    uint32_t struct_size;
    uint32_t reserved;  /* zero */
    double *rewards;    /* capacity entries, owned by the host */
    uint64_t capacity;  /* == batch->num_structures (x width for a provider) */
    uint64_t count;     /* set by the plugin: how many values it wrote */
} crl_output;

/* Type of a parameter, for documentation and validation. */
typedef enum crl_param_type {
    CRL_PARAM_NUMBER = 0,
    CRL_PARAM_INTEGER = 1,
    CRL_PARAM_BOOL = 2,
    CRL_PARAM_STRING = 3,
    CRL_PARAM_OBJECT = 4 /* a JSON object; hosts that predate this type accept any value */
} crl_param_type;

/* One parameter a component or provider accepts in its configuration. */
typedef struct crl_param_desc {
    uint32_t struct_size;
    int32_t type;              /* crl_param_type */
    const char *name;
    const char *description;
    const char *default_json;  /* default as JSON text, or NULL when required */
} crl_param_desc;

/* Component flags. */
#define CRL_COMPONENT_OUTPUT_MAY_BE_NAN 0x1u /* NaN rewards are meaningful; do not reject */
/* (1.1) The metrics come from the config entry's host key `required_metrics`,
 * in that order, not from required_metrics below; see section 7. */
#define CRL_COMPONENT_METRICS_FROM_CONFIG 0x2u

/* Create an instance from its configuration, a JSON object holding its own
 * parameters (host keys such as weight, normalize_fn, isolation are removed).
 * On success store the instance in *instance. */
typedef crl_status (*crl_create_fn)(const crl_host_api *host, const char *config_json,
                                    void **instance, char *error, size_t error_size);
/* Compute a batch into output (see crl_output) and set output->count. */
typedef crl_status (*crl_compute_fn)(void *instance, const crl_batch *batch, crl_output *output,
                                     char *error, size_t error_size);
/* Release an instance. */
typedef void (*crl_destroy_fn)(void *instance);

/* One reward component. A library may export several. The host checks every
 * result as it does a provider's (section 6): exactly num_structures values,
 * never an infinity, and NaN only with CRL_COMPONENT_OUTPUT_MAY_BE_NAN. */
typedef struct crl_component_desc {
    uint32_t struct_size;
    uint32_t flags;  /* CRL_COMPONENT_* */
    const char *name;
    const char *description;
    /* Parameters, an array of num_params descriptors. The host walks it with a
     * stride of params[0].struct_size, so the descriptor may grow. */
    uint32_t num_params;
    const crl_param_desc *params;
    /* Metric names the component needs, NULL-terminated (NULL when none).
     * Ignored with CRL_COMPONENT_METRICS_FROM_CONFIG. */
    const char *const *required_metrics;

    /* Create an instance from its configuration (see crl_create_fn). */
    crl_create_fn create;
    /* Score a batch: write one reward per structure into output->rewards and
     * set output->count. */
    crl_compute_fn compute;
    crl_destroy_fn destroy;
} crl_component_desc;

/* Provider flags (1.1). */
#define CRL_PROVIDER_OUTPUT_MAY_BE_NAN 0x1u /* NaN means "not available"; do not reject */

/* One metric provider (1.1). A library may export several. The host checks
 * every result: exactly num_structures * width values, never an infinity, and
 * NaN only with CRL_PROVIDER_OUTPUT_MAY_BE_NAN. */
typedef struct crl_provider_desc {
    uint32_t struct_size;
    uint32_t flags;  /* CRL_PROVIDER_* */
    /* The metric's name, as components require it (e.g. "energy_per_atom"). */
    const char *name;
    const char *description;
    uint64_t width;  /* values per structure: 1 for a scalar, d for a d-vector */
    /* Parameters, walked like a component's. */
    uint32_t num_params;
    const crl_param_desc *params;
    /* Metric names the provider needs in turn, NULL-terminated (NULL when none);
     * the batch carries them in this order. A cycle is a configuration error. */
    const char *const *required_metrics;
    crl_create_fn create;
    /* Write width values per structure into output->rewards and set
     * output->count (num_structures * width). */
    crl_compute_fn compute;
    crl_destroy_fn destroy;
} crl_provider_desc;

/* What the entry point returns. */
typedef struct crl_plugin_desc {
    uint32_t struct_size;
    uint32_t abi_version;  /* always CRL_ABI_VERSION */
    const char *name;
    const char *version;      /* the plugin's own version, free text */
    const char *description;
    /* Components, an array walked with a stride of components[0].struct_size.
     * At least one in a 1.0 plugin; a 1.1 plugin may have none if it has
     * providers. */
    uint32_t num_components;
    const crl_component_desc *components;
    /* 1.1: metric providers, walked with a stride of providers[0].struct_size
     * (num_providers 0 and providers NULL when none). The host reads these
     * fields only from a plugin declaring 1.1 or later. */
    uint32_t num_providers;
    const crl_provider_desc *providers;
} crl_plugin_desc;

/* Signature of the entry point. */
typedef const crl_plugin_desc *(*crl_entry_fn)(const crl_host_api *host);

#ifdef __cplusplus
}
#endif

#endif /* CRYSTALRL_PLUGIN_H */
