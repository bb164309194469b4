//! The C ABI: the only place with `extern "C"`.
//!
//! Conventions (see the header's preamble): every exported item starts with `tn_`; handles are
//! opaque, made by `tn_X_new` (or a named variant such as `tn_config_new_server`) and released by
//! `tn_X_free` (which accepts NULL); every function that can fail returns a [`tn_result`](result::tn_result); pointer arguments are checked for NULL; a
//! panic never crosses into C. This layer converts, checks and forwards; the protocol lives in
//! [`crate::proto`].

#![allow(non_camel_case_types)]
// Exported functions take raw pointers from C and check them for NULL before use; making them
// `unsafe fn` would change nothing for C callers (as in rustls-ffi).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// Runs the body of an exported function, turning a panic into the function's failure value.
macro_rules! ffi_panic_boundary {
    ($($body:tt)*) => {{
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(v) => v,
            Err(_) => $crate::ffi::boundary::PanicValue::panic_value(),
        }
    }};
}

/// Turns a raw mutable pointer argument into a reference, or returns `TN_RESULT_NULL_PARAMETER`.
macro_rules! try_mut {
    ($ptr:expr) => {
        match unsafe { $ptr.as_mut() } {
            Some(r) => r,
            None => return $crate::ffi::result::tn_result::NullParameter,
        }
    };
}

/// A byte slice from a pointer and a length: NULL is accepted only with length 0.
macro_rules! try_slice {
    ($ptr:expr, $len:expr) => {
        match $crate::ffi::boundary::slice_from($ptr, $len) {
            Some(s) => s,
            None => return $crate::ffi::result::tn_result::NullParameter,
        }
    };
}

pub(crate) mod boundary;
pub mod config;
pub mod engine;
pub mod names;
pub mod options;
pub mod result;
pub mod session;
pub mod text;
pub mod types;
