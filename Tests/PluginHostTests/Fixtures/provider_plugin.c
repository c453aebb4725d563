/*
 * A test plugin with metric providers (ABI 1.1) and a component that consumes one:
 *   provider  atoms_squared  width 1, requires num_atoms: scale * n^2 ("scale", default 1)
 *   provider  features       width 2, requires num_atoms and atoms_squared: [n, atoms_squared]
 *   component feature_sum    requires features: the sum of a structure's features
 * Variants, selected with -D:
 *   NAN_VALUES      atoms_squared writes NaN for structure 1
 *   NAN_ALLOWED     atoms_squared declares CRL_PROVIDER_OUTPUT_MAY_BE_NAN
 *   INF_VALUES      features writes +inf for structure 2's second value
 *   SHORT_COUNT     features reports one value fewer than it owes
 *   CYCLE           atoms_squared requires features (which requires atoms_squared)
 *   CRASH           features dereferences NULL (only in a worker process)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crystalrl_plugin.h"

/* Reads "scale": <number> from the flat JSON object the host passes; 1 when absent. */
static double scale_of(const char *config) {
    double value = 1;
    const char *at = strstr(config, "\"scale\"");
    if (at) sscanf(strchr(at, ':') + 1, "%lf", &value);
    return value;
}

static crl_status create(const crl_host_api *host, const char *config, void **instance,
                         char *error, size_t error_size) {
    (void)host;
    double *scale = malloc(sizeof *scale);
    if (scale == NULL) {
        snprintf(error, error_size, "out of memory");
        return CRL_OUT_OF_MEMORY;
    }
    *scale = scale_of(config);
    *instance = scale;
    return CRL_OK;
}

static void destroy(void *instance) { free(instance); }

/* The metric called `name` in the batch, or NULL. */
static const crl_metric *metric(const crl_batch *batch, const char *name) {
    for (uint64_t i = 0; i < batch->num_metrics; i++) {
        if (strcmp(batch->metrics[i]->name, name) == 0) return batch->metrics[i];
    }
    return NULL;
}

static crl_status squared(void *instance, const crl_batch *batch, crl_output *output, char *error,
                          size_t error_size) {
    const crl_metric *atoms = metric(batch, "num_atoms");
    if (atoms == NULL) {
        snprintf(error, error_size, "no num_atoms in the batch");
        return CRL_INVALID_ARGUMENT;
    }
    double scale = *(const double *)instance;
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        output->rewards[i] = scale * atoms->values[i] * atoms->values[i];
    }
#ifdef NAN_VALUES
    output->rewards[1] = NAN;
#endif
    output->count = batch->num_structures;
    return CRL_OK;
}

static crl_status features(void *instance, const crl_batch *batch, crl_output *output,
                           char *error, size_t error_size) {
    (void)instance;
#ifdef CRASH
    volatile int *nowhere = NULL;
    *nowhere = 1;
#endif
    const crl_metric *atoms = metric(batch, "num_atoms");
    const crl_metric *square = metric(batch, "atoms_squared");
    if (atoms == NULL || square == NULL || output->capacity != 2 * batch->num_structures) {
        snprintf(error, error_size, "expected num_atoms, atoms_squared and room for 2 per row");
        return CRL_INVALID_ARGUMENT;
    }
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        output->rewards[2 * i] = atoms->values[i];
        output->rewards[2 * i + 1] = square->values[i];
    }
#ifdef INF_VALUES
    output->rewards[5] = INFINITY;
#endif
    output->count = 2 * batch->num_structures;
#ifdef SHORT_COUNT
    output->count -= 1;
#endif
    return CRL_OK;
}

static crl_status feature_sum(void *instance, const crl_batch *batch, crl_output *output,
                              char *error, size_t error_size) {
    (void)instance;
    if (batch->num_metrics != 1 || batch->metrics[0]->width != 2) {
        snprintf(error, error_size, "expected the features metric, width 2");
        return CRL_INVALID_ARGUMENT;
    }
    const double *values = batch->metrics[0]->values;
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        output->rewards[i] = values[2 * i] + values[2 * i + 1];
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

static const crl_param_desc scale_param[] = {
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "scale", "factor on n^2", "1"},
};
#ifdef CYCLE
static const char *const squared_needs[] = {"num_atoms", "features", NULL};
#else
static const char *const squared_needs[] = {"num_atoms", NULL};
#endif
static const char *const features_needs[] = {"num_atoms", "atoms_squared", NULL};
static const char *const sum_needs[] = {"features", NULL};

#ifdef NAN_ALLOWED
#define SQUARED_FLAGS CRL_PROVIDER_OUTPUT_MAY_BE_NAN
#else
#define SQUARED_FLAGS 0
#endif

static const crl_provider_desc providers[] = {
    {sizeof(crl_provider_desc), SQUARED_FLAGS, "atoms_squared", "scale * atoms^2", 1, 1,
     scale_param, squared_needs, create, squared, destroy},
    {sizeof(crl_provider_desc), 0, "features", "[atoms, atoms_squared]", 2, 0, NULL,
     features_needs, create, features, destroy},
};

static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "feature_sum", "sum of the features", 0, NULL, sum_needs,
     create, feature_sum, destroy},
};

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), CRL_ABI_VERSION, "providers", "0.1", "provider test plugin",
    1, components, 2, providers,
};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    return host->abi_version >> 16 == 1 ? &plugin : NULL;
}
