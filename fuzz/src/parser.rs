//! The raw [`Parser`] with a collecting sink.
//!
//! The first byte chooses NVT line ends and the subnegotiation limit, the second where to split;
//! the rest is the stream. Invariants asserted:
//! - the parser consumes everything (this sink never pauses) and never emits an empty data run
//!   or a subnegotiation over the limit;
//! - the same tokens (data runs merged) for the whole stream, a two-way split, a three-way split,
//!   and (for short streams) one byte at a time;
//! - the tokens, written back in canonical form ([`canonical`]) and parsed again, give the same
//!   tokens without a single warning: what the parser reports is exactly what was on the wire, nothing invented,
//!   nothing lost but what a warning names.

use crate::cursor::Cursor;
use telnet_rs::proto::consts::{CR, IAC, LF, NOP, NUL, SB, SE};
use telnet_rs::proto::parser::{Parser, Sink, Token};
use telnet_rs::{Eol, Verb, Warning};

/// A token with its bytes owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// Data (runs merged).
    Data(Vec<u8>),
    /// A line end.
    Eol(Eol),
    /// `IAC code`.
    Command(u8),
    /// `IAC verb option`.
    Negotiate(Verb, u8),
    /// `IAC SB option payload IAC SE`.
    Sub(u8, Vec<u8>),
    /// A recovered anomaly.
    Warning(Warning),
}

/// A sink that keeps every token.
#[derive(Debug)]
pub struct Collect {
    /// NVT line ends on.
    pub nvt: bool,
    /// The subnegotiation limit.
    pub max_sb: usize,
    /// What arrived, data merged.
    pub toks: Vec<Tok>,
}

impl Collect {
    /// An empty collector.
    pub fn new(nvt: bool, max_sb: usize) -> Collect {
        Collect {
            nvt,
            max_sb,
            toks: Vec::new(),
        }
    }
}

impl Sink for Collect {
    fn token(&mut self, token: Token<'_>) {
        let tok = match token {
            Token::Data(d) => {
                assert!(!d.is_empty(), "empty data token");
                if let Some(Tok::Data(prev)) = self.toks.last_mut() {
                    prev.extend_from_slice(d);
                    return;
                }
                Tok::Data(d.to_vec())
            }
            Token::Eol(e) => {
                assert!(self.nvt, "a line-end token outside NVT mode");
                Tok::Eol(e)
            }
            Token::Command(c) => Tok::Command(c),
            Token::Negotiate(v, o) => Tok::Negotiate(v, o),
            Token::Subnegotiation(o, p) => {
                assert!(
                    p.len() <= self.max_sb,
                    "a {}-byte subnegotiation passed the {}-byte limit",
                    p.len(),
                    self.max_sb
                );
                Tok::Sub(o, p.to_vec())
            }
            Token::Warning(w) => Tok::Warning(w),
        };
        self.toks.push(tok);
    }

    fn nvt_eol(&self) -> bool {
        self.nvt
    }

    fn max_subnegotiation(&self) -> usize {
        self.max_sb
    }
}

/// Parses `chunks` one after the other in one parser.
pub fn parse(chunks: &[&[u8]], nvt: bool, max_sb: usize) -> Vec<Tok> {
    let mut p = Parser::new();
    let mut sink = Collect::new(nvt, max_sb);
    for chunk in chunks {
        assert_eq!(p.feed(chunk, &mut sink), chunk.len(), "the parser paused");
    }
    sink.toks
}

fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        out.push(b);
        if b == IAC {
            out.push(IAC);
        }
    }
}

/// Writes tokens (without warnings) back as the canonical bytes that carry them, and says which
/// tokens those bytes must parse to: the same, plus an `IAC NOP` after a bare CR where the next
/// byte would otherwise join it into CR NUL or CR LF (possible only when a warning stood between
/// them on the original wire) and at the very end (a trailing CR is held until the next byte).
pub fn canonical(toks: &[Tok]) -> (Vec<u8>, Vec<Tok>) {
    let toks = without_warnings(toks);
    let mut out = Vec::new();
    let mut expected = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Data(d) => escaped(&mut out, d),
            Tok::Eol(Eol::CrLf) => out.extend_from_slice(&[CR, LF]),
            Tok::Eol(Eol::CrNul) => out.extend_from_slice(&[CR, NUL]),
            Tok::Eol(Eol::Cr) => out.push(CR),
            Tok::Eol(Eol::Lf) => out.push(LF),
            Tok::Command(c) => out.extend_from_slice(&[IAC, *c]),
            Tok::Negotiate(v, o) => out.extend_from_slice(&[IAC, v.byte(), *o]),
            Tok::Sub(o, p) => {
                out.extend_from_slice(&[IAC, SB]);
                escaped(&mut out, &[*o]);
                escaped(&mut out, p);
                out.extend_from_slice(&[IAC, SE]);
            }
            Tok::Warning(_) => unreachable!("removed above"),
        }
        expected.push(t.clone());
        if *t == Tok::Eol(Eol::Cr) {
            let joins = match toks.get(i + 1) {
                Some(Tok::Data(d)) => d.first() == Some(&NUL),
                Some(Tok::Eol(Eol::Lf)) => true,
                _ => false,
            };
            if joins {
                out.extend_from_slice(&[IAC, NOP]);
                expected.push(Tok::Command(NOP));
            }
        }
    }
    out.extend_from_slice(&[IAC, NOP]);
    expected.push(Tok::Command(NOP));
    (out, expected)
}

/// Tokens without warnings, data merged again (a warning may have separated two runs).
pub fn without_warnings(toks: &[Tok]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    for t in toks {
        match (out.last_mut(), t) {
            (_, Tok::Warning(_)) => {}
            (Some(Tok::Data(prev)), Tok::Data(d)) => prev.extend_from_slice(d),
            (_, t) => out.push(t.clone()),
        }
    }
    out
}

/// The body of the `parser` target.
pub fn fuzz(data: &[u8]) {
    let mut cur = Cursor::new(data);
    let mode = cur.byte();
    let cut = usize::from(cur.u16());
    let stream = cur.rest();
    let nvt = mode & 1 == 1;
    let max_sb = match (mode >> 1) % 5 {
        0 => 0,
        1 => 1,
        2 => 7,
        3 => 64,
        _ => telnet_rs::proto::DEFAULT_MAX_SUBNEGOTIATION,
    };

    let whole = parse(&[stream], nvt, max_sb);
    let c1 = cut % (stream.len() + 1);
    let (a, rest) = stream.split_at(c1);
    assert_eq!(whole, parse(&[a, rest], nvt, max_sb), "split at {c1}");
    let c2 = (cut / 7) % (rest.len() + 1);
    let (b, c) = rest.split_at(c2);
    assert_eq!(
        whole,
        parse(&[a, b, c], nvt, max_sb),
        "split at {c1}, {}",
        c1 + c2
    );
    if stream.len() <= 512 {
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(whole, parse(&bytes, nvt, max_sb), "one byte at a time");
    }

    let (again, expected) = canonical(&whole);
    let reparsed = parse(&[&again], nvt, max_sb);
    let warnings: Vec<&Tok> = reparsed
        .iter()
        .filter(|t| matches!(t, Tok::Warning(_)))
        .collect();
    assert!(
        warnings.is_empty(),
        "canonical bytes re-parse with {warnings:?}"
    );
    assert_eq!(reparsed, expected, "tokens changed through encode + parse");
}
