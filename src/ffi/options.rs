//! Typed senders and accessors for the options, on a `tn_session`.

use super::result::tn_result;
use super::session::{session_mut, tn_session};
use super::types::{
    input_mode_to, kludge_to, lflow_from, side_from, tn_bytes, tn_input_mode, tn_kludge, tn_str,
    tn_var_kind, var_kind_to,
};
use crate::proto::Error;
use crate::proto::environ::DEFAULT_ALLOWLIST;
use std::ffi::{CStr, c_char, c_void};

macro_rules! try_session {
    ($p:expr) => {
        match session_mut($p) {
            Some(s) => s,
            None => return tn_result::NullParameter,
        }
    };
}

fn result(r: Result<(), Error>) -> tn_result {
    match r {
        Ok(()) => tn_result::Ok,
        Err(e) => e.into(),
    }
}

fn put<T>(out: *mut T, value: T) {
    // SAFETY: output pointers are checked by the callers' documentation (NULL means "not
    // wanted" only where a function says so; here they have been checked non-NULL).
    if let Some(o) = unsafe { out.as_mut() } {
        *o = value;
    }
}

/// The settle state: true once the opening negotiation is complete (or timed out); false for
/// NULL.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_is_settled(session: *const tn_session) -> bool {
    ffi_panic_boundary! {
        session_mut(session as *mut tn_session).is_some_and(|s| s.is_settled())
    }
}

/// How the client sends input, as negotiated (`tn_input_mode`); `TN_INPUT_MODE_LINE` for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_input_mode(session: *const tn_session) -> tn_input_mode {
    ffi_panic_boundary! {
        session_mut(session as *mut tn_session)
            .map_or(tn_input_mode::Line, |s| input_mode_to(s.input_mode()))
    }
}

/// What the DO TIMING-MARK probe found about kludge line mode (`tn_kludge`).
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_kludge(session: *const tn_session) -> tn_kludge {
    ffi_panic_boundary! {
        session_mut(session as *mut tn_session).map_or(tn_kludge::Unknown, |s| kludge_to(s.kludge()))
    }
}

/// The terminal type to use (the second answer when the third was "MTTS n", else the first),
/// as sent: printable ASCII, at most 40 bytes, not validated for use as TERM (see
/// `tn_session_term`). `TN_RESULT_NOT_FOUND` before the client sent one. The bytes stay valid
/// until the session is fed again or freed.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_terminal_type(
    session: *const tn_session,
    out: *mut tn_bytes,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        match s.terminal_type() {
            Some(t) => {
                *out = tn_bytes::from_slice(t);
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// The terminal type made safe for TERM: `[A-Za-z0-9._+-]`, 1 to 40 bytes, lower-cased (as BSD
/// telnetd does), written NUL-terminated to `buf` (`cap` bytes; 41 is always enough).
/// `TN_RESULT_NOT_FOUND` when the client sent none or none that is safe.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_term(
    session: *const tn_session,
    buf: *mut c_char,
    cap: usize,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        if buf.is_null() {
            return tn_result::NullParameter;
        }
        let Some(term) = s.terminal_type().and_then(crate::proto::environ::valid_term) else {
            return tn_result::NotFound;
        };
        if term.len() + 1 > cap {
            return tn_result::TooLong;
        }
        // SAFETY: `buf` has `cap` writable bytes (contract) and the copy fits.
        unsafe {
            std::ptr::copy_nonoverlapping(term.as_ptr(), buf.cast::<u8>(), term.len());
            *buf.add(term.len()) = 0;
        }
        tn_result::Ok
    }
}

/// The number of terminal types the client reported in the TTYPE cycle.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_terminal_type_count(session: *const tn_session) -> usize {
    ffi_panic_boundary! {
        session_mut(session as *mut tn_session).map_or(0, |s| s.terminal_types().len())
    }
}

