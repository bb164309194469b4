//! A Telnet session: the parser, the option table and the output queue behind one API.

use super::config::{Config, EolMode, Role, side_bit};
use super::consts::{DM, IAC, SB, SE, opt};
use super::error::Error;
use super::escape::{escape_iac, escape_nvt};
use super::event::{Command, Event, Side, Verb};
use super::options::Options;
use super::output::{Chunk, FrameKind, OutputQueue};
use super::parser::{Parser, Sink, Token};
use super::qmethod::{Negotiation, OptionState};
use std::sync::Arc;

/// One Telnet connection, without any I/O.
///
/// Bytes from the peer go in through [`feed`](Session::feed), which reports what they mean to a
/// handler. Everything to send (the application's data, commands, negotiation, and the session's
/// own replies) goes into an output queue that the caller drains with
/// [`peek_output`](Session::peek_output) and [`consume_output`](Session::consume_output), so a
/// partial write loses nothing.
///
/// A session is `Send` but not `Sync`: one thread at a time.
#[derive(Debug)]
pub struct Session {
    pub(super) config: Arc<Config>,
    parser: Parser,
    pub(super) neg: Negotiation,
    out: OutputQueue,
    pub(super) opts: Options,
    input_eol: EolMode,
    output_eol: EolMode,
    max_sb: usize,
    output_limit: usize,
    /// Discarding data until a DM: the peer sent a Synch (RFC 854).
    synch: bool,
    in_feed: bool,
}

impl Session {
    /// A new session. Nothing is queued until [`start`](Session::start).
    pub fn new(config: Arc<Config>) -> Session {
        let mut neg = Negotiation::default();
        for (option, &bits) in config.policy_table().iter().enumerate() {
            neg.set_policy(option as u8, bits);
        }
        // A client has nothing to say for these without a value to report (BSD telnet offers
        // XDISPLOC only when DISPLAY is set).
        if config.role == Role::Client {
            for (o, value) in [
                (opt::XDISPLOC, config.x_display.is_some()),
                (opt::SNDLOC, config.location.is_some()),
            ] {
                if !value {
                    neg.set_policy(o, neg.policy(o) & !side_bit(Side::Local));
                }
            }
        }
        Session {
            parser: Parser::new(),
            neg,
            out: OutputQueue::new(),
            opts: Options::new(&config),
            input_eol: config.input_eol,
            output_eol: config.output_eol,
            max_sb: config.max_subnegotiation,
            output_limit: config.output_limit,
            synch: false,
            in_feed: false,
            config,
        }
    }

    /// The configuration the session was made from.
    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Which end this session is.
    pub fn role(&self) -> Role {
        self.config.role
    }

