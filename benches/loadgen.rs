//! Engine load generator and echo server.
//!
//!     cargo bench --bench loadgen -- serve [--port 6100] [--max N]
//!     cargo bench --bench loadgen -- serve-raw [--port 6100]
//!     cargo bench --bench loadgen -- run --port P [--clients N] [--lines L] [--server-pid PID]
//!                                   [--hold SECS] [--bulk MB] [--label NAME] [--json FILE]
//!
//! `serve` is a line-echo server on the telnet-rs engine, negotiating like BSD telnetd
//! (Config::server()). `run` opens N concurrent client sessions (Config::client(), BSD telnet's
//! plan, answered by the library) and measures, for whichever echo server listens on the port:
//! - session setup: connect until the first line comes back echoed (so the server has finished
//!   its negotiation and runs its shell), as sessions per second and per-session time;
//! - server memory per idle session, from the server's VmRSS before and after (with --server-pid);
//! - line round trip under load: every client sends L lines one after the other, p50 and p99;
//! - bulk throughput (--bulk MB): one session sends MB of data and reads the echo.
//!
//! `serve-raw` is the physical reference for bulk: a plain TCP echo (a thread per connection,
//! read then write, no Telnet), so one session's rate through our server reads as a fraction of
//! what loopback and the same client give without a Telnet server in the middle.
//!
//! The same run against the telnetlib3 anchor (shared/anchors/telnetlib3_echo_server.py) gives
//! the ratios in docs/BENCHMARKS.md (benches/run.sh does both).

use std::collections::HashMap;
use std::fs;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};
use telnet_rs::engine::{CloseReason, Conn, Ctl, Engine, EngineConfig, Handler, raise_fd_limit};
use telnet_rs::{Config, Event};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num(args: &[String], name: &str, default: u64) -> u64 {
    arg(args, name).map_or(default, |v| {
        v.parse().unwrap_or_else(|_| {
            eprintln!("loadgen: {name} needs a number, not {v:?}");
            std::process::exit(2)
        })
    })
}

fn main() {
    // cargo passes --bench to benches that have no harness; it means nothing here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(&args),
        Some("serve-raw") => serve_raw(&args),
        Some("run") => run(&args),
        _ => {
            eprintln!(
                "usage: loadgen serve [--port P] [--max N]\n       \
                 loadgen serve-raw [--port P]\n       \
                 loadgen run --port P [--host H] [--clients N] [--lines L] [--server-pid PID] \
                 [--hold SECS] [--bulk MB] [--label NAME] [--json FILE]"
            );
            std::process::exit(if args.is_empty() { 0 } else { 2 });
        }
    }
}

// ----- the echo server -----

struct EchoServer;

impl Handler for EchoServer {
    fn event(&mut self, conn: Conn<'_>, event: &Event<'_>) {
        // Echo whole lines back. A peer that does not read what it asked for gets the excess
        // dropped (the engine stops reading from it as soon as its queue is full).
        match event {
            Event::Data(d) => {
                let _ = conn.send(d);
            }
            Event::Eol(_) => {
                let _ = conn.send(b"\n");
            }
            _ => {}
        }
    }

    fn signal(&mut self, ctl: &Ctl<'_>, _signo: i32) {
        ctl.stop();
    }
}

fn serve(args: &[String]) {
    let port = num(args, "--port", 6100) as u16;
    let max = num(args, "--max", 20_000) as usize;
    let limit = raise_fd_limit(max as u64 + 64).unwrap_or(0);
    if limit < max as u64 + 64 {
        eprintln!("loadgen serve: open-file limit {limit}: fewer than {max} sessions possible");
    }
    let mut engine = Engine::new(
        EchoServer,
        EngineConfig {
            max_sessions: max,
            ..EngineConfig::default()
        },
    )
    .expect("engine");
    engine
        .handle_signals(&[libc::SIGINT, libc::SIGTERM])
        .expect("signals");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    engine
        .listen(addr, Arc::new(Config::server()))
        .unwrap_or_else(|e| {
            eprintln!("loadgen serve: cannot listen on {addr}: {e}");
            std::process::exit(1)
        });
    eprintln!(
        "loadgen serve: echo server on {addr}, pid {}",
        std::process::id()
    );
    engine.run().expect("engine loop");
}

