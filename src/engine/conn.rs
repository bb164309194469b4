//! One connection of the engine: its socket, its session, its pty, and what callbacks may change.
//!
//! Callbacks get a shared reference ([`Conn`]); everything they may change lives in `Cell`s, so a
//! C callback reaching the same connection through its own pointer never aliases a Rust borrow.

use super::cell::SessionCell;
use super::spawn;
use super::timer::TimerKind;
use crate::proto::Session;
use mio::net::TcpStream;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

/// Identifies a connection for as long as the engine runs: 1 for the first, then counting up,
/// never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConnId(pub u64);

/// Why a connection closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer closed the connection.
    PeerClosed,
    /// The application closed it (after flushing what was queued).
    Closed,
    /// The application aborted it (queued output dropped).
    Aborted,
    /// A socket error (the errno).
    Error(i32),
    /// No input for longer than the idle timeout.
    IdleTimeout,
    /// The engine shut down.
    Shutdown,
    /// The program on the pty exited (its exit code, or 128 + signal).
    ChildExited(i32),
    /// An outgoing connection did not connect in time.
    ConnectTimeout,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Connecting,
    Open,
    /// Closing after the output drains (or the linger deadline).
    Draining,
    Closed,
}

/// A pty attached to a connection.
pub(crate) struct PtyLink {
    pub(crate) master: OwnedFd,
    pub(crate) pid: Option<libc::pid_t>,
    pub(crate) pidfd: Option<OwnedFd>,
    /// Network input waiting for the pty to take it.
    pub(crate) to_pty: Vec<u8>,
    pub(crate) write_blocked: bool,
    /// Pty output the session could not take yet (output queue full).
    pub(crate) pending_out: Vec<u8>,
    pub(crate) read_paused: bool,
    pub(crate) eof: bool,
    pub(crate) exit_status: Option<i32>,
    /// Last seen termios bits, to notice changes made by the program on the pty.
    pub(crate) icanon: bool,
    pub(crate) echo: bool,
    pub(crate) extproc: bool,
}

/// Queued work that needs the engine itself; callbacks push it, the loop runs it.
pub(crate) enum Action {
    Stop,
    Timer {
        slot: u32,
        generation: u32,
        at: Instant,
        kind: TimerKind,
    },
    Connect {
        retry: ConnectRetry,
        tag: u64,
    },
}

/// What an outgoing connection needs to try its next address.
pub(crate) struct ConnectRetry {
    /// Tried in order until one connects (each with the whole timeout).
    pub(crate) addrs: Vec<SocketAddr>,
    pub(crate) config: std::sync::Arc<crate::proto::Config>,
    pub(crate) timeout: Duration,
}

/// State the engine shares with every connection (and so with callbacks).
pub(crate) struct Shared {
    /// Connections with output to flush or state to look at.
    pub(crate) dirty: RefCell<Vec<u32>>,
    pub(crate) actions: RefCell<Vec<Action>>,
    /// For registering descriptors a connection gains (a pty) and watched descriptors.
    pub(crate) registry: mio::Registry,
    /// Descriptors the application watches, by watch number.
    pub(crate) watches: RefCell<Vec<Option<Watch>>>,
}

/// A descriptor the application watches.
pub(crate) struct Watch {
    pub(crate) fd: std::os::fd::RawFd,
    pub(crate) tag: u64,
}

pub(crate) struct ConnInner {
    pub(crate) cell: SessionCell,
    pub(crate) id: u64,
    pub(crate) slot: u32,
    pub(crate) generation: u32,
    pub(crate) stream: TcpStream,
    pub(crate) peer: Option<SocketAddr>,
    pub(crate) listener: Option<u32>,
    pub(crate) tag: u64,
    pub(crate) phase: Cell<Phase>,
    pub(crate) close_reason: Cell<Option<CloseReason>>,
    pub(crate) write_blocked: Cell<bool>,
    pub(crate) read_paused: Cell<bool>,
    /// An outgoing connection's addresses not tried yet, with its config and timeout.
    pub(crate) fallback: RefCell<Option<ConnectRetry>>,
    /// Whether the last input read grew the session's output (an echo, a reply).
    pub(crate) input_answered: Cell<bool>,
    pub(crate) dirty: Cell<bool>,
    pub(crate) queued_ready: Cell<bool>,
    pub(crate) last_input: Cell<Instant>,
    pub(crate) session_deadline: Cell<Option<Instant>>,
    /// Input the session could not take yet (its output queue was far past the limit).
    pub(crate) pending_in: RefCell<Vec<u8>>,
    pub(crate) pty: RefCell<Option<PtyLink>>,
    pub(crate) userdata: Cell<*mut c_void>,
    pub(crate) shared: *const Shared,
}

impl ConnInner {
    pub(crate) fn id(&self) -> ConnId {
        ConnId(self.id)
    }

    pub(crate) fn shared(&self) -> &Shared {
        // SAFETY: the engine's Shared outlives every connection (both freed by the engine, Shared
        // last).
        unsafe { &*self.shared }
    }

