//! `tn_engine` and `tn_conn`: the event loop for C programs.

use super::config::{config_ref, tn_config};
use super::result::tn_result;
use super::session::tn_session;
use super::types::{EventScratch, event_to, tn_event};
use crate::engine::cell::SessionCell;
use crate::engine::spawn::Command;
use crate::engine::{CloseReason, Conn, Ctl, Engine, EngineConfig, Handler};
use crate::proto::Event;
use std::cell::Cell;
use std::ffi::{CStr, OsString, c_char, c_int, c_void};
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::sync::Arc;
use std::time::Duration;

/// An event loop serving and opening Telnet connections (mio: epoll on Linux).
///
/// Made by `tn_engine_new`, released by `tn_engine_free`. It runs on the thread that calls
/// `tn_engine_run` or `tn_engine_poll`; every callback runs there, one at a time. From another
/// thread only `tn_engine_wake` may be called. Inside callbacks, `tn_engine_stop` and
/// `tn_engine_connect` may be called (they take effect after the callback returns),
/// `tn_engine_watch_fd` and `tn_engine_unwatch_fd` (at once), and the read-only
/// `tn_engine_listener_port`, `tn_engine_session_count` and `tn_engine_fd`; the other engine
/// functions return `TN_RESULT_REENTRANT` there. The engine must outlive every
/// `tn_engine_wake` made from another thread.
pub struct tn_engine {
    _private: [u8; 0],
}

/// One connection of an engine. Valid from the `opened` callback (or the `tn_engine_connect`
/// that made it) until the `closed` callback returns; the engine frees it then. All its functions
/// may be called from any callback of the same engine, on any of its connections.
pub struct tn_conn {
    _private: [u8; 0],
}

/// Why a connection closed (`closed` callback).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_close_reason {
    /// The peer closed the connection.
    PeerClosed = 0,
    /// `tn_conn_close` (queued output was written first).
    Closed = 1,
    /// `tn_conn_abort` (queued output dropped).
    Aborted = 2,
    /// A socket error; the `error` argument holds the errno.
    Error = 3,
    /// No input for longer than the idle timeout.
    IdleTimeout = 4,
    /// The engine stopped.
    Shutdown = 5,
    /// The program on the pty exited; the `error` argument holds its exit code (128 + signal
    /// when killed).
    ChildExited = 6,
    /// An outgoing connection did not connect in time.
    ConnectTimeout = 7,
}

/// The callbacks of an engine; every member may be NULL ("not interested"). `userdata` is the
/// pointer given to `tn_engine_new`. Pointers passed to a callback are valid during the call
/// (`tn_conn` ones until that connection's `closed` returns). Callbacks must not unwind.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct tn_engine_callbacks {
    /// A peer connected to `listener` from `host` (numeric, NUL-terminated) and `port`. Return
    /// false to close it at once. NULL accepts every connection.
    pub accept: Option<
        unsafe extern "C" fn(
            userdata: *mut c_void,
            listener: u32,
            host: *const c_char,
            port: u16,
        ) -> bool,
    >,
    /// A connection is open (accepted, or an outgoing one connected); its session starts (sends
    /// its opening plan) after this returns.
    pub opened: Option<unsafe extern "C" fn(userdata: *mut c_void, conn: *mut tn_conn)>,
    /// An event of a connection's session. `session` is `tn_conn_session(conn)`.
    pub event: Option<
        unsafe extern "C" fn(
            userdata: *mut c_void,
            conn: *mut tn_conn,
            session: *mut tn_session,
            event: *const tn_event,
        ),
    >,
    /// A timer set with `tn_conn_set_timer` is due.
    pub timer: Option<unsafe extern "C" fn(userdata: *mut c_void, conn: *mut tn_conn, id: u64)>,
    /// The program on the connection's pty exited with `status` (exit code, or 128 + signal). The
    /// connection closes after its output drains.
    pub child_exited:
        Option<unsafe extern "C" fn(userdata: *mut c_void, conn: *mut tn_conn, status: c_int)>,
    /// The connection closed (`error`: errno for `TN_CLOSE_REASON_ERROR`, exit status for
    /// `TN_CLOSE_REASON_CHILD_EXITED`, 0 otherwise). It is freed when this returns.
    pub closed: Option<
        unsafe extern "C" fn(
            userdata: *mut c_void,
            conn: *mut tn_conn,
            reason: tn_close_reason,
            error: c_int,
        ),
    >,
    /// An outgoing connection with `tag` failed (`error`: errno, `ETIMEDOUT` for the timeout).
    pub connect_failed: Option<unsafe extern "C" fn(userdata: *mut c_void, tag: u64, error: c_int)>,
    /// A descriptor watched with `tn_engine_watch_fd` is ready.
    pub fd_ready: Option<
        unsafe extern "C" fn(userdata: *mut c_void, tag: u64, readable: bool, writable: bool),
    >,
    /// A signal registered with `tn_engine_handle_signals` arrived.
    pub signal: Option<unsafe extern "C" fn(userdata: *mut c_void, signo: c_int)>,
    /// `tn_engine_wake` was called (from any thread).
    pub woken: Option<unsafe extern "C" fn(userdata: *mut c_void)>,
}