    /// Parses bytes received from the peer and reports what they mean to `handler`.
    ///
    /// The handler gets the session itself and may send, negotiate and clear output from inside;
    /// it may not call `feed` again ([`Error::Reentrant`]). Events borrow `input` and live only for
    /// the call. Replies the protocol requires (to negotiation, for instance) are queued as the
    /// input is parsed.
    ///
    /// Returns how many bytes were consumed. That is all of them unless the output queue grew far
    /// past its limit (a peer that floods negotiation and never reads): then parsing stops early so
    /// memory stays bounded, and the caller should drain output and feed the rest again.
    pub fn feed<H>(&mut self, input: &[u8], mut handler: H) -> Result<usize, Error>
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        if self.in_feed {
            return Err(Error::Reentrant);
        }
        self.in_feed = true;
        let mut parser = std::mem::take(&mut self.parser);
        let consumed = parser.feed(
            input,
            &mut Dispatch {
                session: self,
                handler: &mut handler,
            },
        );
        self.parser = parser;
        self.in_feed = false;
        Ok(consumed)
    }

    /// Tells the session that the peer sent urgent data (the socket reported an exception, or
    /// `sockatmark` said the read position is at or before the mark). Data is discarded, commands
    /// still processed, until the DM that ends the Synch (RFC 854).
    pub fn input_urgent(&mut self) {
        self.synch = true;
    }

    /// Whether input data is being discarded until a DM.
    pub fn in_synch(&self) -> bool {
        self.synch
    }

    /// End-of-line handling of received data.
    pub fn input_eol(&self) -> EolMode {
        self.input_eol
    }

    /// Changes end-of-line handling of received data, from the next byte on.
    pub fn set_input_eol(&mut self, mode: EolMode) {
        self.input_eol = mode;
    }

    /// End-of-line handling of sent data.
    pub fn output_eol(&self) -> EolMode {
        self.output_eol
    }

    /// Changes end-of-line handling of sent data.
    pub fn set_output_eol(&mut self, mode: EolMode) {
        self.output_eol = mode;
    }

    /// The subnegotiation limit in bytes.
    pub fn max_subnegotiation(&self) -> usize {
        self.max_sb
    }

    /// Changes the subnegotiation limit, from the next byte on.
    pub fn set_max_subnegotiation(&mut self, limit: usize) {
        self.max_sb = limit;
    }

    /// The output limit in bytes.
    pub fn output_limit(&self) -> usize {
        self.output_limit
    }

    /// Changes the output limit.
    pub fn set_output_limit(&mut self, limit: usize) {
        self.output_limit = limit;
    }

    /// The queue size past which control output (commands, negotiation, replies) is refused and
    /// `feed` pauses: the data limit plus room for the replies of one feed.
    fn control_limit(&self) -> usize {
        self.output_limit
            .saturating_add(self.output_limit / 2)
            .saturating_add(4096)
            .saturating_add(self.max_sb)
    }

    // ----- options -----

    /// The negotiation state of one side of an option.
    pub fn option_state(&self, option: u8, side: Side) -> OptionState {
        self.neg.state(option, side)
    }

    /// Whether an option is in effect on a side.
    pub fn is_enabled(&self, option: u8, side: Side) -> bool {
        self.neg.enabled(option, side)
    }

    /// Whether `side` may enable `option` when the peer asks.
    pub fn allows(&self, option: u8, side: Side) -> bool {
        self.neg.policy(option) & side_bit(side) != 0
    }

    /// Sets whether `side` may enable `option` when the peer asks. Does not change the current
    /// state; use [`negotiate`](Session::negotiate) for that.
    pub fn set_allowed(&mut self, option: u8, side: Side, allowed: bool) {
        let bits = self.neg.policy(option);
        let bit = side_bit(side);
        self.neg
            .set_policy(option, if allowed { bits | bit } else { bits & !bit });
    }

    /// Asks for `option` to be enabled or disabled on `side` (RFC 1143). Enabling also allows it.
    /// A request that is already satisfied or pending sends nothing. The result arrives later as
    /// [`Event::OptionChanged`] or [`Event::OptionRefused`].
    pub fn negotiate(&mut self, option: u8, side: Side, enable: bool) -> Result<(), Error> {
        self.check_control(3)?;
        self.request(option, side, enable);
        Ok(())
    }

    pub(super) fn request(&mut self, option: u8, side: Side, enable: bool) {
        if enable {
            self.set_allowed(option, side, true);
        }
        if let Some(verb) = self.neg.request(option, side, enable).reply {
            self.queue_verb(verb, option);
        }
    }

    pub(super) fn queue_verb(&mut self, verb: Verb, option: u8) {
        self.out
            .push(FrameKind::Control, &[IAC, verb.byte(), option]);
    }

    pub(super) fn on_negotiate<H>(&mut self, verb: Verb, option: u8, handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        if option == opt::TM {
            return self.on_timing_mark(verb, handler);
        }
        if verb == Verb::Do && option == opt::OLD_ENVIRON {
            self.refuse_old_environ_beside_new();
        }
        let outcome = self.neg.receive(verb, option);
        if let Some(reply) = outcome.reply {
            self.queue_verb(reply, option);
        }
        let side = match verb {
            Verb::Will | Verb::Wont => Side::Remote,
            Verb::Do | Verb::Dont => Side::Local,
        };
        if outcome.unexpected {
            handler(
                self,
                &Event::Warning(Negotiation::unexpected_warning(verb, option)),
            );
        }
        if let Some(enabled) = outcome.changed {
            handler(
                self,
                &Event::OptionChanged {
                    option,
                    side,
                    enabled,
                },
            );
            self.on_option_changed(option, side, enabled);
        }
        if outcome.refused {
            handler(self, &Event::OptionRefused { option, side });
            self.on_option_refused(option, side);
        }
        // The input mode follows option changes; the settled moment anything while waiting.
        if outcome.changed.is_some() || outcome.refused || self.settling() {
            self.after_protocol(handler);
        }
    }

    fn on_subnegotiation<H>(&mut self, option: u8, payload: &[u8], handler: &mut H)
    where
        H: FnMut(&mut Session, &Event<'_>),
    {
        self.on_option_subnegotiation(option, payload, handler);
        if self.settling() {
            self.after_protocol(handler);
        }
    }

    // ----- output -----

    /// Whether data sent now is NVT-translated.
    fn nvt_output(&self) -> bool {
        self.output_eol == EolMode::Nvt && !self.neg.enabled(opt::BINARY, Side::Local)
    }

    /// Queues application data: 255 doubled, and NVT end-of-line translation when the output
    /// mode is [`EolMode::Nvt`] and we are not in BINARY mode.
    ///
    /// Accepts as much as fits under the output limit and returns how many bytes of `data` were
    /// taken (never splitting a CR LF pair); [`Error::WouldBlock`] when the queue is already full.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, Error> {
        if data.is_empty() {
            return Ok(0);
        }
        let room = self.output_limit.saturating_sub(self.out.footprint());
        if room == 0 {
            return Err(Error::WouldBlock);
        }
        let mut take = data.len().min(room);
        if take < data.len() && data[take - 1] == b'\r' && data[take] == b'\n' {
            take += 1;
        }
        let data = &data[..take];
        if self.nvt_output() {
            self.out.push_with(FrameKind::Data, |b| escape_nvt(b, data));
        } else {
            self.out.push_with(FrameKind::Data, |b| escape_iac(b, data));
        }
        Ok(take)
    }

    pub(super) fn check_control(&self, len: usize) -> Result<(), Error> {
        if self.out.len().saturating_add(len) > self.control_limit() {
            Err(Error::WouldBlock)
        } else {
            Ok(())
        }
    }

    /// Queues a two-byte command `IAC code`.
    pub fn send_command(&mut self, command: Command) -> Result<(), Error> {
        let code = command.byte();
        if Command::from_byte(code) != Some(command) {
            return Err(Error::InvalidCommand(code));
        }
        self.check_control(2)?;
        self.out.push(FrameKind::Control, &[IAC, code]);
        Ok(())
    }

    /// Queues `IAC SB option payload IAC SE`, with 255 bytes in the payload doubled.
    pub fn send_subnegotiation(&mut self, option: u8, payload: &[u8]) -> Result<(), Error> {
        if payload.len() > self.max_sb {
            return Err(Error::TooLong {
                len: payload.len(),
                limit: self.max_sb,
            });
        }
        self.check_control(payload.len() + 5)?;
        self.queue_subnegotiation(option, payload);
        Ok(())
    }

    pub(crate) fn queue_subnegotiation(&mut self, option: u8, payload: &[u8]) {
        self.out.push_with(FrameKind::Control, |b| {
            b.extend_from_slice(&[IAC, SB]);
            escape_iac(b, &[option]);
            escape_iac(b, payload);
            b.extend_from_slice(&[IAC, SE]);
        });
    }

    /// Queues a Synch: IAC DM with the DM byte marked urgent (RFC 854).
    pub fn send_synch(&mut self) -> Result<(), Error> {
        self.check_control(2)?;
        self.queue_synch();
        Ok(())
    }

    fn queue_synch(&mut self) {
        self.out.push(FrameKind::Control, &[IAC]);
        self.out.push(FrameKind::Urgent, &[DM]);
    }

    /// Abort output: drops every queued data frame, keeps queued commands and subnegotiations
    /// whole, and queues a Synch (RFC 854, "Abort Output"). Returns how many queued data bytes
    /// were dropped.
    pub fn clear_output(&mut self) -> usize {
        let dropped = self.out.clear_data();
        // Repeated aborts with nothing sent in between share one Synch: a second DM would mark
        // the same point (and a flood of them would grow the queue for nothing).
        if !self.out.ends_with_urgent() {
            self.queue_synch();
        }
        dropped
    }

    /// The next bytes to write, or `None` when nothing is queued. See [`Chunk`] for urgent data.
    pub fn peek_output(&self) -> Option<Chunk<'_>> {
        self.out.peek()
    }

    /// Marks `n` bytes of what [`peek_output`](Session::peek_output) returned as written; returns
    /// how many were (at most what is queued).
    pub fn consume_output(&mut self, n: usize) -> usize {
        self.out.consume(n)
    }

    /// Bytes waiting in the output queue.
    pub fn output_len(&self) -> usize {
        self.out.len()
    }

    /// How much more data [`send`](Session::send) takes before it refuses (0 when full).
    pub fn output_room(&self) -> usize {
        self.output_limit.saturating_sub(self.out.footprint())
    }

    /// Whether [`send`](Session::send) would refuse data now.
    pub fn output_full(&self) -> bool {
        self.out.footprint() >= self.output_limit
    }

    /// Copies queued output into `buf` and consumes it; returns how many bytes were copied.
    /// Urgent marking is lost, so use this only where there is no TCP urgent data (tests,
    /// in-memory pipes).
    pub fn drain_output_into(&mut self, buf: &mut Vec<u8>) -> usize {
        let mut total = 0;
        while let Some(chunk) = self.out.peek() {
            let n = chunk.bytes.len();
            buf.extend_from_slice(chunk.bytes);
            self.out.consume(n);
            total += n;
        }
        total
    }

    /// Bytes of heap memory the session holds beyond its own size (buffers and option state).
    pub fn heap_size(&self) -> usize {
        self.parser.heap_size() + self.out.heap_size() + self.opts.heap_size()
    }

    /// Releases buffer memory that is not in use (call when a session goes idle).
    pub fn shrink(&mut self) {
        self.out.shrink();
    }
}