/// The `index`-th terminal type of the cycle (0-based). `TN_RESULT_NOT_FOUND` past the end.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_terminal_type_at(
    session: *const tn_session,
    index: usize,
    out: *mut tn_bytes,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        match s.terminal_types().get(index) {
            Some(t) => {
                *out = tn_bytes::from_slice(t);
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// The MTTS capability bits, when the client's third terminal type was "MTTS n".
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_mtts(session: *const tn_session, out: *mut u32) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        match s.mtts() {
            Some(m) => {
                *out = m;
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// The peer's window size (NAWS). `TN_RESULT_NOT_FOUND` before it sent one.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_window_size(
    session: *const tn_session,
    width: *mut u16,
    height: *mut u16,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        if width.is_null() || height.is_null() {
            return tn_result::NullParameter;
        }
        match s.window_size() {
            Some((w, h)) => {
                put(width, w);
                put(height, h);
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// The peer's terminal speeds (TERMINAL-SPEED). `TN_RESULT_NOT_FOUND` before it sent them.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_terminal_speed(
    session: *const tn_session,
    transmit: *mut u32,
    receive: *mut u32,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        if transmit.is_null() || receive.is_null() {
            return tn_result::NullParameter;
        }
        match s.terminal_speed() {
            Some((t, r)) => {
                put(transmit, t);
                put(receive, r);
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// The peer's X display (X-DISPLAY-LOCATION), untrusted. `TN_RESULT_NOT_FOUND` before it sent it.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_x_display(
    session: *const tn_session,
    out: *mut tn_bytes,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        match s.x_display() {
            Some(d) => {
                *out = tn_bytes::from_slice(d);
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// The character set both ends agreed on (CHARSET). `TN_RESULT_NOT_FOUND` when none.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_charset(session: *const tn_session, out: *mut tn_bytes) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        match s.charset() {
            Some(c) => {
                *out = tn_bytes::from_slice(c);
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// The encoding of data in one direction (`TN_SIDE_LOCAL`: what we send, `TN_SIDE_REMOTE`: what we
/// receive): the agreed character set or the default encoding when that direction is BINARY,
/// "US-ASCII" otherwise.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_encoding(
    session: *const tn_session,
    direction: u32,
    out: *mut tn_str,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        let Some(side) = side_from(direction) else {
            return tn_result::InvalidArgument;
        };
        let e = s.encoding(side);
        *out = tn_str { ptr: e.as_ptr().cast(), len: e.len() };
        tn_result::Ok
    }
}

/// One received environment variable, untrusted (see `tn_session_environ_at`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_env_var {
    /// VAR or USERVAR.
    pub kind: tn_var_kind,
    /// The name as sent.
    pub name: tn_bytes,
    /// The value as sent, when `has_value`.
    pub value: tn_bytes,
    /// False when the peer sent the name without a value.
    pub has_value: bool,
    /// True when it came through the old ENVIRON option.
    pub old: bool,
}

/// The number of environment variables the peer sent (at most 64 are kept).
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_environ_count(session: *const tn_session) -> usize {
    ffi_panic_boundary! {
        session_mut(session as *mut tn_session).map_or(0, |s| s.environ().vars().len())
    }
}

/// The `index`-th variable the peer sent, raw and untrusted: never pass these to a child or a
/// command line directly; use `tn_session_user` and `tn_session_visit_child_environment`. The
/// bytes stay valid until the session is fed again or freed.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_environ_at(
    session: *const tn_session,
    index: usize,
    out: *mut tn_env_var,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        let Some(v) = s.environ().vars().get(index) else {
            return tn_result::NotFound;
        };
        *out = tn_env_var {
            kind: var_kind_to(v.kind),
            name: tn_bytes::from_slice(&v.name),
            value: tn_bytes::from_slice(v.value.as_deref().unwrap_or(&[])),
            has_value: v.value.is_some(),
            old: v.source == crate::proto::environ::EnvSource::OldEnviron,
        };
        tn_result::Ok
    }
}

/// The user name the peer sent (USER), only if it is safe to pass to a login program after `--`:
/// 1 to 32 bytes of printable ASCII, not starting with '-', without whitespace, control bytes or
/// '/' (CVE-2026-24061). `TN_RESULT_NOT_FOUND` otherwise. The text stays valid until the session
/// is fed again or freed.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_user(session: *const tn_session, out: *mut tn_str) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let out = try_mut!(out);
        match s.user() {
            Some(u) => {
                *out = tn_str { ptr: u.as_ptr().cast(), len: u.len() };
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// Receives one variable of a child environment: name and value are valid during the call only.
pub type tn_env_visitor =
    Option<unsafe extern "C" fn(userdata: *mut c_void, name: tn_str, value: tn_str)>;

/// Calls `visit` for each received variable that may go into a child's environment: its name is
/// on the allowlist (`allowlist`, `count` NUL-terminated names, `PREFIX*` matching a prefix; NULL
/// for the default: USER LOGNAME TERM DISPLAY LANG LC_* COLUMNS LINES COLORTERM EDITOR PAGER
/// PRINTER POSIXLY_CORRECT XAUTHORITY), it is a valid variable name, and its value is UTF-8
/// without control bytes (USER and LOGNAME must be valid user names). Everything else (LD_*,
/// CREDENTIALS_DIRECTORY, TERMCAP, IFS, PATH, ...) is dropped. Returns the number visited in
/// `*count_out` (if not NULL).
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_visit_child_environment(
    session: *const tn_session,
    allowlist: *const *const c_char,
    count: usize,
    visit: tn_env_visitor,
    userdata: *mut c_void,
    count_out: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        let Some(visit) = visit else {
            return tn_result::NullParameter;
        };
        let mut owned: Vec<String> = Vec::new();
        if !allowlist.is_null() {
            if count > 4096 {
                return tn_result::InvalidArgument;
            }
            for i in 0..count {
                // SAFETY: `allowlist` has `count` entries (contract).
                let p = unsafe { *allowlist.add(i) };
                if p.is_null() {
                    return tn_result::NullParameter;
                }
                // SAFETY: each entry is a NUL-terminated string (contract).
                let name = unsafe { CStr::from_ptr(p) };
                match name.to_str() {
                    Ok(n) => owned.push(n.to_string()),
                    Err(_) => return tn_result::InvalidArgument,
                }
            }
        }
        let list: Vec<&str> = if allowlist.is_null() {
            DEFAULT_ALLOWLIST.to_vec()
        } else {
            owned.iter().map(String::as_str).collect()
        };
        let vars = s.child_environment(&list);
        for (n, v) in &vars {
            // SAFETY: calling the C visitor with views valid for the call.
            unsafe {
                visit(
                    userdata,
                    tn_str { ptr: n.as_ptr().cast(), len: n.len() },
                    tn_str { ptr: v.as_ptr().cast(), len: v.len() },
                )
            };
        }
        put(count_out, vars.len());
        tn_result::Ok
    }
}

/// The flow control the server asked for (REMOTE-FLOW-CONTROL), as a client.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_flow_control(
    session: *const tn_session,
    enabled: *mut bool,
    restart_any: *mut bool,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        if enabled.is_null() || restart_any.is_null() {
            return tn_result::NullParameter;
        }
        let f = s.flow_control();
        put(enabled, f.enabled);
        put(restart_any, f.restart_any);
        tn_result::Ok
    }
}

/// The LINEMODE MODE in effect (`TN_MODE_*` bits); 0 for NULL or outside LINEMODE.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_linemode(session: *const tn_session) -> u8 {
    ffi_panic_boundary! {
        session_mut(session as *mut tn_session).map_or(0, |s| s.linemode())
    }
}

/// The current SLC entry for `function` (`TN_SLC_*`): level and flush bits, and the character.
/// `TN_RESULT_NOT_FOUND` for a function outside the table.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_slc(
    session: *const tn_session,
    function: u8,
    flags: *mut u8,
    value: *mut u8,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session as *mut tn_session);
        if flags.is_null() || value.is_null() {
            return tn_result::NullParameter;
        }
        match s.slc_table().entry(function) {
            Some(e) => {
                put(flags, e.flags);
                put(value, e.value);
                tn_result::Ok
            }
            None => tn_result::NotFound,
        }
    }
}

/// Client: changes the window size and, if NAWS is on, reports it to the server.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_set_window_size(
    session: *mut tn_session,
    width: u16,
    height: u16,
) -> tn_result {
    ffi_panic_boundary! {
        result(try_session!(session).set_window_size(width, height))
    }
}

