/*
 * DNG reward plugin: Chemeleon2's de-novo-generation rewards, computed from metrics the host
 * computes once per batch (structure matching, AMD, convex hull, MMD).
 *
 *   creativity             1 if unique and novel, 0 if neither, else the smallest non-zero
 *                          AMD distance to same-formula references and batch structures
 *   energy                 -clamp(e_above_hull, 0, 1), NaN e_above_hull counting as 1
 *   structure_diversity    per-structure MMD reward on structure features
 *   composition_diversity  per-structure MMD reward on composition features
 *   structural_validity    1 if every interatomic distance > 0.5 A and the volume > 0, else 0
 *   composition_validity   1 if SMACT's charge-neutrality rule accepts the composition, else 0
 *
 * A metric passed through as the reward that is NaN ("not available") is an error.
 */
#include <math.h>
#include <stdio.h>

#include "crystalrl_plugin.h"

/* Checks the batch carries `count` metric columns of width 1 and room for the output. */
static crl_status check(const crl_batch *batch, const crl_output *output, uint64_t count,
                        char *error, size_t error_size) {
    if (batch->num_metrics != count) {
        snprintf(error, error_size, "expected %llu metric columns, got %llu",
                 (unsigned long long)count, (unsigned long long)batch->num_metrics);
        return CRL_INVALID_ARGUMENT;
    }
    for (uint64_t m = 0; m < count; m++) {
        if (batch->metrics[m]->width != 1) {
            snprintf(error, error_size, "metric %s must have one value per structure",
                     batch->metrics[m]->name);
            return CRL_INVALID_ARGUMENT;
        }
    }
    if (output->capacity < batch->num_structures) {
        snprintf(error, error_size, "output too small");
        return CRL_INVALID_ARGUMENT;
    }
    return CRL_OK;
}

/* A metric the reward passes through is NaN ("not available") for structure i: an error, as
 * a NaN reward would be. */
static crl_status not_available(const crl_batch *batch, uint64_t metric, uint64_t i, char *error,
                                size_t error_size) {
    snprintf(error, error_size, "%s is not available (NaN) for structure %llu",
             batch->metrics[metric]->name, (unsigned long long)i);
    return CRL_INVALID_ARGUMENT;
}

static int no_state;

static crl_status create(const crl_host_api *host, const char *config_json, void **instance,
                         char *error, size_t error_size) {
    (void)host;
    (void)config_json;
    (void)error;
    (void)error_size;
    *instance = &no_state;
    return CRL_OK;
}

static void destroy(void *instance) { (void)instance; }

static crl_status creativity(void *instance, const crl_batch *batch, crl_output *output,
                             char *error, size_t error_size) {
    (void)instance;
    crl_status status = check(batch, output, 3, error, error_size);
    if (status != CRL_OK) return status;
    const double *unique = batch->metrics[0]->values;
    const double *novel = batch->metrics[1]->values;
    const double *distance = batch->metrics[2]->values;
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        int u = unique[i] > 0.5, v = novel[i] > 0.5;
        output->rewards[i] = (u && v) ? 1.0 : (!u && !v) ? 0.0 : distance[i];
        if (isnan(output->rewards[i])) return not_available(batch, 2, i, error, error_size);
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

static crl_status energy(void *instance, const crl_batch *batch, crl_output *output,
                         char *error, size_t error_size) {
    (void)instance;
    crl_status status = check(batch, output, 1, error, error_size);
    if (status != CRL_OK) return status;
    const double *e_above_hull = batch->metrics[0]->values;
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        double e = isnan(e_above_hull[i]) ? 1.0 : e_above_hull[i];
        output->rewards[i] = -fmin(fmax(e, 0.0), 1.0);
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

/* A host metric passed through as the reward: the per-structure MMD rewards of structure and
 * composition diversity, and the 0/1 validity checks. */
static crl_status pass_through(void *instance, const crl_batch *batch, crl_output *output,
                            char *error, size_t error_size) {
    (void)instance;
    crl_status status = check(batch, output, 1, error, error_size);
    if (status != CRL_OK) return status;
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        output->rewards[i] = batch->metrics[0]->values[i];
        if (isnan(output->rewards[i])) return not_available(batch, 0, i, error, error_size);
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

static const char *const creativity_metrics[] = {"unique", "novel", "creativity_distance", NULL};
static const char *const energy_metrics[] = {"e_above_hull", NULL};
static const char *const structure_metrics[] = {"structure_diversity", NULL};
static const char *const composition_metrics[] = {"composition_diversity", NULL};
static const char *const structural_validity_metrics[] = {"valid", NULL};
static const char *const composition_validity_metrics[] = {"composition_valid", NULL};

static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "creativity",
     "1 if unique and novel, 0 if neither, else the smallest non-zero AMD distance to "
     "same-formula structures (Chemeleon2's CreativityReward).",
     0, NULL, creativity_metrics, create, creativity, destroy},
    {sizeof(crl_component_desc), 0, "energy",
     "-clamp(e_above_hull, 0, 1) in eV/atom, NaN counted as 1 (Chemeleon2's EnergyReward).", 0,
     NULL, energy_metrics, create, energy, destroy},
    {sizeof(crl_component_desc), 0, "structure_diversity",
     "Per-structure MMD reward on structure features (StructureDiversityReward).", 0, NULL,
     structure_metrics, create, pass_through, destroy},
    {sizeof(crl_component_desc), 0, "composition_diversity",
     "Per-structure MMD reward on composition features (CompositionDiversityReward).", 0, NULL,
     composition_metrics, create, pass_through, destroy},
    {sizeof(crl_component_desc), 0, "structural_validity",
     "1 if the volume is positive and every interatomic distance exceeds 0.5 A, else 0 (the "
     "structural validity CDVAE and Chemeleon2 report).",
     0, NULL, structural_validity_metrics, create, pass_through, destroy},
    {sizeof(crl_component_desc), 0, "composition_validity",
     "1 if the composition passes SMACT's charge-neutrality and electronegativity rule, else 0.",
     0, NULL, composition_validity_metrics, create, pass_through, destroy},
};

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc),
    CRL_ABI_VERSION,
    "dng",
    "1.0.0",
    "De-novo-generation rewards: creativity, energy, structure and composition diversity, "
    "structural and composition validity.",
    sizeof components / sizeof components[0],
    components,
};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    (void)host;
    return &plugin;
}
