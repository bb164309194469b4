//! `tn_session`: one Telnet connection, without I/O (plus a helper that writes to a descriptor).

use super::config::{config_ref, tn_config};
use super::result::tn_result;
use super::types::{
    EventScratch, eol_mode_from, event_to, q_state_to, side_from, tn_event, tn_option_state,
};
use crate::engine::cell::SessionCell;
use crate::engine::{Flushed, flush_to_fd};
use crate::proto::{Command, Event, Session};
use std::cell::Cell;
use std::ffi::{c_int, c_void};
use std::sync::Arc;
use std::time::Instant;

/// One Telnet connection: parser, option negotiation and output queue, without I/O.
///
/// Made by `tn_session_new`, released by `tn_session_free`. A session may move between threads
/// but must not be used by two threads at once. Inside its event callback, the session may be used
/// through the `session` argument (or the handle the program already holds, which is the same
/// pointer) for anything except `tn_session_feed`; `tn_session_free` there is deferred until the
/// running `tn_session_feed` returns.
pub struct tn_session {
    _private: [u8; 0],
}

/// Receives the events of a session. `userdata` is the pointer given to `tn_session_new`;
/// `session` is the session that produced the event; `event` and everything it points to are
/// valid only during the call. Runs on the thread that called `tn_session_feed`, before that call
/// returns. The callback must not unwind (no C++ exceptions, no `longjmp` out of it).
pub type tn_event_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, session: *mut tn_session, event: *const tn_event),
>;

/// A standalone session: the cell first, so a `tn_session` pointer is a pointer to the cell
/// whether the session stands alone or belongs to an engine connection.
#[repr(C)]
struct Handle {
    cell: SessionCell,
    callback: tn_event_callback,
    userdata: *mut c_void,
    free_requested: Cell<bool>,
}

fn cell_of<'a>(p: *const tn_session) -> &'a SessionCell {
    // SAFETY: every non-NULL tn_session points to a live SessionCell (standalone: the first field
    // of a Handle; engine: the cell of a connection), per the documented contract.
    unsafe { &*(p as *const SessionCell) }
}

/// The handle of a standalone session (not owned by an engine).
fn handle(p: *const tn_session) -> Option<*mut Handle> {
    (!cell_of(p).engine_owned).then_some(p as *mut Handle)
}

/// The session behind a non-NULL handle: the borrow lent to a running callback, if any.
fn session_of<'a>(p: *const tn_session) -> &'a mut Session {
    // SAFETY: calls into the library never overlap on one session (one thread at a time), and the
    // cell returns the lent borrow while a callback runs.
    unsafe { cell_of(p).get_external() }
}

/// The session behind a handle, `None` for NULL (for the option functions).
pub(crate) fn session_mut<'a>(p: *mut tn_session) -> Option<&'a mut Session> {
    (!p.is_null()).then(|| session_of(p))
}

macro_rules! try_session {
    ($p:expr) => {{
        if $p.is_null() {
            return tn_result::NullParameter;
        }
        session_of($p)
    }};
}

macro_rules! try_side {
    ($v:expr) => {
        match side_from($v) {
            Some(s) => s,
            None => return tn_result::InvalidArgument,
        }
    };
}

/// Makes a session from `config` that reports events to `callback` (NULL: events are dropped)
/// with `userdata` passed back unchanged. The configuration is copied. Nothing is queued until
/// `tn_session_start`. On success `*out` receives the handle.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_new(
    config: *const tn_config,
    callback: tn_event_callback,
    userdata: *mut c_void,
    out: *mut *mut tn_session,
) -> tn_result {
    ffi_panic_boundary! {
        let out = try_mut!(out);
        let Some(config) = config_ref(config) else {
            return tn_result::NullParameter;
        };
        let h = Box::new(Handle {
            cell: SessionCell::new(Session::new(Arc::new(config.clone())), false),
            callback,
            userdata,
            free_requested: Cell::new(false),
        });
        *out = Box::into_raw(h).cast();
        tn_result::Ok
    }
}

