//! Property tests of the core's invariants:
//! - any split of the input gives the same events (data runs merged) and the same output;
//! - what one session emits re-parses in another to exactly what the application sent;
//! - output is bounded by the input (no amplification);
//! - Abort Output keeps every queued command and subnegotiation whole and ends in an urgent DM.

mod common;

use common::{Ev, describe, feed_chunks, normalize, permissive, session};
use proptest::prelude::*;
use telnet_rs::proto::consts::*;
use telnet_rs::{Command, Config, Eol, EolMode, Event, Role, Side};

/// Bytes that exercise every parser state, with plain data in between.
fn telnet_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => Just(IAC),
        1 => Just(SB),
        1 => Just(SE),
        1 => prop::sample::select(vec![WILL, WONT, DO, DONT]),
        1 => prop::sample::select(vec![NOP, DM, IP, AO, AYT, GA, EOR, EOF]),
        2 => prop::sample::select(vec![CR, LF, NUL]),
        1 => prop::sample::select(vec![0u8, 1, 3, 24, 31, 34, 39]),
        3 => any::<u8>(),
        3 => prop::sample::select(b"abc xyz".to_vec()),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(telnet_byte(), 0..400)
}

fn configs() -> Vec<Config> {
    let mut nvt = permissive(Role::Server);
    nvt.input_eol = EolMode::Nvt;
    nvt.max_subnegotiation = 16;
    let mut strict = Config::new(Role::Client);
    strict.allow(opt::BINARY, Side::Remote);
    vec![permissive(Role::Server), nvt, strict]
}

fn cut(input: &[u8], mut points: Vec<usize>) -> Vec<&[u8]> {
    points.iter_mut().for_each(|p| *p %= input.len() + 1);
    points.sort_unstable();
    let mut chunks = vec![];
    let mut start = 0;
    for p in points {
        chunks.push(&input[start..p]);
        start = p;
    }
    chunks.push(&input[start..]);
    chunks
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn any_split_gives_the_same_events(input in stream(), points in prop::collection::vec(any::<usize>(), 0..12)) {
        for config in configs() {
            let whole = feed_chunks(&mut session(&config), &[&input]);
            let split = feed_chunks(&mut session(&config), &cut(&input, points.clone()));
            prop_assert_eq!(&whole, &split);
        }
    }

    /// No amplification: replies are bounded by a constant times the input. The largest factor
    /// is a 3-byte request answered with a reply and a follow-up subnegotiation (IAC WILL TTYPE
    /// gets IAC DO TTYPE and IAC SB TTYPE SEND IAC SE: 9 bytes), or a client's SLC export after
    /// IAC DO LINEMODE; 32 covers them all (see fuzz/src/bounds.rs).
    #[test]
    fn output_is_bounded_by_input(input in stream()) {
        for config in configs() {
            let (_, out) = feed_chunks(&mut session(&config), &[&input]);
            prop_assert!(out.len() <= 32 * input.len(), "{} bytes out for {} in", out.len(), input.len());
        }
    }
}

