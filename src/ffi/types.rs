//! Plain C types: enumerations, byte views and the event passed to callbacks.

use crate::proto::{
    Eol, EolMode, Event, InputMode, Kludge, Lflow, QState, Role, Side, StatusItem, VarKind, Warning,
};
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
    /// NAWS: the peer's window size, `u.window_size`.
    WindowSize = 7,
    /// TERMINAL-TYPE: one answer of the client's cycle, `u.text` (printable ASCII, at most 40
    /// bytes; untrusted).
    TerminalType = 8,
    /// TERMINAL-SPEED: `u.terminal_speed`.
    TerminalSpeed = 9,
    /// X-DISPLAY-LOCATION: `u.text` (untrusted).
    XDisplay = 10,
    /// SEND-LOCATION: `u.text` (untrusted).
    Location = 11,
    /// NEW-ENVIRON or ENVIRON: one variable, `u.environ` (untrusted: see `tn_session_user` and
    /// `tn_session_visit_child_environment`).
    Environ = 12,
    /// CHARSET: both ends agreed on `u.text`.
    Charset = 13,
    /// CHARSET: our REQUEST was rejected (no payload).
    CharsetRejected = 14,
    /// REMOTE-FLOW-CONTROL: the server sent `u.flow_control` (`tn_lflow`).
    FlowControl = 15,
    /// STATUS: the peer's report, `u.status`.
    Status = 16,
    /// LINEMODE: the MODE in effect changed, `u.linemode_mode` (`TN_MODE_*` bits).
    LinemodeMode = 17,
    /// LINEMODE SLC: a special character changed, `u.slc`.
    Slc = 18,
    /// LINEMODE FORWARDMASK set or cleared, `u.forward_mask`.
    ForwardMask = 19,
    /// TIMING-MARK: the peer answered our DO TIMING-MARK, `u.timing_mark`.
    TimingMark = 20,
    /// How the client sends input changed, `u.input_mode` (`tn_input_mode`).
    InputMode = 21,
    /// SLC simulation: a received control character stands for an SLC function, `u.slc_function`
    /// (the byte is not delivered as data).
    SlcFunction = 22,
    /// The opening negotiation is complete, `u.settled`.
    Settled = 23,
}

/// A variable's type in NEW-ENVIRON / ENVIRON.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_var_kind {
    /// VAR: a well-known variable (USER, DISPLAY, ...).
    Var = 0,
    /// USERVAR: a user-defined variable.
    Uservar = 1,
}

/// A REMOTE-FLOW-CONTROL command (RFC 1372).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_lflow {
    /// Flow control off.
    Off = 0,
    /// Flow control on.
    On = 1,
    /// After XOFF, any character restarts output.
    RestartAny = 2,
    /// After XOFF, only XON restarts output.
    RestartXon = 3,
}

/// How the client sends input (see the LINEMODE and SUPPRESS-GO-AHEAD options).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_input_mode {
    /// The client edits a line locally and sends it whole.
    Line = 0,
    /// The client sends each character as typed (the server suppresses go-ahead).
    Character = 1,
    /// Real LINEMODE: editing and signals follow the MODE bits and the SLC table.
    Linemode = 2,
}

/// What the DO TIMING-MARK probe found out about kludge line mode.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_kludge {
    /// Not probed.
    Unknown = 0,
    /// Probe sent, no answer yet.
    Probing = 1,
    /// The client can do kludge line mode.
    Capable = 2,
    /// The client cannot: character mode only.
    Incapable = 3,
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

/// `TN_EVENT_KIND_WINDOW_SIZE`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_window_size_event {
    /// Columns (0: unknown).
    pub width: u16,
    /// Rows (0: unknown).
    pub height: u16,
}

/// `TN_EVENT_KIND_TERMINAL_SPEED`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_terminal_speed_event {
    /// Transmit speed, bits per second.
    pub transmit: u32,
    /// Receive speed, bits per second.
    pub receive: u32,
}

/// `TN_EVENT_KIND_ENVIRON`: one variable, as sent (untrusted).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_environ_event {
    /// VAR or USERVAR (`tn_var_kind`).
    pub kind: tn_var_kind,
    /// The name.
    pub name: tn_bytes,
    /// The value, when `has_value`.
    pub value: tn_bytes,
    /// False when the peer sent the name without a value (undefined).
    pub has_value: bool,
    /// True for an INFO (update), false for an IS.
    pub info: bool,
    /// True when it came through the old ENVIRON option (RFC 1408).
    pub old: bool,
}

