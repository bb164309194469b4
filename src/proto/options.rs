//! What each option does once negotiated: follow-up requests, answers, typed events, and the
//! moment the opening negotiation is settled.
//!
//! Negotiation itself (who is enabled) is [`super::qmethod`]; wire formats are [`super::wire`];
//! this file decides what to send and report when options change or subnegotiations arrive.

use super::config::Role;
use super::consts::{DO, DONT, WILL, WONT, opt};
use super::environ::{EnvSource, EnvVar, ReceivedEnv};
use super::event::{Event, Side, Verb, Warning};
use super::qmethod::QState;
use super::session::Session;
use super::slc::{self, SlcReplies, SlcRole, SlcTable};
use super::wire::{self, CharsetMsg, EnvEntry, Lflow, LinemodeMsg};
use std::time::Instant;

/// How the client sends what the user types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum InputMode {
    /// The client edits a line locally and sends it whole (NVT default; also BSD "kludge line
    /// mode": a client that can do it, with the server WONT SGA).
    #[default]
    Line,
    /// The client sends each character as typed (the server WILL SUPPRESS-GO-AHEAD; with WILL
    /// ECHO the server echoes).
    Character,
    /// Real LINEMODE (RFC 1184): editing and signals follow the MODE bits and the SLC table.
    Linemode,
}

/// Whether a client can do kludge line mode, found with the BSD DO TIMING-MARK probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kludge {
    /// Not probed.
    #[default]
    Unknown,
    /// DO TIMING-MARK sent, no answer yet.
    Probing,
    /// The client answered WILL TIMING-MARK: it can do kludge line mode.
    Capable,
    /// The client answered WONT: character mode only.
    Incapable,
}

/// REMOTE-FLOW-CONTROL state as the last commands set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowState {
    /// Flow control (XON/XOFF) on.
    pub enabled: bool,
    /// Any character restarts output after XOFF.
    pub restart_any: bool,
}

// Answers a server waits for before the negotiation is settled.
const W_TSPEED: u16 = 1 << 0;
const W_XDISPLOC: u16 = 1 << 1;
const W_ENVIRON: u16 = 1 << 2;
const W_OLD_ENVIRON: u16 = 1 << 3;
const W_NAWS: u16 = 1 << 4;
const W_CHARSET: u16 = 1 << 5;
const W_TTYPE: u16 = 1 << 6;
const W_KLUDGE: u16 = 1 << 7;

/// Per-session option state.
#[derive(Debug)]
pub(super) struct Options {
    pub(super) ttypes: Vec<Vec<u8>>,
    ttype_sends: usize,
    pub(super) mtts: Option<u32>,
    pub(super) window: Option<(u16, u16)>,
    pub(super) speed: Option<(u32, u32)>,
    pub(super) xdisplay: Option<Vec<u8>>,
    pub(super) location: Option<Vec<u8>>,
    pub(super) env: ReceivedEnv,
    pub(super) charset: Option<Vec<u8>>,
    charset_requested: bool,
    pub(super) flow: FlowState,
    pub(super) linemode: u8,
    pub(super) forwardmask: Option<Vec<u8>>,
    pub(super) slc: SlcTable,
    /// Client: the next index into the configured terminal types.
    ttype_index: usize,
    /// Client: the window size to report.
    pub(super) window_local: (u16, u16),
    waiting: u16,
    tm_outstanding: u8,
    pub(super) kludge: Kludge,
    pub(super) input_mode: InputMode,
    started: bool,
    pub(super) settled: bool,
    /// Server: ECHO was withdrawn because the client edits in LINEMODE.
    echo_withdrawn: bool,
    deadline: Option<Instant>,
    /// For SLC simulation: byte -> SLC function (0 = none).
    slc_map: Option<Box<[u8; 256]>>,
}

impl Options {
    pub(super) fn new(config: &super::Config) -> Options {
        Options {
            ttypes: Vec::new(),
            ttype_sends: 0,
            mtts: None,
            window: None,
            speed: None,
            xdisplay: None,
            location: None,
            env: ReceivedEnv::default(),
            charset: None,
            charset_requested: false,
            flow: FlowState {
                enabled: true,
                restart_any: false,
            },
            linemode: 0,
            forwardmask: None,
            slc: match (&config.slc, config.role) {
                (Some(t), _) => t.clone(),
                (None, Role::Server) => SlcTable::server_defaults(0),
                (None, Role::Client) => SlcTable::client_defaults(0),
            },
            ttype_index: 0,
            window_local: config.window_size,
            waiting: 0,
            tm_outstanding: 0,
            kludge: Kludge::Unknown,
            input_mode: InputMode::Line,
            started: false,
            settled: false,
            echo_withdrawn: false,
            deadline: None,
            slc_map: None,
        }
    }

    pub(super) fn heap_size(&self) -> usize {
        let bytes = |v: &Option<Vec<u8>>| v.as_ref().map_or(0, Vec::capacity);
        self.ttypes.iter().map(|t| t.capacity()).sum::<usize>()
            + self.ttypes.capacity() * std::mem::size_of::<Vec<u8>>()
            + self.env.heap_size()
            + bytes(&self.xdisplay)
            + bytes(&self.location)
            + bytes(&self.charset)
            + bytes(&self.forwardmask)
            + self.slc_map.as_ref().map_or(0, |_| 256)
    }
}

fn malformed(option: u8) -> Event<'static> {
    Event::Warning(Warning::MalformedSubnegotiation { option })
}

fn not_enabled(option: u8) -> Event<'static> {
    Event::Warning(Warning::SubnegotiationNotEnabled { option })
}

impl Session {
    // ----- lifecycle -----

    /// Queues the opening plan (a request for every option the configuration lists) and starts
    /// the settle clock at `now`. If the plan is empty the negotiation is settled at once and
    /// [`Event::Settled`] goes to `handler`.
    pub fn start<H>(&mut self, now: Instant, mut handler: H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        if self.opts.started {
            return;
        }
        self.opts.started = true;
        self.opts.deadline = Some(now + self.config.settle_timeout);
        let config = std::sync::Arc::clone(&self.config);
        for &(option, side) in config.plan() {
            self.request(option, side, true);
        }
        if config.role == Role::Server
            && !config.charset_offer.is_empty()
            && !config.plan().iter().any(|&(o, _)| o == opt::CHARSET)
        {
            // Offering character sets implies asking for the option that carries the offer.
            self.request(opt::CHARSET, Side::Remote, true);
        }
        self.after_protocol(&mut handler);
    }

