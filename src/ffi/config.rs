//! `tn_config`: how sessions start.

use super::result::tn_result;
use super::types::{eol_mode_from, role_from, side_from, var_kind_from};
use crate::proto::slc::SlcTable;
use crate::proto::{Config, Role};
use std::ffi::{CStr, c_char};

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

/// A new configuration holding a server plan that negotiates like BSD telnetd: DO TTYPE,
/// TSPEED, XDISPLOC, NEW-ENVIRON, NAWS, LFLOW, LINEMODE; WILL ECHO, SGA, STATUS; accepts BINARY,
/// EOR, CHARSET, ENVIRON, SNDLOC, LOGOUT and TIMING-MARK; NVT end-of-line handling. On success
/// `*out` receives a new handle to free with `tn_config_free`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_new_server(out: *mut *mut tn_config) -> tn_result {
    ffi_panic_boundary! {
        let out = try_mut!(out);
        *out = Box::into_raw(Box::new(Config::server())).cast();
        tn_result::Ok
    }
}

/// A new configuration holding a client plan that negotiates like BSD telnet: WILL TTYPE, NAWS,
/// TSPEED, LFLOW, LINEMODE, NEW-ENVIRON; DO SGA, STATUS; accepts ECHO, BINARY, EOR, CHARSET and
/// TIMING-MARK; NVT end-of-line handling, as the server plan. On success `*out` receives a new
/// handle to free with `tn_config_free`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_new_client(out: *mut *mut tn_config) -> tn_result {
    ffi_panic_boundary! {
        let out = try_mut!(out);
        *out = Box::into_raw(Box::new(Config::client())).cast();
        tn_result::Ok
    }
}

fn text_arg(p: *const c_char, max: usize) -> Result<String, tn_result> {
    if p.is_null() {
        return Err(tn_result::NullParameter);
    }
    // SAFETY: a NUL-terminated string (documented contract).
    let s = unsafe { CStr::from_ptr(p) };
    match s.to_str() {
        Ok(t) if t.len() <= max => Ok(t.to_string()),
        Ok(_) => Err(tn_result::TooLong),
        Err(_) => Err(tn_result::InvalidArgument),
    }
}

macro_rules! try_text {
    ($p:expr, $max:expr) => {
        match text_arg($p, $max) {
            Ok(t) => t,
            Err(r) => return r,
        }
    };
}

/// Sets how long to wait for the peer to answer the opening plan before reporting the
/// negotiation settled anyway (default 4000 ms).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_settle_timeout_ms(config: *mut tn_config, ms: u32) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).settle_timeout = std::time::Duration::from_millis(u64::from(ms));
        tn_result::Ok
    }
}

/// Server: the most TERMINAL-TYPE SEND requests in one cycle (default 8, 1 to 64).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_ttype_max(config: *mut tn_config, max: u32) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        if !(1..=64).contains(&max) {
            return tn_result::InvalidArgument;
        }
        c.ttype_max = max as usize;
        tn_result::Ok
    }
}

/// Server: adds a variable (`kind` a `tn_var_kind`, NUL-terminated `name`, at most 64 bytes; an
/// empty name asks for every variable of that kind) to the NEW-ENVIRON SEND request. With none
/// added, the request asks for everything.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_add_environ_request(
    config: *mut tn_config,
    kind: u32,
    name: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let Some(kind) = var_kind_from(kind) else {
            return tn_result::InvalidArgument;
        };
        let name = try_text!(name, 64);
        c.environ_request.push((kind, name));
        tn_result::Ok
    }
}

/// Server: adds a character set name (at most 64 bytes, no ';') to the CHARSET REQUEST offered
/// once the option is on, in order of preference.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_add_charset_offer(
    config: *mut tn_config,
    name: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let name = try_text!(name, 64);
        if name.is_empty() || name.contains(';') || c.charset_offer.len() >= 64 {
            return tn_result::InvalidArgument;
        }
        c.charset_offer.push(name);
        tn_result::Ok
    }
}

/// The character sets this end accepts from a peer's CHARSET REQUEST, in order of preference:
/// the first call replaces the default ("UTF-8"), later calls append.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_add_charset_accept(
    config: *mut tn_config,
    name: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let name = try_text!(name, 64);
        if name.is_empty() {
            return tn_result::InvalidArgument;
        }
        if c.charset_accept == ["UTF-8"] {
            c.charset_accept.clear();
        }
        c.charset_accept.push(name);
        tn_result::Ok
    }
}

/// The encoding used in BINARY mode when CHARSET agreed on none (default "UTF-8").
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_default_encoding(
    config: *mut tn_config,
    name: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        c.default_encoding = try_text!(name, 64);
        tn_result::Ok
    }
}

/// Server: the LINEMODE MODE proposed when the client agrees to LINEMODE (`TN_MODE_*` bits,
/// default EDIT | TRAPSIG).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_linemode_mode(config: *mut tn_config, mode: u8) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).linemode_mode = mode;
        tn_result::Ok
    }
}

