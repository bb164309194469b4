//! The event loop: listeners, connections, timers, ptys, signals, wake-ups, on mio.

use super::bridge::{self, PtyRead, TO_PTY_LIMIT, TOKEN_PIDFD, TOKEN_PTY};
use super::cell::SessionCell;
use super::conn::{Action, CloseReason, Conn, ConnInner, ConnectRetry, Phase, Shared, Watch};
use super::flush::{Flushed, flush_to_fd};
use super::spawn;
use super::sys::syscall;
use super::timer::{TimerKind, Timers};
use crate::proto::{Config, Event, Session};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{self, Read};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

const WAKER: Token = Token(0);
const SIGNALS: Token = Token(1);
const REAPER: Token = Token(2);
const LISTENER_BASE: usize = 16;
const WATCH_BASE: usize = 1 << 16;
const CONN_BASE: usize = 1 << 20;

pub(crate) fn conn_token(slot: u32) -> usize {
    CONN_BASE + (slot as usize) * 4
}

/// Engine limits and timings.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Most concurrent connections; beyond it new ones are accepted and closed at once.
    pub max_sessions: usize,
    /// Close a connection that sent nothing for this long (`None`: never).
    pub idle_timeout: Option<Duration>,
    /// Bytes read from one socket or pty before the others get their turn.
    pub read_budget: usize,
    /// How long a closing connection may take to drain its output.
    pub linger: Duration,
    /// TCP keepalive on accepted and outgoing connections: idle time before the first probe
    /// (`None`: off). A peer that vanished without a FIN is then noticed.
    pub keepalive: Option<Duration>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            max_sessions: 10_000,
            idle_timeout: None,
            read_budget: 256 * 1024,
            linger: Duration::from_secs(2),
            keepalive: None,
        }
    }
}

/// Engine-wide operations available in callbacks.
pub struct Ctl<'a> {
    shared: &'a Shared,
}

impl Ctl<'_> {
    /// Stops the engine: listeners close, connections flush and close, `run` returns.
    pub fn stop(&self) {
        self.shared.actions.borrow_mut().push(Action::Stop);
    }

    /// Watches a descriptor (stdin, say) for readiness; [`Handler::fd_ready`] gets `tag`. Returns
    /// the watch's number; numbers of ended watches are reused. A watch made inside a callback
    /// takes effect at once; one ended there may still see a readiness already collected by the
    /// current poll (handle `EAGAIN` as usual).
    pub fn watch(&self, fd: RawFd, readable: bool, writable: bool, tag: u64) -> io::Result<u32> {
        let interest = match (readable, writable) {
            (true, true) => Interest::READABLE | Interest::WRITABLE,
            (false, true) => Interest::WRITABLE,
            _ => Interest::READABLE,
        };
        let mut watches = self.shared.watches.borrow_mut();
        let id = watches
            .iter()
            .position(Option::is_none)
            .unwrap_or(watches.len());
        if id >= CONN_BASE - WATCH_BASE {
            return Err(io::Error::new(
                io::ErrorKind::OutOfMemory,
                "too many watched descriptors",
            ));
        }
        self.shared.registry.register(
            &mut mio::unix::SourceFd(&fd),
            Token(WATCH_BASE + id),
            interest,
        )?;
        if id == watches.len() {
            watches.push(None);
        }
        watches[id] = Some(Watch { fd, tag });
        Ok(id as u32)
    }

    /// Stops watching.
    pub fn unwatch(&self, id: u32) -> io::Result<()> {
        let taken = self
            .shared
            .watches
            .borrow_mut()
            .get_mut(id as usize)
            .and_then(Option::take);
        match taken {
            Some(w) => self
                .shared
                .registry
                .deregister(&mut mio::unix::SourceFd(&w.fd)),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such watch")),
        }
    }

    /// Opens an outgoing connection; `opened` or `connect_failed` (with `tag`) follows.
    pub fn connect(&self, addr: SocketAddr, config: Arc<Config>, timeout: Duration, tag: u64) {
        self.connect_any(vec![addr], config, timeout, tag);
    }

    /// Opens an outgoing connection to the first of `addrs` that accepts it, trying them in
    /// order (each with the whole `timeout`), as a host name's addresses are tried: `localhost`
    /// may resolve to ::1 first while the server listens on 127.0.0.1 only. `connect_failed`
    /// reports the last address's error.
    pub fn connect_any(
        &self,
        addrs: Vec<SocketAddr>,
        config: Arc<Config>,
        timeout: Duration,
        tag: u64,
    ) {
        let retry = ConnectRetry {
            addrs,
            config,
            timeout,
        };
        self.shared
            .actions
            .borrow_mut()
            .push(Action::Connect { retry, tag });
    }
}