    /// When the session next needs [`on_timeout`](Session::on_timeout): the settle deadline while
    /// the opening negotiation is not settled, otherwise `None`.
    pub fn next_timeout(&self) -> Option<Instant> {
        if self.opts.settled {
            None
        } else {
            self.opts.deadline
        }
    }

    /// Handles timers that are due at `now`: past the settle deadline, the negotiation is
    /// reported settled ([`Event::Settled`] with `timed_out`).
    pub fn on_timeout<H>(&mut self, now: Instant, mut handler: H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        if self.opts.settled || self.opts.deadline.is_none_or(|d| now < d) {
            return;
        }
        self.opts.settled = true;
        handler(self, &Event::Settled { timed_out: true });
    }

    /// Whether the opening negotiation has started and is not settled yet.
    pub(super) fn settling(&self) -> bool {
        self.opts.started && !self.opts.settled
    }

    /// Whether the opening negotiation is settled.
    pub fn is_settled(&self) -> bool {
        self.opts.settled
    }

    /// Recomputes what follows from a protocol change: the input mode and the settled moment.
    pub(super) fn after_protocol<H>(&mut self, handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        let mode = self.compute_input_mode();
        if mode != self.opts.input_mode {
            self.opts.input_mode = mode;
            self.rebuild_slc_map();
            handler(self, &Event::InputMode(mode));
        }
        if self.opts.started && !self.opts.settled && !self.still_waiting() {
            self.opts.settled = true;
            handler(self, &Event::Settled { timed_out: false });
        }
    }

    fn still_waiting(&self) -> bool {
        if self.opts.waiting != 0 {
            return true;
        }
        // The plan, and the requests the session makes on its own (ENVIRON after NEW-ENVIRON was
        // refused, SGA off for kludge line mode). Only requests whose answer says how the peer
        // will talk hold the settle: a withdrawal (WantNo) is in effect at once, and a server
        // does not wait for answers to offers that change nothing at its end (STATUS, EOR,
        // CHARSET): telnetlib3's client never answers WILL STATUS nor acknowledges WONT ECHO.
        let followups = [(opt::OLD_ENVIRON, Side::Remote), (opt::SGA, Side::Local)];
        let server = self.config.role == Role::Server;
        self.config
            .plan()
            .iter()
            .chain(followups.iter())
            .any(|&(o, side)| {
                self.neg.state(o, side).state == QState::WantYes
                    && !(server
                        && side == Side::Local
                        && !matches!(o, opt::ECHO | opt::SGA | opt::BINARY))
            })
    }

    fn compute_input_mode(&self) -> InputMode {
        // The side that performs LINEMODE is the client; SGA that matters is the server's.
        let (client, server) = match self.config.role {
            Role::Server => (Side::Remote, Side::Local),
            Role::Client => (Side::Local, Side::Remote),
        };
        if self.neg.enabled(opt::LINEMODE, client) {
            InputMode::Linemode
        } else if self.neg.enabled(opt::SGA, server) {
            InputMode::Character
        } else {
            InputMode::Line
        }
    }

    /// How the client sends input, as negotiated.
    pub fn input_mode(&self) -> InputMode {
        self.opts.input_mode
    }

    /// What the DO TIMING-MARK probe found out about kludge line mode.
    pub fn kludge(&self) -> Kludge {
        self.opts.kludge
    }

    // ----- negotiation hooks -----

    /// TIMING-MARK (RFC 860) is not a state but a question: DO TM asks "tell me when you got
    /// here", answered WILL (or WONT) without changing any option state.
    pub(super) fn on_timing_mark<H>(&mut self, verb: Verb, handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        match verb {
            Verb::Do => {
                let reply = if self.allows(opt::TM, Side::Local) {
                    Verb::Will
                } else {
                    Verb::Wont
                };
                self.queue_verb(reply, opt::TM);
            }
            Verb::Will | Verb::Wont => {
                // Only an answer to our own DO counts; anything else is ignored, never answered.
                if self.opts.tm_outstanding == 0 {
                    return;
                }
                self.opts.tm_outstanding -= 1;
                let answered = verb == Verb::Will;
                if self.opts.kludge == Kludge::Probing {
                    self.opts.kludge = if answered {
                        Kludge::Capable
                    } else {
                        Kludge::Incapable
                    };
                    self.opts.waiting &= !W_KLUDGE;
                    if answered && self.config.role == Role::Server {
                        // BSD telnetd: a kludge-capable client starts in line mode, editing
                        // locally, until the program on the pty asks for characters.
                        self.request(opt::SGA, Side::Local, false);
                    }
                }
                handler(self, &Event::TimingMark { answered });
                self.after_protocol(handler);
            }
            Verb::Dont => {}
        }
    }

    /// Queues IAC DO TIMING-MARK; the answer arrives as [`Event::TimingMark`].
    pub fn send_timing_mark(&mut self) -> Result<(), super::Error> {
        self.check_control(3)?;
        self.queue_timing_mark();
        Ok(())
    }

    fn queue_timing_mark(&mut self) {
        self.queue_verb(Verb::Do, opt::TM);
        self.opts.tm_outstanding = self.opts.tm_outstanding.saturating_add(1);
    }