struct FfiHandler {
    cb: tn_engine_callbacks,
    ud: *mut c_void,
}

fn conn_ptr(c: &Conn<'_>) -> *mut tn_conn {
    c.inner as *const _ as *mut tn_conn
}

fn session_ptr(c: &Conn<'_>) -> *mut tn_session {
    &c.inner.cell as *const SessionCell as *mut tn_session
}

impl Handler for FfiHandler {
    fn accept(&mut self, _ctl: &Ctl<'_>, listener: u32, peer: SocketAddr) -> bool {
        let Some(cb) = self.cb.accept else {
            return true;
        };
        let host = std::ffi::CString::new(peer.ip().to_string()).unwrap_or_default();
        // SAFETY: calling the C callback with pointers valid for the call.
        unsafe { cb(self.ud, listener, host.as_ptr(), peer.port()) }
    }

    fn opened(&mut self, conn: Conn<'_>) {
        if let Some(cb) = self.cb.opened {
            // SAFETY: as above.
            unsafe { cb(self.ud, conn_ptr(&conn)) }
        }
    }

    fn event(&mut self, conn: Conn<'_>, event: &Event<'_>) {
        let Some(cb) = self.cb.event else { return };
        let mut scratch = EventScratch::default();
        if let Some(ev) = event_to(event, &mut scratch) {
            // SAFETY: as above; the session is lent through its cell for the call.
            unsafe { cb(self.ud, conn_ptr(&conn), session_ptr(&conn), &ev) }
        }
    }

    fn timer(&mut self, conn: Conn<'_>, id: u64) {
        if let Some(cb) = self.cb.timer {
            // SAFETY: as above.
            unsafe { cb(self.ud, conn_ptr(&conn), id) }
        }
    }

    fn child_exited(&mut self, conn: Conn<'_>, status: i32) {
        if let Some(cb) = self.cb.child_exited {
            // SAFETY: as above.
            unsafe { cb(self.ud, conn_ptr(&conn), status) }
        }
    }

    fn closed(&mut self, conn: Conn<'_>, reason: CloseReason) {
        let Some(cb) = self.cb.closed else { return };
        let (r, e) = match reason {
            CloseReason::PeerClosed => (tn_close_reason::PeerClosed, 0),
            CloseReason::Closed => (tn_close_reason::Closed, 0),
            CloseReason::Aborted => (tn_close_reason::Aborted, 0),
            CloseReason::Error(e) => (tn_close_reason::Error, e),
            CloseReason::IdleTimeout => (tn_close_reason::IdleTimeout, 0),
            CloseReason::Shutdown => (tn_close_reason::Shutdown, 0),
            CloseReason::ChildExited(s) => (tn_close_reason::ChildExited, s),
            CloseReason::ConnectTimeout => (tn_close_reason::ConnectTimeout, 0),
        };
        // SAFETY: as above.
        unsafe { cb(self.ud, conn_ptr(&conn), r, e) }
    }

