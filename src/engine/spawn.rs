//! Starting a child on a new pty.
//!
//! The program and every argument come from the application; values from the network reach the
//! child only through what the application chose (an allowlisted environment, a validated user
//! name after `--`). Everything the child needs is prepared before `fork`, so the child runs only
//! async-signal-safe calls until `execve`.

use super::pty::{self, PtyPair};
use super::sys::syscall;
use std::ffi::{CString, OsStr};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

/// What to run on the pty.
#[derive(Clone, Debug, Default)]
pub struct Command {
    /// The program: an absolute path, run as is (no PATH search).
    pub program: std::path::PathBuf,
    /// argv, including argv[0].
    pub args: Vec<std::ffi::OsString>,
    /// The complete environment, `NAME=value` pairs; nothing is inherited.
    pub env: Vec<(String, String)>,
}

/// A started child.
pub struct Child {
    /// Its process id.
    pub pid: libc::pid_t,
    /// A pidfd that becomes readable when it exits (Linux 5.3 and later), if available.
    pub pidfd: Option<OwnedFd>,
    /// The pty master, non-blocking, in packet mode.
    pub master: OwnedFd,
}

fn cstring(b: &[u8]) -> io::Result<CString> {
    CString::new(b).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL byte in argument"))
}

/// Starts `cmd` as the session leader of a new pty of the given window size.
pub fn spawn(cmd: &Command, size: Option<(u16, u16)>) -> io::Result<Child> {
    spawn_prepared(cmd, size, |_| {})
}

/// Like [`spawn`], with `prepare` called on the pty master before the child starts (to set the
/// terminal the program will find).
pub(crate) fn spawn_prepared(
    cmd: &Command,
    size: Option<(u16, u16)>,
    prepare: impl FnOnce(RawFd),
) -> io::Result<Child> {
    if !cmd.program.is_absolute() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the program must be an absolute path",
        ));
    }
    let program = cstring(cmd.program.as_os_str().as_bytes())?;
    let args: Vec<CString> = cmd
        .args
        .iter()
        .map(|a| cstring(OsStr::as_bytes(a)))
        .collect::<io::Result<_>>()?;
    let env: Vec<CString> = cmd
        .env
        .iter()
        .map(|(n, v)| {
            if n.is_empty() || n.contains('=') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "bad variable name",
                ));
            }
            cstring(format!("{n}={v}").as_bytes())
        })
        .collect::<io::Result<_>>()?;
    let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    let mut envp: Vec<*const libc::c_char> = env.iter().map(|e| e.as_ptr()).collect();
    envp.push(std::ptr::null());

    let PtyPair { master, slave } = pty::open(size)?;
    prepare(master.as_raw_fd());
    // A close-on-exec pipe tells the parent whether execve failed (and why).
    let mut fds = [0 as libc::c_int; 2];
    syscall!(pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC))?;
    // SAFETY: fresh descriptors from pipe2.
    let (err_r, err_w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };

    // SAFETY: the child branch below only makes async-signal-safe calls before execve/_exit.
    let pid = syscall!(fork())?;
    if pid == 0 {
        // Child.
        let slave_fd = slave.as_raw_fd();
        let w = err_w.as_raw_fd();
        // SAFETY: async-signal-safe calls only; on failure report errno and exit.
        unsafe {
            let fail = |w: libc::c_int| -> ! {
                let e = *libc::__errno_location();
                let b = e.to_ne_bytes();
                libc::write(w, b.as_ptr().cast(), b.len());
                libc::_exit(127);
            };
            if libc::setsid() < 0 {
                fail(w);
            }
            if libc::ioctl(slave_fd, libc::TIOCSCTTY, 0) < 0 {
                fail(w);
            }
            for target in 0..3 {
                if libc::dup2(slave_fd, target) < 0 {
                    fail(w);
                }
            }
            // Signals blocked or ignored by the engine (signalfd) must not stay so in the child.
            let mut set = std::mem::zeroed::<libc::sigset_t>();
            libc::sigemptyset(&mut set);
            libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
            for sig in 1..32 {
                if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                    libc::signal(sig, libc::SIG_DFL);
                }
            }
            // Every other descriptor (sockets of other sessions, listeners) closes on exec.
            // close_range marks them all at once (Linux 5.11); otherwise walk the table.
            const CLOSE_RANGE_CLOEXEC: libc::c_uint = 4;
            if libc::syscall(
                libc::SYS_close_range,
                3 as libc::c_uint,
                libc::c_uint::MAX,
                CLOSE_RANGE_CLOEXEC,
            ) != 0
            {
                let max = libc::sysconf(libc::_SC_OPEN_MAX);
                let max = if max < 0 {
                    1024
                } else {
                    max.min(1 << 20) as libc::c_int
                };
                for fd in 3..max {
                    if fd != w {
                        libc::close(fd);
                    }
                }
            }
            libc::execve(program.as_ptr(), argv.as_ptr(), envp.as_ptr());
            fail(w);
        }
    }
    drop(err_w);
    drop(slave);
    // execve closes the pipe on success: read returns 0. On failure the child wrote errno.
    let mut buf = [0u8; 4];
    let n = loop {
        match syscall!(read(err_r.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len())) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => break other?,
        }
    };
    if n == 4 {
        let mut status = 0;
        // SAFETY: reaping our own child that already exited.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        return Err(io::Error::from_raw_os_error(i32::from_ne_bytes(buf)));
    }
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let pidfd = if pidfd >= 0 {
        // SAFETY: a fresh descriptor.
        let fd = unsafe { OwnedFd::from_raw_fd(pidfd as libc::c_int) };
        pty::set_cloexec(fd.as_raw_fd())?;
        Some(fd)
    } else {
        None
    };
    Ok(Child { pid, pidfd, master })
}

/// Reaps `pid` if it has exited; returns its wait status.
pub(crate) fn try_wait(pid: libc::pid_t) -> Option<libc::c_int> {
    let mut status = 0;
    // SAFETY: waitpid with WNOHANG on our own child.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    (r == pid).then_some(status)
}

/// The exit code of a wait status, or 128 + the signal that killed the process.
pub fn exit_code(status: libc::c_int) -> i32 {
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        -1
    }
}