/// What the engine reports. Every method runs on the engine's thread, inside `run` or `poll`.
pub trait Handler {
    /// A peer connected to `listener`. Return false to close it at once.
    fn accept(&mut self, ctl: &Ctl<'_>, listener: u32, peer: SocketAddr) -> bool {
        let _ = (ctl, listener, peer);
        true
    }
    /// A connection is open (accepted, or connected); its session starts after this returns.
    fn opened(&mut self, conn: Conn<'_>) {
        let _ = conn;
    }
    /// An event of the connection's session.
    fn event(&mut self, conn: Conn<'_>, event: &Event<'_>);
    /// A timer set with [`Conn::set_timer`] is due.
    fn timer(&mut self, conn: Conn<'_>, id: u64) {
        let _ = (conn, id);
    }
    /// The program on the connection's pty exited (exit code, or 128 + signal). The connection
    /// closes after its output drains.
    fn child_exited(&mut self, conn: Conn<'_>, status: i32) {
        let _ = (conn, status);
    }
    /// The connection closed; it is freed when this returns.
    fn closed(&mut self, conn: Conn<'_>, reason: CloseReason) {
        let _ = (conn, reason);
    }
    /// An outgoing connection failed.
    fn connect_failed(&mut self, ctl: &Ctl<'_>, tag: u64, error: &io::Error) {
        let _ = (ctl, tag, error);
    }
    /// A watched descriptor is ready.
    fn fd_ready(&mut self, ctl: &Ctl<'_>, tag: u64, readable: bool, writable: bool) {
        let _ = (ctl, tag, readable, writable);
    }
    /// A handled signal arrived.
    fn signal(&mut self, ctl: &Ctl<'_>, signo: i32) {
        let _ = (ctl, signo);
    }
    /// Another thread called [`Engine::waker`]'s `wake`.
    fn woken(&mut self, ctl: &Ctl<'_>) {
        let _ = ctl;
    }
}

struct Listener {
    socket: TcpListener,
    config: Arc<Config>,
}

/// The event loop. See the module documentation.
pub struct Engine<H: Handler> {
    poll: Poll,
    events: Events,
    /// Connections by slot; raw pointers from `Box::into_raw`, so callbacks can hold their own
    /// pointers to other connections without aliasing a borrow of this table.
    conns: Vec<*mut ConnInner>,
    generations: Vec<u32>,
    free_slots: Vec<u32>,
    open: usize,
    listeners: Vec<Option<Listener>>,
    timers: Timers,
    ready: VecDeque<u32>,
    shared: Box<Shared>,
    waker: Arc<Waker>,
    signalfd: Option<OwnedFd>,
    reap: Vec<(libc::pid_t, Option<OwnedFd>)>,
    handler: H,
    config: EngineConfig,
    read_buf: Box<[u8]>,
    stopping: Option<Instant>,
    stopped: bool,
    next_id: u64,
}