    fn connect_failed(&mut self, _ctl: &Ctl<'_>, tag: u64, error: &io::Error) {
        if let Some(cb) = self.cb.connect_failed {
            let e = error.raw_os_error().unwrap_or(match error.kind() {
                io::ErrorKind::TimedOut => libc::ETIMEDOUT,
                _ => libc::EIO,
            });
            // SAFETY: as above.
            unsafe { cb(self.ud, tag, e) }
        }
    }

    fn fd_ready(&mut self, _ctl: &Ctl<'_>, tag: u64, readable: bool, writable: bool) {
        if let Some(cb) = self.cb.fd_ready {
            // SAFETY: as above.
            unsafe { cb(self.ud, tag, readable, writable) }
        }
    }

    fn signal(&mut self, _ctl: &Ctl<'_>, signo: i32) {
        if let Some(cb) = self.cb.signal {
            // SAFETY: as above.
            unsafe { cb(self.ud, signo) }
        }
    }

    fn woken(&mut self, _ctl: &Ctl<'_>) {
        if let Some(cb) = self.cb.woken {
            // SAFETY: as above.
            unsafe { cb(self.ud) }
        }
    }
}

struct FfiEngine {
    engine: std::cell::UnsafeCell<Engine<FfiHandler>>,
    waker: Arc<mio::Waker>,
    /// The engine is inside `poll` (callbacks may run): only queued operations are allowed.
    busy: Cell<bool>,
}

fn ffi_engine<'a>(p: *const tn_engine) -> Option<&'a FfiEngine> {
    // SAFETY: non-NULL engine pointers come from tn_engine_new (documented contract).
    unsafe { (p as *const FfiEngine).as_ref() }
}

macro_rules! try_engine {
    ($p:expr) => {
        match ffi_engine($p) {
            Some(e) => e,
            None => return tn_result::NullParameter,
        }
    };
}

/// The engine for an operation that needs it exclusively (not from inside a callback).
macro_rules! try_idle_engine {
    ($p:expr) => {{
        let e = try_engine!($p);
        if e.busy.get() {
            return tn_result::Reentrant;
        }
        // SAFETY: not inside poll, so nothing else borrows the engine.
        unsafe { &mut *e.engine.get() }
    }};
}

/// Runs `f` on the engine's queued operations (usable inside callbacks).
fn with_ctl<R>(e: &FfiEngine, f: impl FnOnce(&Ctl<'_>) -> R) -> R {
    // SAFETY: `ctl` only touches the engine's shared queue through shared references, which the
    // loop also only borrows briefly and never across a callback.
    let engine = unsafe { &*e.engine.get() };
    f(&engine.ctl())
}

/// The addresses of `host` (an address literal, or a name looked up now), never empty:
/// `TN_RESULT_NOT_FOUND` for a name without addresses, `TN_RESULT_IO` for a lookup failure with
/// an errno.
fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, tn_result> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match (host, port).to_socket_addrs() {
        Ok(a) => {
            let addrs: Vec<_> = a.collect();
            if addrs.is_empty() {
                Err(tn_result::NotFound)
            } else {
                Ok(addrs)
            }
        }
        Err(err) if err.raw_os_error().is_some() => Err(io_result(err)),
        Err(_) => Err(tn_result::NotFound),
    }
}

fn io_result(e: io::Error) -> tn_result {
    if let Some(code) = e.raw_os_error() {
        // SAFETY: errno is thread-local.
        unsafe { *libc::__errno_location() = code };
    }
    tn_result::Io
}