/// Releases a session and everything it queued. NULL is accepted and ignored, and so is a session
/// that belongs to an engine connection (the engine frees it). Called from inside the session's
/// own callback, the release happens when the running call returns (no further events are
/// delivered); the caller must not use the handle after that.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_free(session: *mut tn_session) {
    ffi_panic_boundary! {
        if session.is_null() {
            return;
        }
        let Some(h) = handle(session) else { return };
        // SAFETY: a standalone handle from tn_session_new; Cells are read through shared access.
        unsafe {
            if (*h).cell.busy() {
                (*h).free_requested.set(true);
                return;
            }
            drop(Box::from_raw(h));
        }
    }
}

/// Replaces the callback and user data. Takes effect for the next event.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_set_callback(
    session: *mut tn_session,
    callback: tn_event_callback,
    userdata: *mut c_void,
) -> tn_result {
    ffi_panic_boundary! {
        if session.is_null() {
            return tn_result::NullParameter;
        }
        let Some(h) = handle(session) else {
            return tn_result::NotAllowed;
        };
        // SAFETY: a running feed copied the callback before it started, so the change applies
        // from the next call; the fields are written through the handle's own pointer.
        unsafe {
            (*h).callback = callback;
            (*h).userdata = userdata;
        }
        tn_result::Ok
    }
}

/// Runs `f` on the session with a handler that forwards events to the C callback. Calls made from
/// inside the callback reach the session through the cell, which hands them the lent borrow.
///
/// # Safety
/// `h` is a valid standalone handle and no callback of this session is running.
unsafe fn with_callback<R>(
    h: *mut Handle,
    f: impl FnOnce(&mut Session, &mut dyn FnMut(&mut Session, &Event<'_>)) -> R,
) -> R {
    // SAFETY: per the contract.
    let (callback, userdata, cell) = unsafe { ((*h).callback, (*h).userdata, &(*h).cell) };
    let free_requested = unsafe { &(*h).free_requested };
    unsafe {
        cell.with(|s, lender| {
            let mut handler = |s: &mut Session, ev: &Event<'_>| {
                let Some(cb) = callback else { return };
                if free_requested.get() {
                    return;
                }
                let mut scratch = EventScratch::default();
                let Some(cev) = event_to(ev, &mut scratch) else {
                    return;
                };
                // SAFETY: calling the C callback with pointers valid for the call.
                lender.lend(s, || cb(userdata, h.cast(), &cev));
            };
            f(s, &mut handler)
        })
    }
}

/// Releases the handle if the callback asked for it; returns true when it did.
///
/// # Safety
/// `h` is valid and no callback is running.
unsafe fn finish_deferred_free(h: *mut Handle) -> bool {
    if unsafe { (*h).free_requested.get() } {
        drop(unsafe { Box::from_raw(h) });
        true
    } else {
        false
    }
}

macro_rules! try_idle_handle {
    ($p:expr) => {{
        if $p.is_null() {
            return tn_result::NullParameter;
        }
        let Some(h) = handle($p) else {
            return tn_result::NotAllowed;
        };
        // SAFETY: the handle is valid (contract).
        if unsafe { (*h).cell.busy() } {
            return tn_result::Reentrant;
        }
        h
    }};
}

/// Parses `len` bytes at `data` received from the peer, calling the callback for each event
/// before returning. Protocol replies are queued as the input is parsed.
///
/// `*consumed` (if `consumed` is not NULL) receives how many bytes were parsed. Returns
/// `TN_RESULT_OK` when all were; `TN_RESULT_WOULD_BLOCK` when parsing stopped early because
/// the output queue is far past its limit (a peer that floods requests and never reads): drain
/// output, then feed the rest. `TN_RESULT_REENTRANT` from inside the session's own callback.
/// `data` may be NULL when `len` is 0; it is not kept after the call.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_feed(
    session: *mut tn_session,
    data: *const u8,
    len: usize,
    consumed: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        let h = try_idle_handle!(session);
        let input = try_slice!(data, len);
        // SAFETY: no callback is running, so nothing else borrows the session.
        let result = unsafe { with_callback(h, |s, handler| s.feed(input, handler)) };
        // SAFETY: the feed is over; the handle is ours again.
        if unsafe { finish_deferred_free(h) } {
            if let Some(c) = unsafe { consumed.as_mut() } {
                *c = len;
            }
            return tn_result::Ok;
        }
        match result {
            Ok(n) => {
                if let Some(c) = unsafe { consumed.as_mut() } {
                    *c = n;
                }
                if n == len { tn_result::Ok } else { tn_result::WouldBlock }
            }
            Err(e) => e.into(),
        }
    }
}

