/*
 * A configurable test plugin. Compiled by the tests once per behaviour, selected with -D:
 *   (none)          good: component "count" returns the num_atoms metric + offset parameter
 *   FUTURE_MAJOR    declares ABI 2.0
 *   FUTURE_MINOR    declares ABI 1.9 (newer minor than the host)
 *   NO_ENTRY        exports no entry symbol
 *   REFUSE_HOST     entry returns NULL
 *   CREATE_FAILS    create() reports an error
 *   COMPUTE_FAILS   compute() reports an error
 *   NAN_OUTPUT      compute() writes NaN for structure 1
 *   WRONG_COUNT     compute() reports one reward fewer than asked
 *   STRIDE_GROWTH   descriptors built with a larger (future) struct_size
 *   INF_OUTPUT      compute() writes -inf for structure 2
 *   NAN_ALLOWED     the component declares CRL_COMPONENT_OUTPUT_MAY_BE_NAN
 *   METRICS_FROM_CONFIG  the component declares CRL_COMPONENT_METRICS_FROM_CONFIG and no
 *                   required metrics of its own (configure required_metrics: [num_atoms])
 *   OVERRUN         compute() writes 8 rewards past the end of the output buffer
 *   UNTERMINATED_ERROR  compute() fills the whole error buffer without a NUL and fails
 *   CLOSE_STDIO     compute() closes its stdout and stderr, then scores normally
 *   PRINTS          create() and compute() print to stdout and stderr, then score normally
 *   SLOW            compute() sleeps "sleep_ms" (from the config) before scoring
 *   OVERSIZED_STRUCT / ZERO_STRUCT  the component descriptor's struct_size is 0x7fffffff / 0
 *   HUGE_COUNT      num_components is 1000000
 *   NULL_NAME       the component's name is NULL
 * Only in a worker process (they would take the host down or leave processes behind):
 *   CRASH           compute() dereferences NULL
 *   ABORT           compute() calls abort()
 *   EXIT3           compute() calls exit(3)
 *   HANG            compute() never returns
 *   MEMORY_BOMB     compute() allocates and touches 8 MB blocks until malloc fails (at most
 *                   4 GB), then reports CRL_OUT_OF_MEMORY
 *   ENTRY_CRASH     the entry point dereferences NULL
 *   CREATE_CRASH / CREATE_HANG  create() dereferences NULL / never returns
 *   FORK_HANG       compute() forks a child that never exits, then scores normally
 *   BACKGROUND      compute() runs system("sleep 15 &"), then scores normally
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crystalrl_plugin.h"

typedef struct state {
    double offset;
    double sleep_ms;
} state;

/* Reads "key": <number> from the flat JSON object the host passes; 0 when absent. */
static double number(const char *config, const char *key) {
    double value = 0;
    const char *at = strstr(config, key);
    if (at) sscanf(strchr(at, ':') + 1, "%lf", &value);
    return value;
}

static state the_state;

static crl_status create(const crl_host_api *host, const char *config, void **instance,
                         char *error, size_t error_size) {
#ifdef CREATE_FAILS
    (void)config;
    (void)instance;
    snprintf(error, error_size, "the test plugin refuses to start");
    return CRL_INVALID_ARGUMENT;
#else
    (void)error;
    (void)error_size;
#ifdef CREATE_CRASH
    volatile int *nowhere = NULL;
    *nowhere = 1;
#endif
#ifdef CREATE_HANG
    for (;;) {
    }
#endif
#ifdef PRINTS
    printf("hello from create\n");
#endif
    the_state.offset = number(config, "\"offset\"");
    the_state.sleep_ms = number(config, "\"sleep_ms\"");
    host->log(host->host_context, CRL_LOG_INFO, "test plugin created");
    *instance = &the_state;
    return CRL_OK;
#endif
}