    /// Follow-ups when an option went in or out of effect.
    pub(super) fn on_option_changed(&mut self, option: u8, side: Side, enabled: bool) {
        if !enabled {
            match (option, side) {
                (opt::NAWS, Side::Remote) => self.opts.waiting &= !W_NAWS,
                (opt::LINEMODE, _) => {
                    self.opts.linemode = 0;
                    if std::mem::take(&mut self.opts.echo_withdrawn) {
                        self.request(opt::ECHO, Side::Local, true);
                    }
                }
                _ => {}
            }
            return;
        }
        match (option, side) {
            (opt::TTYPE, Side::Remote) => self.request_terminal_types_now(),
            (opt::TSPEED, Side::Remote) => self.ask(opt::TSPEED, W_TSPEED),
            (opt::XDISPLOC, Side::Remote) => self.ask(opt::XDISPLOC, W_XDISPLOC),
            (opt::NEW_ENVIRON, Side::Remote) => self.ask_environ(opt::NEW_ENVIRON, W_ENVIRON),
            (opt::OLD_ENVIRON, Side::Remote) => self.ask_environ(opt::OLD_ENVIRON, W_OLD_ENVIRON),
            (opt::NAWS, Side::Remote) if self.opts.window.is_none() => {
                self.opts.waiting |= W_NAWS;
            }
            (opt::NAWS, Side::Local) => self.queue_window_size(),
            (opt::SNDLOC, Side::Local) => {
                if let Some(loc) = self.config.location.clone() {
                    self.queue_subnegotiation(opt::SNDLOC, loc.as_bytes());
                }
            }
            (opt::LFLOW, Side::Remote) if self.config.role == Role::Server => {
                self.queue_subnegotiation(opt::LFLOW, &[Lflow::On as u8]);
                let restart = if self.config.lflow_restart_any {
                    Lflow::RestartAny
                } else {
                    Lflow::RestartXon
                };
                self.queue_subnegotiation(opt::LFLOW, &[restart as u8]);
            }
            (opt::LINEMODE, Side::Remote) if self.config.role == Role::Server => {
                // BSD telnetd reads its pty's characters into the current table before it looks
                // at the client's SLC export, so an export that matches needs no reply.
                let mut discard = SlcReplies::new();
                for f in 1..=self.opts.slc.nslc() {
                    if self.opts.slc.is_changeable(f) {
                        if let Some(d) = self.opts.slc.default_entry(f) {
                            self.opts.slc.local_changed(f, d.value, &mut discard);
                        }
                    }
                }
                let mode = self.config.linemode_mode & wire::MODE_MASK & !wire::MODE_ACK;
                self.opts.linemode = mode;
                self.queue_subnegotiation(opt::LINEMODE, &wire::linemode_mode_encode(mode));
                let echoing = matches!(
                    self.neg.state(opt::ECHO, Side::Local).state,
                    QState::Yes | QState::WantYes
                );
                if self.config.linemode_echo_off && mode & wire::MODE_EDIT != 0 && echoing {
                    self.request(opt::ECHO, Side::Local, false);
                    self.opts.echo_withdrawn = true;
                }
            }
            (opt::LINEMODE, Side::Local) if self.config.role == Role::Client => {
                let mut out = SlcReplies::new();
                self.opts.slc.export(&mut out);
                self.queue_slc(&out);
            }
            _ => {}
        }
        if option == opt::CHARSET {
            self.maybe_request_charset();
        }
    }

    /// A client that does NEW-ENVIRON (or has offered it) refuses the old ENVIRON, as BSD telnet
    /// does: a server asked for both (inetutils telnetd does) would otherwise wait for an
    /// ENVIRON IS that a client speaking NEW-ENVIRON never needs to send.
    pub(super) fn refuse_old_environ_beside_new(&mut self) {
        let new = self.neg.state(opt::NEW_ENVIRON, Side::Local).state;
        if matches!(new, QState::Yes | QState::WantYes)
            && !self.neg.enabled(opt::OLD_ENVIRON, Side::Local)
        {
            self.set_allowed(opt::OLD_ENVIRON, Side::Local, false);
        }
    }

    /// Follow-ups when the peer refused a request of ours.
    pub(super) fn on_option_refused(&mut self, option: u8, side: Side) {
        if self.config.role != Role::Server || side != Side::Remote {
            return;
        }
        match option {
            opt::LINEMODE if self.config.kludge_probe && self.opts.kludge == Kludge::Unknown => {
                self.opts.kludge = Kludge::Probing;
                self.opts.waiting |= W_KLUDGE;
                self.queue_timing_mark();
            }
            opt::NEW_ENVIRON if self.allows(opt::OLD_ENVIRON, Side::Remote) => {
                self.request(opt::OLD_ENVIRON, Side::Remote, true);
            }
            _ => {}
        }
    }

    fn ask(&mut self, option: u8, wait: u16) {
        self.queue_subnegotiation(option, &[wire::SEND]);
        self.opts.waiting |= wait;
    }

    fn ask_environ(&mut self, option: u8, wait: u16) {
        let entries: Vec<EnvEntry> = self
            .config
            .environ_request
            .iter()
            .map(|(kind, name)| EnvEntry {
                kind: *kind,
                name: name.as_bytes().to_vec(),
                value: None,
            })
            .collect();
        let payload = wire::env_list_encode(wire::SEND, &entries, wire::ENV_CODES);
        self.queue_subnegotiation(option, &payload);
        self.opts.waiting |= wait;
    }

    // ----- subnegotiations -----

