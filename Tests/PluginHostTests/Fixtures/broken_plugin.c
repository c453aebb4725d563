/*
 * A deliberately non-conformant plugin for `plugin check`: each component breaks one rule,
 * on one edge batch only (so the other checks still pass):
 *
 *   wrong_count   reports one reward too few for the 200-atom cell
 *   nan           returns NaN for a 1-atom cell, without CRL_COMPONENT_OUTPUT_MAY_BE_NAN
 *   crash         dereferences NULL when the batch holds an element heavier than Fm (Z 100)
 *   hang          sleeps on batches of more than 5,000 structures
 *   silent        fails without a message on the empty batch
 *   leak          never frees the 64 KiB each create() allocates
 *   shared        counts calls in a global: instances influence each other
 *   scribble      writes into the batch (read-only) for the 200-atom cell
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crystalrl_plugin.h"

static int no_state;
static volatile int *null_pointer;
static uint64_t calls;

static crl_status create(const crl_host_api *host, const char *config, void **instance,
                         char *error, size_t error_size) {
    (void)host, (void)config, (void)error, (void)error_size;
    *instance = &no_state;
    return CRL_OK;
}

static crl_status leak_create(const crl_host_api *host, const char *config, void **instance,
                              char *error, size_t error_size) {
    (void)host, (void)config, (void)error, (void)error_size;
    void *block = malloc(64 * 1024);
    if (block == NULL) return CRL_OUT_OF_MEMORY;
    memset(block, 1, 64 * 1024); /* touched, so it is resident; never freed */
    *instance = &no_state;
    return CRL_OK;
}

static void destroy(void *instance) { (void)instance; }

/* One reward per structure: its atom count. */
static void count_atoms(const crl_batch *batch, crl_output *output) {
    for (uint64_t i = 0; i < batch->num_structures; i++) {
        output->rewards[i] = (double)(batch->atom_offsets[i + 1] - batch->atom_offsets[i]);
    }
    output->count = batch->num_structures;
}

static crl_status fine(void *instance, const crl_batch *batch, crl_output *output, char *error,
                       size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    count_atoms(batch, output);
    return CRL_OK;
}

static crl_status wrong_count(void *instance, const crl_batch *batch, crl_output *output,
                              char *error, size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    count_atoms(batch, output);
    if (batch->num_atoms == 200) output->count -= 1;
    return CRL_OK;
}

static crl_status nan_output(void *instance, const crl_batch *batch, crl_output *output,
                             char *error, size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    count_atoms(batch, output);
    if (batch->num_structures == 1 && batch->num_atoms == 1) output->rewards[0] = 0.0 / 0.0;
    return CRL_OK;
}

static crl_status crash(void *instance, const crl_batch *batch, crl_output *output, char *error,
                        size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    for (uint64_t a = 0; a < batch->num_atoms; a++) {
        if (batch->atomic_numbers[a] > 100) *null_pointer = 1;
    }
    count_atoms(batch, output);
    return CRL_OK;
}

static crl_status hang(void *instance, const crl_batch *batch, crl_output *output, char *error,
                       size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    if (batch->num_structures > 5000) sleep(60);
    count_atoms(batch, output);
    return CRL_OK;
}

static crl_status silent(void *instance, const crl_batch *batch, crl_output *output, char *error,
                         size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    if (batch->num_structures == 0) return CRL_ERROR;
    count_atoms(batch, output);
    return CRL_OK;
}

static crl_status shared(void *instance, const crl_batch *batch, crl_output *output, char *error,
                         size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    uint64_t call = __atomic_fetch_add(&calls, 1, __ATOMIC_SEQ_CST);
    count_atoms(batch, output);
    for (uint64_t i = 0; i < batch->num_structures; i++) output->rewards[i] += (double)call;
    return CRL_OK;
}

static crl_status scribble(void *instance, const crl_batch *batch, crl_output *output,
                           char *error, size_t error_size) {
    (void)instance, (void)error, (void)error_size;
    if (batch->num_structures == 1 && batch->num_atoms == 200) {
        ((double *)batch->frac_coords)[0] = 0.5;
    }
    count_atoms(batch, output);
    return CRL_OK;
}

#define COMPONENT(name, make, run) \
    {sizeof(crl_component_desc), 0, name, "breaks a rule", 0, NULL, NULL, make, run, destroy}

static const crl_component_desc components[] = {
    COMPONENT("wrong_count", create, wrong_count), COMPONENT("nan", create, nan_output),
    COMPONENT("crash", create, crash),             COMPONENT("hang", create, hang),
    COMPONENT("silent", create, silent),           COMPONENT("leak", leak_create, fine),
    COMPONENT("shared", create, shared),           COMPONENT("scribble", create, scribble),
};

static const crl_plugin_desc plugin = {
    sizeof(crl_plugin_desc), CRL_ABI_VERSION, "broken", "0.1", "breaks the rules",
    sizeof components / sizeof components[0], components,
};

CRL_EXPORT const crl_plugin_desc *crystalrl_plugin_entry(const crl_host_api *host) {
    (void)host;
    return &plugin;
}
