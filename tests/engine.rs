//! The engine on loopback: accept, negotiate, echo, timers, idle timeout, backpressure, ptys.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};
use telnet_rs::engine::spawn::Command;
use telnet_rs::engine::{CloseReason, Conn, Ctl, Engine, EngineConfig, Handler};
use telnet_rs::proto::consts::opt;
use telnet_rs::{Config, Event, Side};

#[derive(Default)]
struct Echo {
    opened: usize,
    closed: Vec<CloseReason>,
    settled: usize,
    timers: Vec<u64>,
    spawn: Option<Command>,
    child_status: Option<i32>,
    /// Bytes of echo that `send` refused.
    refused: usize,
    /// Tags of outgoing connections that failed.
    connect_failed: Vec<u64>,
    /// Peers of the connections that opened.
    peers: Vec<Option<SocketAddr>>,
}

impl Handler for Echo {
    fn opened(&mut self, conn: Conn<'_>) {
        self.opened += 1;
        self.peers.push(conn.peer());
        conn.set_timer(Duration::from_millis(20), 7);
    }
    fn event(&mut self, conn: Conn<'_>, event: &Event<'_>) {
        match event {
            Event::Data(d) if self.spawn.is_none() => {
                // The engine sizes its reads so that an echo always fits; count what did not.
                match conn.send(d) {
                    Ok(n) => self.refused += d.len() - n,
                    Err(_) => self.refused += d.len(),
                }
            }
            Event::Settled { .. } => {
                self.settled += 1;
                if let Some(cmd) = &self.spawn {
                    conn.spawn(cmd).expect("spawn");
                }
            }
            _ => {}
        }
    }
    fn timer(&mut self, _conn: Conn<'_>, id: u64) {
        self.timers.push(id);
    }
    fn child_exited(&mut self, _conn: Conn<'_>, status: i32) {
        self.child_status = Some(status);
    }
    fn closed(&mut self, _conn: Conn<'_>, reason: CloseReason) {
        self.closed.push(reason);
    }
    fn connect_failed(&mut self, _ctl: &Ctl<'_>, tag: u64, _error: &std::io::Error) {
        self.connect_failed.push(tag);
    }
}

fn engine(handler: Echo, config: Config, ec: EngineConfig) -> (Engine<Echo>, SocketAddr) {
    let mut e = Engine::new(handler, ec).unwrap();
    let l = e
        .listen("127.0.0.1:0".parse().unwrap(), Arc::new(config))
        .unwrap();
    let addr = e.local_addr(l).unwrap();
    (e, addr)
}

/// Polls the engine until `done` or the deadline.
fn pump(e: &mut Engine<Echo>, secs: u64, mut done: impl FnMut(&mut Engine<Echo>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        e.poll(Some(Duration::from_millis(10))).unwrap();
        if done(e) {
            return;
        }
    }
    panic!("engine test timed out");
}

#[test]
fn echo_timer_and_close() {
    let mut cfg = Config::new(telnet_rs::Role::Server);
    cfg.request(opt::ECHO, Side::Local);
    let (mut e, addr) = engine(Echo::default(), cfg, EngineConfig::default());
    let client = thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 64];
        // The opening plan.
        let n = s.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], &[255, 251, 1]);
        s.write_all(&[255, 253, 1]).unwrap();
        s.write_all(b"hello\xff\xff").unwrap();
        let mut got = vec![];
        while got.len() < 7 {
            let n = s.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"hello\xff\xff");
        thread::sleep(Duration::from_millis(100));
        drop(s);
    });
    pump(&mut e, 10, |e| !e.handler().closed.is_empty());
    client.join().unwrap();
    let h = e.handler();
    assert_eq!(h.opened, 1);
    assert_eq!(h.settled, 1);
    assert_eq!(h.timers, [7]);
    assert_eq!(h.closed, [CloseReason::PeerClosed]);
    assert_eq!(e.session_count(), 0);
}

#[test]
fn idle_timeout_closes() {
    let ec = EngineConfig {
        idle_timeout: Some(Duration::from_millis(100)),
        ..EngineConfig::default()
    };
    let (mut e, addr) = engine(Echo::default(), Config::new(telnet_rs::Role::Server), ec);
    let s = TcpStream::connect(addr).unwrap();
    pump(&mut e, 5, |e| !e.handler().closed.is_empty());
    assert_eq!(e.handler().closed, [CloseReason::IdleTimeout]);
    drop(s);
}

#[test]
fn connect_tries_every_address_in_order() {
    // A name's first address may refuse (localhost as ::1 while the server listens on
    // 127.0.0.1 only): the next one is tried; when all fail, connect_failed comes once.
    let (mut e, addr) = engine(Echo::default(), Config::server(), EngineConfig::default());
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    }; // nothing listens there any more
    let cfg = Arc::new(Config::client());
    e.ctl()
        .connect_any(vec![closed, addr], cfg.clone(), Duration::from_secs(2), 1);
    // Two sessions open: the server's accepted one and our outgoing one, to `addr`.
    pump(&mut e, 10, |e| e.handler().opened == 2);
    assert!(e.handler().peers.contains(&Some(addr)));
    assert!(e.handler().connect_failed.is_empty());
    e.ctl()
        .connect_any(vec![closed, closed], cfg, Duration::from_secs(2), 2);
    pump(&mut e, 10, |e| !e.handler().connect_failed.is_empty());
    assert_eq!(e.handler().connect_failed, [2]);
}