/// One item of a STATUS report.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_status_item {
    /// `TN_CMD_WILL`, `TN_CMD_WONT`, `TN_CMD_DO`, `TN_CMD_DONT` for an option's state, or
    /// `TN_CMD_SB` for a subnegotiation state.
    pub verb: u8,
    /// The option.
    pub option: u8,
    /// For `TN_CMD_SB`: the subnegotiation payload; empty otherwise.
    pub payload: tn_bytes,
}

/// `TN_EVENT_KIND_STATUS`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_status_event {
    /// The items, valid during the callback only.
    pub items: *const tn_status_item,
    /// Number of items.
    pub count: usize,
}

/// `TN_EVENT_KIND_SLC`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_slc_event {
    /// The SLC function (`TN_SLC_*`).
    pub function: u8,
    /// Level (`TN_SLC_LEVEL_*` in the low two bits) and flush bits.
    pub flags: u8,
    /// The character.
    pub value: u8,
}

/// `TN_EVENT_KIND_FORWARD_MASK`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_forward_mask_event {
    /// The mask (character `c` is bit `0x80 >> (c % 8)` of byte `c / 8`); empty when cleared.
    pub mask: tn_bytes,
    /// False when the mask was cleared or refused.
    pub active: bool,
}

/// `TN_EVENT_KIND_SLC_FUNCTION`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tn_slc_function_event {
    /// The SLC function it stands for (`TN_SLC_*`).
    pub function: u8,
    /// The byte received.
    pub byte: u8,
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
    /// `TN_EVENT_KIND_WINDOW_SIZE`.
    pub window_size: tn_window_size_event,
    /// `TN_EVENT_KIND_TERMINAL_TYPE`, `TN_EVENT_KIND_X_DISPLAY`, `TN_EVENT_KIND_LOCATION`,
    /// `TN_EVENT_KIND_CHARSET`: the text, valid during the callback only.
    pub text: tn_bytes,
    /// `TN_EVENT_KIND_TERMINAL_SPEED`.
    pub terminal_speed: tn_terminal_speed_event,
    /// `TN_EVENT_KIND_ENVIRON`.
    pub environ: tn_environ_event,
    /// `TN_EVENT_KIND_FLOW_CONTROL`.
    pub flow_control: tn_lflow,
    /// `TN_EVENT_KIND_STATUS`.
    pub status: tn_status_event,
    /// `TN_EVENT_KIND_LINEMODE_MODE`: `TN_MODE_*` bits.
    pub linemode_mode: u8,
    /// `TN_EVENT_KIND_SLC`.
    pub slc: tn_slc_event,
    /// `TN_EVENT_KIND_FORWARD_MASK`.
    pub forward_mask: tn_forward_mask_event,
    /// `TN_EVENT_KIND_TIMING_MARK`: true for WILL, false for WONT.
    pub timing_mark: bool,
    /// `TN_EVENT_KIND_INPUT_MODE`.
    pub input_mode: tn_input_mode,
    /// `TN_EVENT_KIND_SLC_FUNCTION`.
    pub slc_function: tn_slc_function_event,
    /// `TN_EVENT_KIND_SETTLED`: true when the settle timeout, not the peer, ended the wait.
    pub settled: bool,
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