    /// Dispatches a received subnegotiation to its option.
    pub(super) fn on_option_subnegotiation<H>(
        &mut self,
        option: u8,
        payload: &[u8],
        handler: &mut H,
    ) where
        H: FnMut(&mut Session, &Event<'_>),
    {
        match option {
            opt::NAWS => {
                if !self.agreed(option, Side::Remote, handler) {
                    return handler(self, &not_enabled(option));
                }
                match wire::naws_decode(payload) {
                    Ok((width, height)) => {
                        self.opts.window = Some((width, height));
                        self.opts.waiting &= !W_NAWS;
                        handler(self, &Event::WindowSize { width, height });
                    }
                    Err(_) => handler(self, &malformed(option)),
                }
            }
            opt::TTYPE | opt::TSPEED | opt::XDISPLOC => {
                if wire::is_send(payload) {
                    if !self.agreed(option, Side::Local, handler) {
                        return handler(self, &not_enabled(option));
                    }
                    self.answer_send(option);
                } else if !self.agreed(option, Side::Remote, handler) {
                    handler(self, &not_enabled(option));
                } else {
                    self.on_is_text(option, payload, handler);
                }
            }
            opt::SNDLOC => {
                if !self.agreed(option, Side::Remote, handler) {
                    return handler(self, &not_enabled(option));
                }
                if payload.len() > wire::MAX_TEXT || payload.iter().any(|&b| b < 0x20 || b == 0x7f)
                {
                    return handler(self, &malformed(option));
                }
                self.opts.location = Some(payload.to_vec());
                handler(self, &Event::Location { location: payload });
            }
            opt::NEW_ENVIRON | opt::OLD_ENVIRON => self.on_environ(option, payload, handler),
            opt::CHARSET => {
                if !self.agreed(option, Side::Remote, handler)
                    && !self.agreed(option, Side::Local, handler)
                {
                    return handler(self, &not_enabled(option));
                }
                self.on_charset(payload, handler);
            }
            opt::LFLOW => {
                if !self.agreed(option, Side::Local, handler) {
                    return handler(self, &not_enabled(option));
                }
                match wire::lflow_decode(payload) {
                    Ok(cmd) => {
                        match cmd {
                            Lflow::Off => self.opts.flow.enabled = false,
                            Lflow::On => self.opts.flow.enabled = true,
                            Lflow::RestartAny => self.opts.flow.restart_any = true,
                            Lflow::RestartXon => self.opts.flow.restart_any = false,
                        }
                        handler(self, &Event::FlowControl(cmd));
                    }
                    Err(_) => handler(self, &malformed(option)),
                }
            }
            opt::STATUS => self.on_status(payload, handler),
            opt::LINEMODE => self.on_linemode(payload, handler),
            _ => {
                if !self.agreed(option, Side::Remote, handler)
                    && !self.agreed(option, Side::Local, handler)
                {
                    return handler(self, &not_enabled(option));
                }
                handler(self, &Event::Subnegotiation { option, payload });
            }
        }
    }

    /// Whether `side` of `option` is in effect for a subnegotiation that needs it. A peer that
    /// answers our request with the subnegotiation itself instead of the verb (telnetlib3 answers
    /// WILL TSPEED, XDISPLOC, LFLOW, STATUS and NEW-ENVIRON with SEND, never DO) is taken to have
    /// agreed: the session settles the request as if the verb had come. Refusing instead would
    /// leave both ends waiting. Anything not requested still needs the verb first (RFC 855).
    fn agreed<H>(&mut self, option: u8, side: Side, handler: &mut H) -> bool
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        if self.neg.enabled(option, side) {
            return true;
        }
        let st = self.neg.state(option, side);
        if !self.config.implicit_agreement || st.state != QState::WantYes || st.opposite_queued {
            return false;
        }
        let verb = match side {
            Side::Local => Verb::Do,
            Side::Remote => Verb::Will,
        };
        self.on_negotiate(verb, option, handler);
        self.neg.enabled(option, side)
    }

    /// Answers SEND for an option this end performs (client side of TTYPE, TSPEED, XDISPLOC).
    fn answer_send(&mut self, option: u8) {
        let payload = match option {
            opt::TTYPE => {
                let types = &self.config.terminal_types;
                let name = match types.len() {
                    0 => "UNKNOWN".to_string(),
                    n => types[self.opts.ttype_index.min(n - 1)].clone(),
                };
                self.opts.ttype_index = self.opts.ttype_index.saturating_add(1);
                let clean: Vec<u8> = name
                    .bytes()
                    .filter(|b| (0x20..0x7f).contains(b))
                    .take(wire::MAX_TERMINAL_TYPE)
                    .collect();
                wire::is_text_encode(&clean)
            }
            opt::TSPEED => {
                let (tx, rx) = self.config.terminal_speed;
                wire::tspeed_encode(tx, rx)
            }
            _ => {
                let display = self.config.x_display.clone().unwrap_or_default();
                wire::is_text_encode(display.as_bytes())
            }
        };
        self.queue_subnegotiation(option, &payload);
    }

    fn on_is_text<H>(&mut self, option: u8, payload: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        match option {
            opt::TTYPE => match wire::is_text_decode(payload, wire::MAX_TERMINAL_TYPE) {
                Ok(name) => self.on_terminal_type(name, handler),
                Err(_) => {
                    // A malformed answer ends the cycle: asking again would not help.
                    self.opts.waiting &= !W_TTYPE;
                    handler(self, &malformed(option));
                }
            },
            opt::TSPEED => {
                self.opts.waiting &= !W_TSPEED;
                match wire::tspeed_decode(payload) {
                    Ok((transmit, receive)) => {
                        self.opts.speed = Some((transmit, receive));
                        handler(self, &Event::TerminalSpeed { transmit, receive });
                    }
                    Err(_) => handler(self, &malformed(option)),
                }
            }
            _ => {
                self.opts.waiting &= !W_XDISPLOC;
                match wire::is_text_decode(payload, wire::MAX_TEXT) {
                    Ok(display) => {
                        self.opts.xdisplay = Some(display.to_vec());
                        handler(self, &Event::XDisplay { display });
                    }
                    Err(_) => handler(self, &malformed(option)),
                }
            }
        }
    }

    /// Starts (or restarts) a TERMINAL-TYPE cycle: SEND, then SEND again after each answer until
    /// a repeat, a loop back to the first, an empty answer, MTTS, or the cap.
    pub fn request_terminal_type(&mut self) -> Result<(), super::Error> {
        if !self.neg.enabled(opt::TTYPE, Side::Remote) {
            return Err(super::Error::NotEnabled(opt::TTYPE));
        }
        self.check_control(6)?;
        self.request_terminal_types_now();
        Ok(())
    }

    fn request_terminal_types_now(&mut self) {
        self.opts.ttypes.clear();
        self.opts.mtts = None;
        self.opts.ttype_sends = 1;
        self.opts.waiting |= W_TTYPE;
        self.queue_subnegotiation(opt::TTYPE, &[wire::SEND]);
    }

