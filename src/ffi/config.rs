//! `tn_config`: how sessions start.

use super::result::tn_result;
use super::types::{eol_mode_from, role_from, side_from};
use crate::proto::Config;

/// How sessions start: role, option policy, opening plan, end-of-line modes and limits.
///
/// Made by `tn_config_new`, released by `tn_config_free`. A session copies the configuration
/// when it is made, so the config may be changed or freed afterwards. Not thread-safe: configure
/// it from one thread; after that, several threads may make sessions from it at once if none
/// changes it.
pub struct tn_config {
    _private: [u8; 0],
}

pub(crate) fn config_ref<'a>(p: *const tn_config) -> Option<&'a Config> {
    // SAFETY: a non-NULL tn_config pointer comes from tn_config_new (documented contract).
    unsafe { p.cast::<Config>().as_ref() }
}

fn config_mut<'a>(p: *mut tn_config) -> Option<&'a mut Config> {
    // SAFETY: as above; the caller does not use the config from two threads at once.
    unsafe { p.cast::<Config>().as_mut() }
}

macro_rules! try_config {
    ($p:expr) => {
        match config_mut($p) {
            Some(c) => c,
            None => return tn_result::NullParameter,
        }
    };
}

/// Makes a configuration for `role` (`TN_ROLE_SERVER` or `TN_ROLE_CLIENT`) that allows no option,
/// requests nothing, delivers data raw, limits subnegotiations to 64 KiB and queued output to
/// 256 KiB. On success `*out` receives a handle to free with `tn_config_free`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_new(role: u32, out: *mut *mut tn_config) -> tn_result {
    ffi_panic_boundary! {
        let out = try_mut!(out);
        let Some(role) = role_from(role) else {
            return tn_result::InvalidArgument;
        };
        *out = Box::into_raw(Box::new(Config::new(role))).cast();
        tn_result::Ok
    }
}

/// Releases a configuration. NULL is accepted and ignored. Sessions made from it are unaffected.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_free(config: *mut tn_config) {
    ffi_panic_boundary! {
        if !config.is_null() {
            // SAFETY: made by tn_config_new and not freed before (documented contract).
            drop(unsafe { Box::from_raw(config.cast::<Config>()) });
        }
    }
}

/// Lets `side` (`tn_side`) enable `option` when the peer asks. Options not allowed are refused
/// automatically.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_allow(config: *mut tn_config, option: u8, side: u32) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let Some(side) = side_from(side) else {
            return tn_result::InvalidArgument;
        };
        c.allow(option, side);
        tn_result::Ok
    }
}

/// Stops allowing `side` (`tn_side`) to enable `option`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_deny(config: *mut tn_config, option: u8, side: u32) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let Some(side) = side_from(side) else {
            return tn_result::InvalidArgument;
        };
        c.deny(option, side);
        tn_result::Ok
    }
}

/// Adds "ask for `option` on `side`" to the opening plan that `tn_session_start` sends, in the
/// order of the calls, and allows it.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_request(config: *mut tn_config, option: u8, side: u32) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let Some(side) = side_from(side) else {
            return tn_result::InvalidArgument;
        };
        c.request(option, side);
        tn_result::Ok
    }
}

/// Sets end-of-line handling for received (`input`) and sent (`output`) data, each a
/// `tn_eol_mode`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_eol(config: *mut tn_config, input: u32, output: u32) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let (Some(i), Some(o)) = (eol_mode_from(input), eol_mode_from(output)) else {
            return tn_result::InvalidArgument;
        };
        c.input_eol = i;
        c.output_eol = o;
        tn_result::Ok
    }
}

/// Sets the longest subnegotiation payload kept, in bytes (default 65536, at least 1). A longer
/// one is dropped with a `TN_WARNING_SUBNEGOTIATION_TOO_LONG` event.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_max_subnegotiation(
    config: *mut tn_config,
    limit: usize,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        if limit == 0 {
            return tn_result::InvalidArgument;
        }
        c.max_subnegotiation = limit;
        tn_result::Ok
    }
}

/// Sets the queued-output size in bytes above which `tn_session_send` returns
/// `TN_RESULT_WOULD_BLOCK` (default 262144, at least 1).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_output_limit(config: *mut tn_config, limit: usize) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        if limit == 0 {
            return tn_result::InvalidArgument;
        }
        c.output_limit = limit;
        tn_result::Ok
    }
}
