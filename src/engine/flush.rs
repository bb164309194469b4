//! Writing a session's output queue to a non-blocking file descriptor.

use super::sys::syscall;
use crate::proto::Session;
use std::io;
use std::os::fd::RawFd;

/// How a flush ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flushed {
    /// The queue is empty; this many bytes were written.
    All(usize),
    /// The descriptor would block (EAGAIN) with output still queued; this many bytes were written.
    Partial(usize),
}

impl Flushed {
    /// Bytes written by the call.
    pub fn written(self) -> usize {
        match self {
            Flushed::All(n) | Flushed::Partial(n) => n,
        }
    }
}

/// Writes queued output to `fd` until the queue is empty or the descriptor would block.
///
/// On a socket the DM byte of a Synch is sent alone with `MSG_OOB`, so the peer's urgent pointer
/// marks it (RFC 854); on anything else (a pipe, a pty) it is written as a normal byte. Uses
/// `MSG_NOSIGNAL`, so a closed peer gives `EPIPE` instead of a SIGPIPE. Interrupted calls are
/// retried. Whatever was written before an error stays consumed; nothing is lost or sent twice.
pub fn flush_to_fd(session: &mut Session, fd: RawFd) -> io::Result<Flushed> {
    let mut total = 0;
    let mut socket = true;
    while let Some(chunk) = session.peek_output() {
        let flags = libc::MSG_NOSIGNAL | if chunk.urgent { libc::MSG_OOB } else { 0 };
        let ptr = chunk.bytes.as_ptr().cast::<libc::c_void>();
        let len = chunk.bytes.len();
        let res = if socket {
            match syscall!(send(fd, ptr, len, flags)) {
                Err(e) if e.raw_os_error() == Some(libc::ENOTSOCK) => {
                    socket = false;
                    continue;
                }
                other => other,
            }
        } else {
            syscall!(write(fd, ptr, len))
        };
        match res {
            Ok(n) => {
                let n = n as usize;
                if n == 0 {
                    return Ok(Flushed::Partial(total));
                }
                total += session.consume_output(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                return Ok(Flushed::Partial(total));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Flushed::All(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Config, Role};
    use std::io::Read;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::sync::Arc;

    #[test]
    fn flushes_to_a_socket_and_stops_on_eagain() {
        let (a, mut b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let mut cfg = Config::new(Role::Server);
        cfg.output_limit = 64 << 20;
        let mut s = Session::new(Arc::new(cfg));
        let big = vec![b'x'; 8 << 20];
        assert_eq!(s.send(&big).unwrap(), big.len());
        let first = flush_to_fd(&mut s, a.as_raw_fd()).unwrap();
        assert!(matches!(first, Flushed::Partial(_)), "{first:?}");
        let mut got = vec![];
        let mut buf = vec![0; 1 << 16];
        while got.len() < big.len() {
            let n = b.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
            flush_to_fd(&mut s, a.as_raw_fd()).unwrap();
        }
        assert_eq!(got, big);
        assert_eq!(s.output_len(), 0);
    }
}