/// Queues the opening plan of the configuration and starts the settle clock. Events it causes
/// (`TN_EVENT_KIND_SETTLED` at once for an empty plan) go to the callback before it returns.
/// Calling it again does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_start(session: *mut tn_session) -> tn_result {
    ffi_panic_boundary! {
        let h = try_idle_handle!(session);
        // SAFETY: no callback is running.
        unsafe {
            with_callback(h, |s, handler| s.start(Instant::now(), handler));
            finish_deferred_free(h);
        }
        tn_result::Ok
    }
}

/// Milliseconds until the session needs `tn_session_on_timeout` (the settle deadline while the
/// opening negotiation is not settled), 0 if it is due, -1 when no timer is pending or for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_timeout_ms(session: *const tn_session) -> i64 {
    ffi_panic_boundary! {
        if session.is_null() {
            return -1;
        }
        // SAFETY: non-NULL handles come from tn_session_new.
        let s = session_of(session);
        match s.next_timeout() {
            None => -1,
            Some(t) => {
                let left = t.saturating_duration_since(Instant::now());
                i64::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i64::MAX)
            }
        }
    }
}

/// Handles timers that are due now (see `tn_session_timeout_ms`): past the settle deadline the
/// negotiation is reported settled with `timed_out` set. Safe to call at any time.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_on_timeout(session: *mut tn_session) -> tn_result {
    ffi_panic_boundary! {
        let h = try_idle_handle!(session);
        // SAFETY: no callback is running.
        unsafe {
            with_callback(h, |s, handler| s.on_timeout(Instant::now(), handler));
            finish_deferred_free(h);
        }
        tn_result::Ok
    }
}

/// Queues `len` bytes of application data (255 doubled; NVT end-of-line translation when the
/// output mode is `TN_EOL_MODE_NVT` and we are not in BINARY mode). Takes as much as fits under
/// the output limit; `*accepted` (if not NULL) receives how many bytes were taken. Returns
/// `TN_RESULT_WOULD_BLOCK` (with `*accepted` = 0) when the queue is already full.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_send(
    session: *mut tn_session,
    data: *const u8,
    len: usize,
    accepted: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let input = try_slice!(data, len);
        let (n, r) = match s.send(input) {
            Ok(n) => (n, tn_result::Ok),
            Err(e) => (0, e.into()),
        };
        if let Some(a) = unsafe { accepted.as_mut() } {
            *a = n;
        }
        r
    }
}

/// `tn_session_feed_pty` result bit: the program discarded its terminal's input (FLUSHREAD), so
/// discard the network input you have not yet written to the pty.
pub const TN_PTY_FLUSH_INPUT: u32 = 1;
/// `tn_session_feed_pty` result bit: the program changed the terminal's settings (IOCTL, sent with
/// EXTPROC): read them (`tcgetattr`) and follow: ICANON with `tn_session_set_line_editing`; in
/// LINEMODE, ECHO by offering the ECHO option while the program does not echo, as BSD telnetd.
pub const TN_PTY_TERMIOS_CHANGED: u32 = 2;

/// Server: hands the session one read from a pty master in packet mode (TIOCPKT), `packet` being
/// every byte the read returned, control byte first. Data is queued as by `tn_session_send`. The
/// notices map as in BSD telnetd: FLUSHWRITE aborts output (queued data dropped, Synch sent),
/// NOSTOP and DOSTOP send REMOTE-FLOW-CONTROL OFF and ON when the client agreed to it, STOP and
/// START need nothing; what is left for you to do at the pty comes back in `*notices` as
/// `TN_PTY_*` bits (if not NULL). `*accepted` (if not NULL) receives how many data bytes after the
/// control byte were queued: fewer than `len - 1` means the output queue is full; keep the rest,
/// stop reading the pty, and offer the rest with `tn_session_send` once output has drained (never
/// feed the same packet twice: its notices have been handled). Emits no events, so it may be
/// called inside the session's callback.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_feed_pty(
    session: *mut tn_session,
    packet: *const u8,
    len: usize,
    accepted: *mut usize,
    notices: *mut u32,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let input = try_slice!(packet, len);
        let r = s.pty_packet(input);
        if let Some(a) = unsafe { accepted.as_mut() } {
            *a = r.accepted;
        }
        if let Some(n) = unsafe { notices.as_mut() } {
            let mut bits = 0;
            if r.flush_input {
                bits |= TN_PTY_FLUSH_INPUT;
            }
            if r.termios_changed {
                bits |= TN_PTY_TERMIOS_CHANGED;
            }
            *n = bits;
        }
        tn_result::Ok
    }
}