impl<H: Handler> Engine<H> {
    /// A new engine calling `handler`.
    pub fn new(handler: H, config: EngineConfig) -> io::Result<Engine<H>> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let shared = Box::new(Shared {
            dirty: RefCell::new(Vec::new()),
            actions: RefCell::new(Vec::new()),
            registry: poll.registry().try_clone()?,
            watches: RefCell::new(Vec::new()),
        });
        Ok(Engine {
            poll,
            events: Events::with_capacity(1024),
            conns: Vec::new(),
            generations: Vec::new(),
            free_slots: Vec::new(),
            open: 0,
            listeners: Vec::new(),
            timers: Timers::default(),
            ready: VecDeque::new(),
            shared,
            waker,
            signalfd: None,
            reap: Vec::new(),
            handler,
            config,
            read_buf: vec![0; 256 * 1024].into_boxed_slice(),
            stopping: None,
            stopped: false,
            next_id: 0,
        })
    }

    /// The limits and timings, to change before running.
    pub fn config_mut(&mut self) -> &mut EngineConfig {
        &mut self.config
    }

    /// The handler.
    pub fn handler(&mut self) -> &mut H {
        &mut self.handler
    }

    /// A handle that wakes the loop from any thread ([`Handler::woken`] runs).
    pub fn waker(&self) -> Arc<Waker> {
        Arc::clone(&self.waker)
    }

    /// The descriptor to wait on (readable when the engine has work) for programs that run their
    /// own loop and call [`poll`](Engine::poll) with a zero timeout.
    pub fn fd(&self) -> RawFd {
        self.poll.as_raw_fd()
    }

    /// Connections open now.
    pub fn session_count(&self) -> usize {
        self.open
    }

    /// Calls `f` with the handler and each open connection (outside callbacks: to start work on
    /// connections from the program's own code).
    pub fn for_each_conn(&mut self, mut f: impl FnMut(&mut H, Conn<'_>)) {
        for slot in 0..self.conns.len() as u32 {
            let Some(c) = self.conn(slot) else { continue };
            if c.phase.get() != Phase::Open {
                continue;
            }
            // SAFETY: see open_conn.
            let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
            f(&mut self.handler, Conn { inner: c });
        }
        self.run_actions();
    }

    /// Engine-wide operations outside callbacks.
    pub fn ctl(&self) -> Ctl<'_> {
        Ctl {
            shared: &self.shared,
        }
    }

    /// Listens on `addr` (port 0 picks a free port); accepted sessions use `config`. Returns the
    /// listener's number.
    pub fn listen(&mut self, addr: SocketAddr, config: Arc<Config>) -> io::Result<u32> {
        let socket = bind_listener(addr)?;
        let id = self.listeners.len();
        if LISTENER_BASE + id >= WATCH_BASE {
            return Err(io::Error::new(
                io::ErrorKind::OutOfMemory,
                "too many listeners",
            ));
        }
        let mut socket = socket;
        self.poll.registry().register(
            &mut socket,
            Token(LISTENER_BASE + id),
            Interest::READABLE,
        )?;
        self.listeners.push(Some(Listener { socket, config }));
        Ok(id as u32)
    }

    /// The address a listener is bound to.
    pub fn local_addr(&self, listener: u32) -> io::Result<SocketAddr> {
        match self.listeners.get(listener as usize) {
            Some(Some(l)) => l.socket.local_addr(),
            _ => Err(io::Error::new(io::ErrorKind::NotFound, "no such listener")),
        }
    }

    /// Watches a descriptor (stdin, say) for readiness; [`Handler::fd_ready`] gets `tag`. See
    /// [`Ctl::watch`], which does the same inside callbacks.
    pub fn watch(
        &mut self,
        fd: RawFd,
        readable: bool,
        writable: bool,
        tag: u64,
    ) -> io::Result<u32> {
        self.ctl().watch(fd, readable, writable, tag)
    }

    /// Stops watching.
    pub fn unwatch(&mut self, id: u32) -> io::Result<()> {
        self.ctl().unwatch(id)
    }

    /// Delivers `signals` through [`Handler::signal`] instead of their default action (blocks
    /// them in the calling thread and reads them from a signalfd; children get them unblocked).
    pub fn handle_signals(&mut self, signals: &[libc::c_int]) -> io::Result<()> {
        // SAFETY: sigset manipulation on a local set.
        let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
        unsafe { libc::sigemptyset(&mut set) };
        for &s in signals {
            if unsafe { libc::sigaddset(&mut set, s) } != 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "bad signal number",
                ));
            }
        }
        // SAFETY: blocking signals in this thread.
        let r = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
        if r != 0 {
            return Err(io::Error::from_raw_os_error(r));
        }
        let fd = syscall!(signalfd(-1, &set, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC))?;
        // SAFETY: a fresh descriptor.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        self.poll.registry().register(
            &mut mio::unix::SourceFd(&fd.as_raw_fd()),
            SIGNALS,
            Interest::READABLE,
        )?;
        self.signalfd = Some(fd);
        Ok(())
    }

    /// Opens an outgoing connection (see [`Ctl::connect`]).
    pub fn connect(&mut self, addr: SocketAddr, config: Arc<Config>, timeout: Duration, tag: u64) {
        self.ctl().connect(addr, config, timeout, tag);
    }

    /// Requests a graceful stop (see [`Ctl::stop`]).
    pub fn stop(&mut self) {
        self.ctl().stop();
    }

    /// Whether the engine has stopped (after a stop, once every connection closed).
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Runs until stopped.
    pub fn run(&mut self) -> io::Result<()> {
        while !self.stopped {
            self.poll(None)?;
        }
        Ok(())
    }

    /// Waits up to `timeout` (`None`: until something happens) and handles what is ready.
    /// Does not wait when work queued before the call (a close, a send) already ran callbacks.
    pub fn poll(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let busy = self.run_actions();
        let now = Instant::now();
        let mut wait = timeout;
        if let Some(t) = self.timers.next() {
            let until = t.saturating_duration_since(now);
            wait = Some(wait.map_or(until, |w| w.min(until)));
        }
        if busy || !self.ready.is_empty() || !self.shared.dirty.borrow().is_empty() {
            wait = Some(Duration::ZERO);
        }
        match self.poll.poll(&mut self.events, wait) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
        let mut ready: Vec<(Token, bool, bool, bool)> = self
            .events
            .iter()
            .map(|ev| {
                (
                    ev.token(),
                    ev.is_readable() || ev.is_read_closed() || ev.is_error(),
                    ev.is_writable() || ev.is_write_closed() || ev.is_error(),
                    ev.is_priority(),
                )
            })
            .collect();
        // Signals first: a ^C the user pressed before typing ahead reaches the handler before
        // the typeahead does (the sort is stable, the rest keep their order).
        ready.sort_by_key(|&(token, ..)| token != SIGNALS);
        // Everything ready is handled first, then output is flushed once per connection: a
        // message broadcast to many connections costs one write each, not one per event.
        for (token, readable, writable, priority) in ready {
            self.dispatch(token, readable, writable, priority);
        }
        // Connections that used up their read budget get another turn.
        let turns = self.ready.len();
        for _ in 0..turns {
            let Some(slot) = self.ready.pop_front() else {
                break;
            };
            if let Some(c) = self.conn(slot) {
                c.queued_ready.set(false);
                self.read_socket(slot);
                self.read_pty(slot);
            }
        }
        self.run_timers();
        self.run_actions();
        self.reap_children();
        if let Some(deadline) = self.stopping {
            if self.open == 0 || Instant::now() >= deadline {
                for slot in 0..self.conns.len() as u32 {
                    if self.conn(slot).is_some() {
                        self.close_now(slot, CloseReason::Shutdown);
                    }
                }
                self.stopped = true;
            }
        }
        Ok(())
    }

    fn conn(&self, slot: u32) -> Option<&ConnInner> {
        let p = *self.conns.get(slot as usize)?;
        // SAFETY: non-null pointers in the table are live connections owned by the engine.
        (!p.is_null()).then(|| unsafe { &*p })
    }

    fn dispatch(&mut self, token: Token, readable: bool, writable: bool, priority: bool) {
        match token {
            WAKER => {
                let ctl = Ctl {
                    shared: &self.shared,
                };
                self.handler.woken(&ctl);
            }
            SIGNALS => self.read_signals(),
            REAPER => self.reap_children(),
            Token(t) if (LISTENER_BASE..WATCH_BASE).contains(&t) => self.accept(t - LISTENER_BASE),
            Token(t) if (WATCH_BASE..CONN_BASE).contains(&t) => {
                // Copied out: the handler may watch or unwatch from inside the call.
                let tag = self
                    .shared
                    .watches
                    .borrow()
                    .get(t - WATCH_BASE)
                    .and_then(|w| w.as_ref().map(|w| w.tag));
                if let Some(tag) = tag {
                    let ctl = Ctl {
                        shared: &self.shared,
                    };
                    self.handler.fd_ready(&ctl, tag, readable, writable);
                }
            }
            Token(t) => {
                let slot = ((t - CONN_BASE) / 4) as u32;
                let kind = (t - CONN_BASE) % 4;
                let Some(c) = self.conn(slot) else { return };
                match kind {
                    0 => {
                        if c.phase.get() == Phase::Connecting {
                            self.finish_connect(slot);
                            return;
                        }
                        if priority {
                            // Urgent data: the Synch's DM follows in the stream (SO_OOBINLINE).
                            // SAFETY: no callback is running.
                            unsafe { c.cell.get() }.input_urgent();
                        }
                        if writable && c.write_blocked.get() {
                            c.write_blocked.set(false);
                            c.mark_dirty();
                        }
                        if readable {
                            self.read_socket(slot);
                        }
                    }
                    TOKEN_PTY => {
                        if writable {
                            if let Some(link) = c.pty.borrow_mut().as_mut() {
                                if link.write_blocked {
                                    bridge::write_pty(link);
                                    c.mark_dirty();
                                }
                            }
                        }
                        if readable {
                            self.read_pty(slot);
                        }
                    }
                    TOKEN_PIDFD => self.child_exited(slot),
                    _ => {}
                }
            }
        }
    }

    fn accept(&mut self, index: usize) {
        loop {
            let (stream, peer, config) = {
                let Some(Some(l)) = self.listeners.get(index) else {
                    return;
                };
                match l.socket.accept() {
                    Ok((s, p)) => (s, p, Arc::clone(&l.config)),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    // EMFILE, ENFILE, ENOBUFS: drop this round; the backlog keeps the rest.
                    Err(_) => return,
                }
            };
            if self.open >= self.config.max_sessions || self.stopping.is_some() {
                drop(stream);
                continue;
            }
            let ctl = Ctl {
                shared: &self.shared,
            };
            if !self.handler.accept(&ctl, index as u32, peer) {
                drop(stream);
                continue;
            }
            let _ = stream.set_nodelay(true);
            set_oobinline(stream.as_raw_fd());
            if let Ok(slot) = self.add_conn(
                stream,
                Some(peer),
                Some(index as u32),
                0,
                config,
                Phase::Open,
            ) {
                self.open_conn(slot);
            }
        }
    }

    fn add_conn(
        &mut self,
        mut stream: TcpStream,
        peer: Option<SocketAddr>,
        listener: Option<u32>,
        tag: u64,
        config: Arc<Config>,
        phase: Phase,
    ) -> io::Result<u32> {
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.conns.push(std::ptr::null_mut());
                self.generations.push(0);
                (self.conns.len() - 1) as u32
            }
        };
        let generation = self.generations[slot as usize].wrapping_add(1);
        self.generations[slot as usize] = generation;
        let interest = Interest::READABLE | Interest::WRITABLE | Interest::PRIORITY;
        if let Err(e) =
            self.poll
                .registry()
                .register(&mut stream, Token(conn_token(slot)), interest)
        {
            self.free_slots.push(slot);
            return Err(e);
        }
        if let Some(idle) = self.config.keepalive {
            set_keepalive(stream.as_raw_fd(), idle);
        }
        self.next_id += 1;
        let inner = Box::new(ConnInner {
            cell: SessionCell::new(Session::new(config), true),
            id: self.next_id,
            slot,
            generation,
            stream,
            peer,
            listener,
            tag,
            phase: Cell::new(phase),
            close_reason: Cell::new(None),
            write_blocked: Cell::new(false),
            read_paused: Cell::new(false),
            fallback: RefCell::new(None),
            input_answered: Cell::new(true),
            dirty: Cell::new(false),
            queued_ready: Cell::new(false),
            last_input: Cell::new(Instant::now()),
            session_deadline: Cell::new(None),
            pending_in: RefCell::new(Vec::new()),
            pty: RefCell::new(None),
            userdata: Cell::new(std::ptr::null_mut()),
            shared: &*self.shared,
        });
        let raw = Box::into_raw(inner);
        // SAFETY: just allocated; the cell lives exactly as long as its connection.
        unsafe { (*raw).cell.owner.set(raw) };
        self.conns[slot as usize] = raw;
        self.open += 1;
        if let Some(idle) = self.config.idle_timeout {
            self.timers
                .add(Instant::now() + idle, slot, generation, TimerKind::Idle);
        }
        Ok(slot)
    }

    /// The connection is open: tell the application, start the session.
    fn open_conn(&mut self, slot: u32) {
        let Some(c) = self.conn(slot) else { return };
        c.phase.set(Phase::Open);
        // SAFETY: the pointer is live until close_now frees it, which cannot happen during this
        // call (closing from a callback only requests it).
        let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
        self.handler.opened(Conn { inner: c });
        let handler = &mut self.handler;
        // SAFETY: no callback of this connection is running.
        unsafe {
            c.cell.with(|s, lender| {
                s.start(Instant::now(), |s, ev| {
                    bridge::on_event(c, s, ev);
                    lender.lend(s, || handler.event(Conn { inner: c }, ev));
                })
            });
        }
        c.mark_dirty();
        self.arm_session_timer(slot);
    }

    fn finish_connect(&mut self, slot: u32) {
        let Some(c) = self.conn(slot) else { return };
        match c.stream.take_error() {
            Ok(None) => {}
            Ok(Some(e)) | Err(e) => return self.fail_connect(slot, e),
        }
        match c.stream.peer_addr() {
            Ok(_) => {
                let _ = c.stream.set_nodelay(true);
                set_oobinline(c.stream.as_raw_fd());
                self.open_conn(slot);
            }
            Err(e) if e.kind() == io::ErrorKind::NotConnected => {}
            Err(e) => self.fail_connect(slot, e),
        }
    }

    /// Starts connecting to the first address that gets as far as a pending connect; the
    /// others stay with the connection in case it fails.
    fn start_connect(&mut self, retry: ConnectRetry, tag: u64) {
        let ConnectRetry {
            mut addrs,
            config,
            timeout,
        } = retry;
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address to connect to");
        while !addrs.is_empty() {
            let addr = addrs.remove(0);
            let stream = match TcpStream::connect(addr) {
                Ok(s) => s,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            match self.add_conn(
                stream,
                Some(addr),
                None,
                tag,
                config.clone(),
                Phase::Connecting,
            ) {
                Ok(slot) => {
                    let generation = self.generations[slot as usize];
                    self.timers.add(
                        Instant::now() + timeout,
                        slot,
                        generation,
                        TimerKind::Connect,
                    );
                    if let Some(c) = self.conn(slot) {
                        *c.fallback.borrow_mut() = Some(ConnectRetry {
                            addrs,
                            config,
                            timeout,
                        });
                    }
                    return;
                }
                Err(e) => last = e,
            }
        }
        let ctl = Ctl {
            shared: &self.shared,
        };
        self.handler.connect_failed(&ctl, tag, &last);
    }

    fn fail_connect(&mut self, slot: u32, e: io::Error) {
        let Some(c) = self.conn(slot) else { return };
        let tag = c.tag;
        let retry = c.fallback.borrow_mut().take();
        self.free_conn(slot);
        if let Some(r) = retry.filter(|r| !r.addrs.is_empty()) {
            return self.start_connect(r, tag);
        }
        let ctl = Ctl {
            shared: &self.shared,
        };
        self.handler.connect_failed(&ctl, tag, &e);
    }

    fn read_socket(&mut self, slot: u32) {
        let Some(c) = self.conn(slot) else { return };
        // SAFETY: see open_conn.
        let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
        if c.phase.get() != Phase::Open || c.read_paused.get() {
            return;
        }
        let mut used = 0;
        loop {
            if used >= self.config.read_budget {
                if !c.queued_ready.replace(true) {
                    self.ready.push_back(slot);
                }
                break;
            }
            // SAFETY: no callback is running.
            let room = unsafe { c.cell.get() }.output_room();
            // When input has been answering with output (an echo, a chat, negotiation replies),
            // read no more than half the output's room: escaping at most doubles data, so an
            // application that echoes everything it reads never sees `send` refuse. Input that
            // produces no output (an upload) is read in full buffers.
            let want = if c.input_answered.get() {
                if room < resume_room(unsafe { c.cell.get() }) {
                    c.read_paused.set(true);
                    break;
                }
                (room / 2).clamp(1, self.read_buf.len())
            } else {
                self.read_buf.len()
            };
            let n = match (&c.stream).read(&mut self.read_buf[..want]) {
                Ok(0) => {
                    c.request_close(CloseReason::PeerClosed);
                    break;
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    c.request_close(match e.raw_os_error() {
                        // A reset is how many peers say goodbye.
                        Some(libc::ECONNRESET) => CloseReason::PeerClosed,
                        code => CloseReason::Error(code.unwrap_or(0)),
                    });
                    break;
                }
            };
            used += n;
            c.last_input.set(Instant::now());
            let consumed = feed(&mut self.handler, &mut self.timers, c, &self.read_buf[..n]);
            // SAFETY: no callback is running.
            let answered = unsafe { c.cell.get() }.output_room() < room;
            c.input_answered.set(answered);
            if consumed < n {
                // The session's output is far past its limit: keep the rest and stop reading
                // until the peer drains it.
                c.pending_in
                    .borrow_mut()
                    .extend_from_slice(&self.read_buf[consumed..n]);
                c.read_paused.set(true);
                break;
            }
            // SAFETY: no callback is running.
            if answered && unsafe { c.cell.get() }.output_full() {
                // Backpressure: a peer that does not read what it asked for gets no more read
                // from it until the output drains. Input that asked for nothing is still read:
                // both directions of a full-duplex transfer keep moving.
                c.read_paused.set(true);
            }
            if c.read_paused.get() {
                break;
            }
        }
        c.mark_dirty();
    }

    fn read_pty(&mut self, slot: u32) {
        let Some(c) = self.conn(slot) else { return };
        // SAFETY: see open_conn.
        let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
        let mut guard = c.pty.borrow_mut();
        let Some(link) = guard.as_mut() else { return };
        if link.eof {
            return;
        }
        // SAFETY: no callback is running.
        let s = unsafe { c.cell.get() };
        let outcome = bridge::read_pty(link, s, &mut self.read_buf, self.config.read_budget);
        if !link.extproc && s.kludge() == crate::proto::Kludge::Capable {
            // Without EXTPROC the kernel does not report termios changes: look after each read.
            bridge::sync_termios(link, s);
        }
        let eof = matches!(outcome, PtyRead::Eof);
        if eof {
            link.eof = true;
        }
        drop(guard);
        match outcome {
            PtyRead::More => {
                if !c.queued_ready.replace(true) {
                    self.ready.push_back(slot);
                }
            }
            PtyRead::Eof => self.child_exited(slot),
            PtyRead::Done => {}
        }
        c.mark_dirty();
    }

    fn child_exited(&mut self, slot: u32) {
        let Some(c) = self.conn(slot) else { return };
        // SAFETY: see open_conn.
        let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
        let (status, fresh) = {
            let mut guard = c.pty.borrow_mut();
            let Some(link) = guard.as_mut() else { return };
            if link.exit_status.is_some() {
                (link.exit_status, false)
            } else {
                let st = match link.pid {
                    Some(pid) => spawn::try_wait(pid).map(spawn::exit_code),
                    None => Some(0),
                };
                if st.is_none() && (!link.eof || link.pidfd.is_some()) {
                    // Not exited yet (the pty closed first, or a spurious wake-up): its pidfd
                    // says when.
                    return;
                }
                link.exit_status = st.or(Some(-1));
                if let Some(pidfd) = link.pidfd.take() {
                    let _ = self
                        .poll
                        .registry()
                        .deregister(&mut mio::unix::SourceFd(&pidfd.as_raw_fd()));
                }
                if st.is_none() {
                    // The pty closed but the process lives on: reap it later.
                    if let Some(pid) = link.pid.take() {
                        self.reap.push((pid, None));
                    }
                } else {
                    link.pid = None;
                }
                (link.exit_status, true)
            }
        };
        // Whatever the program wrote last still goes out.
        if let Some(link) = c.pty.borrow_mut().as_mut() {
            if !link.eof {
                // SAFETY: no callback is running.
                let s = unsafe { c.cell.get() };
                let _ = bridge::read_pty(link, s, &mut self.read_buf, usize::MAX);
            }
        }
        let status = status.unwrap_or(-1);
        if fresh {
            self.handler.child_exited(Conn { inner: c }, status);
        }
        c.request_close(CloseReason::ChildExited(status));
    }

    fn arm_session_timer(&mut self, slot: u32) {
        if let Some(c) = self.conn(slot) {
            // SAFETY: see open_conn.
            let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
            arm_session_timer(&mut self.timers, c);
        }
    }

    fn run_timers(&mut self) {
        let now = Instant::now();
        while let Some(e) = self.timers.pop_due(now) {
            let Some(c) = self.conn(e.slot) else { continue };
            if c.generation != e.generation {
                continue;
            }
            // SAFETY: see open_conn.
            let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
            match e.kind {
                TimerKind::Session => {
                    if c.session_deadline.get() != Some(e.at) {
                        continue;
                    }
                    c.session_deadline.set(None);
                    let handler = &mut self.handler;
                    // SAFETY: no callback of this connection is running.
                    unsafe {
                        c.cell.with(|s, lender| {
                            s.on_timeout(now, |s, ev| {
                                bridge::on_event(c, s, ev);
                                lender.lend(s, || handler.event(Conn { inner: c }, ev));
                            })
                        });
                    }
                    c.mark_dirty();
                    self.arm_session_timer(e.slot);
                }
                TimerKind::User(id) => {
                    if c.phase.get() == Phase::Open {
                        self.handler.timer(Conn { inner: c }, id);
                    }
                }
                TimerKind::Idle => {
                    let Some(idle) = self.config.idle_timeout else {
                        continue;
                    };
                    let due = c.last_input.get() + idle;
                    if now >= due {
                        c.request_close(CloseReason::IdleTimeout);
                    } else {
                        self.timers.add(due, e.slot, e.generation, TimerKind::Idle);
                    }
                }
                TimerKind::Connect => {
                    if c.phase.get() == Phase::Connecting {
                        self.fail_connect(
                            e.slot,
                            io::Error::new(io::ErrorKind::TimedOut, "connect timed out"),
                        );
                    }
                }
                TimerKind::Linger => {
                    if c.phase.get() == Phase::Draining {
                        let reason = c.close_reason.get().unwrap_or(CloseReason::Closed);
                        self.close_now(e.slot, reason);
                    }
                }
            }
        }
    }

    /// Runs queued actions and settles dirty connections until nothing is left; returns whether
    /// there was anything to do.
    fn run_actions(&mut self) -> bool {
        let mut did = false;
        for _ in 0..64 {
            let actions = std::mem::take(&mut *self.shared.actions.borrow_mut());
            let dirty = std::mem::take(&mut *self.shared.dirty.borrow_mut());
            if actions.is_empty() && dirty.is_empty() {
                return did;
            }
            did = true;
            for a in actions {
                self.run_action(a);
            }
            for slot in dirty {
                if let Some(c) = self.conn(slot) {
                    c.dirty.set(false);
                    self.settle_conn(slot);
                }
            }
        }
        did
    }

    fn run_action(&mut self, a: Action) {
        match a {
            Action::Stop => {
                if self.stopping.is_none() {
                    self.stopping = Some(Instant::now() + self.config.linger);
                    for l in self.listeners.iter_mut() {
                        if let Some(mut l) = l.take() {
                            let _ = self.poll.registry().deregister(&mut l.socket);
                        }
                    }
                    for slot in 0..self.conns.len() as u32 {
                        if let Some(c) = self.conn(slot) {
                            c.request_close(CloseReason::Shutdown);
                        }
                    }
                }
            }
            Action::Timer {
                slot,
                generation,
                at,
                kind,
            } => self.timers.add(at, slot, generation, kind),
            Action::Connect { retry, tag } => self.start_connect(retry, tag),
        }
    }

    /// Flushes a connection's output, resumes paused reading once it drained, finishes closes.
    fn settle_conn(&mut self, slot: u32) {
        let Some(c) = self.conn(slot) else { return };
        // SAFETY: see open_conn.
        let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
        if c.phase.get() == Phase::Connecting {
            if c.close_reason.get().is_some() {
                self.free_conn(slot);
            }
            return;
        }
        if matches!(
            c.close_reason.get(),
            Some(CloseReason::Aborted)
                | Some(CloseReason::PeerClosed)
                | Some(CloseReason::Error(_))
        ) {
            let reason = c.close_reason.get().unwrap();
            return self.close_now(slot, reason);
        }
        // SAFETY: no callback is running.
        let s = unsafe { c.cell.get() };
        if !c.write_blocked.get() && s.output_len() > 0 {
            match flush_to_fd(s, c.stream.as_raw_fd()) {
                Ok(Flushed::All(_)) => {}
                Ok(Flushed::Partial(_)) => c.write_blocked.set(true),
                Err(e) => {
                    return self.close_now(slot, CloseReason::Error(e.raw_os_error().unwrap_or(0)));
                }
            }
        }
        if s.output_len() == 0 {
            s.shrink();
        }
        // Resume what the full output queue paused.
        if s.output_room() >= resume_room(s) {
            if c.read_paused.get() {
                let pty_full = c
                    .pty
                    .borrow()
                    .as_ref()
                    .is_some_and(|l| l.to_pty.len() > TO_PTY_LIMIT);
                if !pty_full {
                    c.read_paused.set(false);
                    let pending = std::mem::take(&mut *c.pending_in.borrow_mut());
                    if !pending.is_empty() {
                        let consumed = feed(&mut self.handler, &mut self.timers, c, &pending);
                        if consumed < pending.len() {
                            c.pending_in
                                .borrow_mut()
                                .extend_from_slice(&pending[consumed..]);
                            c.read_paused.set(true);
                        }
                    }
                    if !c.read_paused.get() && !c.queued_ready.replace(true) {
                        self.ready.push_back(slot);
                    }
                }
            }
            let resume_pty = c
                .pty
                .borrow_mut()
                .as_mut()
                .is_some_and(|l| std::mem::replace(&mut l.read_paused, false));
            if resume_pty && !c.queued_ready.replace(true) {
                self.ready.push_back(slot);
            }
        }
        if let Some(reason) = c.close_reason.get() {
            if c.phase.get() == Phase::Open {
                c.phase.set(Phase::Draining);
                self.timers.add(
                    Instant::now() + self.config.linger,
                    slot,
                    c.generation,
                    TimerKind::Linger,
                );
            }
            // SAFETY: no callback is running.
            if unsafe { c.cell.get() }.output_len() == 0 {
                self.close_now(slot, reason);
            }
        }
    }

    /// Closes a connection now: the handler's `closed` runs, then it is freed.
    fn close_now(&mut self, slot: u32, reason: CloseReason) {
        let Some(c) = self.conn(slot) else { return };
        // SAFETY: see open_conn.
        let c: &ConnInner = unsafe { &*(c as *const ConnInner) };
        if c.phase.get() == Phase::Closed {
            return;
        }
        let was_open = c.phase.get() != Phase::Connecting;
        c.phase.set(Phase::Closed);
        if let Some(link) = c.pty.borrow_mut().take() {
            let _ = self
                .poll
                .registry()
                .deregister(&mut mio::unix::SourceFd(&link.master.as_raw_fd()));
            if let Some(pid) = link.pid {
                // The program outlives its connection by a hangup at most.
                // SAFETY: signalling our own child.
                unsafe { libc::kill(pid, libc::SIGHUP) };
                if let Some(fd) = &link.pidfd {
                    let _ = self
                        .poll
                        .registry()
                        .deregister(&mut mio::unix::SourceFd(&fd.as_raw_fd()));
                }
                self.reap.push((pid, link.pidfd));
            }
        }
        if was_open {
            self.handler.closed(Conn { inner: c }, reason);
        }
        self.free_conn(slot);
    }

    fn free_conn(&mut self, slot: u32) {
        let p = std::mem::replace(&mut self.conns[slot as usize], std::ptr::null_mut());
        if p.is_null() {
            return;
        }
        // SAFETY: `p` came from Box::into_raw in add_conn and is removed from the table now.
        let mut inner = unsafe { Box::from_raw(p) };
        let _ = self.poll.registry().deregister(&mut inner.stream);
        self.free_slots.push(slot);
        self.open -= 1;
    }

    fn read_signals(&mut self) {
        let Some(fd) = &self.signalfd else { return };
        let fd = fd.as_raw_fd();
        loop {
            // SAFETY: reading whole signalfd_siginfo records into a local.
            let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
            let size = std::mem::size_of::<libc::signalfd_siginfo>();
            let n =
                unsafe { libc::read(fd, (&mut info as *mut libc::signalfd_siginfo).cast(), size) };
            if n != size as isize {
                return;
            }
            let ctl = Ctl {
                shared: &self.shared,
            };
            self.handler.signal(&ctl, info.ssi_signo as i32);
        }
    }

    fn reap_children(&mut self) {
        self.reap.retain(|(pid, _)| spawn::try_wait(*pid).is_none());
    }
}

