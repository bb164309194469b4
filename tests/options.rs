//! Server and client sessions negotiating against each other in memory: the ready-made plans
//! settle without waiting for the timeout, values arrive typed, the exchange ends by itself.

mod common;

use common::{Ev, describe, session};
use std::time::{Duration, Instant};
use telnet_rs::proto::consts::opt;
use telnet_rs::proto::wire::{MODE_EDIT, MODE_TRAPSIG, VarKind};
use telnet_rs::proto::{InputMode, Kludge};
use telnet_rs::{Config, Session, Side};

/// Both sessions with their event logs.
struct Pair {
    server: Session,
    client: Session,
    server_events: Vec<Ev>,
    client_events: Vec<Ev>,
    /// Bytes that crossed the wire, both ways.
    wire_bytes: usize,
}

impl Pair {
    fn new(server: Config, client: Config) -> Pair {
        Pair {
            server: session(&server),
            client: session(&client),
            server_events: vec![],
            client_events: vec![],
            wire_bytes: 0,
        }
    }

    fn start(&mut self, now: Instant) {
        let (se, ce) = (&mut self.server_events, &mut self.client_events);
        self.server.start(now, |_, ev| se.push(describe(ev)));
        self.client.start(now, |_, ev| ce.push(describe(ev)));
    }

    /// Moves bytes both ways until neither side has anything to say; returns the rounds used.
    fn run(&mut self) -> usize {
        for round in 1..=100 {
            let mut a = vec![];
            let mut b = vec![];
            self.server.drain_output_into(&mut a);
            self.client.drain_output_into(&mut b);
            if a.is_empty() && b.is_empty() {
                return round;
            }
            self.wire_bytes += a.len() + b.len();
            let ce = &mut self.client_events;
            self.client.feed(&a, |_, ev| ce.push(describe(ev))).unwrap();
            let se = &mut self.server_events;
            self.server.feed(&b, |_, ev| se.push(describe(ev))).unwrap();
        }
        panic!("the negotiation did not end");
    }
}

fn line(e: &str) -> Ev {
    Ev::Line(e.to_string())
}

fn client_config() -> Config {
    let mut c = Config::client();
    c.terminal_types = vec!["XTERM-256COLOR".into(), "XTERM".into()];
    c.window_size = (132, 43);
    c.terminal_speed = (9600, 9600);
    c.environ_export = vec![
        (VarKind::Var, "USER".into(), "alice".into()),
        (VarKind::Var, "LANG".into(), "en_US.UTF-8".into()),
        (VarKind::UserVar, "LD_PRELOAD".into(), "/tmp/evil.so".into()),
    ];
    c
}

#[test]
fn bsd_plans_settle_against_each_other() {
    let mut server = Config::server();
    server.charset_offer = vec!["UTF-8".into()];
    let mut p = Pair::new(server, client_config());
    let t0 = Instant::now();
    p.start(t0);
    let rounds = p.run();
    assert!(rounds <= 8, "took {rounds} rounds");
    assert!(
        p.wire_bytes < 2048,
        "{} bytes for a negotiation",
        p.wire_bytes
    );

    // Settled by the answers, long before the timeout.
    assert!(p.server.is_settled());
    assert!(p.server_events.contains(&line("settled")));
    assert_eq!(p.server.next_timeout(), None);

    // What the client said arrived.
    assert_eq!(p.server.terminal_type(), Some(&b"XTERM-256COLOR"[..]));
    assert_eq!(p.server.terminal_types().len(), 2);
    assert_eq!(p.server.window_size(), Some((132, 43)));
    assert_eq!(p.server.terminal_speed(), Some((9600, 9600)));
    assert_eq!(p.server.user(), Some("alice"));
    let env = p
        .server
        .child_environment(telnet_rs::proto::environ::DEFAULT_ALLOWLIST);
    assert_eq!(
        env,
        [
            ("USER".to_string(), "alice".to_string()),
            ("LANG".to_string(), "en_US.UTF-8".to_string())
        ]
    );

    // Real LINEMODE with the server's MODE, on both ends; SGA from the server. With EDIT the
    // client edits and echoes: the server withdrew its ECHO, as BSD telnetd does.
    assert_eq!(p.server.input_mode(), InputMode::Linemode);
    assert_eq!(p.client.input_mode(), InputMode::Linemode);
    assert_eq!(p.client.linemode(), MODE_EDIT | MODE_TRAPSIG);
    assert_eq!(p.server.linemode(), MODE_EDIT | MODE_TRAPSIG);
    assert!(!p.client.is_enabled(opt::ECHO, Side::Remote));
    assert!(!p.server.is_enabled(opt::ECHO, Side::Local));
    assert!(p.client.is_enabled(opt::SGA, Side::Remote));
    assert!(p.server.is_enabled(opt::LFLOW, Side::Remote));
    // The SLC tables agree on the characters both sides use.
    for f in [3u8, 10, 11] {
        assert_eq!(
            p.server.slc_table().entry(f).map(|e| e.value),
            p.client.slc_table().entry(f).map(|e| e.value),
            "SLC function {f}"
        );
    }
    // Nothing is refused that both sides support, and nothing was malformed.
    for e in p.server_events.iter().chain(&p.client_events) {
        if let Ev::Line(l) = e {
            assert!(!l.starts_with("warning"), "{l}");
        }
    }

    // The client's window changes while NAWS is on: the server hears about it.
    p.client.set_window_size(100, 30).unwrap();
    p.run();
    assert_eq!(p.server.window_size(), Some((100, 30)));
    assert!(p.server_events.contains(&line("window 100x30")));

    // The client leaves LINEMODE: character mode, and the server echoes again.
    p.client
        .negotiate(opt::LINEMODE, Side::Local, false)
        .unwrap();
    p.run();
    assert_eq!(p.server.input_mode(), InputMode::Character);
    assert!(p.server.is_enabled(opt::ECHO, Side::Local));
    assert!(p.client.is_enabled(opt::ECHO, Side::Remote));
}

