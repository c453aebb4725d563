//! Hand-written bindings of `crystalrl_plugin.h` (ABI 1.0): the structs a plugin reads and
//! fills, field for field, `#[repr(C)]`.
#![allow(non_camel_case_types, dead_code)]

use std::os::raw::{c_char, c_void};

pub const CRL_ABI_VERSION: u32 = (1 << 16) | 0;

pub type crl_status = i32;
pub const CRL_OK: crl_status = 0;
pub const CRL_ERROR: crl_status = 1;
pub const CRL_INVALID_ARGUMENT: crl_status = 2;
pub const CRL_OUT_OF_MEMORY: crl_status = 3;

pub const CRL_PARAM_NUMBER: i32 = 0;

#[repr(C)]
pub struct crl_host_api {
    pub struct_size: u32,
    pub abi_version: u32,
    pub host_context: *mut c_void,
    pub log: Option<unsafe extern "C" fn(*mut c_void, i32, *const c_char)>,
}

#[repr(C)]
pub struct crl_metric {
    pub struct_size: u32,
    pub reserved: u32,
    pub name: *const c_char,
    pub width: u64,
    pub values: *const f64,
}

#[repr(C)]
pub struct crl_batch {
    pub struct_size: u32,
    pub reserved: u32,
    pub num_structures: u64,
    pub num_atoms: u64,
    pub atom_offsets: *const u64,
    pub atomic_numbers: *const i32,
    pub frac_coords: *const f64,
    pub lattices: *const f64,
    pub num_metrics: u64,
    pub metrics: *const *const crl_metric,
}

#[repr(C)]
pub struct crl_output {
    pub struct_size: u32,
    pub reserved: u32,
    pub rewards: *mut f64,
    pub capacity: u64,
    pub count: u64,
}

#[repr(C)]
pub struct crl_param_desc {
    pub struct_size: u32,
    pub kind: i32,
    pub name: *const c_char,
    pub description: *const c_char,
    pub default_json: *const c_char,
}

pub type CreateFn = unsafe extern "C" fn(
    *const crl_host_api,
    *const c_char,
    *mut *mut c_void,
    *mut c_char,
    usize,
) -> crl_status;
pub type ComputeFn = unsafe extern "C" fn(
    *mut c_void,
    *const crl_batch,
    *mut crl_output,
    *mut c_char,
    usize,
) -> crl_status;
pub type DestroyFn = unsafe extern "C" fn(*mut c_void);

#[repr(C)]
pub struct crl_component_desc {
    pub struct_size: u32,
    pub flags: u32,
    pub name: *const c_char,
    pub description: *const c_char,
    pub num_params: u32,
    pub params: *const crl_param_desc,
    pub required_metrics: *const *const c_char,
    pub create: Option<CreateFn>,
    pub compute: Option<ComputeFn>,
    pub destroy: Option<DestroyFn>,
}

#[repr(C)]
pub struct crl_plugin_desc {
    pub struct_size: u32,
    pub abi_version: u32,
    pub name: *const c_char,
    pub version: *const c_char,
    pub description: *const c_char,
    pub num_components: u32,
    pub components: *const crl_component_desc,
}

/// A descriptor table in a `static`: the ABI's tables hold raw pointers to static data,
/// which never change, so sharing them between threads is sound.
#[repr(transparent)]
pub struct Static<T>(pub T);
unsafe impl<T> Sync for Static<T> {}
