/*
 * A "legacy vendor" scoring library: plain C functions, no CrystalRL header. Build:
 *
 *     cc -shared -fPIC -O2 vendor_score.c -o libvendor_score.so
 *
 * CrystalRL calls these through FunctionReward (libffi), with the signature the config
 * declares.
 */
#include <math.h>
#include <stdint.h>

/* |det| of the row-major 3x3 lattice. */
static double cell_volume(const double *m) {
    double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                 m[2] * (m[3] * m[7] - m[4] * m[6]);
    return fabs(det);
}

/* Electrons per cubic Angstrom, minus 1 when two atoms sit closer than min_distance (minimum
 * image over the cell's nearest translations). */
double vendor_score(int64_t num_atoms, const double *lattice, const int32_t *atomic_numbers,
                    const double *frac_coords, double volume, double min_distance) {
    double electrons = 0.0;
    for (int64_t i = 0; i < num_atoms; i++) electrons += atomic_numbers[i];
    double closest = INFINITY;
    for (int64_t i = 0; i < num_atoms; i++) {
        for (int64_t j = i + 1; j < num_atoms; j++) {
            double d[3], c[3] = {0, 0, 0};
            for (int k = 0; k < 3; k++) {
                d[k] = frac_coords[3 * j + k] - frac_coords[3 * i + k];
                d[k] -= round(d[k]);
            }
            for (int k = 0; k < 3; k++) {
                c[k] = d[0] * lattice[k] + d[1] * lattice[3 + k] + d[2] * lattice[6 + k];
            }
            closest = fmin(closest, sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]));
        }
    }
    return electrons / volume - (closest < min_distance ? 1.0 : 0.0);
}

/* Atoms per cubic Angstrom. */
double vendor_density(int64_t num_atoms, const double *lattice) {
    return (double)num_atoms / cell_volume(lattice);
}

/* vendor_density for a whole batch; returns 0, or 1 on a degenerate cell. */
int32_t vendor_density_batch(int64_t n, const int64_t *atom_offsets, const double *lattices,
                             double *out) {
    for (int64_t i = 0; i < n; i++) {
        double volume = cell_volume(lattices + 9 * i);
        if (!(volume > 0.0)) return 1;
        out[i] = (double)(atom_offsets[i + 1] - atom_offsets[i]) / volume;
    }
    return 0;
}
