/*
 * Toy pair potential: a metric-provider plugin (ABI 1.1) exporting energy_per_atom.
 *
 * THIS IS A TOY, NOT A MATERIALS MODEL. It exists to show how a vendor's energy model plugs
 * into CrystalRL (`energy_calculator: plugin:ToyPotential:energy_per_atom`); its energies have
 * no physical accuracy and its hulls say nothing about real stability.
 *
 * The energy is a Morse pair sum over all periodic images within `cutoff`:
 *
 *   E = 1/2 sum_i sum_{j, image} V_ij(r),   V_ij(r) = D_ij [(1 - exp(-a (r - r0_ij)))^2 - 1]
 *
 * shifted so that V_ij(cutoff) = 0, reported per atom (eV/atom). Per-element parameters:
 *   r0_ij = r_i + r_j           covalent radii (Cordero et al., Dalton Trans. 2008)
 *   D_ij  = depth + ionic |chi_i - chi_j|   Pauling electronegativities (approximate)
 * and a = stiffness. Structures with an element beyond curium (no radius in the table), or a
 * cell so thin that the image sum would be huge, get NaN ("not available").
 *
 * Build out of tree with one line:
 *   cc -shared -fPIC -I<include dir> toy_potential.c -o libtoy_potential.so -lm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crystalrl_plugin.h"

/* Covalent radius (A) and Pauling electronegativity by atomic number, H (1) to Cm (96);
 * electronegativity 0 where none is defined (He, Ne, Ar): no ionic term for those. */
static const double radius[97] = {
    0,    0.31, 0.28, 1.28, 0.96, 0.84, 0.76, 0.71, 0.66, 0.57, 0.58, 1.66, 1.41, 1.21, 1.11,
    1.07, 1.05, 1.02, 1.06, 2.03, 1.76, 1.70, 1.60, 1.53, 1.39, 1.39, 1.32, 1.26, 1.24, 1.32,
    1.22, 1.22, 1.20, 1.19, 1.20, 1.20, 1.16, 2.20, 1.95, 1.90, 1.75, 1.64, 1.54, 1.47, 1.46,
    1.42, 1.39, 1.45, 1.44, 1.42, 1.39, 1.39, 1.38, 1.39, 1.40, 2.44, 2.15, 2.07, 2.04, 2.03,
    2.01, 1.99, 1.98, 1.98, 1.96, 1.94, 1.92, 1.92, 1.89, 1.90, 1.87, 1.87, 1.75, 1.70, 1.62,
    1.51, 1.44, 1.41, 1.36, 1.36, 1.32, 1.45, 1.46, 1.48, 1.40, 1.50, 1.50, 2.60, 2.21, 2.15,
    2.06, 2.00, 1.96, 1.90, 1.87, 1.80, 1.69,
};
static const double electronegativity[97] = {
    0,    2.20, 0,    0.98, 1.57, 2.04, 2.55, 3.04, 3.44, 3.98, 0,    0.93, 1.31, 1.61, 1.90,
    2.19, 2.58, 3.16, 0,    0.82, 1.00, 1.36, 1.54, 1.63, 1.66, 1.55, 1.83, 1.88, 1.91, 1.90,
    1.65, 1.81, 2.01, 2.18, 2.55, 2.96, 3.00, 0.82, 0.95, 1.22, 1.33, 1.60, 2.16, 1.90, 2.20,
    2.28, 2.20, 1.93, 1.69, 1.78, 1.96, 2.05, 2.10, 2.66, 2.60, 0.79, 0.89, 1.10, 1.12, 1.13,
    1.14, 1.13, 1.17, 1.20, 1.20, 1.10, 1.22, 1.23, 1.24, 1.25, 1.10, 1.27, 1.30, 1.50, 2.36,
    1.90, 2.20, 2.20, 2.28, 2.54, 2.00, 1.62, 2.33, 2.02, 2.00, 2.20, 2.20, 0.70, 0.90, 1.10,
    1.30, 1.50, 1.38, 1.36, 1.28, 1.30, 1.30,
};
#define MAX_Z 96
/* More periodic images per direction than this and the structure gets NaN. */
#define MAX_IMAGES 12

typedef struct morse {
    double depth, ionic, stiffness, cutoff;
} morse;

/* Reads "key": <number> from the flat JSON object the host passes; keeps *value if absent. */
static void read_number(const char *json, const char *key, double *value) {
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    const char *at = strstr(json, quoted);
    if (at == NULL) return;
    at = strchr(at + strlen(quoted), ':');
    if (at != NULL) *value = strtod(at + 1, NULL);
}

static crl_status morse_create(const crl_host_api *host, const char *config_json, void **instance,
                               char *error, size_t error_size) {
    (void)host;
    morse parameters = {0.4, 0.6, 1.6, 6.0};
    read_number(config_json, "depth", &parameters.depth);
    read_number(config_json, "ionic", &parameters.ionic);
    read_number(config_json, "stiffness", &parameters.stiffness);
    read_number(config_json, "cutoff", &parameters.cutoff);
    if (!(parameters.depth > 0) || !(parameters.ionic >= 0) || !(parameters.stiffness > 0) ||
        !(parameters.cutoff > 0 && parameters.cutoff <= 20)) {
        snprintf(error, error_size,
                 "need depth > 0, ionic >= 0, stiffness > 0 and 0 < cutoff <= 20 (config: %s)",
                 config_json);
        return CRL_INVALID_ARGUMENT;
    }
    morse *state = malloc(sizeof *state);
    if (state == NULL) {
        snprintf(error, error_size, "out of memory");
        return CRL_OUT_OF_MEMORY;
    }
    *state = parameters;
    *instance = state;
    return CRL_OK;
}