fn cstr<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string (documented contract).
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// Makes an engine that reports to `callbacks` (copied; NULL members are ignored) with
/// `userdata`. Defaults: at most 10000 connections, no idle timeout, 2 s linger on close.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_new(
    callbacks: *const tn_engine_callbacks,
    userdata: *mut c_void,
    out: *mut *mut tn_engine,
) -> tn_result {
    ffi_panic_boundary! {
        let out = try_mut!(out);
        let Some(cb) = (unsafe { callbacks.as_ref() }) else {
            return tn_result::NullParameter;
        };
        let engine = match Engine::new(FfiHandler { cb: *cb, ud: userdata }, EngineConfig::default()) {
            Ok(e) => e,
            Err(e) => return io_result(e),
        };
        let waker = engine.waker();
        let b = Box::new(FfiEngine {
            engine: std::cell::UnsafeCell::new(engine),
            waker,
            busy: Cell::new(false),
        });
        *out = Box::into_raw(b).cast();
        tn_result::Ok
    }
}

/// Releases an engine: every connection closes now (their `closed` callbacks run) and children
/// get SIGHUP. NULL is accepted. Must not be called from a callback (ignored there).
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_free(engine: *mut tn_engine) {
    ffi_panic_boundary! {
        let Some(e) = ffi_engine(engine) else { return };
        if e.busy.get() {
            return;
        }
        // SAFETY: from tn_engine_new, not in use.
        drop(unsafe { Box::from_raw(engine as *mut FfiEngine) });
    }
}

/// The most concurrent connections (default 10000); more are accepted and closed at once.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_set_max_sessions(engine: *mut tn_engine, max: usize) -> tn_result {
    ffi_panic_boundary! {
        try_idle_engine!(engine).config_mut().max_sessions = max;
        tn_result::Ok
    }
}

/// Closes connections that sent nothing for `ms` milliseconds (0: never, the default).
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_set_idle_timeout_ms(engine: *mut tn_engine, ms: u32) -> tn_result {
    ffi_panic_boundary! {
        try_idle_engine!(engine).config_mut().idle_timeout =
            (ms > 0).then(|| Duration::from_millis(u64::from(ms)));
        tn_result::Ok
    }
}

/// How long a closing connection (or a stopping engine) may take to drain its output
/// (default 2000 ms).
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_set_linger_ms(engine: *mut tn_engine, ms: u32) -> tn_result {
    ffi_panic_boundary! {
        try_idle_engine!(engine).config_mut().linger = Duration::from_millis(u64::from(ms));
        tn_result::Ok
    }
}

/// How many bytes the engine reads from one connection (or pty) before the others get their turn
/// (default 262144). Smaller values share the loop more fairly when a few peers flood (a chat
/// relaying one sender to many readers, say); larger ones move bulk data with fewer wake-ups.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_set_read_budget(engine: *mut tn_engine, bytes: usize) -> tn_result {
    ffi_panic_boundary! {
        if bytes == 0 {
            return tn_result::InvalidArgument;
        }
        try_idle_engine!(engine).config_mut().read_budget = bytes;
        tn_result::Ok
    }
}

/// Turns TCP keepalive on for new connections: `idle_s` seconds of silence before the first
/// probe (0: off, the default), so a peer that vanished without closing is noticed.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_set_keepalive(engine: *mut tn_engine, idle_s: u32) -> tn_result {
    ffi_panic_boundary! {
        try_idle_engine!(engine).config_mut().keepalive =
            (idle_s > 0).then(|| Duration::from_secs(u64::from(idle_s)));
        tn_result::Ok
    }
}

