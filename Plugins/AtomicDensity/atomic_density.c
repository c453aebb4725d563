/*
 * Atomic-density reward plugin: Chemeleon2's CustomReward example.
 *
 *   atomic_density  reward = N / V        (atoms per cubic Angstrom)
 *   target_density  reward = -|N / V - target_density|
 *
 * Build out of tree with one line:
 *   cc -shared -fPIC -I<include dir> atomic_density.c -o libatomic_density.so
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crystalrl_plugin.h"

/* Volume of the cell whose rows are the lattice vectors: |det(L)|. */
static double cell_volume(const double *m) {
    double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                 m[2] * (m[3] * m[7] - m[4] * m[6]);
    return fabs(det);
}

/* Writes N/V per structure; fails on a degenerate cell. */
static crl_status densities(const crl_batch *batch, crl_output *output, char *error,
                            size_t error_size) {
    if (output->capacity < batch->num_structures) {
        snprintf(error, error_size, "output buffer holds %llu rewards, batch has %llu structures",
                 (unsigned long long)output->capacity, (unsigned long long)batch->num_structures);
        return CRL_INVALID_ARGUMENT;
    }
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        double volume = cell_volume(batch->lattices + 9 * i);
        if (!(volume > 0.0)) {
            snprintf(error, error_size, "structure %llu has a degenerate cell (volume %g)",
                     (unsigned long long)i, volume);
            return CRL_INVALID_ARGUMENT;
        }
        double atoms = (double)(batch->atom_offsets[i + 1] - batch->atom_offsets[i]);
        output->rewards[i] = atoms / volume;
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

/* ---- atomic_density: no parameters, no state ---- */

static int no_state;

static crl_status density_create(const crl_host_api *host, const char *config_json,
                                 void **instance, char *error, size_t error_size) {
    (void)host;
    (void)config_json;
    (void)error;
    (void)error_size;
    *instance = &no_state;
    return CRL_OK;
}

static crl_status density_compute(void *instance, const crl_batch *batch, crl_output *output,
                                  char *error, size_t error_size) {
    (void)instance;
    return densities(batch, output, error, error_size);
}

static void density_destroy(void *instance) { (void)instance; }

/* ---- target_density: one parameter ---- */

typedef struct target_density {
    double target;
} target_density;

/* Reads "target_density": <number> from the flat JSON object the host passes. */
static int read_number(const char *json, const char *key, double *value) {
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    const char *at = strstr(json, quoted);
    if (at == NULL) return 0;
    at = strchr(at + strlen(quoted), ':');
    if (at == NULL) return 0;
    char *end = NULL;
    *value = strtod(at + 1, &end);
    return end != at + 1;
}

static crl_status target_create(const crl_host_api *host, const char *config_json,
                                void **instance, char *error, size_t error_size) {
    double target = 0.0;
    if (!read_number(config_json, "target_density", &target) || !isfinite(target)) {
        snprintf(error, error_size, "target_density must be a finite number (config: %s)",
                 config_json);
        return CRL_INVALID_ARGUMENT;
    }
    target_density *state = malloc(sizeof *state);
    if (state == NULL) {
        snprintf(error, error_size, "out of memory");
        return CRL_OUT_OF_MEMORY;
    }
    state->target = target;
    if (host != NULL && CRL_HAS_FIELD(host, crl_host_api, log) && host->log != NULL) {
        char message[96];
        snprintf(message, sizeof message, "target_density set to %g atoms/A^3", target);
        host->log(host->host_context, CRL_LOG_DEBUG, message);
    }
    *instance = state;
    return CRL_OK;
}

static crl_status target_compute(void *instance, const crl_batch *batch, crl_output *output,
                                 char *error, size_t error_size) {
    const target_density *state = instance;
    crl_status status = densities(batch, output, error, error_size);
    if (status != CRL_OK) return status;
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        output->rewards[i] = -fabs(output->rewards[i] - state->target);
    }
    return CRL_OK;
}

static void target_destroy(void *instance) { free(instance); }

/* ---- descriptors ---- */

static const crl_param_desc target_params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "target_density",
     "density to approach, in atoms per cubic Angstrom", NULL},
};

static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "atomic_density",
     "Atomic density N/V in atoms per cubic Angstrom (Chemeleon2's CustomReward example).", 0, NULL,
     NULL, density_create, density_compute, density_destroy},
    {sizeof(crl_component_desc), 0, "target_density",
     "Negative distance to a target atomic density: -|N/V - target_density|.", 1, target_params,
     NULL, target_create, target_compute, target_destroy},
};

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc),
    CRL_ABI_VERSION,
    "atomic_density",
    "1.0.0",
    "Atomic-density rewards (C example plugin).",
    sizeof components / sizeof components[0],
    components,
};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    (void)host;
    return &plugin;
}
