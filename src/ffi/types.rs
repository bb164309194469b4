//! Plain C types: enumerations, byte views and the event passed to callbacks.

use crate::proto::{Eol, EolMode, Event, QState, Role, Side, Warning};
use std::ffi::c_char;

/// Which end of the connection a session is. Functions take it as `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_role {
    /// Accepted the connection.
    Server = 0,
    /// Opened the connection.
    Client = 1,
}

/// Which end performs an option. `TN_SIDE_LOCAL` is this end (we send WILL/WONT), `TN_SIDE_REMOTE`
/// is the peer (we send DO/DONT). Functions take it as `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_side {
    /// This end.
    Local = 0,
    /// The peer.
    Remote = 1,
}

/// End-of-line handling in one direction. Functions take it as `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_eol_mode {
    /// Bytes pass as they are; only IAC is escaped or unescaped.
    Raw = 0,
    /// NVT rules while the direction is not BINARY. Input: CR LF, CR NUL, bare CR and bare LF are
    /// taken out of the data and reported as `TN_EVENT_KIND_EOL`. Output: CR LF is kept, any other
    /// CR becomes CR NUL, a bare LF becomes CR LF.
    Nvt = 1,
}

/// How an input line ended (`TN_EVENT_KIND_EOL`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_eol {
    /// CR LF, the NVT newline ("enter").
    CrLf = 0,
    /// CR NUL, the NVT carriage return ("return").
    CrNul = 1,
    /// A CR followed by something other than LF or NUL.
    Cr = 2,
    /// A LF without a CR before it.
    Lf = 3,
}

/// The RFC 1143 state of one side of an option.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_q_state {
    /// Disabled.
    No = 0,
    /// Enabled.
    Yes = 1,
    /// Disabling: asked, waiting for the answer (still in effect).
    WantNo = 2,
    /// Enabling: asked, waiting for the answer (not in effect yet).
    WantYes = 3,
}

/// The kind of an event, which selects the member of `tn_event.u` to read.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_event_kind {
    /// Application data: `u.data`.
    Data = 0,
    /// End of an input line: `u.eol`.
    Eol = 1,
    /// A two-byte command `IAC code`: `u.command` holds the code (`TN_CMD_*` or an unassigned
    /// value below 236).
    Command = 2,
    /// An option went in or out of effect: `u.option`.
    OptionChanged = 3,
    /// The peer refused our request to enable an option: `u.option` (`enabled` is false).
    OptionRefused = 4,
    /// A subnegotiation: `u.subnegotiation`.
    Subnegotiation = 5,
    /// A protocol anomaly the session recovered from: `u.warning`.
    Warning = 6,
}

/// What a `TN_EVENT_KIND_WARNING` reports.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_warning {
    /// IAC followed by a byte other than SE or IAC inside a subnegotiation (`byte`). What was
    /// collected is processed, then the command.
    SubnegotiationInterrupted = 1,
    /// A subnegotiation longer than the limit (`limit`) was dropped whole.
    SubnegotiationTooLong = 2,
    /// IAC SB IAC SE, without an option byte, was ignored.
    EmptySubnegotiation = 3,
    /// IAC SE outside a subnegotiation was ignored.
    StraySubnegotiationEnd = 4,
    /// The peer answered a request with the opposite verb (`byte` is the verb); settled as RFC 1143
    /// prescribes.
    UnexpectedReply = 5,
    /// A subnegotiation for an option not in effect was ignored.
    SubnegotiationNotEnabled = 6,
    /// A subnegotiation that does not follow its option's wire format was ignored.
    MalformedSubnegotiation = 7,
}

/// A read-only view of bytes owned by someone else. `ptr` may be NULL when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_bytes {
    /// First byte.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