/// Every split point of a stream that uses every construct, checked exhaustively.
#[test]
fn every_two_way_split_of_a_rich_stream() {
    let mut input = b"hello\r\nworld\r\0x\ry\n".to_vec();
    input.extend_from_slice(&[IAC, WILL, 0, IAC, DO, 1, IAC, IAC, IAC, NOP]);
    input.extend_from_slice(&[IAC, SB, 24, 0, b'v', IAC, IAC, b't', IAC, SE]);
    input.extend_from_slice(&[IAC, SB, 31, 0, 80, IAC, NOP, IAC, SB, IAC, SE, CR]);
    input.extend_from_slice(&[IAC, WONT, 0, b'e', b'n', b'd', CR, LF]);
    for config in configs() {
        let whole = feed_chunks(&mut session(&config), &[&input]);
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let parts = [&input[..i], &input[i..j], &input[j..]];
                assert_eq!(
                    feed_chunks(&mut session(&config), &parts),
                    whole,
                    "cut at {i},{j}"
                );
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Action {
    Data(Vec<u8>),
    Command(u8),
    Subneg(Vec<u8>),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => prop::collection::vec(telnet_byte(), 0..60).prop_map(Action::Data),
        1 => prop::sample::select(vec![NOP, DM, IP, AO, AYT, EC, EL, GA, EOR, ABORT, SUSP, EOF, 7, 200])
            .prop_map(Action::Command),
        1 => prop::collection::vec(telnet_byte(), 0..40).prop_map(Action::Subneg),
    ]
}

/// A sender and a receiver with GMCP enabled from sender (local) to receiver (remote).
fn linked(eol: EolMode) -> (telnet_rs::Session, telnet_rs::Session) {
    let mut a = Config::new(Role::Client);
    a.output_eol = eol;
    a.output_limit = 1 << 20;
    let mut b = Config::new(Role::Server);
    b.input_eol = eol;
    b.allow(opt::GMCP, Side::Remote);
    let (mut a, mut b) = (session(&a), session(&b));
    a.negotiate(opt::GMCP, Side::Local, true).unwrap();
    let mut wire = vec![];
    a.drain_output_into(&mut wire);
    feed_chunks(&mut b, &[&wire]);
    let mut back = vec![];
    b.drain_output_into(&mut back);
    feed_chunks(&mut a, &[&back]);
    assert!(b.is_enabled(opt::GMCP, Side::Remote));
    (a, b)
}

fn expected(actions: &[Action], nvt: bool) -> Vec<Ev> {
    let mut evs = vec![];
    for a in actions {
        match a {
            Action::Data(_) if nvt => evs.push(Ev::Data(nvt_view(a))),
            Action::Data(d) => evs.push(Ev::Data(d.clone())),
            Action::Command(c) => {
                evs.push(describe(&Event::Command(Command::from_byte(*c).unwrap())))
            }
            Action::Subneg(p) => evs.push(describe(&Event::Subnegotiation {
                option: opt::GMCP,
                payload: p,
            })),
        }
    }
    normalize(evs)
}

/// What NVT output then NVT input makes of one send: CR LF and bare LF become "\n", any other
/// CR becomes "\r".
fn nvt_view(a: &Action) -> Vec<u8> {
    let Action::Data(d) = a else { unreachable!() };
    let mut out = vec![];
    let mut i = 0;
    while i < d.len() {
        match d[i] {
            CR if d.get(i + 1) == Some(&LF) => {
                out.push(b'\n');
                i += 2;
                continue;
            }
            CR => out.push(b'\r'),
            LF => out.push(b'\n'),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Receiver events with NVT line ends folded back into data: CR LF -> "\n", CR NUL -> "\r".
fn fold_eols(evs: Vec<Ev>) -> Vec<Ev> {
    let folded = evs
        .into_iter()
        .map(|e| match e {
            Ev::Line(l) if l == "eol CR LF" => Ev::Data(b"\n".to_vec()),
            Ev::Line(l) if l == "eol CR NUL" => Ev::Data(b"\r".to_vec()),
            e => e,
        })
        .collect();
    normalize(folded)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn what_we_emit_reparses_to_what_was_sent(actions in prop::collection::vec(action(), 0..30), nvt in any::<bool>()) {
        let (mut a, mut b) = linked(if nvt { EolMode::Nvt } else { EolMode::Raw });
        for act in &actions {
            match act {
                Action::Data(d) => { prop_assert_eq!(a.send(d).unwrap(), d.len()); }
                Action::Command(c) => a.send_command(Command::from_byte(*c).unwrap()).unwrap(),
                Action::Subneg(p) => a.send_subnegotiation(opt::GMCP, p).unwrap(),
            }
        }
        let mut wire = vec![];
        a.drain_output_into(&mut wire);
        let (evs, replies) = feed_chunks(&mut b, &[&wire]);
        prop_assert!(replies.is_empty());
        let got = if nvt { fold_eols(evs) } else { evs };
        prop_assert_eq!(got, expected(&actions, nvt));
    }

    #[test]
    fn abort_output_keeps_control_whole(actions in prop::collection::vec(action(), 1..30), consumed in any::<usize>()) {
        let (mut a, mut b) = linked(EolMode::Nvt);
        for act in &actions {
            match act {
                Action::Data(d) => { a.send(d).unwrap(); }
                Action::Command(c) => a.send_command(Command::from_byte(*c).unwrap()).unwrap(),
                Action::Subneg(p) => a.send_subnegotiation(opt::GMCP, p).unwrap(),
            }
        }
        // Part of the queue has been written already when the application aborts output.
        let mut wire = vec![];
        if let Some(first) = a.peek_output() {
            let n = consumed % (first.bytes.len() + 1);
            wire.extend_from_slice(&first.bytes[..n]);
            a.consume_output(n);
        }
        a.clear_output();
        let mut urgent_seen = false;
        while let Some(chunk) = a.peek_output() {
            if chunk.urgent {
                prop_assert_eq!(chunk.bytes, &[DM][..]);
                urgent_seen = true;
            }
            let len = chunk.bytes.len();
            wire.extend_from_slice(chunk.bytes);
            a.consume_output(len);
        }
        prop_assert!(urgent_seen);
        let (evs, _) = feed_chunks(&mut b, &[&wire]);
        // No half escape and no broken frame anywhere: nothing to warn about, and every
        // command and subnegotiation that was queued arrives, in order, followed by the DM.
        let control: Vec<Ev> = evs.iter().filter(|e| !matches!(e, Ev::Data(_)) && !matches!(e, Ev::Line(l) if l.starts_with("eol"))).cloned().collect();
        prop_assert!(!control.iter().any(|e| matches!(e, Ev::Line(l) if l.starts_with("warning"))), "{:?}", control);
        let mut want: Vec<Ev> = expected(&actions, false).into_iter().filter(|e| !matches!(e, Ev::Data(_))).collect();
        want.push(Ev::Line("command DM".into()));
        prop_assert_eq!(control, want);
    }
}

#[test]
fn eol_event_kinds_survive_nvt_output() {
    let (mut a, mut b) = linked(EolMode::Nvt);
    a.send(b"one\ntwo\r\nthree\rfour").unwrap();
    let mut wire = vec![];
    a.drain_output_into(&mut wire);
    assert_eq!(wire, b"one\r\ntwo\r\nthree\r\0four");
    let mut eols = vec![];
    b.feed(&wire, |_, ev| {
        if let Event::Eol(e) = ev {
            eols.push(*e)
        }
    })
    .unwrap();
    assert_eq!(eols, [Eol::CrLf, Eol::CrLf, Eol::CrNul]);
}