/// Server: starts a new TERMINAL-TYPE cycle. `TN_RESULT_NOT_ENABLED` unless the client agreed to
/// TTYPE.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_request_terminal_type(session: *mut tn_session) -> tn_result {
    ffi_panic_boundary! {
        result(try_session!(session).request_terminal_type())
    }
}

/// Offers character sets (CHARSET REQUEST): `count` NUL-terminated names, in order of
/// preference. The answer arrives as `TN_EVENT_KIND_CHARSET` or `TN_EVENT_KIND_CHARSET_REJECTED`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_request_charset(
    session: *mut tn_session,
    names: *const *const c_char,
    count: usize,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        if names.is_null() {
            return tn_result::NullParameter;
        }
        if count == 0 || count > 64 {
            return tn_result::InvalidArgument;
        }
        let mut owned = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: `names` has `count` entries (contract).
            let p = unsafe { *names.add(i) };
            if p.is_null() {
                return tn_result::NullParameter;
            }
            // SAFETY: NUL-terminated (contract).
            match unsafe { CStr::from_ptr(p) }.to_str() {
                Ok(n) if n.len() <= 64 => owned.push(n),
                _ => return tn_result::InvalidArgument,
            }
        }
        result(s.request_charset(&owned))
    }
}

/// Server: sends a REMOTE-FLOW-CONTROL command (`tn_lflow`). `TN_RESULT_NOT_ENABLED` unless the
/// client agreed to LFLOW.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_send_lflow(session: *mut tn_session, command: u32) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let Some(c) = lflow_from(command) else {
            return tn_result::InvalidArgument;
        };
        result(s.send_lflow(c))
    }
}

