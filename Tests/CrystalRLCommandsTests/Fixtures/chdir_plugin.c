/*
 * A reward plugin that changes the process's working directory to `directory` when created
 * and scores the atom count. For the tests that a command's relative paths stay where the
 * user was when an in-process plugin moves the working directory.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crystalrl_plugin.h"

static char the_instance;

static crl_status create(const crl_host_api *host, const char *config, void **instance,
                         char *error, size_t error_size) {
    (void)host;
    char directory[512];
    const char *at = strstr(config, "\"directory\"");
    if (!at || sscanf(strchr(at, ':') + 1, " \"%511[^\"]\"", directory) != 1) {
        snprintf(error, error_size, "needs directory");
        return CRL_INVALID_ARGUMENT;
    }
    if (chdir(directory) != 0) {
        snprintf(error, error_size, "cannot change to %s", directory);
        return CRL_ERROR;
    }
    *instance = &the_instance;
    return CRL_OK;
}

static crl_status compute(void *instance, const crl_batch *batch, crl_output *output,
                          char *error, size_t error_size) {
    (void)instance;
    (void)error;
    (void)error_size;
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        output->rewards[i] = (double)(batch->atom_offsets[i + 1] - batch->atom_offsets[i]);
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

static void destroy(void *instance) { (void)instance; }

static const crl_param_desc params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_STRING, "directory", "directory to change to", NULL},
};

static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "atoms", "the atom count, after changing directory", 1,
     params, NULL, create, compute, destroy},
};

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), CRL_ABI_VERSION, "chdir", "1.0.0", "test plugin", 1, components};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    (void)host;
    return &plugin;
}
