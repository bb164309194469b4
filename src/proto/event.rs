//! What a session reports to the application while it feeds input.

use super::consts::{self, command_name, option_name};
use super::wire::{Lflow, StatusItem, VarKind};
use std::fmt;

/// Which end of the connection performs an option.
///
/// `Local` is this side (we send WILL/WONT, the peer sends DO/DONT); `Remote` is the peer (it sends
/// WILL/WONT, we send DO/DONT). RFC 1143 calls them "us" and "him".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// This end performs the option.
    Local,
    /// The peer performs the option.
    Remote,
}

impl Side {
    /// "local" or "remote".
    pub fn name(self) -> &'static str {
        match self {
            Side::Local => "local",
            Side::Remote => "remote",
        }
    }
}

/// One of the four negotiation verbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    /// IAC WILL.
    Will = 0,
    /// IAC WONT.
    Wont = 1,
    /// IAC DO.
    Do = 2,
    /// IAC DONT.
    Dont = 3,
}

impl Verb {
    /// The verb for a command byte 251..=254.
    pub fn from_byte(byte: u8) -> Option<Verb> {
        match byte {
            consts::WILL => Some(Verb::Will),
            consts::WONT => Some(Verb::Wont),
            consts::DO => Some(Verb::Do),
            consts::DONT => Some(Verb::Dont),
            _ => None,
        }
    }

    /// The command byte of the verb.
    pub fn byte(self) -> u8 {
        match self {
            Verb::Will => consts::WILL,
            Verb::Wont => consts::WONT,
            Verb::Do => consts::DO,
            Verb::Dont => consts::DONT,
        }
    }

    /// "WILL", "WONT", "DO" or "DONT".
    pub fn name(self) -> &'static str {
        match self {
            Verb::Will => "WILL",
            Verb::Wont => "WONT",
            Verb::Do => "DO",
            Verb::Dont => "DONT",
        }
    }
}

/// How a line ended on input (NVT end-of-line delivery, see [`super::EolMode`]).
///
/// RFC 854 defines CR LF as "new line" and CR NUL as "carriage return only"; real peers also send a
/// bare CR or a bare LF. A line-oriented application treats all four as the end of a line; one that
/// cares (return versus enter) can tell them apart. The fifth mechanism, IAC EOR (RFC 885), arrives as
/// [`Command::Eor`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Eol {
    /// CR LF: the NVT newline.
    CrLf,
    /// CR NUL: the NVT carriage return.
    CrNul,
    /// A CR followed by anything but LF or NUL (not valid NVT, sent by some clients).
    Cr,
    /// A LF that does not follow a CR (not valid NVT, sent by some clients).
    Lf,
}

impl Eol {
    /// "CR LF", "CR NUL", "CR" or "LF".
    pub fn name(self) -> &'static str {
        match self {
            Eol::CrLf => "CR LF",
            Eol::CrNul => "CR NUL",
            Eol::Cr => "CR",
            Eol::Lf => "LF",
        }
    }
}

/// A two-byte command `IAC <code>` other than the negotiation and subnegotiation verbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// End of file (RFC 1184), 236.
    Eof,
    /// Suspend process (RFC 1184), 237.
    Susp,
    /// Abort process (RFC 1184), 238.
    Abort,
    /// End of record (RFC 885), 239.
    Eor,
    /// No operation, 241.
    Nop,
    /// Data mark, 242: ends a Synch (RFC 854).
    Dm,
    /// Break, 243.
    Brk,
    /// Interrupt process, 244.
    Ip,
    /// Abort output, 245.
    Ao,
    /// Are you there, 246.
    Ayt,
    /// Erase character, 247.
    Ec,
    /// Erase line, 248.
    El,
    /// Go ahead, 249.
    Ga,
    /// A code that no RFC assigns (0..=235): reported as such, never acted on.
    Unknown(u8),
}

impl Command {
    /// The command for a byte that follows IAC. Returns `None` for the bytes that are not two-byte
    /// commands (SE, SB, WILL, WONT, DO, DONT, IAC).
    pub fn from_byte(byte: u8) -> Option<Command> {
        Some(match byte {
            consts::EOF => Command::Eof,
            consts::SUSP => Command::Susp,
            consts::ABORT => Command::Abort,
            consts::EOR => Command::Eor,
            consts::NOP => Command::Nop,
            consts::DM => Command::Dm,
            consts::BRK => Command::Brk,
            consts::IP => Command::Ip,
            consts::AO => Command::Ao,
            consts::AYT => Command::Ayt,
            consts::EC => Command::Ec,
            consts::EL => Command::El,
            consts::GA => Command::Ga,
            0..=235 => Command::Unknown(byte),
            _ => return None,
        })
    }

