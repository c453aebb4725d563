// A C++ plugin whose compute() lets an exception escape through the C ABI (std::terminate,
// then SIGABRT): run it only in a worker process.
#include <stdexcept>

#include "crystalrl_plugin.h"

static int the_state;

static crl_status create(const crl_host_api *, const char *, void **instance, char *, size_t) {
    *instance = &the_state;
    return CRL_OK;
}

static crl_status compute(void *, const crl_batch *, crl_output *, char *, size_t) {
    throw std::runtime_error("thrown through the C ABI");
}

static void destroy(void *) {}

static const char *const metrics[] = {"num_atoms", nullptr};
static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "count", "throws", 0, nullptr, metrics, create, compute,
     destroy},
};
static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), CRL_ABI_VERSION, "cxx", "0.1", "throws", 1, components,
};

extern "C" CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *) {
    return &plugin;
}
