//! "Everything we emit re-parses cleanly": a fresh [`Parser`] reads a session's whole output
//! without a single warning, consumes all of it, and ends between elements.
//!
//! The parser runs in raw mode (no NVT line ends) with no subnegotiation limit, so the check is
//! about framing only: IAC doubled in data, commands whole, every `IAC SB` closed by `IAC SE` and
//! never interrupted, no stray `IAC SE`.

use telnet_rs::proto::consts::{DM, IAC};
use telnet_rs::proto::parser::{Parser, Sink, Token};
use telnet_rs::{Session, Verb, Warning};

/// What a re-parse found.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Warnings (there must be none).
    pub warnings: Vec<Warning>,
    /// Data bytes, IAC IAC reduced.
    pub data: usize,
    /// Two-byte commands, by code.
    pub commands: Vec<u8>,
    /// Negotiations.
    pub negotiations: Vec<(Verb, u8)>,
    /// Subnegotiations: option and payload.
    pub subnegotiations: Vec<(u8, Vec<u8>)>,
}

impl Sink for Parsed {
    fn token(&mut self, token: Token<'_>) {
        match token {
            Token::Data(d) => self.data += d.len(),
            Token::Eol(_) => {}
            Token::Command(c) => self.commands.push(c),
            Token::Negotiate(v, o) => self.negotiations.push((v, o)),
            Token::Subnegotiation(o, p) => self.subnegotiations.push((o, p.to_vec())),
            Token::Warning(w) => self.warnings.push(w),
        }
    }

    fn nvt_eol(&self) -> bool {
        false
    }

    fn max_subnegotiation(&self) -> usize {
        usize::MAX
    }
}

/// Parses `wire` in a fresh parser and panics if it is not clean; returns what it held.
pub fn assert_reparses(wire: &[u8]) -> Parsed {
    let mut parser = Parser::new();
    let mut parsed = Parsed::default();
    let consumed = parser.feed(wire, &mut parsed);
    assert_eq!(
        consumed,
        wire.len(),
        "the parser stopped early on our own output"
    );
    assert!(
        parsed.warnings.is_empty(),
        "our own output re-parses with warnings {:?}",
        parsed.warnings
    );
    assert!(
        parser.is_idle(),
        "our own output ends inside a command or subnegotiation"
    );
    parsed
}

/// Writes up to `max` bytes of `s`'s queue to `wire` (all of it for `usize::MAX`), as a caller
/// with partial writes would, checking that each urgent chunk is one DM right after an IAC;
/// `each` sees every chunk written, with its urgent flag.
pub fn drain(
    s: &mut Session,
    wire: &mut Vec<u8>,
    mut max: usize,
    mut each: impl FnMut(&[u8], bool),
) {
    while max > 0 {
        let Some(chunk) = s.peek_output() else {
            break;
        };
        if chunk.urgent {
            assert_eq!(chunk.bytes, [DM], "the urgent byte is not a lone DM");
            assert_eq!(
                wire.last(),
                Some(&IAC),
                "the urgent DM does not follow an IAC"
            );
        }
        let n = chunk.bytes.len().min(max);
        assert!(n > 0, "peek_output returned an empty chunk");
        each(&chunk.bytes[..n], chunk.urgent);
        wire.extend_from_slice(&chunk.bytes[..n]);
        assert_eq!(s.consume_output(n), n);
        max -= n;
    }
}
