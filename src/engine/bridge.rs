//! The pty bridge: what BSD telnetd does between the network and the pty, for a connection with a
//! pty attached.
//!
//! Network to pty: data and line ends are written to the master; IP, BRK, ABORT, SUSP become
//! signals to the foreground job; EOF, EC, EL become the terminal's own characters; AO clears the
//! output queue and sends a Synch; AYT is answered; NAWS sets the window size; LINEMODE and its
//! SLC table set the termios; BINARY sets ISTRIP and CS8.
//!
//! Pty to network ([`Session::pty_packet`]): data is queued on the session (NVT-escaped); packet-mode notices map back:
//! FLUSHWRITE aborts output with a Synch, FLUSHREAD drops unwritten input, NOSTOP and DOSTOP turn
//! the client's flow control off and on; termios changes (ICANON, ECHO) become LINEMODE MODE or
//! kludge SGA and ECHO negotiation.

use super::conn::{CloseReason, ConnInner, PtyLink};
use super::pty;
use crate::proto::consts::opt;
use crate::proto::slc::{self, func};
use crate::proto::wire::{MODE_EDIT, MODE_TRAPSIG};
use crate::proto::{Command, Eol, Event, InputMode, QState, Session, Side};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// Network input the pty has not taken yet, above which the connection stops reading.
pub(crate) const TO_PTY_LIMIT: usize = 64 * 1024;

pub(crate) const TOKEN_PTY: usize = 1;
pub(crate) const TOKEN_PIDFD: usize = 2;

/// Attaches a pty master (non-blocking, packet mode) to a connection and registers it.
pub(crate) fn attach(
    inner: &ConnInner,
    master: OwnedFd,
    pid: Option<libc::pid_t>,
    pidfd: Option<OwnedFd>,
    prepared: Option<Prepared>,
) -> io::Result<()> {
    if inner.pty.borrow().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a pty is already attached",
        ));
    }
    pty::set_nonblocking(master.as_raw_fd())?;
    let shared = inner.shared();
    let base = super::engine::conn_token(inner.slot);
    let m = master.as_raw_fd();
    shared.registry.register(
        &mut mio::unix::SourceFd(&m),
        mio::Token(base + TOKEN_PTY),
        mio::Interest::READABLE | mio::Interest::WRITABLE,
    )?;
    if let Some(p) = &pidfd {
        shared.registry.register(
            &mut mio::unix::SourceFd(&p.as_raw_fd()),
            mio::Token(base + TOKEN_PIDFD),
            mio::Interest::READABLE,
        )?;
    }
    // SAFETY: no callback of this connection holds its session while the engine attaches (the
    // cell hands out the lent borrow if one does).
    let s = unsafe { inner.cell.get() };
    // A spawned child may already have changed its terminal (a shell's `stty raw` races this
    // code): compare its changes against the terminal as prepared before the fork, never against
    // what it looks like now, and never prepare it again over the program's settings.
    let state = prepared.unwrap_or_else(|| prepare_pty(m, s));
    let link = PtyLink {
        master,
        pid,
        pidfd,
        to_pty: Vec::new(),
        write_blocked: false,
        pending_out: Vec::new(),
        read_paused: false,
        eof: false,
        exit_status: None,
        icanon: state.icanon,
        echo: state.echo,
        extproc: state.extproc,
    };
    if let Some((w, h)) = s.window_size() {
        let _ = pty::set_window_size(m, w, h);
    }
    follow_echo(&link, s);
    *inner.pty.borrow_mut() = Some(link);
    inner.mark_dirty();
    Ok(())
}

/// The terminal bits the bridge follows, as last seen.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Prepared {
    icanon: bool,
    echo: bool,
    extproc: bool,
}

impl Prepared {
    fn read(m: RawFd) -> Prepared {
        let Ok(t) = pty::termios(m) else {
            return Prepared::default();
        };
        Prepared {
            icanon: t.c_lflag & libc::ICANON != 0,
            echo: t.c_lflag & libc::ECHO != 0,
            extproc: t.c_lflag & libc::EXTPROC != 0,
        }
    }
}

/// Sets a pty's terminal to what the session negotiated (LINEMODE with its MODE, BINARY, the
/// SLC characters) and returns the result. Runs before the child starts, so the program finds
/// its terminal already set, or when an application attaches its own pty.
pub(crate) fn prepare_pty(m: RawFd, s: &Session) -> Prepared {
    let linemode = s.is_enabled(opt::LINEMODE, Side::Remote);
    let _ = pty::update_termios(m, |t| {
        if linemode {
            t.c_lflag |= libc::EXTPROC;
            set_mode_flags(t, s.linemode());
        }
        if s.is_enabled(opt::BINARY, Side::Remote) {
            t.c_iflag &= !libc::ISTRIP;
        }
        if s.is_enabled(opt::BINARY, Side::Local) {
            t.c_cflag &= !(libc::CSIZE | libc::PARENB);
            t.c_cflag |= libc::CS8;
        }
        // Characters the client's SLC export set (or the server adopted) before the pty existed.
        let table = s.slc_table();
        for f in 1..=table.nslc() {
            let (Some(i), Some(e)) = (cc_index(f), table.entry(f)) else {
                continue;
            };
            if matches!(e.level(), slc::VALUE | slc::CANTCHANGE) {
                t.c_cc[i] = e.value;
            }
        }
    });
    let mut p = Prepared::read(m);
    p.extproc &= linemode;
    p
}