impl<H: Handler> Drop for Engine<H> {
    fn drop(&mut self) {
        for slot in 0..self.conns.len() as u32 {
            if self.conn(slot).is_some() {
                self.close_now(slot, CloseReason::Shutdown);
            }
        }
    }
}

/// Feeds input to a connection's session with the pty bridge and the handler in the loop; returns
/// how much was consumed.
fn feed<H: Handler>(handler: &mut H, timers: &mut Timers, c: &ConnInner, input: &[u8]) -> usize {
    // SAFETY: no callback of this connection is running (the engine runs one at a time).
    let consumed = unsafe {
        c.cell.with(|s, lender| {
            s.feed(input, |s, ev| {
                bridge::on_event(c, s, ev);
                lender.lend(s, || handler.event(Conn { inner: c }, ev));
            })
            .unwrap_or(input.len())
        })
    };
    if let Some(link) = c.pty.borrow_mut().as_mut() {
        if !link.to_pty.is_empty() && !bridge::write_pty(link) {
            c.request_close(CloseReason::ChildExited(link.exit_status.unwrap_or(-1)));
        }
        if link.to_pty.len() > TO_PTY_LIMIT {
            c.read_paused.set(true);
        }
    }
    arm_session_timer(timers, c);
    consumed
}

/// The output room below which reading input that gets answered pauses, and at which it
/// resumes.
fn resume_room(s: &Session) -> usize {
    (s.output_limit() / 4).clamp(1, 4096)
}