/// Queues the two-byte command `IAC command` (`TN_CMD_*`, or an unassigned code below 236).
/// `TN_RESULT_INVALID_COMMAND` for SE, SB, the verbs and IAC.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_send_command(session: *mut tn_session, command: u8) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let Some(c) = Command::from_byte(command) else {
            return tn_result::InvalidCommand;
        };
        match s.send_command(c) {
            Ok(()) => tn_result::Ok,
            Err(e) => e.into(),
        }
    }
}

/// Asks for `option` to be enabled (`enable` true) or disabled on `side` (`tn_side`), by the
/// RFC 1143 rules: a request that is already satisfied or pending sends nothing. Enabling also
/// allows the option on that side. The outcome arrives as `TN_EVENT_KIND_OPTION_CHANGED` or
/// `TN_EVENT_KIND_OPTION_REFUSED`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_negotiate(
    session: *mut tn_session,
    option: u8,
    side: u32,
    enable: bool,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let side = try_side!(side);
        match s.negotiate(option, side, enable) {
            Ok(()) => tn_result::Ok,
            Err(e) => e.into(),
        }
    }
}

/// Sets whether `side` (`tn_side`) may enable `option` when the peer asks, from now on.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_set_allowed(
    session: *mut tn_session,
    option: u8,
    side: u32,
    allowed: bool,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let side = try_side!(side);
        s.set_allowed(option, side, allowed);
        tn_result::Ok
    }
}

/// Queues `IAC SB option payload IAC SE` with 255 bytes doubled. `TN_RESULT_TOO_LONG` when
/// `len` exceeds the subnegotiation limit.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_send_subnegotiation(
    session: *mut tn_session,
    option: u8,
    payload: *const u8,
    len: usize,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let payload = try_slice!(payload, len);
        match s.send_subnegotiation(option, payload) {
            Ok(()) => tn_result::Ok,
            Err(e) => e.into(),
        }
    }
}

/// Queues a Synch: IAC DM, the DM byte marked urgent (see `tn_session_peek_output`).
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_send_synch(session: *mut tn_session) -> tn_result {
    ffi_panic_boundary! {
        match try_session!(session).send_synch() {
            Ok(()) => tn_result::Ok,
            Err(e) => e.into(),
        }
    }
}

/// Abort output (RFC 854): drops every queued data frame, keeps queued commands and
/// subnegotiations whole, and queues a Synch. `*dropped` (if not NULL) receives how many queued
/// data bytes were dropped.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_clear_output(
    session: *mut tn_session,
    dropped: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        let n = try_session!(session).clear_output();
        if let Some(d) = unsafe { dropped.as_mut() } {
            *d = n;
        }
        tn_result::Ok
    }
}

/// Tells the session the peer sent TCP urgent data (an exceptional condition on the socket, or
/// `sockatmark`): input data is discarded, commands still processed, until the DM that ends
/// the Synch (RFC 854). Use with `SO_OOBINLINE` so the DM arrives in the stream.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_input_urgent(session: *mut tn_session) -> tn_result {
    ffi_panic_boundary! {
        try_session!(session).input_urgent();
        tn_result::Ok
    }
}

/// Looks at the next bytes to write without removing them. On success `*data` and `*len`
/// describe them (`*len` is 0 when nothing is queued) and `*urgent` (if not NULL) tells whether
/// they are the single DM byte of a Synch, to be sent with `send(fd, *data, 1, MSG_OOB)`. The
/// bytes stay valid until the next call that changes the session. Write them, then call
/// `tn_session_consume_output` with the count written.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_peek_output(
    session: *const tn_session,
    data: *mut *const u8,
    len: *mut usize,
    urgent: *mut bool,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let data = try_mut!(data);
        let len = try_mut!(len);
        let (p, n, u) = match s.peek_output() {
            Some(c) => (c.bytes.as_ptr(), c.bytes.len(), c.urgent),
            None => (std::ptr::null(), 0, false),
        };
        *data = p;
        *len = n;
        if let Some(u_out) = unsafe { urgent.as_mut() } {
            *u_out = u;
        }
        tn_result::Ok
    }
}