/// Listens on `host` (an IPv4 or IPv6 address, or a name such as "localhost", resolved now and
/// the first of its addresses used; NUL-terminated) and `port` (0 picks a free port, see
/// `tn_engine_listener_port`); sessions of accepted connections use a copy of `config`.
/// `*listener` (if not NULL) receives the listener's number. An IPv6 listener is IPv6-only:
/// listen twice for both families. `TN_RESULT_NOT_FOUND` when the name does not resolve;
/// `TN_RESULT_IO` with errno set when the address is busy (EADDRINUSE) or not available.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_listen(
    engine: *mut tn_engine,
    host: *const c_char,
    port: u16,
    config: *const tn_config,
    listener: *mut u32,
) -> tn_result {
    ffi_panic_boundary! {
        let e = try_idle_engine!(engine);
        let Some(host) = cstr(host) else { return tn_result::NullParameter };
        let Some(config) = config_ref(config) else { return tn_result::NullParameter };
        let addr = match resolve(host, port) {
            Ok(addrs) => addrs[0],
            Err(r) => return r,
        };
        match e.listen(addr, Arc::new(config.clone())) {
            Ok(id) => {
                if let Some(l) = unsafe { listener.as_mut() } {
                    *l = id;
                }
                tn_result::Ok
            }
            Err(err) => io_result(err),
        }
    }
}

/// The port a listener is bound to.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_listener_port(
    engine: *const tn_engine,
    listener: u32,
    port: *mut u16,
) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        let port = try_mut!(port);
        // SAFETY: reading the listener table; listeners change only outside callbacks.
        match unsafe { &*e.engine.get() }.local_addr(listener) {
            Ok(a) => {
                *port = a.port();
                tn_result::Ok
            }
            Err(_) => tn_result::NotFound,
        }
    }
}

/// Opens a connection to `host` (name or address; resolved now, which may block) and `port`,
/// with a session made from a copy of `config`. Every address of the name is tried in order,
/// each with the whole `timeout_ms`, until one connects. The outcome arrives as `opened` or
/// `connect_failed` with `tag`. Allowed inside callbacks.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_connect(
    engine: *mut tn_engine,
    host: *const c_char,
    port: u16,
    config: *const tn_config,
    timeout_ms: u32,
    tag: u64,
) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        let Some(host) = cstr(host) else { return tn_result::NullParameter };
        let Some(config) = config_ref(config) else { return tn_result::NullParameter };
        let addrs = match resolve(host, port) {
            Ok(addrs) => addrs,
            Err(r) => return r,
        };
        let timeout = Duration::from_millis(u64::from(timeout_ms.max(1)));
        with_ctl(e, |ctl| ctl.connect_any(addrs, Arc::new(config.clone()), timeout, tag));
        tn_result::Ok
    }
}

/// Runs the loop until the engine stopped (`tn_engine_stop`) and every connection closed.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_run(engine: *mut tn_engine) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        loop {
            match poll_once(e, None) {
                tn_result::Ok => {}
                other => return other,
            }
            // SAFETY: outside poll.
            if unsafe { &*e.engine.get() }.is_stopped() {
                return tn_result::Ok;
            }
        }
    }
}

fn poll_once(e: &FfiEngine, timeout: Option<Duration>) -> tn_result {
    if e.busy.replace(true) {
        return tn_result::Reentrant;
    }
    // SAFETY: `busy` guarantees nothing else holds the engine mutably.
    let r = unsafe { &mut *e.engine.get() }.poll(timeout);
    e.busy.set(false);
    match r {
        Ok(()) => tn_result::Ok,
        Err(err) => io_result(err),
    }
}

/// Waits up to `timeout_ms` (negative: until something happens) and handles what is ready, for
/// programs with their own loop (see `tn_engine_fd`).
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_poll(engine: *mut tn_engine, timeout_ms: c_int) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        let t = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
        poll_once(e, t)
    }
}

/// A descriptor that becomes readable when the engine has work: wait on it in your own loop,
/// then call `tn_engine_poll(engine, 0)`. -1 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_fd(engine: *const tn_engine) -> c_int {
    ffi_panic_boundary! {
        match ffi_engine(engine) {
            // SAFETY: reading the poll descriptor.
            Some(e) => unsafe { &*e.engine.get() }.fd(),
            None => -1,
        }
    }
}

/// Stops the engine: listeners close, connections write what is queued and close (or are closed
/// after the linger time), then `tn_engine_run` returns. Allowed inside callbacks.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_stop(engine: *mut tn_engine) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        with_ctl(e, |ctl| ctl.stop());
        tn_result::Ok
    }
}