    fn on_terminal_type<H>(&mut self, name: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        handler(self, &Event::TerminalType { name });
        if self.opts.waiting & W_TTYPE == 0 {
            // Unsolicited: keep it if we know nothing better.
            if self.opts.ttypes.is_empty() && !name.is_empty() {
                self.opts.ttypes.push(name.to_vec());
            }
            return;
        }
        let list = &self.opts.ttypes;
        let n = list.len() + 1;
        let repeat = list.last().is_some_and(|l| l.eq_ignore_ascii_case(name));
        let looped = list.first().is_some_and(|f| f.eq_ignore_ascii_case(name));
        let mtts = if n == 3 { parse_mtts(name) } else { None };
        let done = name.is_empty()
            || repeat
            || looped
            || mtts.is_some()
            || self.opts.ttype_sends >= self.config.ttype_max;
        if !name.is_empty() && !repeat && !looped {
            self.opts.ttypes.push(name.to_vec());
        }
        if let Some(m) = mtts {
            self.opts.mtts = Some(m);
        }
        if done {
            self.opts.waiting &= !W_TTYPE;
        } else {
            self.opts.ttype_sends += 1;
            self.queue_subnegotiation(opt::TTYPE, &[wire::SEND]);
        }
    }

    fn on_environ<H>(&mut self, option: u8, payload: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        let old = option == opt::OLD_ENVIRON;
        let Some((&qualifier, list)) = payload.split_first() else {
            return handler(self, &malformed(option));
        };
        if qualifier == wire::SEND {
            if !self.agreed(option, Side::Local, handler) {
                return handler(self, &not_enabled(option));
            }
            return match wire::env_list_decode(list, wire::ENV_CODES, 256, 256) {
                Ok(wanted) => self.answer_environ(option, &wanted),
                Err(_) => handler(self, &malformed(option)),
            };
        }
        if qualifier != wire::IS && qualifier != wire::INFO {
            return handler(self, &malformed(option));
        }
        if !self.agreed(option, Side::Remote, handler) {
            return handler(self, &not_enabled(option));
        }
        if qualifier == wire::IS {
            self.opts.waiting &= !(if old { W_OLD_ENVIRON } else { W_ENVIRON });
        }
        let codes = if old {
            wire::old_environ_codes(list)
        } else {
            wire::ENV_CODES
        };
        let entries = match wire::env_list_decode(
            list,
            codes,
            super::environ::MAX_VARS,
            super::environ::MAX_VALUE,
        ) {
            Ok(e) => e,
            Err(_) => return handler(self, &malformed(option)),
        };
        for e in &entries {
            self.opts.env.record(EnvVar {
                kind: e.kind,
                name: e.name.clone(),
                value: e.value.clone(),
                source: if old {
                    EnvSource::OldEnviron
                } else {
                    EnvSource::NewEnviron
                },
            });
            handler(
                self,
                &Event::Environ {
                    kind: e.kind,
                    name: &e.name,
                    value: e.value.as_deref(),
                    info: qualifier == wire::INFO,
                    old,
                },
            );
        }
    }

    /// Answers SEND from the export list only: a name the server asks for that is not exported is
    /// left out, so nothing else is ever disclosed (CVE-2005-0488). An empty list or a bare type
    /// asks for every exported variable (of that type).
    fn answer_environ(&mut self, option: u8, wanted: &[EnvEntry]) {
        let export = &self.config.environ_export;
        let mut reply: Vec<EnvEntry> = Vec::new();
        for (kind, name, value) in export {
            let asked = wanted.is_empty()
                || wanted
                    .iter()
                    .any(|w| w.kind == *kind && (w.name.is_empty() || w.name == name.as_bytes()));
            if asked {
                reply.push(EnvEntry {
                    kind: *kind,
                    name: name.as_bytes().to_vec(),
                    value: Some(value.as_bytes().to_vec()),
                });
            }
        }
        let payload = wire::env_list_encode(wire::IS, &reply, wire::ENV_CODES);
        self.queue_subnegotiation(option, &payload);
    }

    /// The terminal types the peer reported, in order (a server's TTYPE cycle).
    pub fn terminal_types(&self) -> &[Vec<u8>] {
        &self.opts.ttypes
    }

    /// The terminal type to use: the second answer when the third was "MTTS n" (MUD clients send
    /// their own name first), otherwise the first.
    pub fn terminal_type(&self) -> Option<&[u8]> {
        let t = &self.opts.ttypes;
        if self.opts.mtts.is_some() && t.len() >= 2 {
            Some(&t[1])
        } else {
            t.first().map(Vec::as_slice)
        }
    }

    /// The MTTS capability bits, when the client's third terminal type was "MTTS n".
    pub fn mtts(&self) -> Option<u32> {
        self.opts.mtts
    }

    /// The peer's window size, once it sent NAWS.
    pub fn window_size(&self) -> Option<(u16, u16)> {
        self.opts.window
    }

    /// The peer's terminal speeds (transmit, receive), once it sent them.
    pub fn terminal_speed(&self) -> Option<(u32, u32)> {
        self.opts.speed
    }

    /// The peer's X display, once it sent it.
    pub fn x_display(&self) -> Option<&[u8]> {
        self.opts.xdisplay.as_deref()
    }

    /// The peer's location (SEND-LOCATION), once it sent it.
    pub fn location(&self) -> Option<&[u8]> {
        self.opts.location.as_deref()
    }

    /// Every environment variable the peer sent (untrusted bytes).
    pub fn environ(&self) -> &ReceivedEnv {
        &self.opts.env
    }

    /// The user name the peer sent, if it is safe to pass to a login program after `--` (see
    /// [`ReceivedEnv::user`]).
    pub fn user(&self) -> Option<&str> {
        self.opts.env.user()
    }

    /// The received variables that `allowlist` admits, with sane names and values (see
    /// [`ReceivedEnv::allowed`]); pass [`super::environ::DEFAULT_ALLOWLIST`] for the default.
    pub fn child_environment(&self, allowlist: &[&str]) -> Vec<(String, String)> {
        self.opts.env.allowed(allowlist)
    }

    /// Client: changes the window size and, if NAWS is on, reports it.
    pub fn set_window_size(&mut self, width: u16, height: u16) -> Result<(), super::Error> {
        self.opts.window_local = (width, height);
        if self.neg.enabled(opt::NAWS, Side::Local) {
            self.check_control(16)?;
            self.queue_window_size();
        }
        Ok(())
    }

    fn queue_window_size(&mut self) {
        let (w, h) = self.opts.window_local;
        self.queue_subnegotiation(opt::NAWS, &wire::naws_encode(w, h));
    }

    // ----- CHARSET -----