fn text(t: &[u8]) -> tn_event_data {
    tn_event_data {
        text: tn_bytes::from_slice(t),
    }
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

pub(crate) fn var_kind_from(v: u32) -> Option<VarKind> {
    match v {
        0 => Some(VarKind::Var),
        1 => Some(VarKind::UserVar),
        _ => None,
    }
}

pub(crate) fn var_kind_to(k: VarKind) -> tn_var_kind {
    match k {
        VarKind::Var => tn_var_kind::Var,
        VarKind::UserVar => tn_var_kind::Uservar,
    }
}

pub(crate) fn lflow_from(v: u32) -> Option<Lflow> {
    match v {
        0 => Some(Lflow::Off),
        1 => Some(Lflow::On),
        2 => Some(Lflow::RestartAny),
        3 => Some(Lflow::RestartXon),
        _ => None,
    }
}

fn lflow_to(l: Lflow) -> tn_lflow {
    match l {
        Lflow::Off => tn_lflow::Off,
        Lflow::On => tn_lflow::On,
        Lflow::RestartAny => tn_lflow::RestartAny,
        Lflow::RestartXon => tn_lflow::RestartXon,
    }
}

pub(crate) fn input_mode_to(m: InputMode) -> tn_input_mode {
    match m {
        InputMode::Line => tn_input_mode::Line,
        InputMode::Character => tn_input_mode::Character,
        InputMode::Linemode => tn_input_mode::Linemode,
    }
}

pub(crate) fn kludge_to(k: Kludge) -> tn_kludge {
    match k {
        Kludge::Unknown => tn_kludge::Unknown,
        Kludge::Probing => tn_kludge::Probing,
        Kludge::Capable => tn_kludge::Capable,
        Kludge::Incapable => tn_kludge::Incapable,
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

/// Storage an event's C form may point into (a STATUS report's item array).
#[derive(Default)]
pub(crate) struct EventScratch {
    status: Vec<tn_status_item>,
}

/// Converts a core event into its C form; `None` for kinds the C API does not carry yet.
#[inline(always)]
pub(crate) fn event_to(ev: &Event<'_>, scratch: &mut EventScratch) -> Option<tn_event> {
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
        Event::WindowSize { width, height } => (
            tn_event_kind::WindowSize,
            tn_event_data {
                window_size: tn_window_size_event { width, height },
            },
        ),
        Event::TerminalType { name } => (tn_event_kind::TerminalType, text(name)),
        Event::TerminalSpeed { transmit, receive } => (
            tn_event_kind::TerminalSpeed,
            tn_event_data {
                terminal_speed: tn_terminal_speed_event { transmit, receive },
            },
        ),
        Event::XDisplay { display } => (tn_event_kind::XDisplay, text(display)),
        Event::Location { location } => (tn_event_kind::Location, text(location)),
        Event::Environ {
            kind,
            name,
            value,
            info,
            old,
        } => (
            tn_event_kind::Environ,
            tn_event_data {
                environ: tn_environ_event {
                    kind: var_kind_to(kind),
                    name: tn_bytes::from_slice(name),
                    value: tn_bytes::from_slice(value.unwrap_or(&[])),
                    has_value: value.is_some(),
                    info,
                    old,
                },
            },
        ),
        Event::Charset { name } => (tn_event_kind::Charset, text(name)),
        Event::CharsetRejected => (tn_event_kind::CharsetRejected, text(&[])),
        Event::FlowControl(l) => (
            tn_event_kind::FlowControl,
            tn_event_data {
                flow_control: lflow_to(l),
            },
        ),
        Event::Status { items } => {
            scratch.status = items
                .iter()
                .map(|it| match it {
                    StatusItem::Option { verb, option } => tn_status_item {
                        verb: *verb,
                        option: *option,
                        payload: tn_bytes::from_slice(&[]),
                    },
                    StatusItem::Subnegotiation { option, payload } => tn_status_item {
                        verb: crate::proto::consts::SB,
                        option: *option,
                        payload: tn_bytes::from_slice(payload),
                    },
                })
                .collect();
            (
                tn_event_kind::Status,
                tn_event_data {
                    status: tn_status_event {
                        items: scratch.status.as_ptr(),
                        count: scratch.status.len(),
                    },
                },
            )
        }
        Event::LinemodeMode { mode } => (
            tn_event_kind::LinemodeMode,
            tn_event_data {
                linemode_mode: mode,
            },
        ),
        Event::Slc {
            function,
            flags,
            value,
        } => (
            tn_event_kind::Slc,
            tn_event_data {
                slc: tn_slc_event {
                    function,
                    flags,
                    value,
                },
            },
        ),
        Event::ForwardMask { mask, active } => (
            tn_event_kind::ForwardMask,
            tn_event_data {
                forward_mask: tn_forward_mask_event {
                    mask: tn_bytes::from_slice(mask),
                    active,
                },
            },
        ),
        Event::TimingMark { answered } => (
            tn_event_kind::TimingMark,
            tn_event_data {
                timing_mark: answered,
            },
        ),
        Event::InputMode(m) => (
            tn_event_kind::InputMode,
            tn_event_data {
                input_mode: input_mode_to(m),
            },
        ),
        Event::SlcFunction { function, byte } => (
            tn_event_kind::SlcFunction,
            tn_event_data {
                slc_function: tn_slc_function_event { function, byte },
            },
        ),
        Event::Settled { timed_out } => {
            (tn_event_kind::Settled, tn_event_data { settled: timed_out })
        }
        #[allow(unreachable_patterns)]
        _ => return None,
    };
    Some(tn_event { kind, u })
}