/// In LINEMODE the terminal's ECHO decides who echoes (BSD telnetd's `localstat`).
fn follow_echo(link: &PtyLink, s: &mut Session) {
    if s.is_enabled(opt::LINEMODE, Side::Remote) {
        let server_echoes = matches!(
            s.option_state(opt::ECHO, Side::Local).state,
            QState::Yes | QState::WantYes
        );
        if link.echo == server_echoes {
            let _ = s.negotiate(opt::ECHO, Side::Local, !link.echo);
        }
    }
}

fn set_extproc(link: &mut PtyLink, on: bool) {
    let m = link.master.as_raw_fd();
    if pty::update_termios(m, |t| {
        if on {
            t.c_lflag |= libc::EXTPROC;
        } else {
            t.c_lflag &= !libc::EXTPROC;
        }
    })
    .is_ok()
    {
        link.extproc = on;
    }
}

fn apply_mode(m: RawFd, mode: u8) {
    let _ = pty::update_termios(m, |t| set_mode_flags(t, mode));
}

fn set_mode_flags(t: &mut libc::termios, mode: u8) {
    set_flag(&mut t.c_lflag, libc::ICANON, mode & MODE_EDIT != 0);
    set_flag(&mut t.c_lflag, libc::ISIG, mode & MODE_TRAPSIG != 0);
}

fn set_binary_in(m: RawFd, on: bool) {
    let _ = pty::update_termios(m, |t| set_flag(&mut t.c_iflag, libc::ISTRIP, !on));
}

fn set_binary_out(m: RawFd, on: bool) {
    if on {
        let _ = pty::update_termios(m, |t| {
            t.c_cflag &= !(libc::CSIZE | libc::PARENB);
            t.c_cflag |= libc::CS8;
        });
    }
}

fn set_flag(field: &mut libc::tcflag_t, bit: libc::tcflag_t, on: bool) {
    if on {
        *field |= bit;
    } else {
        *field &= !bit;
    }
}

/// The termios c_cc index for an SLC function, where the pty has one.
fn cc_index(function: u8) -> Option<usize> {
    Some(match function {
        func::IP => libc::VINTR,
        func::ABORT => libc::VQUIT,
        func::EOF => libc::VEOF,
        func::SUSP => libc::VSUSP,
        func::EC => libc::VERASE,
        func::EL => libc::VKILL,
        func::EW => libc::VWERASE,
        func::RP => libc::VREPRINT,
        func::LNEXT => libc::VLNEXT,
        func::AO => libc::VDISCARD,
        func::XON => libc::VSTART,
        func::XOFF => libc::VSTOP,
        func::FORW1 => libc::VEOL,
        func::FORW2 => libc::VEOL2,
        _ => return None,
    })
}

fn cc(m: RawFd, index: usize, fallback: u8) -> u8 {
    match pty::termios(m) {
        Ok(t) if t.c_cc[index] != 0 => t.c_cc[index],
        _ => fallback,
    }
}

/// What an input event means for the pty; runs before the application sees the event.
pub(crate) fn on_event(inner: &ConnInner, s: &mut Session, ev: &Event<'_>) {
    let mut guard = inner.pty.borrow_mut();
    let Some(link) = guard.as_mut() else { return };
    let m = link.master.as_raw_fd();
    match *ev {
        Event::Data(d) => link.to_pty.extend_from_slice(d),
        Event::Eol(kind) => {
            // BSD telnetd: in LINEMODE CR LF is a newline; otherwise a line end is the Return key.
            let linemode = s.input_mode() == InputMode::Linemode;
            let byte = match kind {
                Eol::CrLf if linemode => b'\n',
                Eol::Lf => b'\n',
                _ => b'\r',
            };
            link.to_pty.push(byte);
        }
        Event::Command(c) => match c {
            Command::Ip => signal_or_char(link, libc::SIGINT, libc::VINTR, 0x03),
            Command::Brk | Command::Abort => signal_or_char(link, libc::SIGQUIT, libc::VQUIT, 0x1c),
            Command::Susp => signal_or_char(link, libc::SIGTSTP, libc::VSUSP, 0x1a),
            Command::Eof => link.to_pty.push(cc(m, libc::VEOF, 0x04)),
            Command::Ec => link.to_pty.push(cc(m, libc::VERASE, 0x7f)),
            Command::El => link.to_pty.push(cc(m, libc::VKILL, 0x15)),
            Command::Ao => {
                // RFC 854 Abort Output: drop what the program wrote and mark the point with a
                // Synch; drop what the pty still holds too.
                s.clear_output();
                // SAFETY: tcflush on our own master descriptor.
                unsafe { libc::tcflush(m, libc::TCIFLUSH) };
            }
            Command::Ayt => {
                let _ = s.send(b"\r\n[Yes]\r\n");
            }
            _ => {}
        },
        Event::WindowSize { width, height } => {
            let _ = pty::set_window_size(m, width, height);
        }
        Event::OptionChanged {
            option,
            side,
            enabled,
        } => match (option, side) {
            (opt::LINEMODE, Side::Remote) => {
                set_extproc(link, enabled);
                if enabled {
                    apply_mode(m, s.linemode());
                } else {
                    apply_mode(m, MODE_EDIT | MODE_TRAPSIG);
                }
            }
            // RFC 727: the client asked to be logged out and the session agreed. BSD telnetd
            // flushes and closes; the child gets SIGHUP with the connection.
            (opt::LOGOUT, Side::Local) if enabled => inner.request_close(CloseReason::Closed),
            (opt::BINARY, Side::Remote) => set_binary_in(m, enabled),
            (opt::BINARY, Side::Local) => set_binary_out(m, enabled),
            _ => {}
        },
        Event::LinemodeMode { mode } => {
            apply_mode(m, mode);
            link.icanon = mode & MODE_EDIT != 0;
        }
        Event::Slc {
            function, value, ..
        } => {
            if let Some(i) = cc_index(function) {
                let _ = pty::update_termios(m, |t| t.c_cc[i] = value);
            }
        }
        _ => {}
    }
}