    fn maybe_request_charset(&mut self) {
        if self.config.role != Role::Server
            || self.opts.charset_requested
            || self.config.charset_offer.is_empty()
        {
            return;
        }
        let offer = self.config.charset_offer.clone();
        self.queue_charset_request(&offer);
    }

    fn queue_charset_request(&mut self, names: &[String]) {
        let names: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        self.opts.charset_requested = true;
        self.opts.waiting |= W_CHARSET;
        self.queue_subnegotiation(opt::CHARSET, &wire::charset_request_encode(&names, b';'));
    }

    /// Offers character sets (RFC 2066 REQUEST), for example to change the encoding in the middle
    /// of a session. The answer arrives as [`Event::Charset`] or [`Event::CharsetRejected`].
    pub fn request_charset(&mut self, names: &[&str]) -> Result<(), super::Error> {
        if !self.neg.enabled(opt::CHARSET, Side::Local)
            && !self.neg.enabled(opt::CHARSET, Side::Remote)
        {
            return Err(super::Error::NotEnabled(opt::CHARSET));
        }
        if names.is_empty() || names.iter().any(|n| n.is_empty() || n.contains(';')) {
            return Err(super::Error::InvalidArgument);
        }
        self.check_control(names.iter().map(|n| n.len() + 1).sum::<usize>() + 8)?;
        let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        self.queue_charset_request(&owned);
        Ok(())
    }

    fn on_charset<H>(&mut self, payload: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        match wire::charset_decode(payload) {
            Ok(CharsetMsg::Request(offers)) => {
                if self.config.role == Role::Server && self.opts.waiting & W_CHARSET != 0 {
                    // Both asked at once: the server's request stands (RFC 2066 section 3).
                    self.queue_subnegotiation(opt::CHARSET, &[wire::CHARSET_REJECTED]);
                    return;
                }
                match choose_charset(&self.config.charset_accept, &offers) {
                    Some(name) => {
                        let mut reply = vec![wire::CHARSET_ACCEPTED];
                        reply.extend_from_slice(name);
                        self.queue_subnegotiation(opt::CHARSET, &reply);
                        self.opts.charset = Some(name.to_vec());
                        handler(self, &Event::Charset { name });
                    }
                    None => self.queue_subnegotiation(opt::CHARSET, &[wire::CHARSET_REJECTED]),
                }
            }
            Ok(CharsetMsg::Accepted(name)) => {
                if self.opts.waiting & W_CHARSET == 0 {
                    return handler(self, &malformed(opt::CHARSET));
                }
                self.opts.waiting &= !W_CHARSET;
                self.opts.charset = Some(name.to_vec());
                handler(self, &Event::Charset { name });
            }
            Ok(CharsetMsg::Rejected) => {
                self.opts.waiting &= !W_CHARSET;
                handler(self, &Event::CharsetRejected);
            }
            Ok(CharsetMsg::Ttable(code)) => {
                // Translation tables are not supported: refuse one, ignore the rest.
                if code == wire::CHARSET_TTABLE_IS {
                    self.queue_subnegotiation(opt::CHARSET, &[wire::CHARSET_TTABLE_REJECTED]);
                }
            }
            Err(_) => handler(self, &malformed(opt::CHARSET)),
        }
    }

    /// The character set both ends agreed on (CHARSET), if any.
    pub fn charset(&self) -> Option<&[u8]> {
        self.opts.charset.as_deref()
    }

    /// The encoding of data in one direction: when that direction is BINARY, the agreed
    /// character set or else the configured default; otherwise "US-ASCII" (NVT).
    /// `Side::Local` is what we send, `Side::Remote` what we receive.
    pub fn encoding(&self, direction: Side) -> &str {
        if !self.neg.enabled(opt::BINARY, direction) {
            return "US-ASCII";
        }
        match self.opts.charset.as_deref().map(std::str::from_utf8) {
            Some(Ok(name)) => name,
            _ => &self.config.default_encoding,
        }
    }

    // ----- REMOTE-FLOW-CONTROL -----

    /// Server: sends a REMOTE-FLOW-CONTROL command to a client that agreed to LFLOW.
    pub fn send_lflow(&mut self, command: Lflow) -> Result<(), super::Error> {
        if !self.neg.enabled(opt::LFLOW, Side::Remote) {
            return Err(super::Error::NotEnabled(opt::LFLOW));
        }
        self.check_control(6)?;
        self.queue_subnegotiation(opt::LFLOW, &[command as u8]);
        Ok(())
    }

    /// Client: the flow control the server asked for.
    pub fn flow_control(&self) -> FlowState {
        self.opts.flow
    }

    // ----- STATUS -----

    fn on_status<H>(&mut self, payload: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        match payload.split_first() {
            Some((&wire::SEND, [])) => {
                if !self.agreed(opt::STATUS, Side::Local, handler) {
                    return handler(self, &not_enabled(opt::STATUS));
                }
                let report = wire::status_encode(
                    (0..=255u8).filter(|&o| o != opt::STATUS && self.neg.enabled(o, Side::Local)),
                    (0..=255u8).filter(|&o| o != opt::STATUS && self.neg.enabled(o, Side::Remote)),
                );
                self.queue_subnegotiation(opt::STATUS, &report);
            }
            Some((&wire::IS, list)) => {
                if !self.agreed(opt::STATUS, Side::Remote, handler) {
                    return handler(self, &not_enabled(opt::STATUS));
                }
                match wire::status_decode(list) {
                    Ok(items) => handler(self, &Event::Status { items: &items }),
                    Err(_) => handler(self, &malformed(opt::STATUS)),
                }
            }
            _ => handler(self, &malformed(opt::STATUS)),
        }
    }

    /// Asks the peer for its view of the options (STATUS SEND); the answer arrives as
    /// [`Event::Status`].
    pub fn request_status(&mut self) -> Result<(), super::Error> {
        if !self.neg.enabled(opt::STATUS, Side::Remote) {
            return Err(super::Error::NotEnabled(opt::STATUS));
        }
        self.check_control(6)?;
        self.queue_subnegotiation(opt::STATUS, &[wire::SEND]);
        Ok(())
    }

    // ----- LINEMODE -----