#[test]
fn max_sessions_refuses_extra_connections() {
    let ec = EngineConfig {
        max_sessions: 2,
        ..EngineConfig::default()
    };
    let (mut e, addr) = engine(Echo::default(), Config::new(telnet_rs::Role::Server), ec);
    let a = TcpStream::connect(addr).unwrap();
    let b = TcpStream::connect(addr).unwrap();
    let mut c = TcpStream::connect(addr).unwrap();
    pump(&mut e, 5, |e| e.handler().opened == 2);
    for _ in 0..10 {
        e.poll(Some(Duration::from_millis(10))).unwrap();
    }
    // The third one was closed at once.
    c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(c.read(&mut buf).unwrap_or(0), 0);
    assert_eq!(e.session_count(), 2);
    drop((a, b));
}

#[test]
fn a_full_duplex_echo_loses_nothing() {
    // A client uploads while it reads the echo: the server reads in full buffers, its echo never
    // finds the output queue full, and every byte comes back in order, IAC doubling included.
    let mut cfg = Config::new(telnet_rs::Role::Server);
    cfg.output_limit = 64 * 1024;
    let (mut e, addr) = engine(Echo::default(), cfg, EngineConfig::default());
    let mut pattern = Vec::with_capacity(1 << 16);
    for i in 0..(1usize << 15) {
        if i % 97 == 0 {
            pattern.extend_from_slice(&[0xff, 0xff]);
        } else {
            pattern.push(b'a' + (i % 26) as u8);
        }
    }
    let rounds = 256; // about 8 MiB
    let total = pattern.len() * rounds;
    let s = TcpStream::connect(addr).unwrap();
    let mut reader = s.try_clone().unwrap();
    let expected = pattern.clone();
    let writer = thread::spawn(move || {
        let mut s = s;
        for _ in 0..rounds {
            s.write_all(&pattern).unwrap();
        }
        s
    });
    let check = thread::spawn(move || {
        reader
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut got = vec![0u8; 1 << 16];
        let mut at = 0usize;
        while at < total {
            let n = reader.read(&mut got).expect("echo stalled");
            assert!(n > 0, "server closed after {at} bytes");
            for &b in &got[..n] {
                assert_eq!(b, expected[at % expected.len()], "byte {at} differs");
                at += 1;
            }
        }
        at
    });
    pump(&mut e, 30, |_| check.is_finished());
    assert_eq!(check.join().unwrap(), total);
    drop(writer.join().unwrap());
    assert_eq!(e.handler().refused, 0, "echo refused by a full queue");
}

#[test]
fn a_reader_that_never_reads_does_not_grow_memory() {
    // A client floods data that is echoed back but never reads the echo: the server stops reading
    // from it once its output queue is full, so memory stays bounded.
    let mut cfg = Config::new(telnet_rs::Role::Server);
    cfg.output_limit = 64 * 1024;
    let (mut e, addr) = engine(Echo::default(), cfg, EngineConfig::default());
    let s = TcpStream::connect(addr).unwrap();
    s.set_nonblocking(true).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0usize;
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(n) = (&s).write(&chunk) {
            sent += n;
        }
        e.poll(Some(Duration::from_millis(1))).unwrap();
    }
    // The client could write only what the kernel buffers and the output limit allow.
    assert!(
        sent < 64 << 20,
        "sent {sent} bytes into a server that should have pushed back"
    );
    drop(s);
    pump(&mut e, 5, |e| !e.handler().closed.is_empty());
}

#[test]
fn spawn_on_a_pty_bridges_io_and_closes_on_exit() {
    let echo = Echo {
        spawn: Some(Command {
            program: "/bin/sh".into(),
            args: vec![
                "sh".into(),
                "-c".into(),
                "stty size; echo hi-$TERM; exit 3".into(),
            ],
            env: vec![
                ("TERM".into(), "vt100".into()),
                ("PATH".into(), "/usr/bin:/bin".into()),
            ],
        }),
        ..Echo::default()
    };
    let mut cfg = Config::new(telnet_rs::Role::Server);
    cfg.input_eol = telnet_rs::EolMode::Nvt;
    cfg.output_eol = telnet_rs::EolMode::Nvt;
    cfg.request(opt::NAWS, Side::Remote);
    let (mut e, addr) = engine(echo, cfg, EngineConfig::default());
    let client = thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], &[255, 253, 31]);
        s.write_all(&[255, 251, 31, 255, 250, 31, 0, 100, 0, 30, 255, 240])
            .unwrap();
        let mut got = vec![];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        String::from_utf8_lossy(&got).to_string()
    });
    pump(&mut e, 10, |e| !e.handler().closed.is_empty());
    let out = client.join().unwrap();
    assert!(out.contains("30 100\r\n"), "{out:?}");
    assert!(out.contains("hi-vt100\r\n"), "{out:?}");
    assert_eq!(e.handler().child_status, Some(3));
    assert_eq!(e.handler().closed, [CloseReason::ChildExited(3)]);
}
