//! A whole session driven by a fuzz input: network input interleaved with application calls.
//!
//! The input is read as two configuration bytes, then a sequence of operations (see [`Op`]): feed
//! N bytes from the peer, call one of the application entry points, or drain some output. The
//! same operations run twice, once feeding each chunk whole and once split at a point the input
//! chooses, and the two runs must observe exactly the same thing.
//!
//! Invariants asserted:
//! - no panic, and `feed` always makes progress once the output queue is drained;
//! - the same transcript (events with data merged, call results, output) for both splits;
//! - the output the session queues by itself while feeding is at most
//!   [`bounds::amplification_limit`] times the bytes it consumed;
//! - the queue stays within [`bounds::queue_cap`] and the heap within [`bounds::heap_cap`] after
//!   every operation, and drops back to [`bounds::fixed_heap_cap`] once drained and shrunk;
//! - everything the session emitted re-parses in a fresh parser without a warning, and the urgent
//!   byte is always exactly one DM right after an IAC.

use crate::bounds;
use crate::cursor::Cursor;
use crate::reparse::{self, assert_reparses};
use crate::transcript::Transcript;
use std::sync::Arc;
use std::time::{Duration, Instant};
use telnet_rs::proto::consts::{AO, AYT};
use telnet_rs::proto::slc::SlcTable;
use telnet_rs::proto::wire::{Lflow, VarKind};
use telnet_rs::{Command, Config, EolMode, Error, Event, Role, Session, Side};

/// The configuration an input asks for: a preset with variations chosen by two bytes.
pub fn config(role: Role, a: u8, b: u8) -> Config {
    let mut c = match role {
        Role::Server => Config::server(),
        Role::Client => Config::client(),
    };
    let flip = |m: EolMode| match m {
        EolMode::Raw => EolMode::Nvt,
        EolMode::Nvt => EolMode::Raw,
    };
    if a & 0x01 != 0 {
        c.input_eol = flip(c.input_eol);
    }
    if a & 0x02 != 0 {
        c.output_eol = flip(c.output_eol);
    }
    if a & 0x04 != 0 {
        // Small limits, so short inputs reach the pause, WouldBlock and TooLong paths.
        c.output_limit = 600;
        c.max_subnegotiation = 48;
    }
    c.slc_simulation = a & 0x08 != 0;
    if a & 0x20 != 0 {
        match role {
            Role::Server => {
                c.environ_request = vec![
                    (VarKind::Var, "USER".into()),
                    (VarKind::UserVar, String::new()),
                ];
                c.charset_offer = vec!["UTF-8".into(), "CP437".into()];
                c.ttype_max = 3;
            }
            Role::Client => {
                c.environ_export = vec![
                    (VarKind::Var, "USER".into(), "alice".into()),
                    (VarKind::Var, "DISPLAY".into(), "host:0".into()),
                    (VarKind::UserVar, "X\u{1}".into(), "\u{2}1".into()),
                ];
                c.x_display = Some("host:0.0".into());
                c.location = Some("lab".into());
                c.terminal_types = vec!["XTERM-256COLOR".into(), "VT100".into()];
                c.forwardmask_accept = true;
            }
        }
    }
    if a & 0x40 != 0 {
        c.kludge_probe = false;
        c.lflow_restart_any = true;
    }
    let vdisable = if b & 0x02 != 0 { 0xff } else { 0 };
    let table = match role {
        Role::Server => SlcTable::server_defaults(vdisable),
        Role::Client => SlcTable::client_defaults(vdisable),
    };
    c.slc = Some(if b & 0x01 != 0 {
        table.with_nslc(telnet_rs::proto::slc::NSLC_GLIBC)
    } else {
        table
    });
    c.linemode_mode = b >> 3;
    c
}

/// What a run measured besides its transcript.
#[derive(Debug, Default)]
struct Stats {
    /// Bytes `feed` consumed.
    fed: usize,
    /// Net bytes the session queued by itself during `feed` (application calls made from the
    /// handler are subtracted).
    grown: isize,
    /// Synchs the application queued (not counted against any limit).
    synchs: usize,
    /// Largest queue seen.
    peak: usize,
    /// Everything taken from the queue, in order.
    wire: Vec<u8>,
}