/// Server: whether to probe with DO TIMING-MARK for kludge line mode when LINEMODE is refused
/// (default true).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_kludge_probe(config: *mut tn_config, on: bool) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).kludge_probe = on;
        tn_result::Ok
    }
}

/// Server: when the client agrees to LINEMODE with EDIT, stop echoing (WONT ECHO) so the client
/// echoes what it edits, and offer ECHO again when LINEMODE goes off, as BSD telnetd does
/// (default true).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_linemode_echo_off(config: *mut tn_config, on: bool) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).linemode_echo_off = on;
        tn_result::Ok
    }
}

/// Outside real LINEMODE, report received control characters that stand for SLC functions as
/// `TN_EVENT_KIND_SLC_FUNCTION` instead of data (default false).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_slc_simulation(config: *mut tn_config, on: bool) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).slc_simulation = on;
        tn_result::Ok
    }
}

/// Whether a subnegotiation that answers one of our pending requests counts as the peer's
/// agreement (default true; telnetlib3 answers some requests that way). `false` drops such a
/// subnegotiation with `TN_WARNING_SUBNEGOTIATION_NOT_ENABLED`, as strict RFC 855 and libtelnet do.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_implicit_agreement(config: *mut tn_config, on: bool) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).implicit_agreement = on;
        tn_result::Ok
    }
}

/// Server: REMOTE-FLOW-CONTROL restarts output on any character after XOFF (default false).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_lflow_restart_any(config: *mut tn_config, on: bool) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).lflow_restart_any = on;
        tn_result::Ok
    }
}

/// Client: the terminal types to answer TERMINAL-TYPE SEND with, cycling, the last repeated.
/// The first call replaces the default ("UNKNOWN"); names are printable ASCII, at most 40 bytes.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_add_terminal_type(
    config: *mut tn_config,
    name: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let name = try_text!(name, 40);
        if name.is_empty() || !name.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return tn_result::InvalidArgument;
        }
        if c.terminal_types == ["UNKNOWN"] {
            c.terminal_types.clear();
        }
        c.terminal_types.push(name);
        tn_result::Ok
    }
}

/// Client: the window size NAWS reports at first (default 80x24).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_window_size(
    config: *mut tn_config,
    width: u16,
    height: u16,
) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).window_size = (width, height);
        tn_result::Ok
    }
}

/// Client: the terminal speeds TERMINAL-SPEED reports (default 38400, 38400).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_terminal_speed(
    config: *mut tn_config,
    transmit: u32,
    receive: u32,
) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).terminal_speed = (transmit, receive);
        tn_result::Ok
    }
}

/// Client: the X display X-DISPLAY-LOCATION reports (printable ASCII, at most 256 bytes).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_x_display(
    config: *mut tn_config,
    display: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let d = try_text!(display, 256);
        if !d.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return tn_result::InvalidArgument;
        }
        c.x_display = Some(d);
        tn_result::Ok
    }
}

/// Client: the location SEND-LOCATION reports (printable, at most 256 bytes).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_location(
    config: *mut tn_config,
    location: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let l = try_text!(location, 256);
        if l.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return tn_result::InvalidArgument;
        }
        c.location = Some(l);
        tn_result::Ok
    }
}

/// Client: adds a variable to the export list (`kind` a `tn_var_kind`; name at most 64 bytes,
/// value at most 1024). NEW-ENVIRON and ENVIRON answers disclose these and nothing else, whatever
/// the server asks for.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_add_environ_export(
    config: *mut tn_config,
    kind: u32,
    name: *const c_char,
    value: *const c_char,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        let Some(kind) = var_kind_from(kind) else {
            return tn_result::InvalidArgument;
        };
        let name = try_text!(name, 64);
        let value = try_text!(value, 1024);
        if name.is_empty() || c.environ_export.len() >= 64 {
            return tn_result::InvalidArgument;
        }
        c.environ_export.push((kind, name, value));
        tn_result::Ok
    }
}

/// Client: accept a server's LINEMODE FORWARDMASK (default false: refused, as BSD telnet does).
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_forwardmask_accept(config: *mut tn_config, on: bool) -> tn_result {
    ffi_panic_boundary! {
        try_config!(config).forwardmask_accept = on;
        tn_result::Ok
    }
}

/// Sets this end's terminal character for SLC `function` (`TN_SLC_*`), for example from the pty's
/// or tty's termios `c_cc`: `value` is the character (`vdisable`, such as `_POSIX_VDISABLE`,
/// means disabled) and `changeable` whether the peer may change it.
#[unsafe(no_mangle)]
pub extern "C" fn tn_config_set_slc(
    config: *mut tn_config,
    function: u8,
    value: u8,
    changeable: bool,
    vdisable: u8,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_config!(config);
        if function == 0 || function > crate::proto::slc::NSLC {
            return tn_result::InvalidArgument;
        }
        let table = c.slc.get_or_insert_with(|| match c.role {
            Role::Server => SlcTable::server_defaults(vdisable),
            Role::Client => SlcTable::client_defaults(vdisable),
        });
        table.set_local(function, value, changeable);
        tn_result::Ok
    }
}