/// Keeps a timer armed at the session's next deadline.
fn arm_session_timer(timers: &mut Timers, c: &ConnInner) {
    // SAFETY: no callback is running.
    let next = unsafe { c.cell.get() }.next_timeout();
    if next != c.session_deadline.get() {
        c.session_deadline.set(next);
        if let Some(at) = next {
            timers.add(at, c.slot, c.generation, TimerKind::Session);
        }
    }
}

fn bind_listener(addr: SocketAddr) -> io::Result<TcpListener> {
    let domain = if addr.is_ipv6() {
        libc::AF_INET6
    } else {
        libc::AF_INET
    };
    let fd = syscall!(socket(
        domain,
        libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        0
    ))?;
    // SAFETY: a fresh socket.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let one: libc::c_int = 1;
    syscall!(setsockopt(
        fd,
        libc::SOL_SOCKET,
        libc::SO_REUSEADDR,
        (&one as *const libc::c_int).cast(),
        std::mem::size_of::<libc::c_int>() as libc::socklen_t
    ))?;
    if addr.is_ipv6() {
        // An IPv6 listener takes IPv6 only; listen on both families with two listeners.
        syscall!(setsockopt(
            fd,
            libc::IPPROTO_IPV6,
            libc::IPV6_V6ONLY,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t
        ))?;
    }
    let (storage, len) = sockaddr(addr);
    syscall!(bind(
        fd,
        (&storage as *const libc::sockaddr_storage).cast(),
        len
    ))?;
    syscall!(listen(fd, 1024))?;
    // SAFETY: the descriptor is a bound, listening, non-blocking TCP socket.
    Ok(TcpListener::from_std(unsafe {
        std::net::TcpListener::from_raw_fd(std::os::fd::IntoRawFd::into_raw_fd(owned))
    }))
}

fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is valid.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is large enough for sockaddr_in.
            unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: sockaddr_storage is large enough for sockaddr_in6.
            unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// Turns TCP keepalive on with `idle` before the first probe (then probes every 10 s, 6 times).
fn set_keepalive(fd: RawFd, idle: Duration) {
    let opts: [(libc::c_int, libc::c_int, libc::c_int); 4] = [
        (libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1),
        (
            libc::IPPROTO_TCP,
            libc::TCP_KEEPIDLE,
            idle.as_secs().clamp(1, 86400) as libc::c_int,
        ),
        (libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, 10),
        (libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 6),
    ];
    for (level, name, value) in opts {
        // SAFETY: setsockopt on our own socket with a valid int.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                name,
                (&value as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
}

/// Urgent data stays in the stream, so the Synch's DM is parsed where it belongs (BSD telnetd
/// does the same).
fn set_oobinline(fd: RawFd) {
    let one: libc::c_int = 1;
    // SAFETY: setsockopt on our own socket with a valid int.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_OOBINLINE,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// Raises the open-file soft limit toward `wanted` (as far as the hard limit allows); returns the
/// limit now in force.
pub fn raise_fd_limit(wanted: u64) -> io::Result<u64> {
    // SAFETY: getrlimit/setrlimit with a local struct.
    let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
    syscall!(getrlimit(libc::RLIMIT_NOFILE, &mut lim))?;
    if lim.rlim_cur >= wanted {
        return Ok(lim.rlim_cur);
    }
    lim.rlim_cur = wanted.min(lim.rlim_max);
    syscall!(setrlimit(libc::RLIMIT_NOFILE, &lim))?;
    Ok(lim.rlim_cur)
}