    pub(crate) fn mark_dirty(&self) {
        if !self.dirty.replace(true) {
            self.shared().dirty.borrow_mut().push(self.slot);
        }
    }

    pub(crate) fn request_close(&self, reason: CloseReason) {
        if self.close_reason.get().is_none() {
            self.close_reason.set(Some(reason));
        }
        self.mark_dirty();
    }
}

/// A connection as callbacks see it.
///
/// Valid during the callback; the connection itself lives until its `closed` callback returns.
#[derive(Clone, Copy)]
pub struct Conn<'a> {
    pub(crate) inner: &'a ConnInner,
}

impl<'a> Conn<'a> {
    /// The connection's id.
    pub fn id(&self) -> ConnId {
        self.inner.id()
    }

    /// Whether the connection has closed (only true inside its `closed` callback).
    pub fn is_closed(&self) -> bool {
        self.inner.phase.get() == Phase::Closed
    }

    /// The peer's address (`None` for an outgoing connection that never connected).
    pub fn peer(&self) -> Option<SocketAddr> {
        self.inner.peer
    }

    /// The listener it was accepted on, `None` for an outgoing connection.
    pub fn listener(&self) -> Option<u32> {
        self.inner.listener
    }

    /// The tag given to `connect`, 0 for an accepted connection.
    pub fn tag(&self) -> u64 {
        self.inner.tag
    }

    /// Runs `f` with the session (to send, negotiate, read option state).
    pub fn with_session<R>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        // SAFETY: callbacks run one at a time on the engine thread, and `f` cannot reach this
        // connection's session any other way while it holds the borrow.
        let s = unsafe { self.inner.cell.get() };
        let r = f(s);
        self.inner.mark_dirty();
        r
    }

    /// Queues data to send (escaped as the session's output mode says); returns how much was
    /// accepted, or `WouldBlock` when the output queue is full.
    ///
    /// While input is being answered with output, the engine reads no more than half the
    /// queue's free room at a time, so echoing every byte of a `Data` event always fits.
    pub fn send(&self, data: &[u8]) -> Result<usize, crate::proto::Error> {
        self.with_session(|s| s.send(data))
    }

    /// Closes after queued output is written (or the linger time passes).
    pub fn close(&self) {
        self.inner.request_close(CloseReason::Closed);
    }

    /// Closes now, dropping queued output.
    pub fn abort(&self) {
        self.inner.request_close(CloseReason::Aborted);
    }

    /// Calls the handler's `timer` with `id` after `delay`.
    pub fn set_timer(&self, delay: Duration, id: u64) {
        self.inner
            .shared()
            .actions
            .borrow_mut()
            .push(Action::Timer {
                slot: self.inner.slot,
                generation: self.inner.generation,
                at: Instant::now() + delay,
                kind: TimerKind::User(id),
            });
    }

    /// Application data kept with the connection.
    pub fn userdata(&self) -> *mut c_void {
        self.inner.userdata.get()
    }

    /// Sets the application data kept with the connection.
    pub fn set_userdata(&self, p: *mut c_void) {
        self.inner.userdata.set(p);
    }

    /// Starts `cmd` on a new pty bridged to this connection (see [`super::Bridge`]).
    pub fn spawn(&self, cmd: &spawn::Command) -> std::io::Result<libc::pid_t> {
        let size = self.with_session(|s| s.window_size());
        // The terminal is set before the program starts: a shell reads it at once.
        let mut prepared = None;
        let child = self.with_session(|s| {
            spawn::spawn_prepared(cmd, size, |m| {
                prepared = Some(super::bridge::prepare_pty(m, s));
            })
        })?;
        let pid = child.pid;
        let (master, pidfd) = (child.master, child.pidfd);
        super::bridge::attach(self.inner, master, Some(pid), pidfd, prepared)?;
        Ok(pid)
    }

    /// Bridges a pty master the application opened itself (it must be in TIOCPKT mode to get
    /// flush and flow-control notices).
    pub fn attach_pty(&self, master: OwnedFd) -> std::io::Result<()> {
        super::bridge::attach(self.inner, master, None, None, None)
    }

    /// Writes bytes to the bridged pty as if the peer had typed them (input that arrived before the
    /// pty existed, say); they go through the same queue and flow control as network input.
    pub fn write_pty(&self, data: &[u8]) -> std::io::Result<()> {
        let mut guard = self.inner.pty.borrow_mut();
        let Some(link) = guard.as_mut() else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no pty attached",
            ));
        };
        link.to_pty.extend_from_slice(data);
        if !super::bridge::write_pty(link) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the pty is closed",
            ));
        }
        self.inner.mark_dirty();
        Ok(())
    }

    /// The pty master bridged to this connection, if any.
    pub fn pty_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        self.inner
            .pty
            .borrow()
            .as_ref()
            .map(|p| p.master.as_raw_fd())
    }

    /// Bytes waiting in the output queue.
    pub fn output_len(&self) -> usize {
        self.with_session(|s| s.output_len())
    }
}