#[test]
fn a_silent_peer_settles_at_the_timeout() {
    let mut server = session(&Config::server());
    let t0 = Instant::now();
    let mut events = vec![];
    server.start(t0, |_, ev| events.push(describe(ev)));
    assert!(events.is_empty());
    let deadline = server.next_timeout().expect("a settle deadline");
    assert_eq!(deadline, t0 + Duration::from_secs(4));
    server.on_timeout(t0 + Duration::from_secs(3), |_, ev| {
        events.push(describe(ev))
    });
    assert!(events.is_empty(), "settled early: {events:?}");
    server.on_timeout(deadline, |_, ev| events.push(describe(ev)));
    assert_eq!(events, [line("settled (timed out)")]);
    server.on_timeout(deadline + Duration::from_secs(1), |_, ev| {
        events.push(describe(ev))
    });
    assert_eq!(events.len(), 1, "settled is reported once");
    assert_eq!(server.next_timeout(), None);
}

#[test]
fn an_empty_plan_settles_at_start() {
    let mut s = session(&Config::new(telnet_rs::Role::Server));
    let mut events = vec![];
    s.start(Instant::now(), |_, ev| events.push(describe(ev)));
    assert_eq!(events, [line("settled")]);
}

#[test]
fn mud_client_terminal_types_and_mtts() {
    let mut client = client_config();
    client.terminal_types = vec!["MUDLET".into(), "XTERM-256COLOR".into(), "MTTS 137".into()];
    let mut p = Pair::new(Config::server(), client);
    p.start(Instant::now());
    p.run();
    assert_eq!(p.server.terminal_type(), Some(&b"XTERM-256COLOR"[..]));
    assert_eq!(p.server.mtts(), Some(137));
    assert!(p.server.is_settled());
}

#[test]
fn kludge_line_mode_when_the_client_refuses_linemode() {
    let mut client = client_config();
    client.deny(opt::LINEMODE, Side::Local);
    let mut p = Pair::new(Config::server(), client);
    p.start(Instant::now());
    p.run();
    // BSD telnetd's probe found a kludge-capable client and dropped SGA: the client edits lines.
    assert_eq!(p.server.kludge(), Kludge::Capable);
    assert!(p.server_events.contains(&line("timing-mark WILL")));
    assert!(!p.server.is_enabled(opt::SGA, Side::Local));
    assert_eq!(p.client.input_mode(), InputMode::Line);
    assert!(p.server.is_settled());
    // The program on the pty wants characters: kludge mode turns SGA back on.
    p.server.set_line_editing(false).unwrap();
    p.run();
    assert_eq!(p.client.input_mode(), InputMode::Character);
}

#[test]
fn charset_agreement_sets_the_binary_encoding() {
    let mut server = Config::server();
    server.charset_offer = vec!["UTF-8".into(), "IBM437".into()];
    server.request(opt::CHARSET, Side::Remote);
    server.request(opt::BINARY, Side::Local);
    server.request(opt::BINARY, Side::Remote);
    let mut client = client_config();
    client.charset_accept = vec!["CP437".into()];
    let mut p = Pair::new(server, client);
    p.start(Instant::now());
    p.run();
    assert_eq!(p.server.charset(), Some(&b"IBM437"[..]));
    assert_eq!(p.client.charset(), Some(&b"IBM437"[..]));
    assert_eq!(p.server.encoding(Side::Local), "IBM437");
    assert_eq!(p.client.encoding(Side::Remote), "IBM437");
    assert!(p.server.is_settled());
}

