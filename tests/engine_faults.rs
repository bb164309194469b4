//! The engine under load and faults, on loopback, bounded in time: thousands of sessions,
//! slowloris peers, peers that never read, peers that reset in the middle of a write, and a pty
//! child that floods output. Well-behaved sessions keep being served and memory stays bounded.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use telnet_rs::engine::spawn::Command;
use telnet_rs::engine::{CloseReason, Conn, Engine, EngineConfig, Handler, raise_fd_limit};
use telnet_rs::{Config, EolMode, Event, Role};

/// Echoes lines; a connection whose first line is "flood" gets a child writing without end.
#[derive(Default)]
struct Echo {
    closed: Vec<CloseReason>,
}

impl Handler for Echo {
    fn event(&mut self, conn: Conn<'_>, event: &Event<'_>) {
        match event {
            Event::Data(d) if *d == b"flood" => {
                let cmd = Command {
                    program: "/usr/bin/yes".into(),
                    args: vec!["yes".into(), "0123456789abcdef".into()],
                    env: vec![],
                };
                conn.spawn(&cmd).expect("spawn yes");
            }
            Event::Data(d) => {
                let _ = conn.send(d);
            }
            Event::Eol(_) => {
                let _ = conn.send(b"\n");
            }
            _ => {}
        }
    }
    fn closed(&mut self, _conn: Conn<'_>, reason: CloseReason) {
        self.closed.push(reason);
    }
}

fn server(limit: usize, idle: Option<Duration>, max: usize) -> (Engine<Echo>, SocketAddr) {
    let mut cfg = Config::new(Role::Server);
    cfg.input_eol = EolMode::Nvt;
    cfg.output_eol = EolMode::Nvt;
    cfg.output_limit = limit;
    let mut e = Engine::new(
        Echo::default(),
        EngineConfig {
            idle_timeout: idle,
            max_sessions: max,
            ..EngineConfig::default()
        },
    )
    .unwrap();
    let l = e
        .listen("127.0.0.1:0".parse().unwrap(), Arc::new(cfg))
        .unwrap();
    let addr = e.local_addr(l).unwrap();
    (e, addr)
}

/// Runs the engine until `done` says so (checked between polls) or the deadline passes.
fn drive(e: &mut Engine<Echo>, secs: u64, done: &AtomicBool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "timed out");
        e.poll(Some(Duration::from_millis(5))).unwrap();
    }
}

/// A well-behaved client: sends a line, expects it back within `within`.
fn round_trip(addr: SocketAddr, within: Duration) -> Duration {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(within)).unwrap();
    let t = Instant::now();
    s.write_all(b"ping\r\n").unwrap();
    let mut got = vec![];
    let mut buf = [0u8; 256];
    while !got.windows(6).any(|w| w == b"ping\r\n") {
        let n = s.read(&mut buf).expect("the echo came back in time");
        assert!(n > 0, "closed");
        got.extend_from_slice(&buf[..n]);
    }
    t.elapsed()
}

/// Total bytes queued on every connection of the engine.
fn queued(e: &mut Engine<Echo>) -> usize {
    let mut total = 0;
    e.for_each_conn(|_, c| total += c.output_len());
    total
}

#[test]
fn five_thousand_sessions() {
    let n = 5000;
    assert!(
        raise_fd_limit(2 * n as u64 + 256).unwrap() >= 2 * n as u64 + 256,
        "fd limit too low"
    );
    let (mut e, addr) = server(64 * 1024, None, n + 10);
    let done = Arc::new(AtomicBool::new(false));
    let d = Arc::clone(&done);
    let clients = thread::spawn(move || {
        let mut socks = Vec::with_capacity(n);
        for _ in 0..n {
            socks.push(TcpStream::connect(addr).unwrap());
        }
        // Every one of them is served.
        for s in socks.iter_mut() {
            s.write_all(b"hi\r\n").unwrap();
        }
        for s in socks.iter_mut() {
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let mut buf = [0u8; 16];
            let mut got = vec![];
            while !got.ends_with(b"hi\r\n") {
                let k = s.read(&mut buf).unwrap();
                assert!(k > 0);
                got.extend_from_slice(&buf[..k]);
            }
        }
        let rtt = round_trip(addr, Duration::from_secs(5));
        d.store(true, Ordering::SeqCst);
        (socks, rtt)
    });
    drive(&mut e, 120, &done);
    let (socks, rtt) = clients.join().unwrap();
    assert!(e.session_count() >= n);
    assert!(
        rtt < Duration::from_secs(2),
        "a fresh session waited {rtt:?}"
    );
    drop(socks);
}