/// Turns parser tokens into session work and events.
struct Dispatch<'a, H> {
    session: &'a mut Session,
    handler: &'a mut H,
}

impl<H> Sink for Dispatch<'_, H>
where
    H: FnMut(&mut Session, &Event<'_>),
{
    fn token(&mut self, token: Token<'_>) {
        let s = &mut *self.session;
        let handler = &mut *self.handler;
        match token {
            Token::Data(d) => {
                if !s.synch {
                    s.deliver_data(d, handler);
                }
            }
            Token::Eol(e) => {
                if !s.synch {
                    handler(s, &Event::Eol(e));
                }
            }
            Token::Command(code) => {
                if code == DM {
                    s.synch = false;
                }
                if let Some(c) = Command::from_byte(code) {
                    handler(s, &Event::Command(c));
                }
            }
            Token::Negotiate(verb, option) => s.on_negotiate(verb, option, handler),
            Token::Subnegotiation(option, payload) => s.on_subnegotiation(option, payload, handler),
            Token::Warning(w) => handler(s, &Event::Warning(w)),
        }
    }

    fn nvt_eol(&self) -> bool {
        self.session.input_eol == EolMode::Nvt
            && !self.session.neg.enabled(opt::BINARY, Side::Remote)
    }

    fn paused(&self) -> bool {
        self.session.out.footprint() >= self.session.control_limit()
    }

    fn max_subnegotiation(&self) -> usize {
        self.session.max_sb
    }
}