/// A plain TCP echo server: the reference for one session's bulk rate.
fn serve_raw(args: &[String]) {
    use std::io::{Read, Write};
    let port = num(args, "--port", 6100) as u16;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap_or_else(|e| {
        eprintln!("loadgen serve-raw: cannot listen on port {port}: {e}");
        std::process::exit(1)
    });
    eprintln!("loadgen serve-raw: plain echo on port {port}");
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let mut buf = vec![0u8; 256 * 1024];
            let mut s = stream;
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 || s.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        });
    }
}

// ----- the load generator -----

#[derive(Default)]
struct Client {
    started: Option<Instant>,
    settled: bool,
    setup: Option<Duration>,
    /// Echoed bytes not yet matched to a line.
    line: Vec<u8>,
    sent_at: Option<Instant>,
    lines_left: u64,
    bulk_left: usize,
    bulk_received: usize,
}

struct Load {
    /// When each connect (by tag) started.
    pending: HashMap<u64, Instant>,
    /// Sessions by connection id.
    clients: HashMap<u64, Client>,
    probe: &'static [u8],
    setups: Vec<Duration>,
    round_trips: Vec<Duration>,
    running_lines: bool,
    failed: usize,
}

impl Load {
    /// An echoed line came back: record its round trip and send the next one.
    fn line_echoed(&mut self, conn: Conn<'_>) {
        let now = Instant::now();
        let Some(c) = self.clients.get_mut(&conn.id().0) else {
            return;
        };
        c.line.clear();
        let Some(sent) = c.sent_at.take() else {
            return;
        };
        if c.setup.is_none() {
            let setup = now - c.started.unwrap_or(sent);
            c.setup = Some(setup);
            self.setups.push(setup);
        } else {
            self.round_trips.push(now - sent);
        }
        if self.running_lines && c.lines_left > 0 {
            c.lines_left -= 1;
            self.send_line(conn);
        }
    }

    fn send_line(&mut self, conn: Conn<'_>) {
        let c = self.clients.get_mut(&conn.id().0).unwrap();
        c.sent_at = Some(Instant::now());
        let _ = conn.send(self.probe);
    }
}

impl Handler for Load {
    fn opened(&mut self, conn: Conn<'_>) {
        let started = self
            .pending
            .remove(&conn.tag())
            .unwrap_or_else(Instant::now);
        self.clients.insert(
            conn.id().0,
            Client {
                started: Some(started),
                ..Client::default()
            },
        );
    }

    fn event(&mut self, conn: Conn<'_>, event: &Event<'_>) {
        let id = conn.id().0;
        match event {
            Event::Settled { .. } => {
                if let Some(c) = self.clients.get_mut(&id) {
                    c.settled = true;
                }
                self.send_line(conn);
            }
            Event::Data(d) => {
                let Some(c) = self.clients.get_mut(&id) else {
                    return;
                };
                if c.bulk_left > 0 || c.bulk_received > 0 {
                    c.bulk_received += d.len();
                    return;
                }
                // In BINARY mode (telnetlib3 negotiates it) line ends arrive as data.
                if d.contains(&b'\n') {
                    self.line_echoed(conn);
                } else {
                    c.line.extend_from_slice(d);
                }
            }
            Event::Eol(_) => {
                let Some(c) = self.clients.get(&id) else {
                    return;
                };
                if c.bulk_left > 0 || c.bulk_received > 0 {
                    return;
                }
                self.line_echoed(conn);
            }
            _ => {}
        }
    }

    fn closed(&mut self, conn: Conn<'_>, reason: CloseReason) {
        if !matches!(reason, CloseReason::Shutdown | CloseReason::Closed) {
            self.failed += 1;
        }
        self.clients.remove(&conn.id().0);
    }