    fn on_linemode<H>(&mut self, payload: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        let role = self.config.role;
        let client_side = match role {
            Role::Server => Side::Remote,
            Role::Client => Side::Local,
        };
        if !self.agreed(opt::LINEMODE, client_side, handler) {
            return handler(self, &not_enabled(opt::LINEMODE));
        }
        let msg = match wire::linemode_decode(payload) {
            Ok(m) => m,
            Err(_) => return handler(self, &malformed(opt::LINEMODE)),
        };
        match (role, msg) {
            (Role::Server, LinemodeMsg::Mode(m)) => {
                // RFC 1184 2.2 as BSD telnetd reads it: the echo of our own MODE is absorbed; a
                // client request is adopted and acknowledged; an ACK is never answered.
                let m = m & wire::MODE_MASK;
                let ack = m & wire::MODE_ACK != 0;
                let m = m & !wire::MODE_ACK;
                if m == self.opts.linemode {
                    return;
                }
                self.opts.linemode = m;
                if !ack {
                    self.queue_subnegotiation(
                        opt::LINEMODE,
                        &wire::linemode_mode_encode(m | wire::MODE_ACK),
                    );
                }
                handler(self, &Event::LinemodeMode { mode: m });
            }
            (Role::Client, LinemodeMsg::Mode(m)) => {
                // BSD telnet: ignore an ACK and a MODE equal to ours; adopt and acknowledge others.
                if m & wire::MODE_ACK != 0 {
                    return;
                }
                let m = m & wire::MODE_MASK;
                if m == self.opts.linemode {
                    return;
                }
                self.opts.linemode = m;
                self.queue_subnegotiation(
                    opt::LINEMODE,
                    &wire::linemode_mode_encode(m | wire::MODE_ACK),
                );
                handler(self, &Event::LinemodeMode { mode: m });
            }
            (_, LinemodeMsg::Slc(triplets)) => {
                let slc_role = match role {
                    Role::Server => SlcRole::Server,
                    Role::Client => SlcRole::Client,
                };
                let mut out = SlcReplies::new();
                let mut changes: Vec<(u8, slc::SlcEntry)> = Vec::new();
                self.opts
                    .slc
                    .process(slc_role, triplets, &mut out, &mut |f, e| {
                        changes.push((f, e))
                    });
                self.queue_slc(&out);
                if !changes.is_empty() {
                    self.rebuild_slc_map();
                }
                for (function, e) in changes {
                    handler(
                        self,
                        &Event::Slc {
                            function,
                            flags: e.flags,
                            value: e.value,
                        },
                    );
                }
            }
            (Role::Client, LinemodeMsg::DoForwardMask(mask)) => {
                if self.config.forwardmask_accept {
                    self.opts.forwardmask = Some(mask.to_vec());
                    self.queue_subnegotiation(
                        opt::LINEMODE,
                        &wire::linemode_forwardmask_encode(WILL, &[]),
                    );
                    handler(self, &Event::ForwardMask { mask, active: true });
                } else {
                    self.queue_subnegotiation(
                        opt::LINEMODE,
                        &wire::linemode_forwardmask_encode(WONT, &[]),
                    );
                }
            }
            (Role::Client, LinemodeMsg::DontForwardMask) if self.opts.forwardmask.is_some() => {
                self.opts.forwardmask = None;
                handler(
                    self,
                    &Event::ForwardMask {
                        mask: &[],
                        active: false,
                    },
                );
            }
            (Role::Client, LinemodeMsg::OtherVerb { verb, what }) => {
                // BSD telnet refuses whatever else is asked inside LINEMODE.
                let reply = match verb {
                    DO => Some(WONT),
                    WILL => Some(DONT),
                    _ => None,
                };
                if let Some(r) = reply {
                    self.queue_subnegotiation(opt::LINEMODE, &[r, what]);
                }
            }
            (Role::Server, LinemodeMsg::WillForwardMask) => {
                let mask = self.opts.forwardmask.clone().unwrap_or_default();
                handler(
                    self,
                    &Event::ForwardMask {
                        mask: &mask,
                        active: true,
                    },
                );
            }
            (Role::Server, LinemodeMsg::WontForwardMask) => {
                self.opts.forwardmask = None;
                handler(
                    self,
                    &Event::ForwardMask {
                        mask: &[],
                        active: false,
                    },
                );
            }
            // Requests in the wrong direction are ignored, as BSD does.
            _ => {}
        }
    }

    fn queue_slc(&mut self, out: &SlcReplies) {
        let payload = out.payload();
        if !payload.is_empty() {
            self.queue_subnegotiation(opt::LINEMODE, &payload);
        }
    }

    /// The LINEMODE MODE in effect (`wire::MODE_*` bits); 0 outside LINEMODE.
    pub fn linemode(&self) -> u8 {
        self.opts.linemode
    }

    /// Changes the LINEMODE MODE. A server proposes it (the client acknowledges); a client asks
    /// for it (the server answers with what it adopts).
    pub fn set_linemode(&mut self, mode: u8) -> Result<(), super::Error> {
        let client_side = match self.config.role {
            Role::Server => Side::Remote,
            Role::Client => Side::Local,
        };
        if !self.neg.enabled(opt::LINEMODE, client_side) {
            return Err(super::Error::NotEnabled(opt::LINEMODE));
        }
        let mode = mode & wire::MODE_MASK & !wire::MODE_ACK;
        self.check_control(8)?;
        if self.config.role == Role::Server {
            self.opts.linemode = mode;
        }
        self.queue_subnegotiation(opt::LINEMODE, &wire::linemode_mode_encode(mode));
        Ok(())
    }

    /// Server: asks the client to forward input early on the characters set in `mask` (at most
    /// 32 bytes, bit `0x80 >> (c % 8)` of byte `c / 8` for character `c`).
    pub fn send_forwardmask(&mut self, mask: &[u8]) -> Result<(), super::Error> {
        if self.config.role != Role::Server || !self.neg.enabled(opt::LINEMODE, Side::Remote) {
            return Err(super::Error::NotEnabled(opt::LINEMODE));
        }
        if mask.len() > 32 {
            return Err(super::Error::InvalidArgument);
        }
        self.check_control(80)?;
        self.opts.forwardmask = Some(mask.to_vec());
        self.queue_subnegotiation(opt::LINEMODE, &wire::linemode_forwardmask_encode(DO, mask));
        Ok(())
    }