impl tn_bytes {
    pub(crate) fn from_slice(s: &[u8]) -> tn_bytes {
        tn_bytes {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }
}

/// A read-only view of text, not NUL-terminated. `ptr` may be NULL when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_str {
    /// First character.
    pub ptr: *const c_char,
    /// Number of bytes.
    pub len: usize,
}

impl tn_str {
    /// The empty string.
    pub(crate) const EMPTY: tn_str = tn_str {
        ptr: std::ptr::null(),
        len: 0,
    };

    pub(crate) fn from_static(s: &'static str) -> tn_str {
        tn_str {
            ptr: s.as_ptr().cast(),
            len: s.len(),
        }
    }
}

/// `TN_EVENT_KIND_OPTION_CHANGED` and `TN_EVENT_KIND_OPTION_REFUSED`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_option_event {
    /// The option code (`TN_OPT_*`).
    pub option: u8,
    /// Which end performs it (`tn_side`).
    pub side: tn_side,
    /// Whether it is now in effect (always false for a refusal).
    pub enabled: bool,
}

/// `TN_EVENT_KIND_SUBNEGOTIATION`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_subnegotiation_event {
    /// The option code.
    pub option: u8,
    /// The payload between the option byte and IAC SE, IAC IAC reduced. Valid during the
    /// callback only.
    pub payload: tn_bytes,
}

/// `TN_EVENT_KIND_WARNING`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_warning_event {
    /// What happened.
    pub code: tn_warning,
    /// Whether `option` is meaningful.
    pub has_option: bool,
    /// The option concerned, when `has_option`.
    pub option: u8,
    /// The command byte after IAC (`SUBNEGOTIATION_INTERRUPTED`) or the verb
    /// (`UNEXPECTED_REPLY`); 0 otherwise.
    pub byte: u8,
    /// The side concerned (`UNEXPECTED_REPLY`); `TN_SIDE_LOCAL` otherwise.
    pub side: tn_side,
    /// The limit that was passed (`SUBNEGOTIATION_TOO_LONG`); 0 otherwise.
    pub limit: usize,
    /// A static English description.
    pub message: tn_str,
}

/// The payload of an event; read the member that `tn_event.kind` names.
#[repr(C)]
#[derive(Clone, Copy)]
pub union tn_event_data {
    /// `TN_EVENT_KIND_DATA`: the bytes, valid during the callback only.
    pub data: tn_bytes,
    /// `TN_EVENT_KIND_EOL`: the kind of line end (`tn_eol`).
    pub eol: tn_eol,
    /// `TN_EVENT_KIND_COMMAND`: the byte after IAC.
    pub command: u8,
    /// `TN_EVENT_KIND_OPTION_CHANGED`, `TN_EVENT_KIND_OPTION_REFUSED`.
    pub option: tn_option_event,
    /// `TN_EVENT_KIND_SUBNEGOTIATION`.
    pub subnegotiation: tn_subnegotiation_event,
    /// `TN_EVENT_KIND_WARNING`.
    pub warning: tn_warning_event,
}

/// One event, passed by pointer to the session's callback. It and every pointer inside it are
/// valid only during the callback: copy what you keep. New kinds and union members may be added
/// in later versions (never renumbered), so ignore kinds you do not know and never allocate or
/// copy a `tn_event` by value.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct tn_event {
    /// Which member of `u` is valid.
    pub kind: tn_event_kind,
    /// The payload.
    pub u: tn_event_data,
}

/// The negotiation state of one side of one option.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_option_state {
    /// The RFC 1143 state (`tn_q_state`).
    pub state: tn_q_state,
    /// Whether the opposite request is queued behind the pending one.
    pub opposite_queued: bool,
    /// Whether the option is in effect (YES, or WANTNO until the peer confirms).
    pub enabled: bool,
}

pub(crate) fn side_from(v: u32) -> Option<Side> {
    match v {
        0 => Some(Side::Local),
        1 => Some(Side::Remote),
        _ => None,
    }
}