/// Wakes the loop from any thread; the `woken` callback runs on the engine's thread. This is
/// the only engine function that may be called from another thread.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_wake(engine: *const tn_engine) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        match e.waker.wake() {
            Ok(()) => tn_result::Ok,
            Err(err) => io_result(err),
        }
    }
}

/// Delivers the `count` signals in `signals` (SIGINT, SIGTERM, SIGWINCH, ...) through the
/// `signal` callback instead of their default action. Blocks them in the calling thread (call it
/// before starting other threads); children started by the engine get them unblocked.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_handle_signals(
    engine: *mut tn_engine,
    signals: *const c_int,
    count: usize,
) -> tn_result {
    ffi_panic_boundary! {
        let e = try_idle_engine!(engine);
        let signals = if count == 0 {
            &[][..]
        } else {
            if signals.is_null() || count > 64 {
                return tn_result::InvalidArgument;
            }
            // SAFETY: `count` ints at `signals` (contract).
            unsafe { std::slice::from_raw_parts(signals, count) }
        };
        match e.handle_signals(signals) {
            Ok(()) => tn_result::Ok,
            Err(err) if err.kind() == io::ErrorKind::InvalidInput => tn_result::InvalidArgument,
            Err(err) => io_result(err),
        }
    }
}

/// Watches `fd` (not owned) for readability and/or writability; the `fd_ready` callback gets
/// `tag`. `*id` receives the watch's number (numbers of ended watches are reused). A regular
/// file cannot be watched (`TN_RESULT_IO`, errno EPERM): read it directly; neither can a
/// descriptor already watched (errno EEXIST). Allowed inside callbacks; a watch ended there may
/// still get one readiness the current poll already collected, so handle EAGAIN.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_watch_fd(
    engine: *mut tn_engine,
    fd: c_int,
    readable: bool,
    writable: bool,
    tag: u64,
    id: *mut u32,
) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        match with_ctl(e, |ctl| ctl.watch(fd, readable, writable, tag)) {
            Ok(w) => {
                if let Some(i) = unsafe { id.as_mut() } {
                    *i = w;
                }
                tn_result::Ok
            }
            Err(err) => io_result(err),
        }
    }
}

/// Stops watching a descriptor (`TN_RESULT_NOT_FOUND` for a number not watched). Allowed inside
/// callbacks.
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_unwatch_fd(engine: *mut tn_engine, id: u32) -> tn_result {
    ffi_panic_boundary! {
        let e = try_engine!(engine);
        match with_ctl(e, |ctl| ctl.unwatch(id)) {
            Ok(()) => tn_result::Ok,
            Err(_) => tn_result::NotFound,
        }
    }
}

/// Connections open now (including outgoing ones still connecting).
#[unsafe(no_mangle)]
pub extern "C" fn tn_engine_session_count(engine: *const tn_engine) -> usize {
    ffi_panic_boundary! {
        // SAFETY: reading a counter.
        ffi_engine(engine).map_or(0, |e| unsafe { &*e.engine.get() }.session_count())
    }
}

/// Raises the open-file soft limit toward `wanted` as far as the hard limit allows; `*got`
/// receives the limit in force (compare it with what you need and say so when it is lower).
#[unsafe(no_mangle)]
pub extern "C" fn tn_raise_fd_limit(wanted: u64, got: *mut u64) -> tn_result {
    ffi_panic_boundary! {
        let got = try_mut!(got);
        match crate::engine::raise_fd_limit(wanted) {
            Ok(n) => {
                *got = n;
                tn_result::Ok
            }
            Err(err) => io_result(err),
        }
    }
}

// ----- connections -----

fn conn<'a>(p: *const tn_conn) -> Option<Conn<'a>> {
    // SAFETY: non-NULL connection pointers are live until their closed callback returns
    // (documented contract); callbacks only ever hold shared references to them.
    unsafe { (p as *const crate::engine::conn::ConnInner).as_ref() }.map(|inner| Conn { inner })
}