/// Removes `n` written bytes from the front of the output queue. `TN_RESULT_INVALID_ARGUMENT`
/// (and nothing removed) when `n` is more than is queued.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_consume_output(session: *mut tn_session, n: usize) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        if n > s.output_len() {
            return tn_result::InvalidArgument;
        }
        s.consume_output(n);
        tn_result::Ok
    }
}

/// Bytes waiting in the output queue; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_output_len(session: *const tn_session) -> usize {
    ffi_panic_boundary! {
        if session.is_null() {
            return 0;
        }
        session_of(session).output_len()
    }
}

/// How many more bytes of data `tn_session_send` takes now before it refuses (0 when the queue
/// is full; the limit counts data before IAC doubling and NVT line-end expansion, and the
/// queue's own bookkeeping). A message of at most this many bytes is taken whole. 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_output_room(session: *const tn_session) -> usize {
    ffi_panic_boundary! {
        if session.is_null() {
            return 0;
        }
        session_of(session).output_room()
    }
}

/// Writes queued output to the non-blocking descriptor `fd` until the queue is empty or `fd`
/// would block. On a socket the DM of a Synch goes out alone with `MSG_OOB`; `MSG_NOSIGNAL` is
/// used, so a closed peer gives `EPIPE`, not SIGPIPE. `*written` (if not NULL) receives the bytes
/// written by this call in every case. Returns `TN_RESULT_OK` when the queue is empty,
/// `TN_RESULT_WOULD_BLOCK` when output remains, `TN_RESULT_IO` with `errno` set on an error
/// (what was written before it stays consumed).
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_flush_fd(
    session: *mut tn_session,
    fd: c_int,
    written: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let before = s.output_len();
        let (n, r) = match flush_to_fd(s, fd) {
            Ok(Flushed::All(n)) => (n, tn_result::Ok),
            Ok(Flushed::Partial(n)) => (n, tn_result::WouldBlock),
            Err(e) => {
                let n = before - s.output_len();
                if let Some(code) = e.raw_os_error() {
                    // SAFETY: errno is thread-local.
                    unsafe { *libc::__errno_location() = code };
                }
                (n, tn_result::Io)
            }
        };
        if let Some(w) = unsafe { written.as_mut() } {
            *w = n;
        }
        r
    }
}

/// Writes the state of `side` (`tn_side`) of `option` to `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_option_state(
    session: *const tn_session,
    option: u8,
    side: u32,
    out: *mut tn_option_state,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let side = try_side!(side);
        let out = try_mut!(out);
        let st = s.option_state(option, side);
        *out = tn_option_state {
            state: q_state_to(st.state),
            opposite_queued: st.opposite_queued,
            enabled: st.enabled(),
        };
        tn_result::Ok
    }
}

/// Whether `option` is in effect on `side` (`tn_side`); false for NULL or an invalid side.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_is_enabled(session: *const tn_session, option: u8, side: u32) -> bool {
    ffi_panic_boundary! {
        if session.is_null() {
            return false;
        }
        let Some(side) = side_from(side) else { return false };
        session_of(session).is_enabled(option, side)
    }
}

/// Changes end-of-line handling of received and sent data (`tn_eol_mode` each), from the next
/// byte on.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_set_eol(
    session: *mut tn_session,
    input: u32,
    output: u32,
) -> tn_result {
    ffi_panic_boundary! {
        let s = try_session!(session);
        let (Some(i), Some(o)) = (eol_mode_from(input), eol_mode_from(output)) else {
            return tn_result::InvalidArgument;
        };
        s.set_input_eol(i);
        s.set_output_eol(o);
        tn_result::Ok
    }
}

/// Bytes of memory the session uses: its fixed size plus the buffers it holds now.
#[unsafe(no_mangle)]
pub extern "C" fn tn_session_memory_size(session: *const tn_session) -> usize {
    ffi_panic_boundary! {
        if session.is_null() {
            return 0;
        }
        // SAFETY: non-NULL handles come from tn_session_new.
        let s = session_of(session);
        std::mem::size_of::<Handle>() + s.heap_size()
    }
}