    /// The byte that follows IAC on the wire.
    pub fn byte(self) -> u8 {
        match self {
            Command::Eof => consts::EOF,
            Command::Susp => consts::SUSP,
            Command::Abort => consts::ABORT,
            Command::Eor => consts::EOR,
            Command::Nop => consts::NOP,
            Command::Dm => consts::DM,
            Command::Brk => consts::BRK,
            Command::Ip => consts::IP,
            Command::Ao => consts::AO,
            Command::Ayt => consts::AYT,
            Command::Ec => consts::EC,
            Command::El => consts::EL,
            Command::Ga => consts::GA,
            Command::Unknown(b) => b,
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match command_name(self.byte()) {
            Some(name) => f.write_str(name),
            None => write!(f, "UNKNOWN({})", self.byte()),
        }
    }
}

/// A protocol anomaly in the input. The session has already recovered when it reports one; nothing
/// but what the warning names was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Warning {
    /// IAC followed by a byte other than SE or IAC inside a subnegotiation. As BSD telnetd does, the
    /// subnegotiation collected so far is processed, then `IAC command` is processed as a command.
    SubnegotiationInterrupted {
        /// The option of the interrupted subnegotiation, `None` when it had no option byte yet.
        option: Option<u8>,
        /// The byte that followed IAC.
        command: u8,
    },
    /// A subnegotiation grew past the configured limit. It is dropped whole; parsing resumes after
    /// its IAC SE.
    SubnegotiationTooLong {
        /// The option of the dropped subnegotiation.
        option: u8,
        /// The limit in bytes that it passed.
        limit: usize,
    },
    /// IAC SB IAC SE: a subnegotiation without even an option byte. Ignored.
    EmptySubnegotiation,
    /// IAC SE outside a subnegotiation. Ignored.
    StraySubnegotiationEnd,
    /// The peer answered a request with the opposite verb (the RFC 1143 "error" cases, such as DONT
    /// answered by WILL). The option state has been settled as RFC 1143 prescribes.
    UnexpectedReply {
        /// The option.
        option: u8,
        /// The side the reply was about.
        side: Side,
        /// The verb the peer sent.
        verb: Verb,
    },
    /// A subnegotiation for an option that is not enabled on the side that may send it. Ignored
    /// (RFC 855: subnegotiation follows agreement on the option).
    SubnegotiationNotEnabled {
        /// The option.
        option: u8,
    },
    /// A subnegotiation whose payload does not follow the option's wire format. Ignored.
    MalformedSubnegotiation {
        /// The option.
        option: u8,
    },
}

impl Warning {
    /// A short, static description.
    pub fn message(&self) -> &'static str {
        match self {
            Warning::SubnegotiationInterrupted { .. } => {
                "IAC followed by a byte other than SE or IAC inside a subnegotiation"
            }
            Warning::SubnegotiationTooLong { .. } => {
                "subnegotiation longer than the configured limit was dropped"
            }
            Warning::EmptySubnegotiation => "subnegotiation without an option byte was ignored",
            Warning::StraySubnegotiationEnd => "IAC SE outside a subnegotiation was ignored",
            Warning::UnexpectedReply { .. } => "peer answered a request with the opposite verb",
            Warning::SubnegotiationNotEnabled { .. } => {
                "subnegotiation for an option that is not enabled was ignored"
            }
            Warning::MalformedSubnegotiation { .. } => {
                "malformed subnegotiation payload was ignored"
            }
        }
    }

    /// The option the warning is about, if any.
    pub fn option(&self) -> Option<u8> {
        match *self {
            Warning::SubnegotiationInterrupted { option, .. } => option,
            Warning::SubnegotiationTooLong { option, .. }
            | Warning::UnexpectedReply { option, .. }
            | Warning::SubnegotiationNotEnabled { option }
            | Warning::MalformedSubnegotiation { option } => Some(option),
            Warning::EmptySubnegotiation | Warning::StraySubnegotiationEnd => None,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        if let Some(o) = self.option() {
            write!(f, " (option {})", OptionName(o))?;
        }
        Ok(())
    }
}

/// Displays an option code by name when it has one, by number otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionName(pub u8);