pub(crate) fn role_from(v: u32) -> Option<Role> {
    match v {
        0 => Some(Role::Server),
        1 => Some(Role::Client),
        _ => None,
    }
}

pub(crate) fn eol_mode_from(v: u32) -> Option<EolMode> {
    match v {
        0 => Some(EolMode::Raw),
        1 => Some(EolMode::Nvt),
        _ => None,
    }
}

pub(crate) fn side_to(s: Side) -> tn_side {
    match s {
        Side::Local => tn_side::Local,
        Side::Remote => tn_side::Remote,
    }
}

pub(crate) fn q_state_to(s: QState) -> tn_q_state {
    match s {
        QState::No => tn_q_state::No,
        QState::Yes => tn_q_state::Yes,
        QState::WantNo => tn_q_state::WantNo,
        QState::WantYes => tn_q_state::WantYes,
    }
}

fn warning_to(w: &Warning) -> tn_warning_event {
    let mut out = tn_warning_event {
        code: tn_warning::EmptySubnegotiation,
        has_option: w.option().is_some(),
        option: w.option().unwrap_or(0),
        byte: 0,
        side: tn_side::Local,
        limit: 0,
        message: tn_str::from_static(w.message()),
    };
    out.code = match *w {
        Warning::SubnegotiationInterrupted { command, .. } => {
            out.byte = command;
            tn_warning::SubnegotiationInterrupted
        }
        Warning::SubnegotiationTooLong { limit, .. } => {
            out.limit = limit;
            tn_warning::SubnegotiationTooLong
        }
        Warning::EmptySubnegotiation => tn_warning::EmptySubnegotiation,
        Warning::StraySubnegotiationEnd => tn_warning::StraySubnegotiationEnd,
        Warning::UnexpectedReply { side, verb, .. } => {
            out.byte = verb.byte();
            out.side = side_to(side);
            tn_warning::UnexpectedReply
        }
        Warning::SubnegotiationNotEnabled { .. } => tn_warning::SubnegotiationNotEnabled,
        Warning::MalformedSubnegotiation { .. } => tn_warning::MalformedSubnegotiation,
    };
    out
}

/// Converts a core event into its C form; `None` for kinds the C API does not carry yet.
pub(crate) fn event_to(ev: &Event<'_>) -> Option<tn_event> {
    let (kind, u) = match *ev {
        Event::Data(d) => (
            tn_event_kind::Data,
            tn_event_data {
                data: tn_bytes::from_slice(d),
            },
        ),
        Event::Eol(e) => (
            tn_event_kind::Eol,
            tn_event_data {
                eol: match e {
                    Eol::CrLf => tn_eol::CrLf,
                    Eol::CrNul => tn_eol::CrNul,
                    Eol::Cr => tn_eol::Cr,
                    Eol::Lf => tn_eol::Lf,
                },
            },
        ),
        Event::Command(c) => (tn_event_kind::Command, tn_event_data { command: c.byte() }),
        Event::OptionChanged {
            option,
            side,
            enabled,
        } => (
            tn_event_kind::OptionChanged,
            tn_event_data {
                option: tn_option_event {
                    option,
                    side: side_to(side),
                    enabled,
                },
            },
        ),
        Event::OptionRefused { option, side } => (
            tn_event_kind::OptionRefused,
            tn_event_data {
                option: tn_option_event {
                    option,
                    side: side_to(side),
                    enabled: false,
                },
            },
        ),
        Event::Subnegotiation { option, payload } => (
            tn_event_kind::Subnegotiation,
            tn_event_data {
                subnegotiation: tn_subnegotiation_event {
                    option,
                    payload: tn_bytes::from_slice(payload),
                },
            },
        ),
        Event::Warning(ref w) => (
            tn_event_kind::Warning,
            tn_event_data {
                warning: warning_to(w),
            },
        ),
        #[allow(unreachable_patterns)]
        _ => return None,
    };
    Some(tn_event { kind, u })
}
