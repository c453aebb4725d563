// The atomic-density reward (N/V, atoms per cubic Angstrom) and its target variant
// (-|N/V - target_density|) as a CrystalRL plugin written in C++17. Build with one line:
//
//     c++ -std=c++17 -O2 -shared -fPIC -I<header dir> atomic_density.cpp -o libdensity_cpp.so
//
// No exception crosses the C ABI: every entry point runs its body through `guarded`, which
// turns std::invalid_argument into CRL_INVALID_ARGUMENT, std::bad_alloc into
// CRL_OUT_OF_MEMORY and anything else into CRL_ERROR, each with its message.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>

#include "crystalrl_plugin.h"

namespace {

// A component's state: the target density, or none for plain N/V.
struct Instance {
    std::optional<double> target;
};

void report(const char *message, char *error, size_t size) {
    if (error != nullptr && size > 0) std::snprintf(error, size, "%s", message);
}

template <class Body>
crl_status guarded(char *error, size_t size, Body body) noexcept {
    try {
        body();
        return CRL_OK;
    } catch (const std::invalid_argument &e) {
        report(e.what(), error, size);
        return CRL_INVALID_ARGUMENT;
    } catch (const std::bad_alloc &) {
        report("out of memory", error, size);
        return CRL_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        report(e.what(), error, size);
        return CRL_ERROR;
    } catch (...) {
        report("unknown C++ exception", error, size);
        return CRL_ERROR;
    }
}

// The number after "key": in the flat JSON object the host passes.
double read_number(const std::string &json, const std::string &key) {
    auto at = json.find("\"" + key + "\"");
    if (at == std::string::npos)
        throw std::invalid_argument(key + " is missing (config: " + json + ")");
    at = json.find(':', at);
    if (at == std::string::npos) throw std::invalid_argument("malformed config: " + json);
    size_t used = 0;
    double value = 0;
    try {
        value = std::stod(json.substr(at + 1), &used);
    } catch (const std::exception &) {
        throw std::invalid_argument(key + " must be a number (config: " + json + ")");
    }
    if (!std::isfinite(value)) throw std::invalid_argument(key + " must be finite");
    return value;
}

double cell_volume(const double *m) {
    return std::fabs(m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                     m[2] * (m[3] * m[7] - m[4] * m[6]));
}

crl_status create(const char *config, void **instance, char *error, size_t size,
                  bool with_target) {
    return guarded(error, size, [&] {
        if (config == nullptr || instance == nullptr)
            throw std::invalid_argument("null configuration or instance pointer");
        auto state = std::make_unique<Instance>();
        if (with_target) state->target = read_number(config, "target_density");
        *instance = state.release();
    });
}

crl_status density_create(const crl_host_api *, const char *config, void **instance, char *error,
                          size_t size) {
    return create(config, instance, error, size, false);
}

crl_status target_create(const crl_host_api *, const char *config, void **instance, char *error,
                         size_t size) {
    return create(config, instance, error, size, true);
}

crl_status compute(void *instance, const crl_batch *batch, crl_output *output, char *error,
                   size_t size) {
    return guarded(error, size, [&] {
        if (instance == nullptr || batch == nullptr || output == nullptr)
            throw std::invalid_argument("null instance, batch or output");
        const auto &state = *static_cast<const Instance *>(instance);
        if (output->capacity < batch->num_structures)
            throw std::invalid_argument("output buffer smaller than the batch");
        for (uint64_t i = 0; i < batch->num_structures; i++) {
            double volume = cell_volume(batch->lattices + 9 * i);
            if (!(volume > 0.0))
                throw std::invalid_argument("structure " + std::to_string(i) +
                                            " has a degenerate cell");
            double density = double(batch->atom_offsets[i + 1] - batch->atom_offsets[i]) / volume;
            output->rewards[i] = state.target ? -std::fabs(density - *state.target) : density;
        }
        output->count = batch->num_structures;
    });
}

void destroy(void *instance) { delete static_cast<Instance *>(instance); }

const crl_param_desc target_params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_NUMBER, "target_density",
     "density to approach, in atoms per cubic Angstrom", nullptr},
};

const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "atomic_density",
     "Atomic density N/V in atoms per cubic Angstrom (C++ example plugin).", 0, nullptr, nullptr,
     density_create, compute, destroy},
    {sizeof(crl_component_desc), 0, "target_density",
     "Negative distance to a target atomic density: -|N/V - target_density|.", 1, target_params,
     nullptr, target_create, compute, destroy},
};

const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), CRL_ABI_VERSION, "atomic_density_cpp", "1.0.0",
    "Atomic-density rewards (C++ example plugin).", 2, components,
};

}  // namespace

extern "C" CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *) {
    return &plugin;
}