    /// Server: line editing on (true) or off, as the program on the terminal wants it: in real
    /// LINEMODE by the MODE EDIT bit, in kludge line mode by WONT/WILL SUPPRESS-GO-AHEAD.
    pub fn set_line_editing(&mut self, on: bool) -> Result<(), super::Error> {
        if self.neg.enabled(opt::LINEMODE, Side::Remote) {
            let mode = if on {
                self.opts.linemode | wire::MODE_EDIT
            } else {
                self.opts.linemode & !wire::MODE_EDIT
            };
            if mode != self.opts.linemode {
                self.set_linemode(mode)?;
            }
            return Ok(());
        }
        if self.opts.kludge == Kludge::Capable {
            self.negotiate(opt::SGA, Side::Local, !on)?;
        }
        Ok(())
    }

    /// The SLC table as negotiated so far.
    pub fn slc_table(&self) -> &SlcTable {
        &self.opts.slc
    }

    /// Our terminal's character for an SLC function changed (the program on a pty ran `stty`,
    /// say): updates the table and, in LINEMODE, tells the peer.
    pub fn set_slc(&mut self, function: u8, value: u8) -> Result<(), super::Error> {
        self.check_control(16)?;
        let mut out = SlcReplies::new();
        self.opts.slc.local_changed(function, value, &mut out);
        let client_side = match self.config.role {
            Role::Server => Side::Remote,
            Role::Client => Side::Local,
        };
        if self.neg.enabled(opt::LINEMODE, client_side) {
            self.queue_slc(&out);
        }
        self.rebuild_slc_map();
        Ok(())
    }

    // ----- prompts -----

    /// Marks the end of a prompt: IAC EOR when END-OF-RECORD is on for our output, else IAC GA
    /// unless the peer asked us to suppress go-ahead. Returns whether anything was sent.
    pub fn mark_prompt(&mut self) -> Result<bool, super::Error> {
        let cmd = if self.neg.enabled(opt::EOR, Side::Local) {
            super::Command::Eor
        } else if !self.neg.enabled(opt::SGA, Side::Local) {
            super::Command::Ga
        } else {
            return Ok(false);
        };
        self.send_command(cmd)?;
        Ok(true)
    }

    // ----- SLC simulation -----

    fn rebuild_slc_map(&mut self) {
        let active = self.config.slc_simulation
            && match self.opts.input_mode {
                InputMode::Linemode => self.opts.linemode & wire::MODE_TRAPSIG == 0,
                _ => true,
            };
        if !active {
            self.opts.slc_map = None;
            return;
        }
        let mut map = Box::new([0u8; 256]);
        for &f in SIMULATED {
            // The negotiated character when there is one, else our terminal's own.
            let entry = self
                .opts
                .slc
                .entry(f)
                .filter(|e| e.flags & slc::LEVEL_MASK != slc::NOSUPPORT)
                .or_else(|| self.opts.slc.default_entry(f));
            if let Some(e) = entry {
                if e.flags & slc::LEVEL_MASK != slc::NOSUPPORT && e.value != 0 && e.value != 0xff {
                    map[e.value as usize] = f;
                }
            }
        }
        // DEL and BS both erase a character, whatever the table says.
        for b in [0x7f, 0x08] {
            if map[b] == 0 {
                map[b] = slc::func::EC;
            }
        }
        self.opts.slc_map = Some(map);
    }

    /// Delivers a data run, reporting bytes that stand for SLC functions when simulation is on.
    pub(super) fn deliver_data<H>(&mut self, data: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        let Some(map) = self.opts.slc_map.as_deref().copied() else {
            return handler(self, &Event::Data(data));
        };
        let mut start = 0;
        for (i, &b) in data.iter().enumerate() {
            let function = map[b as usize];
            if function != 0 {
                if start < i {
                    handler(self, &Event::Data(&data[start..i]));
                }
                handler(self, &Event::SlcFunction { function, byte: b });
                start = i + 1;
            }
        }
        if start < data.len() {
            handler(self, &Event::Data(&data[start..]));
        }
    }
}

/// The SLC functions whose characters SLC simulation reports.
const SIMULATED: &[u8] = &[
    slc::func::IP,
    slc::func::AO,
    slc::func::AYT,
    slc::func::ABORT,
    slc::func::EOF,
    slc::func::SUSP,
    slc::func::EC,
    slc::func::EL,
    slc::func::EW,
    slc::func::RP,
    slc::func::LNEXT,
];

/// "MTTS 137": the MUD Terminal Type Standard bit flags.
fn parse_mtts(name: &[u8]) -> Option<u32> {
    let rest = name.strip_prefix(b"MTTS ")?;
    if rest.is_empty() || rest.len() > 10 || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(rest).ok()?.parse().ok()
}

/// The first name in our preference order that the peer offered, as the peer spelled it.
fn choose_charset<'a>(accept: &[String], offers: &[&'a [u8]]) -> Option<&'a [u8]> {
    accept.iter().find_map(|want| {
        offers
            .iter()
            .find(|o| same_charset(want.as_bytes(), o))
            .copied()
    })
}

/// Whether two character set names mean the same set: equal ignoring case, or aliases of one
/// set this library knows (UTF-8 and utf8, ISO-8859-1 and LATIN1, IBM437 and CP437, ...).
fn same_charset(a: &[u8], b: &[u8]) -> bool {
    use crate::text::Charset;
    a.eq_ignore_ascii_case(b)
        || matches!((Charset::from_name(a), Charset::from_name(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mtts() {
        assert_eq!(parse_mtts(b"MTTS 137"), Some(137));
        assert_eq!(parse_mtts(b"MTTS x"), None);
        assert_eq!(parse_mtts(b"XTERM"), None);
    }

    #[test]
    fn charset_choice_follows_our_preference() {
        let accept = vec!["UTF-8".to_string(), "ISO-8859-1".to_string()];
        assert_eq!(
            choose_charset(&accept, &[b"LATIN1", b"utf-8"]),
            Some(&b"utf-8"[..])
        );
        assert_eq!(choose_charset(&accept, &[b"KOI8-R"]), None);
    }
}