static crl_status compute(void *instance, const crl_batch *batch, crl_output *output,
                          char *error, size_t error_size) {
    const state *s = instance;
#ifdef CRASH
    volatile int *nowhere = NULL;
    *nowhere = 1;
#endif
#ifdef ABORT
    abort();
#endif
#ifdef EXIT3
    exit(3);
#endif
#ifdef FORK_HANG
    if (fork() == 0) {
        for (;;) pause();
    }
#endif
#ifdef BACKGROUND
    if (system("sleep 15 &") != 0) return CRL_ERROR;
#endif
#ifdef HANG
    for (;;) {
    }
#endif
#ifdef MEMORY_BOMB
    size_t allocated = 0;
    for (; allocated < 4096; allocated += 8) {
        char *block = malloc(8u << 20);
        if (block == NULL) break;
        memset(block, 1, 8u << 20);
    }
    snprintf(error, error_size, "malloc failed after %zu MB", allocated);
    return CRL_OUT_OF_MEMORY;
#endif
#ifdef UNTERMINATED_ERROR
    memset(error, 'x', error_size);
    return CRL_ERROR;
#endif
#ifdef CLOSE_STDIO
    close(1);
    close(2);
#endif
#ifdef PRINTS
    printf("hello from compute\n");
    fprintf(stderr, "complaint from compute\n");
    fflush(stdout);
#endif
#ifdef SLOW
    usleep((useconds_t)(s->sleep_ms * 1000));
#endif
#ifdef COMPUTE_FAILS
    snprintf(error, error_size, "structure 0 is not to my liking");
    return CRL_ERROR;
#else
    (void)error;
    (void)error_size;
#endif
    if (batch->num_metrics != 1 || strcmp(batch->metrics[0]->name, "num_atoms") != 0) {
        snprintf(error, error_size, "expected the num_atoms metric");
        return CRL_INVALID_ARGUMENT;
    }
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        uint64_t atoms = batch->atom_offsets[i + 1] - batch->atom_offsets[i];
        if ((double)atoms != batch->metrics[0]->values[i]) {
            snprintf(error, error_size, "metric and offsets disagree");
            return CRL_ERROR;
        }
        output->rewards[i] = batch->metrics[0]->values[i] + s->offset;
    }
    output->count = batch->num_structures;
#ifdef NAN_OUTPUT
    output->rewards[1] = NAN;
#endif
#ifdef INF_OUTPUT
    output->rewards[2] = -INFINITY;
#endif
#ifdef WRONG_COUNT
    output->count = batch->num_structures - 1;
#endif
#ifdef OVERRUN
    for (uint64_t i = 0; i < batch->num_structures + 8; i++) output->rewards[i] = 1.0;
#endif
    return CRL_OK;
}

static void destroy(void *instance) { (void)instance; }

static const char *const metrics[] = {"num_atoms", NULL};

#ifdef STRIDE_GROWTH
/* A future header appended a field to each descriptor. */
typedef struct grown_param {
    crl_param_desc base;
    double added_later;
} grown_param;
typedef struct grown_component {
    crl_component_desc base;
    void *added_later;
} grown_component;
static const grown_param params[] = {
    {{sizeof(grown_param), CRL_PARAM_NUMBER, "offset", "added to every reward", "0"}, 1.0},
    {{sizeof(grown_param), CRL_PARAM_STRING, "label", "unused", "\"x\""}, 2.0},
};
static const grown_component components[] = {
    {{sizeof(grown_component), 0, "count", "atoms per structure", 2, &params[0].base, metrics,
      create, compute, destroy}, NULL},
    {{sizeof(grown_component), 0, "second", "another component", 0, NULL, metrics, create,
      compute, destroy}, NULL},
};
#define COMPONENTS (&components[0].base)
#define NUM_COMPONENTS 2
#else
#if defined(OVERSIZED_STRUCT)
#define COMPONENT_SIZE 0x7fffffff
#elif defined(ZERO_STRUCT)
#define COMPONENT_SIZE 0
#else
#define COMPONENT_SIZE sizeof(crl_component_desc)
#endif
#ifdef NAN_ALLOWED
#define FLAGS CRL_COMPONENT_OUTPUT_MAY_BE_NAN
#elif defined(METRICS_FROM_CONFIG)
#define FLAGS CRL_COMPONENT_METRICS_FROM_CONFIG
#else
#define FLAGS 0
#endif
#ifdef METRICS_FROM_CONFIG
#define REQUIRED_METRICS NULL
#else
#define REQUIRED_METRICS metrics
#endif
#ifdef NULL_NAME
#define COMPONENT_NAME NULL
#else
#define COMPONENT_NAME "count"
#endif
static const crl_param_desc params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "offset", "added to every reward", "0"},
};
static const crl_component_desc components[] = {
    {COMPONENT_SIZE, FLAGS, COMPONENT_NAME, "atoms per structure", 1, params, REQUIRED_METRICS,
     create, compute, destroy},
};
#define COMPONENTS components
#ifdef HUGE_COUNT
#define NUM_COMPONENTS 1000000
#else
#define NUM_COMPONENTS 1
#endif
#endif

#if defined(FUTURE_MAJOR)
#define DECLARED_VERSION CRL_MAKE_VERSION(2, 0)
#elif defined(FUTURE_MINOR)
#define DECLARED_VERSION CRL_MAKE_VERSION(1, 9)
#else
#define DECLARED_VERSION CRL_ABI_VERSION
#endif

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), DECLARED_VERSION, "test", "0.1", "test plugin",
    NUM_COMPONENTS, COMPONENTS,
};

#ifndef NO_ENTRY
CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
#if defined(REFUSE_HOST)
    (void)host;
    return NULL;
#elif defined(ENTRY_CRASH)
    volatile int *nowhere = NULL;
    (void)host;
    *nowhere = 1;
    return &plugin;
#else
    return host->abi_version >> 16 == 1 ? &plugin : NULL;
#endif
}
#else
CRL_EXPORT int some_other_symbol(void) { return 0; }
#endif