/// Asks the peer for a STATUS report; it arrives as `TN_EVENT_KIND_STATUS`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_request_status(session: *mut tn_session) -> tn_result {
    ffi_panic_boundary! {
        result(try_session!(session).request_status())
    }
}

/// Changes the LINEMODE MODE (`TN_MODE_EDIT`, `TN_MODE_TRAPSIG`, `TN_MODE_SOFT_TAB`,
/// `TN_MODE_LIT_ECHO`): a server proposes it, a client asks for it.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_set_linemode(session: *mut tn_session, mode: u8) -> tn_result {
    ffi_panic_boundary! {
        result(try_session!(session).set_linemode(mode))
    }
}

/// Server: sets the client's FORWARDMASK (`len` at most 32 bytes).
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_send_forwardmask(
    session: *mut tn_session,
    mask: *const u8,
    len: usize,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let mask = try_slice!(mask, len);
        result(s.send_forwardmask(mask))
    }
}

/// Server: line editing on or off as the program on the terminal wants (ICANON): in LINEMODE by
/// the MODE EDIT bit, in kludge line mode by WONT/WILL SUPPRESS-GO-AHEAD.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_set_line_editing(session: *mut tn_session, on: bool) -> tn_result {
    ffi_panic_boundary! {
        result(try_session!(session).set_line_editing(on))
    }
}

/// Our terminal's character for SLC `function` changed (for example after `stty`): updates the
/// table and, in LINEMODE, tells the peer.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_set_slc(
    session: *mut tn_session,
    function: u8,
    value: u8,
) -> tn_result {
    ffi_panic_boundary! {
        result(try_session!(session).set_slc(function, value))
    }
}

/// Sends IAC DO TIMING-MARK; the answer arrives as `TN_EVENT_KIND_TIMING_MARK`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_send_timing_mark(session: *mut tn_session) -> tn_result {
    ffi_panic_boundary! {
        result(try_session!(session).send_timing_mark())
    }
}

/// Marks the end of a prompt: IAC EOR when END-OF-RECORD is on, else IAC GA unless the peer
/// suppressed go-ahead. `*sent` (if not NULL) tells whether anything was queued.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_mark_prompt(session: *mut tn_session, sent: *mut bool) -> tn_result {
    ffi_panic_boundary! {
        match try_session!(session).mark_prompt() {
            Ok(b) => {
                put(sent, b);
                tn_result::Ok
            }
            Err(e) => e.into(),
        }
    }
}
