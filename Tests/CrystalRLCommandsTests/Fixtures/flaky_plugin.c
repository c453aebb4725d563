/*
 * A reward plugin that crashes on every `crash_every`-th call to compute(), counted in the
 * file `counter_file` so the count survives the worker being replaced; other calls score
 * the atomic density N/V. For the tests of on_error: skip in training.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crystalrl_plugin.h"

typedef struct flaky {
    char counter_file[512];
    long crash_every;
} flaky;

static flaky the_instance;

/* The text of "key": "<text>" or the number of "key": <n> in the flat JSON config. */
static const char *value_of(const char *config, const char *key) {
    const char *at = strstr(config, key);
    return at ? strchr(at, ':') + 1 : NULL;
}

static crl_status create(const crl_host_api *host, const char *config, void **instance,
                         char *error, size_t error_size) {
    (void)host;
    const char *file = value_of(config, "\"counter_file\"");
    const char *every = value_of(config, "\"crash_every\"");
    if (!file || !every || sscanf(file, " \"%511[^\"]\"", the_instance.counter_file) != 1) {
        snprintf(error, error_size, "needs counter_file and crash_every");
        return CRL_INVALID_ARGUMENT;
    }
    the_instance.crash_every = strtol(every, NULL, 10);
    *instance = &the_instance;
    return CRL_OK;
}

static crl_status compute(void *instance, const crl_batch *batch, crl_output *output,
                          char *error, size_t error_size) {
    flaky *self = instance;
    long calls = 0;
    FILE *counter = fopen(self->counter_file, "r");
    if (counter) {
        if (fscanf(counter, "%ld", &calls) != 1) calls = 0;
        fclose(counter);
    }
    calls += 1;
    counter = fopen(self->counter_file, "w");
    if (!counter) {
        snprintf(error, error_size, "cannot write %s", self->counter_file);
        return CRL_ERROR;
    }
    fprintf(counter, "%ld\n", calls);
    fclose(counter);
    if (self->crash_every > 0 && calls % self->crash_every == 0) raise(SIGSEGV);
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        const double *m = batch->lattices + 9 * i;
        double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                     m[2] * (m[3] * m[7] - m[4] * m[6]);
        output->rewards[i] =
            (double)(batch->atom_offsets[i + 1] - batch->atom_offsets[i]) / (det < 0 ? -det : det);
    }
    output->count = batch->num_structures;
    return CRL_OK;
}

static void destroy(void *instance) { (void)instance; }

static const crl_param_desc params[] = {
    {sizeof(crl_param_desc), CRL_PARAM_STRING, "counter_file", "file counting the calls", NULL},
    {sizeof(crl_param_desc), CRL_PARAM_INTEGER, "crash_every", "crash on every n-th call", NULL},
};

static const crl_component_desc components[] = {
    {sizeof(crl_component_desc), 0, "flaky", "atomic density, crashing on every n-th call", 2,
     params, NULL, create, compute, destroy},
};

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), CRL_ABI_VERSION, "flaky", "1.0.0", "test plugin", 1, components};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    (void)host;
    return &plugin;
}