static double morse_pair(double depth, double stiffness, double r0, double r) {
    double x = 1.0 - exp(-stiffness * (r - r0));
    return depth * (x * x - 1.0);
}

static void cross(const double *u, const double *v, double *out) {
    out[0] = u[1] * v[2] - u[2] * v[1];
    out[1] = u[2] * v[0] - u[0] * v[2];
    out[2] = u[0] * v[1] - u[1] * v[0];
}

/* Energy per atom of one structure (lattice rows a, b, c), NaN when not available. */
static double energy_per_atom(const morse *p, const double *lattice, const int32_t *numbers,
                              const double *frac, uint64_t atoms) {
    if (atoms == 0) return NAN;
    for (uint64_t i = 0; i < atoms; i++) {
        if (numbers[i] < 1 || numbers[i] > MAX_Z) return NAN;
    }
    /* Images needed along each lattice vector: cutoff / spacing of the lattice planes. */
    int images[3];
    for (int k = 0; k < 3; k++) {
        double normal[3];
        cross(lattice + 3 * ((k + 1) % 3), lattice + 3 * ((k + 2) % 3), normal);
        double area = sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
        double volume = fabs(lattice[3 * k] * normal[0] + lattice[3 * k + 1] * normal[1] +
                             lattice[3 * k + 2] * normal[2]);
        if (!(volume > 0)) return NAN;
        double count = ceil(p->cutoff / (volume / area));
        if (count > MAX_IMAGES) return NAN;
        images[k] = (int)count;
    }
    double total = 0;
    for (uint64_t i = 0; i < atoms; i++) {
        for (uint64_t j = 0; j < atoms; j++) {
            int zi = numbers[i], zj = numbers[j];
            double r0 = radius[zi] + radius[zj];
            double depth = p->depth;
            if (electronegativity[zi] > 0 && electronegativity[zj] > 0) {
                depth += p->ionic * fabs(electronegativity[zi] - electronegativity[zj]);
            }
            double shift = morse_pair(depth, p->stiffness, r0, p->cutoff);
            double df[3] = {frac[3 * j] - frac[3 * i], frac[3 * j + 1] - frac[3 * i + 1],
                            frac[3 * j + 2] - frac[3 * i + 2]};
            for (int n0 = -images[0]; n0 <= images[0]; n0++) {
                for (int n1 = -images[1]; n1 <= images[1]; n1++) {
                    for (int n2 = -images[2]; n2 <= images[2]; n2++) {
                        if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
                        double f[3] = {df[0] + n0, df[1] + n1, df[2] + n2};
                        double d[3];
                        for (int c = 0; c < 3; c++) {
                            d[c] = f[0] * lattice[c] + f[1] * lattice[3 + c] + f[2] * lattice[6 + c];
                        }
                        double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                        if (r < p->cutoff) total += morse_pair(depth, p->stiffness, r0, r) - shift;
                    }
                }
            }
        }
    }
    return 0.5 * total / (double)atoms;
}

static crl_status morse_compute(void *instance, const crl_batch *batch, crl_output *output,
                                char *error, size_t error_size) {
    if (output->capacity < batch->num_structures) {
        snprintf(error, error_size, "output buffer holds %llu values, batch has %llu structures",
                 (unsigned long long)output->capacity, (unsigned long long)batch->num_structures);
        return CRL_INVALID_ARGUMENT;
    }
    for (uint64_t s = 0; s < batch->num_structures; s++) {
        uint64_t first = batch->atom_offsets[s];
        output->rewards[s] = energy_per_atom(instance, batch->lattices + 9 * s,
                                             batch->atomic_numbers + first,
                                             batch->frac_coords + 3 * first,
                                             batch->atom_offsets[s + 1] - first);
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

static void morse_destroy(void *instance) { free(instance); }

/* ---- descriptors ---- */

static const crl_param_desc morse_params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "depth", "covalent well depth D, in eV", "0.4"},
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "ionic",
     "extra depth per unit of electronegativity difference, in eV", "0.6"},
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "stiffness", "Morse width a, in 1/Angstrom",
     "1.6"},
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "cutoff", "pair cutoff radius, in Angstrom",
     "6.0"},
};

static const crl_provider_desc providers[] = {
    {sizeof(crl_provider_desc), CRL_PROVIDER_OUTPUT_MAY_BE_NAN, "energy_per_atom",
     "Toy Morse pair energy in eV/atom (covalent radii, electronegativity-deepened wells); "
     "a demonstration, not a materials model. NaN beyond Cm or for very thin cells.",
     1, sizeof morse_params / sizeof morse_params[0], morse_params, NULL, morse_create,
     morse_compute, morse_destroy},
};

static const crl_plugin_desc plugin = {
    .struct_size = sizeof(crl_plugin_desc),
    .abi_version = CRL_ABI_VERSION,
    .name = "toy_potential",
    .version = "1.0.0",
    .description = "A toy Morse pair potential as a metric provider (C example plugin, ABI 1.1).",
    .num_components = 0,
    .components = NULL,
    .num_providers = sizeof providers / sizeof providers[0],
    .providers = providers,
};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    /* The providers need a 1.1 host; an older one would not read them. */
    return CRL_VERSION_MINOR(host->abi_version) >= 1 ? &plugin : NULL;
}