macro_rules! try_conn {
    ($p:expr) => {
        match conn($p) {
            Some(c) => c,
            None => return tn_result::NullParameter,
        }
    };
}

/// The connection's session, for every `tn_session_*` function except `tn_session_feed`,
/// `tn_session_start`, `tn_session_on_timeout`, `tn_session_set_callback` (the engine does those:
/// `TN_RESULT_NOT_ALLOWED`) and `tn_session_free` (ignored). Valid as long as the connection.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_session(c: *mut tn_conn) -> *mut tn_session {
    ffi_panic_boundary! {
        match conn(c) {
            Some(c) => session_ptr(&c),
            None => std::ptr::null_mut(),
        }
    }
}

/// Queues data on the connection's session (like `tn_session_send`) and schedules the write.
/// While input is being answered with output, the engine reads no more than half the queue's
/// free room at a time, so echoing every byte of a `TN_EVENT_KIND_DATA` event always fits.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_send(
    c: *mut tn_conn,
    data: *const u8,
    len: usize,
    accepted: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_conn!(c);
        let data = try_slice!(data, len);
        if c.is_closed() {
            return tn_result::NotAllowed;
        }
        let (n, r) = match c.send(data) {
            Ok(n) => (n, tn_result::Ok),
            Err(e) => (0, e.into()),
        };
        if let Some(a) = unsafe { accepted.as_mut() } {
            *a = n;
        }
        r
    }
}

/// Closes the connection after its queued output is written (at most the linger time).
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_close(c: *mut tn_conn) -> tn_result {
    ffi_panic_boundary! {
        try_conn!(c).close();
        tn_result::Ok
    }
}

/// Closes the connection now, dropping queued output.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_abort(c: *mut tn_conn) -> tn_result {
    ffi_panic_boundary! {
        try_conn!(c).abort();
        tn_result::Ok
    }
}

/// Calls the `timer` callback with `id` after `ms` milliseconds (while the connection is open).
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_set_timer(c: *mut tn_conn, ms: u32, id: u64) -> tn_result {
    ffi_panic_boundary! {
        try_conn!(c).set_timer(Duration::from_millis(u64::from(ms)), id);
        tn_result::Ok
    }
}

/// Stores an application pointer with the connection.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_set_userdata(c: *mut tn_conn, userdata: *mut c_void) -> tn_result {
    ffi_panic_boundary! {
        try_conn!(c).set_userdata(userdata);
        tn_result::Ok
    }
}

/// The application pointer stored with the connection (NULL if none, or for NULL).
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_userdata(c: *const tn_conn) -> *mut c_void {
    ffi_panic_boundary! {
        conn(c).map_or(std::ptr::null_mut(), |c| c.userdata())
    }
}

/// A number identifying the connection: 1 for the engine's first connection, counting up, never
/// reused while the engine runs.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_id(c: *const tn_conn) -> u64 {
    ffi_panic_boundary! {
        conn(c).map_or(0, |c| c.id().0)
    }
}

/// The tag given to `tn_engine_connect` (0 for an accepted connection).
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_tag(c: *const tn_conn) -> u64 {
    ffi_panic_boundary! {
        conn(c).map_or(0, |c| c.tag())
    }
}

/// The peer's numeric address, NUL-terminated in `host` (`cap` bytes; 46 always suffice), and
/// port.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_peer(
    c: *const tn_conn,
    host: *mut c_char,
    cap: usize,
    port: *mut u16,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_conn!(c);
        if host.is_null() || port.is_null() {
            return tn_result::NullParameter;
        }
        let Some(peer) = c.peer() else { return tn_result::NotFound };
        let text = peer.ip().to_string();
        if text.len() + 1 > cap {
            return tn_result::TooLong;
        }
        // SAFETY: `host` has `cap` bytes (contract) and the text fits.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), host.cast::<u8>(), text.len());
            *host.add(text.len()) = 0;
            *port = peer.port();
        }
        tn_result::Ok
    }
}