impl fmt::Display for OptionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match option_name(self.0) {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// One thing that happened on input, delivered to the handler passed to
/// [`Session::feed`](super::Session::feed).
///
/// Byte slices borrow the caller's input buffer (or the session's subnegotiation buffer) and live
/// only for the handler call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A run of application data, IAC IAC already reduced to one 255 byte. Adjacent runs may arrive
    /// as separate events; their concatenation is what the peer sent.
    Data(&'a [u8]),
    /// The end of a line (only with [`super::EolMode::Nvt`] while the peer is not in BINARY mode).
    Eol(Eol),
    /// A two-byte command.
    Command(Command),
    /// An option became enabled or disabled on one side (RFC 1143: only actual changes, never on a
    /// repeated or refused request).
    OptionChanged {
        /// The option.
        option: u8,
        /// Which side performs it.
        side: Side,
        /// Whether it is now enabled.
        enabled: bool,
    },
    /// The peer refused a request to enable an option.
    OptionRefused {
        /// The option.
        option: u8,
        /// The side that was asked to enable it.
        side: Side,
    },
    /// A subnegotiation `IAC SB option payload IAC SE`, with IAC IAC inside already reduced.
    Subnegotiation {
        /// The option.
        option: u8,
        /// The payload between the option byte and IAC SE.
        payload: &'a [u8],
    },
    /// A protocol anomaly the session recovered from.
    Warning(Warning),

    // ----- typed option events -----
    /// NAWS (RFC 1073): the peer's window size; 0 means unknown on that axis.
    WindowSize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// TERMINAL-TYPE (RFC 1091): one answer to SEND (a server cycles through the client's list).
    TerminalType {
        /// The name as sent (printable ASCII, at most 40 bytes).
        name: &'a [u8],
    },
    /// TERMINAL-SPEED (RFC 1079).
    TerminalSpeed {
        /// Transmit speed in bits per second.
        transmit: u32,
        /// Receive speed in bits per second.
        receive: u32,
    },
    /// X-DISPLAY-LOCATION (RFC 1096).
    XDisplay {
        /// The display, such as "host:0.0".
        display: &'a [u8],
    },
    /// SEND-LOCATION (RFC 779).
    Location {
        /// The location text.
        location: &'a [u8],
    },
    /// NEW-ENVIRON (RFC 1572) or ENVIRON (RFC 1408): one variable of an IS or INFO list.
    /// The bytes are untrusted: see [`Session::user`](super::Session::user) and
    /// [`Session::child_environment`](super::Session::child_environment).
    Environ {
        /// VAR or USERVAR.
        kind: VarKind,
        /// The name.
        name: &'a [u8],
        /// The value, `None` when the peer sent the name alone (undefined).
        value: Option<&'a [u8]>,
        /// Whether it came in an INFO (an update) rather than an IS.
        info: bool,
        /// Whether it came through the old ENVIRON option.
        old: bool,
    },
    /// CHARSET (RFC 2066): both ends agreed on a character set.
    Charset {
        /// The name, as the side that offered it spelled it.
        name: &'a [u8],
    },
    /// CHARSET: our REQUEST was rejected.
    CharsetRejected,
    /// REMOTE-FLOW-CONTROL (RFC 1372): the server changed flow control.
    FlowControl(Lflow),
    /// STATUS (RFC 859): the peer's report of the option state.
    Status {
        /// The items of the report.
        items: &'a [StatusItem],
    },
    /// LINEMODE (RFC 1184): the MODE in effect changed (`wire::MODE_*` bits, without ACK).
    LinemodeMode {
        /// The mode bits.
        mode: u8,
    },
    /// LINEMODE SLC: a special character changed (function, level and flags, value).
    Slc {
        /// The SLC function (`slc::func::*`).
        function: u8,
        /// Level and flush bits.
        flags: u8,
        /// The character.
        value: u8,
    },
    /// LINEMODE FORWARDMASK: the server set (`active`) or cleared the forward mask.
    ForwardMask {
        /// The mask: bit `0x80 >> (c % 8)` of byte `c / 8` set for character `c`.
        mask: &'a [u8],
        /// False when the server cancelled it (DONT FORWARDMASK) or the client refused it.
        active: bool,
    },
    /// TIMING-MARK (RFC 860): the peer answered a DO TIMING-MARK we sent.
    TimingMark {
        /// WILL (true) or WONT (false).
        answered: bool,
    },
    /// How the client sends input changed (see [`InputMode`](super::InputMode)).
    InputMode(super::InputMode),
    /// Outside real LINEMODE, with SLC simulation on: a received control character stands for an
    /// SLC function (^C for IP, DEL or ^H for EC, ...). It is reported instead of being data.
    SlcFunction {
        /// The SLC function (`slc::func::*`).
        function: u8,
        /// The byte received.
        byte: u8,
    },
    /// The opening negotiation is complete: every request was answered (or the settle timeout
    /// passed). A daemon waits for this before starting a login, so it knows TERM, the window size
    /// and the environment.
    Settled {
        /// True when the timeout, not the peer, ended the wait.
        timed_out: bool,
    },
}
