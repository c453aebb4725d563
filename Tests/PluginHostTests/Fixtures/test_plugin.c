/*
 * A configurable test plugin. Compiled by the tests once per behaviour, selected with -D:
 *   (none)          good: component "count" returns the num_atoms metric + offset parameter
 *   FUTURE_MAJOR    declares ABI 2.0
 *   FUTURE_MINOR    declares ABI 1.99 (newer minor than the host)
 *   NO_ENTRY        exports no entry symbol
 *   REFUSE_HOST     entry returns NULL
 *   CREATE_FAILS    create() reports an error
 *   COMPUTE_FAILS   compute() reports an error
 *   NAN_OUTPUT      compute() writes NaN for structure 1
 *   WRONG_COUNT     compute() reports one reward fewer than asked
 *   STRIDE_GROWTH   descriptors built with a larger (future) struct_size
 *   CRASH           compute() dereferences NULL (run it only in a worker process)
 *   HANG            compute() never returns (run it only in a worker process)
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "crystalrl_plugin.h"

typedef struct state {
    double offset;
} state;

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
    const char *at = strstr(config, "\"offset\"");
    the_state.offset = 0;
    if (at) sscanf(strchr(at, ':') + 1, "%lf", &the_state.offset);
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
#ifdef HANG
    for (;;) {
    }
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
#ifdef WRONG_COUNT
    output->count = batch->num_structures - 1;
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
static const crl_param_desc params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "offset", "added to every reward", "0"},
};
static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "count", "atoms per structure", 1, params, metrics, create,
     compute, destroy},
};
#define COMPONENTS components
#define NUM_COMPONENTS 1
#endif

#if defined(FUTURE_MAJOR)
#define DECLARED_VERSION CRL_MAKE_VERSION(2, 0)
#elif defined(FUTURE_MINOR)
#define DECLARED_VERSION CRL_MAKE_VERSION(1, 99)
#else
#define DECLARED_VERSION CRL_ABI_VERSION
#endif

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), DECLARED_VERSION, "test", "0.1", "test plugin",
    NUM_COMPONENTS, COMPONENTS,
};

#ifndef NO_ENTRY
CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
#ifdef REFUSE_HOST
    (void)host;
    return NULL;
#else
    return host->abi_version >> 16 == 1 ? &plugin : NULL;
#endif
}
#else
CRL_EXPORT int some_other_symbol(void) { return 0; }
#endif
