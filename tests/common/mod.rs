//! Shared helpers for the integration tests: events as text, sessions driven in memory.
#![allow(dead_code)]

use std::fmt::Write;
use std::sync::Arc;
use telnet_rs::proto::OptionName;
use telnet_rs::{Config, Event, Role, Session, Side};

/// Quotes bytes the way a golden file shows them: printable ASCII as is, the rest escaped.
pub fn quote(bytes: &[u8]) -> String {
    let mut s = String::from("\"");
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(b as char),
            _ => write!(s, "\\x{b:02x}").unwrap(),
        }
    }
    s.push('"');
    s
}

pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn side(s: Side) -> &'static str {
    s.name()
}

/// One event as a line of text. Data is kept apart so runs can be merged before formatting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Data(Vec<u8>),
    Line(String),
}

pub fn describe(ev: &Event<'_>) -> Ev {
    let line = match *ev {
        Event::Data(d) => return Ev::Data(d.to_vec()),
        Event::Eol(e) => format!("eol {}", e.name()),
        Event::Command(c) => format!("command {c}"),
        Event::OptionChanged {
            option,
            side: s,
            enabled,
        } => format!(
            "option {} {} {}",
            OptionName(option),
            side(s),
            if enabled { "enabled" } else { "disabled" }
        ),
        Event::OptionRefused { option, side: s } => {
            format!("refused {} {}", OptionName(option), side(s))
        }
        Event::Subnegotiation { option, payload } => {
            format!("sb {} {}", OptionName(option), quote(payload))
        }
        Event::Warning(w) => format!("warning {w:?}"),
        Event::WindowSize { width, height } => format!("window {width}x{height}"),
        Event::TerminalType { name } => format!("ttype {}", quote(name)),
        Event::TerminalSpeed { transmit, receive } => format!("tspeed {transmit},{receive}"),
        Event::XDisplay { display } => format!("xdisplay {}", quote(display)),
        Event::Location { location } => format!("location {}", quote(location)),
        Event::Environ {
            kind,
            name,
            value,
            info,
            old,
        } => format!(
            "environ{}{} {:?} {} = {}",
            if old { " old" } else { "" },
            if info { " info" } else { "" },
            kind,
            quote(name),
            value.map_or("(undefined)".to_string(), quote)
        ),
        Event::Charset { name } => format!("charset {}", quote(name)),
        Event::CharsetRejected => "charset rejected".to_string(),
        Event::FlowControl(l) => format!("lflow {l:?}"),
        Event::Status { items } => format!("status {items:?}"),
        Event::LinemodeMode { mode } => format!("linemode mode {mode:#04x}"),
        Event::Slc {
            function,
            flags,
            value,
        } => format!(
            "slc {} flags {flags:#04x} value {value:#04x}",
            telnet_rs::proto::slc::func_name(function).unwrap_or("?")
        ),
        Event::ForwardMask { mask, active } => format!("forwardmask {} {}", active, hex(mask)),
        Event::TimingMark { answered } => {
            format!("timing-mark {}", if answered { "WILL" } else { "WONT" })
        }
        Event::InputMode(m) => format!("input-mode {m:?}"),
        Event::SlcFunction { function, byte } => format!(
            "slc-function {} byte {byte:#04x}",
            telnet_rs::proto::slc::func_name(function).unwrap_or("?")
        ),
        Event::Settled { timed_out } => {
            format!("settled{}", if timed_out { " (timed out)" } else { "" })
        }
        ref other => format!("{other:?}"),
    };
    Ev::Line(line)
}

/// Merges adjacent data runs: the split of data into events is not part of the contract.
pub fn normalize(evs: Vec<Ev>) -> Vec<Ev> {
    let mut out: Vec<Ev> = Vec::with_capacity(evs.len());
    for e in evs {
        match (out.last_mut(), e) {
            (Some(Ev::Data(prev)), Ev::Data(d)) => prev.extend_from_slice(&d),
            (_, Ev::Data(d)) if d.is_empty() => {}
            (_, e) => out.push(e),
        }
    }
    out
}

pub fn render(evs: &[Ev]) -> String {
    let mut s = String::new();
    for e in evs {
        match e {
            Ev::Data(d) => writeln!(s, "data {}", quote(d)).unwrap(),
            Ev::Line(l) => writeln!(s, "{l}").unwrap(),
        }
    }
    s
}

/// Feeds `chunks` one after another; returns the normalized events and all queued output.
pub fn feed_chunks(session: &mut Session, chunks: &[&[u8]]) -> (Vec<Ev>, Vec<u8>) {
    let mut evs = vec![];
    let mut out = vec![];
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        while !rest.is_empty() {
            let n = session
                .feed(rest, |_, ev| evs.push(describe(ev)))
                .expect("feed");
            session.drain_output_into(&mut out);
            rest = &rest[n..];
        }
    }
    session.drain_output_into(&mut out);
    (normalize(evs), out)
}

/// A configuration that allows every option on both sides.
pub fn permissive(role: Role) -> Config {
    let mut c = Config::new(role);
    for o in 0..=255u8 {
        c.allow(o, Side::Local).allow(o, Side::Remote);
    }
    c
}

pub fn session(config: &Config) -> Session {
    Session::new(Arc::new(config.clone()))
}