#[test]
fn prompts_end_with_ga_or_eor_as_negotiated() {
    let mut cfg = Config::new(telnet_rs::Role::Server);
    cfg.allow(opt::SGA, Side::Local)
        .allow(opt::EOR, Side::Local);
    let mut s = session(&cfg);
    let mut out = vec![];
    // Nothing negotiated: GA (RFC 858: go-ahead is the default).
    assert!(s.mark_prompt().unwrap());
    s.drain_output_into(&mut out);
    assert_eq!(out, [255, 249]);
    // The client asked us to suppress go-ahead: nothing.
    s.feed(&[255, 253, opt::SGA], |_, _| {}).unwrap();
    out.clear();
    s.drain_output_into(&mut out);
    assert!(!s.mark_prompt().unwrap());
    // END-OF-RECORD on: IAC EOR marks prompts.
    s.feed(&[255, 253, opt::EOR], |_, _| {}).unwrap();
    s.drain_output_into(&mut out);
    out.clear();
    assert!(s.mark_prompt().unwrap());
    s.drain_output_into(&mut out);
    assert_eq!(out, [255, 239]);
}

#[test]
fn linemode_mode_changes_never_loop() {
    let mut p = Pair::new(Config::server(), client_config());
    p.start(Instant::now());
    p.run();
    // Both ends ask for different modes at once; the exchange still ends, in agreement.
    p.server.set_linemode(MODE_TRAPSIG).unwrap();
    p.client.set_linemode(MODE_EDIT).unwrap();
    let rounds = p.run();
    assert!(rounds < 6, "{rounds} rounds");
    assert_eq!(p.server.linemode(), p.client.linemode());
}

#[test]
fn timing_mark_round_trip() {
    let mut p = Pair::new(Config::server(), client_config());
    p.start(Instant::now());
    p.run();
    p.server_events.clear();
    p.server.send_timing_mark().unwrap();
    p.run();
    assert_eq!(p.server_events, [line("timing-mark WILL")]);
}

#[test]
fn events_for_what_the_client_sends_are_typed() {
    let mut p = Pair::new(Config::server(), client_config());
    p.start(Instant::now());
    p.run();
    let has = |want: &str| p.server_events.iter().any(|e| *e == line(want));
    assert!(has("ttype \"XTERM-256COLOR\""));
    assert!(has("window 132x43"));
    assert!(has("tspeed 9600,9600"));
    assert!(has("environ Var \"USER\" = \"alice\""));
    assert!(has("input-mode Linemode"));
    // The raw variable list keeps everything the client sent (for logging), typed as sent.
    assert!(
        p.server
            .environ()
            .vars()
            .iter()
            .any(|v| v.name == b"LD_PRELOAD" && v.kind == VarKind::UserVar)
    );
}

#[test]
fn an_idle_session_is_small() {
    // A server session after a full BSD negotiation, output flushed: the fixed size plus what
    // it keeps on the heap.
    let mut p = Pair::new(Config::server(), client_config());
    p.start(Instant::now());
    p.run();
    p.server.shrink();
    let fixed = std::mem::size_of::<Session>();
    let heap = p.server.heap_size();
    println!("idle server session: {fixed} bytes fixed + {heap} bytes heap");
    assert!(fixed + heap <= 3 * 1024, "{fixed} + {heap}");
}

#[test]
fn the_client_settles_too() {
    let mut p = Pair::new(Config::server(), client_config());
    p.start(Instant::now());
    p.run();
    assert!(
        p.client.is_settled(),
        "client events: {:?}",
        p.client_events
    );
    assert!(p.client_events.contains(&line("settled")));
}

#[test]
fn a_subnegotiation_answering_our_request_counts_as_agreement_unless_strict() {
    // telnetlib3 answers WILL TSPEED with SB TSPEED SEND, never DO TSPEED.
    let send = [255, 250, opt::TSPEED, 1, 255, 240];
    for strict in [false, true] {
        let mut cfg = Config::client();
        cfg.implicit_agreement = !strict;
        let mut s = session(&cfg);
        let mut opening = vec![];
        s.start(Instant::now(), |_, _| {});
        s.drain_output_into(&mut opening);
        assert!(
            opening.windows(3).any(|w| w == [255, 251, opt::TSPEED]),
            "the client plan offers TSPEED"
        );
        let (evs, out) = common::feed_chunks(&mut s, &[&send]);
        let answered = out.windows(4).any(|w| w == [255, 250, opt::TSPEED, 0]);
        let text = common::render(&evs);
        if strict {
            assert!(!answered, "strict: no TSPEED IS; events {text}");
            assert!(text.contains("SubnegotiationNotEnabled"), "{text}");
            assert!(!s.is_enabled(opt::TSPEED, Side::Local));
        } else {
            assert!(answered, "implicit: TSPEED IS sent; events {text}");
            assert!(s.is_enabled(opt::TSPEED, Side::Local));
        }
    }
}