#[test]
fn slowloris_and_non_readers_do_not_stall_others() {
    let (mut e, addr) = server(32 * 1024, Some(Duration::from_secs(30)), 1000);
    let done = Arc::new(AtomicBool::new(false));
    let d = Arc::clone(&done);
    let clients = thread::spawn(move || {
        // 100 slowloris peers: a byte now and then, never a whole line.
        let mut slow: Vec<TcpStream> = (0..100)
            .map(|_| TcpStream::connect(addr).unwrap())
            .collect();
        // 20 peers that flood lines and never read the echo.
        let floods: Vec<TcpStream> = (0..20)
            .map(|_| {
                let s = TcpStream::connect(addr).unwrap();
                s.set_nonblocking(true).unwrap();
                s
            })
            .collect();
        let line = [b'z'; 1022]
            .iter()
            .chain(b"\r\n")
            .copied()
            .collect::<Vec<u8>>();
        let mut worst = Duration::ZERO;
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            for s in slow.iter_mut() {
                let _ = s.write_all(b"x");
            }
            for s in &floods {
                for _ in 0..16 {
                    if (&*s).write(&line).is_err() {
                        break;
                    }
                }
            }
            worst = worst.max(round_trip(addr, Duration::from_secs(5)));
            thread::sleep(Duration::from_millis(50));
        }
        d.store(true, Ordering::SeqCst);
        (slow, floods, worst)
    });
    drive(&mut e, 60, &done);
    let (slow, floods, worst) = clients.join().unwrap();
    assert!(
        worst < Duration::from_secs(1),
        "a well-behaved session waited {worst:?}"
    );
    // The non-readers' queues stay at their limit: 120 sessions, at most the control limit each.
    let q = queued(&mut e);
    assert!(q <= 120 * 80 * 1024, "{q} bytes queued");
    drop((slow, floods));
}

#[test]
fn a_reset_in_the_middle_of_a_write_harms_nobody_else() {
    let (mut e, addr) = server(1 << 20, None, 100);
    let done = Arc::new(AtomicBool::new(false));
    let d = Arc::clone(&done);
    let clients = thread::spawn(move || {
        for _ in 0..20 {
            let mut s = TcpStream::connect(addr).unwrap();
            // Ask for a lot of output, read a little, then reset (SO_LINGER 0 makes close send RST).
            let big: Vec<u8> = [b'q'; 60_000].iter().chain(b"\r\n").copied().collect();
            for _ in 0..8 {
                s.write_all(&big).unwrap();
            }
            let mut buf = [0u8; 1000];
            let _ = s.read(&mut buf);
            let linger = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            // SAFETY: setsockopt on our own socket with a valid struct.
            unsafe {
                libc::setsockopt(
                    s.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    (&linger as *const libc::linger).cast(),
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                );
            }
            drop(s);
        }
        let rtt = round_trip(addr, Duration::from_secs(5));
        d.store(true, Ordering::SeqCst);
        rtt
    });
    drive(&mut e, 60, &done);
    let rtt = clients.join().unwrap();
    assert!(rtt < Duration::from_secs(2));
    // Let the engine notice the resets.
    for _ in 0..50 {
        e.poll(Some(Duration::from_millis(10))).unwrap();
    }
    let h = e.handler();
    assert!(h.closed.len() >= 20, "{:?}", h.closed);
}

#[test]
fn a_flooding_child_with_a_reader_that_never_reads() {
    let (mut e, addr) = server(64 * 1024, None, 100);
    let done = Arc::new(AtomicBool::new(false));
    let d = Arc::clone(&done);
    let clients = thread::spawn(move || {
        let mut flood = TcpStream::connect(addr).unwrap();
        flood.write_all(b"flood\r\n").unwrap();
        // Never read: the child's output piles up at the limit and the pty is paused.
        thread::sleep(Duration::from_secs(2));
        let rtt = round_trip(addr, Duration::from_secs(5));
        d.store(true, Ordering::SeqCst);
        (flood, rtt)
    });
    drive(&mut e, 60, &done);
    let (flood, rtt) = clients.join().unwrap();
    assert!(rtt < Duration::from_secs(1), "waited {rtt:?}");
    let q = queued(&mut e);
    assert!(
        q <= 2 * 64 * 1024,
        "{q} bytes queued for a reader that never reads"
    );
    drop(flood);
    // The child gets a hangup with its connection.
    let deadline = Instant::now() + Duration::from_secs(10);
    while e.session_count() > 0 && Instant::now() < deadline {
        e.poll(Some(Duration::from_millis(10))).unwrap();
    }
    assert_eq!(e.session_count(), 0);
}