fn string_list(p: *const *const c_char, count: usize) -> Option<Vec<String>> {
    if count == 0 {
        return Some(Vec::new());
    }
    if p.is_null() || count > 4096 {
        return None;
    }
    (0..count)
        .map(|i| {
            // SAFETY: `count` entries (contract).
            cstr(unsafe { *p.add(i) }).map(str::to_string)
        })
        .collect()
}

/// Starts `program` (an absolute path) with `argv` (`argc` strings, including argv[0]) and
/// exactly the environment `envp` (`envc` strings `NAME=value`; nothing is inherited) on a new
/// pty bridged to the connection: the program's output goes to the peer, the peer's input to the
/// program, and Telnet commands and options map to the pty as BSD telnetd maps them. The child is
/// a session leader with the pty as its controlling terminal. When it exits, the
/// `child_exited` callback runs and the connection closes after its output drains. `*pid` (if
/// not NULL) receives the child's process id. `TN_RESULT_IO` with errno when the program could
/// not be started (for example ENOENT).
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_spawn(
    c: *mut tn_conn,
    program: *const c_char,
    argv: *const *const c_char,
    argc: usize,
    envp: *const *const c_char,
    envc: usize,
    pid: *mut c_int,
) -> tn_result {
    ffi_panic_boundary! {
        let c = try_conn!(c);
        let Some(program) = cstr(program) else { return tn_result::NullParameter };
        let (Some(args), Some(env)) = (string_list(argv, argc), string_list(envp, envc)) else {
            return tn_result::NullParameter;
        };
        let mut vars = Vec::with_capacity(env.len());
        for e in env {
            let Some((n, v)) = e.split_once('=') else {
                return tn_result::InvalidArgument;
            };
            vars.push((n.to_string(), v.to_string()));
        }
        let cmd = Command {
            program: program.into(),
            args: args.into_iter().map(|a| OsString::from_vec(a.into_bytes())).collect(),
            env: vars,
        };
        match c.spawn(&cmd) {
            Ok(p) => {
                if let Some(out) = unsafe { pid.as_mut() } {
                    *out = p;
                }
                tn_result::Ok
            }
            Err(err) if err.kind() == io::ErrorKind::InvalidInput => tn_result::InvalidArgument,
            Err(err) => io_result(err),
        }
    }
}

/// Bridges a pty master the program opened itself (the engine takes ownership of `master_fd`;
/// put it in TIOCPKT mode first to get flush and flow-control notices). The child, if any, is the
/// program's to manage.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_attach_pty(c: *mut tn_conn, master_fd: c_int) -> tn_result {
    ffi_panic_boundary! {
        let c = try_conn!(c);
        if master_fd < 0 {
            return tn_result::InvalidArgument;
        }
        // SAFETY: the caller hands over ownership of the descriptor (contract).
        let fd = unsafe { OwnedFd::from_raw_fd(master_fd) };
        match c.attach_pty(fd) {
            Ok(()) => tn_result::Ok,
            Err(err) => io_result(err),
        }
    }
}

/// Writes `len` bytes to the connection's pty as if the peer had typed them (input that arrived
/// before the pty existed, for example), through the same queue and flow control as network
/// input. `TN_RESULT_NOT_FOUND` when no pty is attached.
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_write_pty(c: *mut tn_conn, data: *const u8, len: usize) -> tn_result {
    ffi_panic_boundary! {
        let c = try_conn!(c);
        let data = try_slice!(data, len);
        match c.write_pty(data) {
            Ok(()) => tn_result::Ok,
            Err(e) if e.kind() == io::ErrorKind::NotFound => tn_result::NotFound,
            Err(e) => io_result(e),
        }
    }
}

/// The pty master bridged to the connection, -1 if none (for `ioctl`s of your own; the engine
/// keeps ownership).
#[unsafe(no_mangle)]
pub extern "C" fn tn_conn_pty_fd(c: *const tn_conn) -> c_int {
    ffi_panic_boundary! {
        conn(c).and_then(|c| c.pty_fd()).unwrap_or(-1)
    }
}
