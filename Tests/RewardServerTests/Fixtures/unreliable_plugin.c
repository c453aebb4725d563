/*
 * Test plugin for the reward server: two components scoring atoms per structure.
 *   "flaky"  crashes (dereferences NULL) on every third batch, counted across worker restarts
 *            in the file named by $CRYSTALRL_FLAKY_COUNTER; run it with isolation: process.
 *   "slow"   sleeps "sleep_ms" (from its config) before scoring.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crystalrl_plugin.h"

typedef struct state {
    double sleep_ms;
} state;

static crl_status create(const crl_host_api *host, const char *config, void **instance,
                         char *error, size_t error_size) {
    (void)host;
    state *s = calloc(1, sizeof(state));
    if (!s) {
        snprintf(error, error_size, "out of memory");
        return CRL_OUT_OF_MEMORY;
    }
    const char *at = strstr(config, "\"sleep_ms\"");
    if (at) sscanf(strchr(at, ':') + 1, "%lf", &s->sleep_ms);
    *instance = s;
    return CRL_OK;
}

static void destroy(void *instance) { free(instance); }

static void atoms(const crl_batch *batch, crl_output *output) {
    for (uint64_t i = 0; i < batch->num_structures; i++)
        output->rewards[i] = (double)(batch->atom_offsets[i + 1] - batch->atom_offsets[i]);
    output->count = batch->num_structures;
}

/* The number of batches so far, this one included, kept in $CRYSTALRL_FLAKY_COUNTER. */
static long next_batch(void) {
    const char *path = getenv("CRYSTALRL_FLAKY_COUNTER");
    long count = 0;
    FILE *file = path ? fopen(path, "r") : NULL;
    if (file) {
        if (fscanf(file, "%ld", &count) != 1) count = 0;
        fclose(file);
    }
    count += 1;
    file = path ? fopen(path, "w") : NULL;
    if (file) {
        fprintf(file, "%ld\n", count);
        fclose(file);
    }
    return count;
}

static crl_status compute_flaky(void *instance, const crl_batch *batch, crl_output *output,
                                char *error, size_t error_size) {
    (void)instance;
    (void)error;
    (void)error_size;
    if (next_batch() % 3 == 0) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
    atoms(batch, output);
    return CRL_OK;
}

static crl_status compute_slow(void *instance, const crl_batch *batch, crl_output *output,
                               char *error, size_t error_size) {
    (void)error;
    (void)error_size;
    usleep((useconds_t)(((state *)instance)->sleep_ms * 1000));
    atoms(batch, output);
    return CRL_OK;
}

static const crl_param_desc params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "sleep_ms", "milliseconds to sleep per batch",
     "0"},
};
static const char *const no_metrics[] = {NULL};
static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "flaky", "atoms; crashes on every third batch", 0, NULL,
     no_metrics, create, compute_flaky, destroy},
    {sizeof(crl_component_desc), 0, "slow", "atoms, after sleep_ms", 1, params, no_metrics,
     create, compute_slow, destroy},
};
static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), CRL_ABI_VERSION, "unreliable", "0.1", "server test plugin",
    2, components,
};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    return host->abi_version >> 16 == 1 ? &plugin : NULL;
}