struct Run {
    s: Session,
    t: Transcript,
    st: Stats,
    reactive: bool,
}

impl Run {
    /// Takes up to `max` bytes from the queue, recording them; all of it for `usize::MAX`.
    fn drain(&mut self, max: usize) {
        let t = &mut self.t;
        reparse::drain(&mut self.s, &mut self.st.wire, max, |b, urgent| {
            t.output(b, urgent)
        });
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let before = self.s.output_len();
            let was_empty = before == 0;
            let reactive = self.reactive;
            let t = &mut self.t;
            let mut app_delta: isize = 0;
            let mut synchs = 0;
            let n = self
                .s
                .feed(rest, |s, ev| {
                    t.event(ev);
                    if reactive {
                        react(s, ev, t, &mut app_delta, &mut synchs);
                    }
                })
                .expect("feed from outside a handler is never reentrant");
            assert!(n <= rest.len());
            self.st.synchs += synchs;
            self.st.fed += n;
            self.st.grown += self.s.output_len() as isize - before as isize - app_delta;
            self.note_sizes();
            if n < rest.len() {
                assert!(
                    !(n == 0 && was_empty),
                    "feed consumed nothing although the output queue was empty"
                );
                // Paused: the queue is over the control limit. Write it all, as a caller would.
                self.drain(usize::MAX);
            }
            rest = &rest[n..];
        }
    }

    fn note_sizes(&mut self) {
        let len = self.s.output_len();
        self.st.peak = self.st.peak.max(len);
        let cap = bounds::queue_cap(&self.s, self.st.synchs);
        assert!(len <= cap, "output queue {len} bytes over its cap {cap}");
        let heap = self.s.heap_size();
        let cap = bounds::heap_cap(&self.s, self.st.peak);
        assert!(
            heap <= cap,
            "heap {heap} bytes over its cap {cap} (peak queue {})",
            self.st.peak
        );
    }
}

/// An application that reacts from inside the handler, as the README suggests: a prompt after each
/// line, an answer to AYT, Abort Output on AO, and (wrongly) a `feed` from inside the handler,
/// which must be refused. It does not echo data: how data is cut into events depends on the
/// split, so an echo's partial acceptance near the output limit would too.
fn react(
    s: &mut Session,
    ev: &Event<'_>,
    t: &mut Transcript,
    app_delta: &mut isize,
    synchs: &mut usize,
) {
    let before = s.output_len() as isize;
    match ev {
        Event::Eol(_) => {
            let r = s.send(b"\r\n> ");
            t.call("prompt", r);
        }
        Event::Command(Command::Ayt) => {
            let r = s.send(b"[yes]\r\n");
            t.call("ayt", r);
        }
        Event::Command(Command::Ao) => {
            let r = s.clear_output();
            *synchs += 1;
            t.call("abort output", r);
        }
        Event::Command(Command::Brk) => {
            assert_eq!(s.feed(&[AO, AYT], |_, _| {}), Err(Error::Reentrant));
        }
        _ => {}
    }
    *app_delta += s.output_len() as isize - before;
}

/// The operations an input is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Feed the next N bytes from the peer.
    Feed,
    /// `send` N bytes.
    Send,
    /// `negotiate(option, side, enable)`.
    Negotiate,
    /// `clear_output` (Abort Output).
    ClearOutput,
    /// `set_window_size`.
    SetWindowSize,
    /// `request_status`.
    RequestStatus,
    /// `set_linemode`.
    SetLinemode,
    /// `input_urgent`.
    InputUrgent,
    /// `mark_prompt`.
    MarkPrompt,
    /// Write up to N bytes of output (a partial write).
    DrainSome,
    /// Write all output.
    DrainAll,
    /// `send_command`.
    SendCommand,
    /// `send_subnegotiation`.
    SendSubnegotiation,
    /// `send_synch`.
    SendSynch,
    /// `request_terminal_type`.
    RequestTerminalType,
    /// `request_charset`.
    RequestCharset,
    /// `send_lflow`.
    SendLflow,
    /// `send_forwardmask`.
    SendForwardmask,
    /// `set_slc`.
    SetSlc,
    /// `set_line_editing`.
    SetLineEditing,
    /// `send_timing_mark`.
    SendTimingMark,
    /// Advance the clock and call `on_timeout`.
    Timeout,
    /// `set_input_eol` / `set_output_eol`.
    SetEol,
    /// `shrink`.
    Shrink,
    /// `start` (a no-op after the first).
    Start,
}

