//! Pseudo-terminals: opening one in packet mode, and the termios knobs the Telnet options map to.

use super::sys::syscall;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// Packet-mode control bits (the first byte of every read from a TIOCPKT master).
pub use crate::proto::pty_packet::bits as packet;

/// A pty pair: the master this process keeps and the slave a child gets.
pub struct PtyPair {
    /// The master side.
    pub master: OwnedFd,
    /// The slave side.
    pub slave: OwnedFd,
}

/// Opens a pty pair with the given window size (columns, rows); the master is non-blocking,
/// close-on-exec and in packet mode.
pub fn open(size: Option<(u16, u16)>) -> io::Result<PtyPair> {
    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    let ws = size.map(|(w, h)| libc::winsize {
        ws_row: h,
        ws_col: w,
        ws_xpixel: 0,
        ws_ypixel: 0,
    });
    let ws_ptr = ws
        .as_ref()
        .map_or(std::ptr::null(), |w| w as *const libc::winsize);
    syscall!(openpty(
        &mut master,
        &mut slave,
        std::ptr::null_mut(),
        std::ptr::null(),
        ws_ptr
    ))?;
    // SAFETY: openpty returned two fresh descriptors that nothing else owns.
    let pair = unsafe {
        PtyPair {
            master: OwnedFd::from_raw_fd(master),
            slave: OwnedFd::from_raw_fd(slave),
        }
    };
    let m = pair.master.as_raw_fd();
    set_cloexec(m)?;
    set_cloexec(pair.slave.as_raw_fd())?;
    set_nonblocking(m)?;
    let on: libc::c_int = 1;
    syscall!(ioctl(m, libc::TIOCPKT, &on))?;
    Ok(pair)
}

pub(crate) fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    let flags = syscall!(fcntl(fd, libc::F_GETFL))?;
    syscall!(fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK))?;
    Ok(())
}

pub(crate) fn set_cloexec(fd: RawFd) -> io::Result<()> {
    let flags = syscall!(fcntl(fd, libc::F_GETFD))?;
    syscall!(fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC))?;
    Ok(())
}

/// Tells the terminal its window size (NAWS -> TIOCSWINSZ; the foreground job gets SIGWINCH).
pub fn set_window_size(fd: RawFd, width: u16, height: u16) -> io::Result<()> {
    let ws = libc::winsize {
        ws_row: height,
        ws_col: width,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    syscall!(ioctl(fd, libc::TIOCSWINSZ, &ws))?;
    Ok(())
}

/// The terminal settings of the pty (read through the master).
pub fn termios(fd: RawFd) -> io::Result<libc::termios> {
    let mut t = MaybeUninit::<libc::termios>::uninit();
    syscall!(tcgetattr(fd, t.as_mut_ptr()))?;
    // SAFETY: tcgetattr succeeded and filled the struct.
    Ok(unsafe { t.assume_init() })
}

/// Changes the terminal settings (applied at once).
pub fn set_termios(fd: RawFd, t: &libc::termios) -> io::Result<()> {
    syscall!(tcsetattr(fd, libc::TCSANOW, t))?;
    Ok(())
}

/// Changes the termios through `edit` and writes it back only if something changed.
pub fn update_termios(fd: RawFd, edit: impl FnOnce(&mut libc::termios)) -> io::Result<()> {
    let before = termios(fd)?;
    let mut t = before;
    edit(&mut t);
    let same = t.c_iflag == before.c_iflag
        && t.c_oflag == before.c_oflag
        && t.c_cflag == before.c_cflag
        && t.c_lflag == before.c_lflag
        && t.c_cc == before.c_cc;
    if same { Ok(()) } else { set_termios(fd, &t) }
}

/// Sends `signal` to the foreground process group of the pty's slave (IP, BRK, SUSP).
pub fn signal(fd: RawFd, signal: libc::c_int) -> io::Result<()> {
    syscall!(ioctl(fd, libc::TIOCSIG, signal))?;
    Ok(())
}

/// Writes as much of `data` as the master takes; returns how much (0 when it would block).
pub(crate) fn write_some(fd: RawFd, data: &[u8]) -> io::Result<usize> {
    loop {
        match syscall!(write(fd, data.as_ptr().cast(), data.len())) {
            Ok(n) => return Ok(n as usize),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(0),
            Err(e) => return Err(e),
        }
    }
}

/// Reads from a descriptor into `buf`; `Ok(None)` when it would block.
pub(crate) fn read_some(fd: RawFd, buf: &mut [u8]) -> io::Result<Option<usize>> {
    loop {
        match syscall!(read(fd, buf.as_mut_ptr().cast(), buf.len())) {
            Ok(n) => return Ok(Some(n as usize)),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
            Err(e) => return Err(e),
        }
    }
}