fn signal_or_char(link: &mut PtyLink, sig: libc::c_int, cc_index: usize, fallback: u8) {
    let m = link.master.as_raw_fd();
    if pty::signal(m, sig).is_err() {
        link.to_pty.push(cc(m, cc_index, fallback));
    }
}

/// Writes pending network input to the pty. Returns false on a fatal error.
pub(crate) fn write_pty(link: &mut PtyLink) -> bool {
    while !link.to_pty.is_empty() {
        match pty::write_some(link.master.as_raw_fd(), &link.to_pty) {
            Ok(0) => {
                link.write_blocked = true;
                return true;
            }
            Ok(n) => {
                link.to_pty.drain(..n);
            }
            Err(_) => {
                link.to_pty.clear();
                return false;
            }
        }
    }
    link.write_blocked = false;
    true
}

/// How a pty read ended.
pub(crate) enum PtyRead {
    /// Read everything available (or paused because the session is full).
    Done,
    /// Used the budget; more may be waiting.
    More,
    /// The slave side is closed (the program and everything on the pty exited).
    Eof,
}

/// Reads pty output into the session (at most `budget` bytes), handling packet notices.
pub(crate) fn read_pty(
    link: &mut PtyLink,
    s: &mut Session,
    buf: &mut [u8],
    budget: usize,
) -> PtyRead {
    // Output the session could not take last time goes first.
    if !link.pending_out.is_empty() {
        let pending = std::mem::take(&mut link.pending_out);
        if !queue_output(link, s, &pending) {
            return PtyRead::Done;
        }
    }
    let m = link.master.as_raw_fd();
    let mut used = 0;
    while used < budget {
        if link.read_paused {
            return PtyRead::Done;
        }
        let n = match pty::read_some(m, buf) {
            Ok(Some(0)) => return PtyRead::Eof,
            Ok(Some(n)) => n,
            Ok(None) => return PtyRead::Done,
            // EIO: the last slave descriptor closed.
            Err(_) => return PtyRead::Eof,
        };
        used += n;
        let r = s.pty_packet(&buf[..n]);
        if r.flush_input {
            link.to_pty.clear();
        }
        if r.termios_changed {
            sync_termios(link, s);
        }
        let taken = 1 + r.accepted;
        if taken < n {
            // The session is full: keep the rest and stop reading until output drains.
            link.pending_out.extend_from_slice(&buf[taken..n]);
            link.read_paused = true;
            return PtyRead::Done;
        }
    }
    PtyRead::More
}

/// Queues pty output on the session; keeps what does not fit and pauses reading. Returns false
/// when the session is full.
fn queue_output(link: &mut PtyLink, s: &mut Session, data: &[u8]) -> bool {
    let mut rest = data;
    while !rest.is_empty() {
        match s.send(rest) {
            Ok(n) => rest = &rest[n..],
            Err(_) => break,
        }
    }
    if rest.is_empty() {
        return true;
    }
    link.pending_out.extend_from_slice(rest);
    link.read_paused = true;
    false
}

/// Follows termios changes the program made (EXTPROC reports them; otherwise called after
/// reads): ICANON turns client-side line editing on or off, ECHO in LINEMODE decides who echoes.
pub(crate) fn sync_termios(link: &mut PtyLink, s: &mut Session) {
    let Ok(t) = pty::termios(link.master.as_raw_fd()) else {
        return;
    };
    let icanon = t.c_lflag & libc::ICANON != 0;
    let echo = t.c_lflag & libc::ECHO != 0;
    if icanon != link.icanon {
        link.icanon = icanon;
        let _ = s.set_line_editing(icanon);
    }
    if echo != link.echo {
        link.echo = echo;
        if s.is_enabled(opt::LINEMODE, Side::Remote) {
            // BSD telnetd: in LINEMODE the client echoes while the program wants echo.
            let _ = s.negotiate(opt::ECHO, Side::Local, !echo);
        }
    }
}