impl Op {
    /// The operation an op byte stands for. Feed is the most frequent.
    pub fn from_byte(b: u8) -> Op {
        use Op::*;
        const OPS: [Op; 32] = [
            Feed,
            Feed,
            Feed,
            Feed,
            Feed,
            Feed,
            Feed,
            Feed,
            Send,
            Negotiate,
            ClearOutput,
            SetWindowSize,
            RequestStatus,
            SetLinemode,
            InputUrgent,
            MarkPrompt,
            DrainSome,
            DrainAll,
            SendCommand,
            SendSubnegotiation,
            SendSynch,
            RequestTerminalType,
            RequestCharset,
            SendLflow,
            SendForwardmask,
            SetSlc,
            SetLineEditing,
            SendTimingMark,
            Timeout,
            SetEol,
            Shrink,
            Start,
        ];
        OPS[usize::from(b % 32)]
    }
}

const CHARSETS: [&str; 6] = ["UTF-8", "ISO-8859-1", "CP437", "KOI8-R", "", "A;B"];

/// Runs the operations of `data`; `split` feeds every chunk in two parts cut where the input says.
fn run(role: Role, data: &[u8], split: bool) -> (Transcript, Run) {
    let mut cur = Cursor::new(data);
    let (a, b) = (cur.byte(), cur.byte());
    let config = Arc::new(config(role, a, b));
    let mut r = Run {
        s: Session::new(Arc::clone(&config)),
        t: Transcript::new(),
        st: Stats::default(),
        reactive: a & 0x10 != 0,
    };
    let base = Instant::now();
    let mut clock = Duration::ZERO;
    if b & 0x04 == 0 {
        let t = &mut r.t;
        r.s.start(base, |_, ev| t.event(ev));
    }
    r.note_sizes();
    while !cur.is_empty() {
        let op = Op::from_byte(cur.byte());
        match op {
            Op::Feed => {
                let len = usize::from(cur.byte());
                let cut = usize::from(cur.byte());
                let bytes = cur.take(len);
                if split {
                    let (x, y) = bytes.split_at(cut.min(bytes.len()));
                    r.feed(x);
                    r.feed(y);
                } else {
                    r.feed(bytes);
                }
            }
            Op::Send => {
                let len = usize::from(cur.byte());
                let res = r.s.send(cur.take(len));
                r.t.call("send", res);
            }
            Op::Negotiate => {
                let option = cur.byte();
                let f = cur.byte();
                let side = if f & 1 == 0 {
                    Side::Local
                } else {
                    Side::Remote
                };
                let res = r.s.negotiate(option, side, f & 2 == 0);
                r.t.call("negotiate", res);
            }
            Op::ClearOutput => {
                let res = r.s.clear_output();
                r.st.synchs += 1;
                r.t.call("clear_output", res);
            }
            Op::SetWindowSize => {
                let (w, h) = (cur.u16(), cur.u16());
                let res = r.s.set_window_size(w, h);
                r.t.call("set_window_size", res);
            }
            Op::RequestStatus => {
                let res = r.s.request_status();
                r.t.call("request_status", res);
            }
            Op::SetLinemode => {
                let res = r.s.set_linemode(cur.byte());
                r.t.call("set_linemode", res);
            }
            Op::InputUrgent => {
                r.s.input_urgent();
                r.t.call("input_urgent", ());
            }
            Op::MarkPrompt => {
                let res = r.s.mark_prompt();
                r.t.call("mark_prompt", res);
            }
            Op::DrainSome => {
                let n = usize::from(cur.u16());
                r.drain(n);
            }
            Op::DrainAll => r.drain(usize::MAX),
            Op::SendCommand => {
                if let Some(c) = Command::from_byte(cur.byte()) {
                    let res = r.s.send_command(c);
                    r.t.call("send_command", res);
                }
            }
            Op::SendSubnegotiation => {
                let option = cur.byte();
                let len = usize::from(cur.byte());
                let res = r.s.send_subnegotiation(option, cur.take(len));
                r.t.call("send_subnegotiation", res);
            }
            Op::SendSynch => {
                let res = r.s.send_synch();
                r.t.call("send_synch", res);
            }
            Op::RequestTerminalType => {
                let res = r.s.request_terminal_type();
                r.t.call("request_terminal_type", res);
            }
            Op::RequestCharset => {
                let pick = cur.byte();
                let names: Vec<&str> = CHARSETS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| pick & (1 << i) != 0)
                    .map(|(_, n)| *n)
                    .collect();
                let res = r.s.request_charset(&names);
                r.t.call("request_charset", res);
            }
            Op::SendLflow => {
                let cmd = match cur.byte() % 4 {
                    0 => Lflow::Off,
                    1 => Lflow::On,
                    2 => Lflow::RestartAny,
                    _ => Lflow::RestartXon,
                };
                let res = r.s.send_lflow(cmd);
                r.t.call("send_lflow", res);
            }
            Op::SendForwardmask => {
                let len = usize::from(cur.byte() % 40);
                let res = r.s.send_forwardmask(cur.take(len));
                r.t.call("send_forwardmask", res);
            }
            Op::SetSlc => {
                let (f, v) = (cur.byte(), cur.byte());
                let res = r.s.set_slc(f, v);
                r.t.call("set_slc", res);
            }
            Op::SetLineEditing => {
                let res = r.s.set_line_editing(cur.bool());
                r.t.call("set_line_editing", res);
            }
            Op::SendTimingMark => {
                let res = r.s.send_timing_mark();
                r.t.call("send_timing_mark", res);
            }
            Op::Timeout => {
                clock += Duration::from_millis(100 * u64::from(cur.byte()));
                let t = &mut r.t;
                r.s.on_timeout(base + clock, |_, ev| t.event(ev));
                let next = r.s.next_timeout().map(|d| d.duration_since(base));
                r.t.call("next_timeout", next);
            }
            Op::SetEol => {
                let f = cur.byte();
                let mode = |bit: u8| {
                    if f & bit != 0 {
                        EolMode::Nvt
                    } else {
                        EolMode::Raw
                    }
                };
                r.s.set_input_eol(mode(1));
                r.s.set_output_eol(mode(2));
            }
            Op::Shrink => r.s.shrink(),
            Op::Start => {
                let t = &mut r.t;
                r.s.start(base + clock, |_, ev| t.event(ev));
            }
        }
        r.note_sizes();
    }
    r.drain(usize::MAX);
    (r.t.clone(), r)
}

/// The body of the `session_server` and `session_client` targets.
pub fn fuzz(role: Role, data: &[u8]) {
    let (whole, mut r) = run(role, data, false);
    let (split, _) = run(role, data, true);
    whole.assert_same(&split, "whole feeds vs split feeds");

    assert_reparses(&r.st.wire);

    let k = bounds::amplification_limit(&r.s);
    let grown = usize::try_from(r.st.grown.max(0)).unwrap_or(0);
    assert!(
        grown <= k * r.st.fed,
        "the session queued {grown} bytes of its own for {} bytes of input (limit {k} per byte)",
        r.st.fed
    );

    assert_eq!(r.s.output_len(), 0);
    r.s.shrink();
    let heap = r.s.heap_size();
    let cap = bounds::fixed_heap_cap(&r.s);
    assert!(
        heap <= cap,
        "a drained, shrunk session still holds {heap} heap bytes (cap {cap})"
    );
}