    fn connect_failed(&mut self, _ctl: &Ctl<'_>, tag: u64, _error: &std::io::Error) {
        self.failed += 1;
        self.pending.remove(&tag);
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn run(args: &[String]) {
    let host = arg(args, "--host").unwrap_or_else(|| "127.0.0.1".to_string());
    let port = num(args, "--port", 6100) as u16;
    let clients = num(args, "--clients", 100) as usize;
    let lines = num(args, "--lines", 20);
    let hold = num(args, "--hold", 1);
    let bulk_mb = num(args, "--bulk", 0) as usize;
    let label = arg(args, "--label").unwrap_or_else(|| format!("{host}:{port}"));
    let server_pid = arg(args, "--server-pid").and_then(|p| p.parse::<u32>().ok());
    let addr: SocketAddr = (host.as_str(), port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .unwrap_or_else(|| {
            eprintln!("loadgen: cannot resolve {host}");
            std::process::exit(2)
        });
    let limit = raise_fd_limit(clients as u64 + 64).unwrap_or(0);
    if limit < clients as u64 + 64 {
        eprintln!("loadgen: open-file limit {limit} is too low for {clients} clients");
        std::process::exit(1);
    }
    let mut config = Config::client();
    config.terminal_types = vec!["xterm".into()];
    // Echoed lines arrive as data plus an end-of-line event.
    config.input_eol = telnet_rs::EolMode::Nvt;
    let config = Arc::new(config);
    let mut engine = Engine::new(
        Load {
            pending: HashMap::new(),
            clients: HashMap::new(),
            probe: b"the quick brown fox\r\n",
            setups: Vec::new(),
            round_trips: Vec::new(),
            running_lines: false,
            failed: 0,
        },
        EngineConfig {
            max_sessions: clients + 16,
            ..EngineConfig::default()
        },
    )
    .expect("engine");

    let rss_before = server_pid.and_then(rss_kib);
    // Phase 1: connect everyone, at most 256 connects in flight.
    let t0 = Instant::now();
    let mut launched = 0usize;
    let deadline = t0 + Duration::from_secs(300);
    loop {
        let done = engine.handler().setups.len() + engine.handler().failed;
        if done >= clients || Instant::now() > deadline {
            break;
        }
        while launched < clients && launched - done < 256 {
            let tag = launched as u64;
            engine.handler().pending.insert(tag, Instant::now());
            engine.connect(addr, Arc::clone(&config), Duration::from_secs(30), tag);
            launched += 1;
        }
        engine.poll(Some(Duration::from_millis(5))).expect("poll");
    }
    let setup_elapsed = t0.elapsed();
    let ok = engine.handler().setups.len();
    let failed = engine.handler().failed;
    let rate = ok as f64 / setup_elapsed.as_secs_f64();
    let mut setups = engine.handler().setups.clone();
    let setup_p50 = percentile(&mut setups, 0.5);
    let setup_p99 = percentile(&mut setups, 0.99);

    // Phase 2: the server's memory with every session idle.
    let idle_until = Instant::now() + Duration::from_secs(hold);
    while Instant::now() < idle_until {
        engine.poll(Some(Duration::from_millis(50))).expect("poll");
    }
    let rss_after = server_pid.and_then(rss_kib);
    let per_session = match (rss_before, rss_after) {
        (Some(b), Some(a)) if ok > 0 => Some(a.saturating_sub(b) as f64 * 1024.0 / ok as f64),
        _ => None,
    };

    // Phase 3: every client sends `lines` lines, each after the echo of the previous one.
    let t1 = Instant::now();
    engine.handler().running_lines = true;
    engine.for_each_conn(|h, conn| {
        if let Some(c) = h.clients.get_mut(&conn.id().0) {
            c.lines_left = lines.saturating_sub(1);
            h.send_line(conn);
        }
    });
    let expected = ok * lines as usize;
    let deadline = Instant::now() + Duration::from_secs(300);
    while engine.handler().round_trips.len() < expected && Instant::now() < deadline {
        engine.poll(Some(Duration::from_millis(5))).expect("poll");
    }
    let lines_elapsed = t1.elapsed();
    engine.handler().running_lines = false;
    let done = engine.handler().round_trips.len();
    let mut rtts = engine.handler().round_trips.clone();
    let rtt_p50 = percentile(&mut rtts, 0.5);
    let rtt_p99 = percentile(&mut rtts, 0.99);
    let lines_per_s = done as f64 / lines_elapsed.as_secs_f64();

    // Phase 4: bulk throughput on one session.
    let bulk = (bulk_mb > 0).then(|| bulk_run(&mut engine, bulk_mb));

    let report = format!(
        "{{\"label\": \"{label}\", \"clients\": {clients}, \"connected\": {ok}, \"failed\": {failed}, \
         \"sessions_per_s\": {rate:.1}, \"setup_p50_ms\": {:.3}, \"setup_p99_ms\": {:.3}, \
         \"rss_per_session_bytes\": {}, \"lines\": {done}, \"lines_per_s\": {lines_per_s:.1}, \
         \"rtt_p50_ms\": {:.3}, \"rtt_p99_ms\": {:.3}, \"bulk_mb_per_s\": {}}}",
        setup_p50.as_secs_f64() * 1e3,
        setup_p99.as_secs_f64() * 1e3,
        per_session.map_or("null".to_string(), |v| format!("{v:.0}")),
        rtt_p50.as_secs_f64() * 1e3,
        rtt_p99.as_secs_f64() * 1e3,
        bulk.map_or("null".to_string(), |v| format!("{v:.1}")),
    );
    println!("{report}");
    if let Some(path) = arg(args, "--json") {
        fs::write(&path, format!("{report}\n")).expect("write the report");
    }
    engine.stop();
    let stop_deadline = Instant::now() + Duration::from_secs(10);
    while !engine.is_stopped() && Instant::now() < stop_deadline {
        engine.poll(Some(Duration::from_millis(10))).expect("poll");
    }
    if failed > 0 || ok < clients || done < expected {
        eprintln!(
            "loadgen: {failed} sessions failed, {ok} of {clients} set up, {done} of {expected} lines"
        );
        std::process::exit(1);
    }
}

/// One session sends `mb` megabytes and reads the echo; returns MB/s of data through the server
/// (counted once, as echoed). The data has no line ends, so every byte comes back as data.
fn bulk_run(engine: &mut Engine<Load>, mb: usize) -> f64 {
    let total = mb << 20;
    let chunk = vec![b'x'; 256 * 1024];
    let mut target = None;
    engine.for_each_conn(|h, conn| {
        if target.is_none() {
            target = Some(conn.id().0);
            let c = h.clients.get_mut(&conn.id().0).unwrap();
            c.bulk_left = total;
            c.bulk_received = 0;
        }
    });
    let Some(id) = target else { return 0.0 };
    let t = Instant::now();
    let deadline = t + Duration::from_secs(120);
    let mut received = 0;
    loop {
        engine.for_each_conn(|h, conn| {
            if conn.id().0 != id {
                return;
            }
            let c = h.clients.get_mut(&id).unwrap();
            while c.bulk_left > 0 {
                let n = chunk.len().min(c.bulk_left);
                match conn.send(&chunk[..n]) {
                    Ok(k) if k > 0 => c.bulk_left -= k,
                    _ => break,
                }
            }
            received = c.bulk_received;
        });
        if received >= total || Instant::now() > deadline {
            break;
        }
        engine.poll(Some(Duration::from_millis(1))).expect("poll");
    }
    let secs = t.elapsed().as_secs_f64();
    if received != total {
        eprintln!("loadgen: bulk echo returned {received} of {total} bytes");
        std::process::exit(1);
    }
    (received as f64 / 1e6) / secs
}
