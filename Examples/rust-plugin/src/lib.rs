//! The atomic-density reward (N/V, atoms per cubic Angstrom) and its target variant
//! (-|N/V - target_density|) as a CrystalRL plugin written in Rust: a `cdylib` against
//! hand-written bindings of `crystalrl_plugin.h` (src/abi.rs). No panic crosses the ABI:
//! every entry point runs its body under `catch_unwind` and turns a panic or an error into a
//! status and a message.
mod abi;

use abi::*;
use std::ffi::CStr;
use std::os::raw::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::{mem, ptr, slice};

/// A component's state: the target density, or none for plain N/V.
struct Instance {
    target: Option<f64>,
}

/// Writes `message` into the host's buffer (truncated, NUL-terminated).
unsafe fn report(message: &str, error: *mut c_char, size: usize) {
    if error.is_null() || size == 0 {
        return;
    }
    let bytes = &message.as_bytes()[..message.len().min(size - 1)];
    ptr::copy_nonoverlapping(bytes.as_ptr() as *const c_char, error, bytes.len());
    *error.add(bytes.len()) = 0;
}

/// Runs `body`, turning an `Err` into CRL_INVALID_ARGUMENT and a panic into CRL_ERROR, each
/// with its message.
unsafe fn guarded(
    error: *mut c_char,
    size: usize,
    body: impl FnOnce() -> Result<(), String>,
) -> crl_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => CRL_OK,
        Ok(Err(message)) => {
            report(&message, error, size);
            CRL_INVALID_ARGUMENT
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            report(&format!("panic: {what}"), error, size);
            CRL_ERROR
        }
    }
}

/// The number after `"key":` in the flat JSON object the host passes.
fn read_number(json: &str, key: &str) -> Option<f64> {
    let rest = &json[json.find(&format!("\"{key}\""))? + key.len() + 2..];
    let rest = rest[rest.find(':')? + 1..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// |det L| of the row-major lattice.
fn cell_volume(m: &[f64]) -> f64 {
    (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6]))
        .abs()
}

unsafe fn create(
    config: *const c_char,
    instance: *mut *mut c_void,
    error: *mut c_char,
    size: usize,
    with_target: bool,
) -> crl_status {
    guarded(error, size, || {
        if config.is_null() || instance.is_null() {
            return Err("null configuration or instance pointer".into());
        }
        let json = CStr::from_ptr(config).to_string_lossy();
        let target = if with_target {
            match read_number(&json, "target_density") {
                Some(value) if value.is_finite() => Some(value),
                _ => {
                    return Err(format!(
                        "target_density must be a finite number (config: {json})"
                    ))
                }
            }
        } else {
            None
        };
        *instance = Box::into_raw(Box::new(Instance { target })) as *mut c_void;
        Ok(())
    })
}

unsafe extern "C" fn density_create(
    _: *const crl_host_api,
    config: *const c_char,
    instance: *mut *mut c_void,
    error: *mut c_char,
    size: usize,
) -> crl_status {
    create(config, instance, error, size, false)
}

unsafe extern "C" fn target_create(
    _: *const crl_host_api,
    config: *const c_char,
    instance: *mut *mut c_void,
    error: *mut c_char,
    size: usize,
) -> crl_status {
    create(config, instance, error, size, true)
}

unsafe extern "C" fn compute(
    instance: *mut c_void,
    batch: *const crl_batch,
    output: *mut crl_output,
    error: *mut c_char,
    size: usize,
) -> crl_status {
    guarded(error, size, || {
        if instance.is_null() || batch.is_null() || output.is_null() {
            return Err("null instance, batch or output".into());
        }
        let (state, batch, output) = (&*(instance as *const Instance), &*batch, &mut *output);
        let n = batch.num_structures as usize;
        if (output.capacity as usize) < n {
            return Err(format!(
                "output holds {} rewards for {n} structures",
                output.capacity
            ));
        }
        if n == 0 {
            output.count = 0;
            return Ok(());
        }
        let offsets = slice::from_raw_parts(batch.atom_offsets, n + 1);
        let lattices = slice::from_raw_parts(batch.lattices, 9 * n);
        let rewards = slice::from_raw_parts_mut(output.rewards, n);
        for i in 0..n {
            let volume = cell_volume(&lattices[9 * i..9 * i + 9]);
            if !(volume > 0.0) {
                return Err(format!(
                    "structure {i} has a degenerate cell (volume {volume})"
                ));
            }
            let density = (offsets[i + 1] - offsets[i]) as f64 / volume;
            rewards[i] = match state.target {
                Some(target) => -(density - target).abs(),
                None => density,
            };
        }
        output.count = n as u64;
        Ok(())
    })
}

unsafe extern "C" fn destroy(instance: *mut c_void) {
    if !instance.is_null() {
        drop(Box::from_raw(instance as *mut Instance));
    }
}

static TARGET_PARAMS: Static<[crl_param_desc; 1]> = Static([crl_param_desc {
    struct_size: mem::size_of::<crl_param_desc>() as u32,
    kind: CRL_PARAM_NUMBER,
    name: c"target_density".as_ptr(),
    description: c"density to approach, in atoms per cubic Angstrom".as_ptr(),
    default_json: ptr::null(),
}]);

static COMPONENTS: Static<[crl_component_desc; 2]> = Static([
    crl_component_desc {
        struct_size: mem::size_of::<crl_component_desc>() as u32,
        flags: 0,
        name: c"atomic_density".as_ptr(),
        description: c"Atomic density N/V in atoms per cubic Angstrom (Rust example plugin)."
            .as_ptr(),
        num_params: 0,
        params: ptr::null(),
        required_metrics: ptr::null(),
        create: Some(density_create),
        compute: Some(compute),
        destroy: Some(destroy),
    },
    crl_component_desc {
        struct_size: mem::size_of::<crl_component_desc>() as u32,
        flags: 0,
        name: c"target_density".as_ptr(),
        description: c"Negative distance to a target atomic density: -|N/V - target_density|."
            .as_ptr(),
        num_params: 1,
        params: &TARGET_PARAMS.0 as *const _ as *const crl_param_desc,
        required_metrics: ptr::null(),
        create: Some(target_create),
        compute: Some(compute),
        destroy: Some(destroy),
    },
]);

static PLUGIN: Static<crl_plugin_desc> = Static(crl_plugin_desc {
    struct_size: mem::size_of::<crl_plugin_desc>() as u32,
    abi_version: CRL_ABI_VERSION,
    name: c"atomic_density_rs".as_ptr(),
    version: c"1.0.0".as_ptr(),
    description: c"Atomic-density rewards (Rust example plugin).".as_ptr(),
    num_components: 2,
    components: &COMPONENTS.0 as *const _ as *const crl_component_desc,
});

/// The plugin's one exported symbol.
#[no_mangle]
pub extern "C" fn crystalrl_plugin_entry(_host: *const crl_host_api) -> *const crl_plugin_desc {
    &PLUGIN.0
}
