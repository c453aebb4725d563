/*
 * Compile-time guard for the plugin ABI: the offsets and sizes of every v1.0
 * and v1.1 struct are frozen here. If an edit of crystalrl_plugin.h moves a field or
 * shrinks a struct, the build fails instead of silently breaking every plugin
 * binary already shipped. New fields go at the end of a struct (and get their
 * own line below, under the minor version that added them).
 */
#include <stddef.h>

#include "crystalrl_plugin.h"

#define FROZEN(type, field, offset) \
    _Static_assert(offsetof(type, field) == (offset), #type "." #field " moved")

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu /* LP64 layouts */
/* v1.0 */
FROZEN(crl_host_api, struct_size, 0);
FROZEN(crl_host_api, abi_version, 4);
FROZEN(crl_host_api, host_context, 8);
FROZEN(crl_host_api, log, 16);
_Static_assert(sizeof(crl_host_api) >= 24, "crl_host_api shrank");

FROZEN(crl_metric, name, 8);
FROZEN(crl_metric, width, 16);
FROZEN(crl_metric, values, 24);
_Static_assert(sizeof(crl_metric) >= 32, "crl_metric shrank");

FROZEN(crl_batch, num_structures, 8);
FROZEN(crl_batch, num_atoms, 16);
FROZEN(crl_batch, atom_offsets, 24);
FROZEN(crl_batch, atomic_numbers, 32);
FROZEN(crl_batch, frac_coords, 40);
FROZEN(crl_batch, lattices, 48);
FROZEN(crl_batch, num_metrics, 56);
FROZEN(crl_batch, metrics, 64);
_Static_assert(sizeof(crl_batch) >= 72, "crl_batch shrank");

FROZEN(crl_output, rewards, 8);
FROZEN(crl_output, capacity, 16);
FROZEN(crl_output, count, 24);
_Static_assert(sizeof(crl_output) >= 32, "crl_output shrank");

FROZEN(crl_param_desc, type, 4);
FROZEN(crl_param_desc, name, 8);
FROZEN(crl_param_desc, description, 16);
FROZEN(crl_param_desc, default_json, 24);
_Static_assert(sizeof(crl_param_desc) >= 32, "crl_param_desc shrank");

FROZEN(crl_component_desc, flags, 4);
FROZEN(crl_component_desc, name, 8);
FROZEN(crl_component_desc, description, 16);
FROZEN(crl_component_desc, num_params, 24);
FROZEN(crl_component_desc, params, 32);
FROZEN(crl_component_desc, required_metrics, 40);
FROZEN(crl_component_desc, create, 48);
FROZEN(crl_component_desc, compute, 56);
FROZEN(crl_component_desc, destroy, 64);
_Static_assert(sizeof(crl_component_desc) >= 72, "crl_component_desc shrank");

FROZEN(crl_plugin_desc, abi_version, 4);
FROZEN(crl_plugin_desc, name, 8);
FROZEN(crl_plugin_desc, version, 16);
FROZEN(crl_plugin_desc, description, 24);
FROZEN(crl_plugin_desc, num_components, 32);
FROZEN(crl_plugin_desc, components, 40);
_Static_assert(sizeof(crl_plugin_desc) >= 48, "crl_plugin_desc shrank");

/* v1.1 */
FROZEN(crl_provider_desc, struct_size, 0);
FROZEN(crl_provider_desc, flags, 4);
FROZEN(crl_provider_desc, name, 8);
FROZEN(crl_provider_desc, description, 16);
FROZEN(crl_provider_desc, width, 24);
FROZEN(crl_provider_desc, num_params, 32);
FROZEN(crl_provider_desc, params, 40);
FROZEN(crl_provider_desc, required_metrics, 48);
FROZEN(crl_provider_desc, create, 56);
FROZEN(crl_provider_desc, compute, 64);
FROZEN(crl_provider_desc, destroy, 72);
_Static_assert(sizeof(crl_provider_desc) >= 80, "crl_provider_desc shrank");

FROZEN(crl_plugin_desc, num_providers, 48);
FROZEN(crl_plugin_desc, providers, 56);
_Static_assert(sizeof(crl_plugin_desc) >= 64, "crl_plugin_desc shrank");
#endif

/* Enumerators are part of the ABI too: values never change, new ones are appended. */
_Static_assert(CRL_PARAM_NUMBER == 0 && CRL_PARAM_INTEGER == 1 && CRL_PARAM_BOOL == 2
                   && CRL_PARAM_STRING == 3,
               "crl_param_type values moved");
_Static_assert(CRL_PARAM_OBJECT == 4, "CRL_PARAM_OBJECT moved");
