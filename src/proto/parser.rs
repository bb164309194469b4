//! The RFC 854/855 input state machine: bytes in, tokens out.
//!
//! The parser knows syntax only. It never allocates per byte and never looks at a data byte twice:
//! runs of data are found with `memchr` and handed out as slices of the caller's buffer. Every state
//! accepts every byte, and input may be split anywhere: the tokens for a stream are the same for any
//! split, except that a run of data may arrive in more pieces.

use super::consts::{CR, IAC, LF, NUL, SB, SE};
use super::event::{Command, Eol, Verb, Warning};
use memchr::{memchr, memchr3};

/// A syntactic element of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// A run of data bytes.
    Data(&'a [u8]),
    /// An end of line, under NVT end-of-line processing.
    Eol(Eol),
    /// `IAC <code>` for a code that is not a verb, SB, SE or IAC.
    Command(u8),
    /// `IAC <verb> <option>`.
    Negotiate(Verb, u8),
    /// `IAC SB <option> <payload> IAC SE`.
    Subnegotiation(u8, &'a [u8]),
    /// A recovered anomaly.
    Warning(Warning),
}

/// Receives tokens and tells the parser what it needs to know between them.
pub trait Sink {
    /// Takes one token.
    fn token(&mut self, token: Token<'_>);
    /// Whether NVT end-of-line processing applies to the next data byte. Asked again after every
    /// token, because a token (WILL BINARY) can change the answer.
    fn nvt_eol(&self) -> bool;
    /// Whether to stop before the next byte (the sink cannot take more work now).
    fn paused(&self) -> bool {
        false
    }
    /// The longest subnegotiation payload to keep; a longer one is dropped with a warning.
    fn max_subnegotiation(&self) -> usize {
        DEFAULT_MAX_SUBNEGOTIATION
    }
}

/// The default subnegotiation limit: 64 KiB.
pub const DEFAULT_MAX_SUBNEGOTIATION: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum State {
    #[default]
    Data,
    /// A CR was the last byte; the next one decides which end of line it was.
    Cr,
    Iac,
    Verb(Verb),
    SbOption,
    /// IAC right after IAC SB: either an escaped option 255 or an empty subnegotiation.
    SbOptionIac,
    Sb,
    SbIac,
}

/// A subnegotiation buffer larger than this is released after use, so an idle session stays small.
const SB_KEEP: usize = 512;

/// The input state machine.
#[derive(Debug, Default)]
pub struct Parser {
    state: State,
    sb_option: u8,
    /// The payload so far when a subnegotiation spans input buffers or holds IAC IAC.
    sb: Vec<u8>,
    /// Bytes of the current subnegotiation payload, including those not kept after an overflow.
    sb_len: usize,
    /// The current subnegotiation passed the limit and is being skipped.
    sb_overflowed: bool,
}

impl Parser {
    /// A parser in its initial state.
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Whether the parser is between elements (not inside a command, a subnegotiation or a CR).
    pub fn is_idle(&self) -> bool {
        self.state == State::Data
    }

    /// Bytes of heap memory held.
    pub fn heap_size(&self) -> usize {
        self.sb.capacity()
    }

    /// Parses `input`, handing tokens to `sink`. Returns how many bytes were consumed: all of them,
    /// unless the sink paused.
    pub fn feed<S: Sink + ?Sized>(&mut self, input: &[u8], sink: &mut S) -> usize {
        let mut pos = 0;
        while pos < input.len() {
            if sink.paused() {
                break;
            }
            let rest = &input[pos..];
            pos += match self.state {
                State::Data => self.data(rest, sink),
                State::Cr => self.after_cr(rest[0], sink),
                State::Iac => self.after_iac(rest, sink),
                State::Verb(verb) => {
                    self.state = State::Data;
                    sink.token(Token::Negotiate(verb, rest[0]));
                    1
                }
                State::SbOption => self.sb_option(rest[0]),
                State::SbOptionIac => self.sb_option_iac(rest[0], sink),
                State::Sb => self.sb_data(rest, sink),
                State::SbIac => self.sb_iac(rest[0], sink),
            };
        }
        pos
    }

    /// Data state: deliver the run up to the next special byte, then handle that byte.
    fn data<S: Sink + ?Sized>(&mut self, rest: &[u8], sink: &mut S) -> usize {
        let nvt = sink.nvt_eol();
        let found = if nvt {
            memchr3(IAC, CR, LF, rest)
        } else {
            memchr(IAC, rest)
        };
        let Some(i) = found else {
            sink.token(Token::Data(rest));
            return rest.len();
        };
        let next = rest.get(i + 1).copied();
        match rest[i] {
            IAC if next == Some(IAC) => {
                // IAC IAC: the run goes on with one 255 byte, still zero-copy.
                sink.token(Token::Data(&rest[..=i]));
                i + 2
            }
            IAC => {
                if i > 0 {
                    sink.token(Token::Data(&rest[..i]));
                }
                // Fast paths for a whole command in this buffer: the common case, parsed here
                // without going through the IAC and verb states.
                match next.and_then(Verb::from_byte) {
                    Some(verb) if i + 2 < rest.len() => {
                        sink.token(Token::Negotiate(verb, rest[i + 2]));
                        return i + 3;
                    }
                    _ => {}
                }
                if let Some(code) = next {
                    if Command::from_byte(code).is_some() {
                        sink.token(Token::Command(code));
                        return i + 2;
                    }
                }
                self.state = State::Iac;
                i + 1
            }
            CR => {
                if i > 0 {
                    sink.token(Token::Data(&rest[..i]));
                }
                match next {
                    None => {
                        self.state = State::Cr;
                        i + 1
                    }
                    Some(LF) => {
                        sink.token(Token::Eol(Eol::CrLf));
                        i + 2
                    }
                    Some(NUL) => {
                        sink.token(Token::Eol(Eol::CrNul));
                        i + 2
                    }
                    Some(_) => {
                        sink.token(Token::Eol(Eol::Cr));
                        i + 1
                    }
                }
            }
            _ => {
                if i > 0 {
                    sink.token(Token::Data(&rest[..i]));
                }
                sink.token(Token::Eol(Eol::Lf));
                i + 1
            }
        }
    }

    fn after_cr<S: Sink + ?Sized>(&mut self, byte: u8, sink: &mut S) -> usize {
        self.state = State::Data;
        match byte {
            LF => {
                sink.token(Token::Eol(Eol::CrLf));
                1
            }
            NUL => {
                sink.token(Token::Eol(Eol::CrNul));
                1
            }
            _ => {
                // A bare CR; the byte itself is processed in the data state.
                sink.token(Token::Eol(Eol::Cr));
                0
            }
        }
    }

    fn after_iac<S: Sink + ?Sized>(&mut self, rest: &[u8], sink: &mut S) -> usize {
        let byte = rest[0];
        self.state = State::Data;
        if let Some(verb) = Verb::from_byte(byte) {
            self.state = State::Verb(verb);
            return 1;
        }
        match byte {
            IAC => sink.token(Token::Data(&rest[..1])),
            SB => self.state = State::SbOption,
            SE => sink.token(Token::Warning(Warning::StraySubnegotiationEnd)),
            code => sink.token(Token::Command(code)),
        }
        1
    }

    fn sb_option(&mut self, byte: u8) -> usize {
        if byte == IAC {
            self.state = State::SbOptionIac;
        } else {
            self.begin_sb(byte);
        }
        1
    }

    fn sb_option_iac<S: Sink + ?Sized>(&mut self, byte: u8, sink: &mut S) -> usize {
        match byte {
            IAC => {
                self.begin_sb(IAC);
                1
            }
            SE => {
                self.state = State::Data;
                sink.token(Token::Warning(Warning::EmptySubnegotiation));
                1
            }
            _ => {
                sink.token(Token::Warning(Warning::SubnegotiationInterrupted {
                    option: None,
                    command: byte,
                }));
                // Reprocess the byte as the command it is.
                self.state = State::Iac;
                0
            }
        }
    }

    fn begin_sb(&mut self, option: u8) {
        self.state = State::Sb;
        self.sb_option = option;
        self.sb.clear();
        self.sb_len = 0;
        self.sb_overflowed = false;
    }

    fn sb_data<S: Sink + ?Sized>(&mut self, rest: &[u8], sink: &mut S) -> usize {
        let Some(i) = memchr(IAC, rest) else {
            self.sb_append(rest, sink);
            return rest.len();
        };
        if self.sb_len == 0 && rest.get(i + 1) == Some(&SE) {
            // The whole payload is in this buffer without escapes: deliver it in place.
            self.state = State::Data;
            let limit = sink.max_subnegotiation();
            if i > limit {
                sink.token(Token::Warning(Warning::SubnegotiationTooLong {
                    option: self.sb_option,
                    limit,
                }));
            } else {
                sink.token(Token::Subnegotiation(self.sb_option, &rest[..i]));
            }
            return i + 2;
        }
        self.sb_append(&rest[..i], sink);
        self.state = State::SbIac;
        i + 1
    }

    fn sb_iac<S: Sink + ?Sized>(&mut self, byte: u8, sink: &mut S) -> usize {
        match byte {
            IAC => {
                self.state = State::Sb;
                self.sb_append(&[IAC], sink);
                1
            }
            SE => {
                self.state = State::Data;
                self.finish_sb(sink);
                1
            }
            _ => {
                // BSD telnetd's recovery: process what we have, then the command.
                sink.token(Token::Warning(Warning::SubnegotiationInterrupted {
                    option: Some(self.sb_option),
                    command: byte,
                }));
                self.finish_sb(sink);
                self.state = State::Iac;
                0
            }
        }
    }

    fn sb_append<S: Sink + ?Sized>(&mut self, bytes: &[u8], sink: &mut S) {
        let limit = sink.max_subnegotiation();
        self.sb_len = self.sb_len.saturating_add(bytes.len());
        if self.sb_overflowed {
            return;
        }
        if self.sb_len > limit {
            self.sb_overflowed = true;
            self.release_sb();
            sink.token(Token::Warning(Warning::SubnegotiationTooLong {
                option: self.sb_option,
                limit,
            }));
            return;
        }
        self.sb.extend_from_slice(bytes);
    }

    fn finish_sb<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        if !self.sb_overflowed {
            sink.token(Token::Subnegotiation(self.sb_option, &self.sb));
        }
        self.sb_len = 0;
        self.sb_overflowed = false;
        if self.sb.capacity() > SB_KEEP {
            self.release_sb();
        } else {
            self.sb.clear();
        }
    }

    fn release_sb(&mut self) {
        self.sb = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        nvt: bool,
        out: Vec<String>,
    }

    impl Sink for Collect {
        fn token(&mut self, t: Token<'_>) {
            let s = match t {
                Token::Data(d) => format!("data {:?}", String::from_utf8_lossy(d)),
                Token::Eol(e) => format!("eol {}", e.name()),
                Token::Command(c) => format!("cmd {c}"),
                Token::Negotiate(v, o) => format!("{} {o}", v.name()),
                Token::Subnegotiation(o, p) => format!("sb {o} {p:?}"),
                Token::Warning(w) => format!("warn {w:?}"),
            };
            self.out.push(s);
        }
        fn nvt_eol(&self) -> bool {
            self.nvt
        }
        fn max_subnegotiation(&self) -> usize {
            16
        }
    }

    fn run(input: &[u8], nvt: bool) -> Vec<String> {
        let mut p = Parser::new();
        let mut c = Collect {
            nvt,
            ..Collect::default()
        };
        assert_eq!(p.feed(input, &mut c), input.len());
        c.out
    }

    #[test]
    fn iac_iac_stays_in_the_run() {
        assert_eq!(
            run(b"a\xff\xffb", false),
            ["data \"a\u{fffd}\"", "data \"b\""]
        );
    }

    #[test]
    fn subnegotiation_in_place_and_escaped() {
        assert_eq!(
            run(&[IAC, SB, 31, 0, 80, 0, 24, IAC, SE], false),
            ["sb 31 [0, 80, 0, 24]"]
        );
        assert_eq!(
            run(&[IAC, SB, 31, 0, IAC, IAC, 0, 24, IAC, SE], false),
            ["sb 31 [0, 255, 0, 24]"]
        );
    }

    #[test]
    fn overflow_drops_only_the_subnegotiation() {
        let mut input = vec![IAC, SB, 24];
        input.extend_from_slice(&[b'x'; 40]);
        input.extend_from_slice(&[IAC, SE, b'o', b'k']);
        assert_eq!(
            run(&input, false),
            [
                "warn SubnegotiationTooLong { option: 24, limit: 16 }",
                "data \"ok\""
            ]
        );
    }

    #[test]
    fn nvt_line_ends() {
        assert_eq!(
            run(b"a\r\nb\r\0c\rd\ne", true),
            [
                "data \"a\"",
                "eol CR LF",
                "data \"b\"",
                "eol CR NUL",
                "data \"c\"",
                "eol CR",
                "data \"d\"",
                "eol LF",
                "data \"e\""
            ]
        );
    }
}
