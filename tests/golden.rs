//! Golden transcripts: each file in tests/golden/ gives a session's setup, input bytes as hex,
//! the events expected as text and the bytes the session must queue in reply.
//!
//! Every case is also replayed split at every byte boundary and in one-byte chunks: the events
//! (data runs merged) and the output must not change.
//!
//! File format (lines starting with `#` are comments, also after hex on a line):
//!
//! ```text
//! role: server | client
//! input-eol: raw | nvt
//! allow: NAME local, NAME remote, ...      options the peer may enable
//! request: NAME local, ...                 negotiate() before the input
//! max-sb: N                                subnegotiation limit
//! urgent: yes                              input_urgent() before the input
//! preset: server | client                  Config::server() / Config::client() (before the rest)
//! start: yes                               start() first: its output is part of `output:`
//! ttypes: xterm, vt100                     client: terminal types to answer with
//! export: VAR USER=alice, USERVAR X=1      client: the environment it may disclose
//! environ-request: VAR USER, USERVAR X     server: the variables NEW-ENVIRON SEND asks for
//! charset-offer: UTF-8, CP437              server: the CHARSET REQUEST list
//! charset-accept: UTF-8                    the names this end accepts
//! display: host:0 / location: text / speed: 9600,4800 / window: 100x40
//! slc-simulation: yes / forwardmask-accept: yes / kludge-probe: no / linemode-mode: 3
//! input:
//! ff fb 00   # hex bytes
//! events:
//! option BINARY remote enabled
//! output:
//! ff fd 00
//! ```
//!
//! `TN_BLESS=1 cargo test --test golden` rewrites the `events:` and `output:` sections from what
//! the code does now; review the diff before committing.

mod common;

use common::{feed_chunks, hex, render, session};
use std::path::{Path, PathBuf};
use std::time::Instant;
use telnet_rs::proto::consts::option_name;
use telnet_rs::proto::wire::VarKind;
use telnet_rs::{Config, EolMode, Role, Side};

struct Case {
    config: Config,
    requests: Vec<(u8, Side)>,
    urgent: bool,
    start: bool,
    input: Vec<u8>,
    events: String,
    output: Vec<u8>,
    /// The file text up to and including the `input:` section, for blessing.
    head: String,
}

fn parse_option(name: &str) -> u8 {
    if let Ok(n) = name.parse::<u8>() {
        return n;
    }
    (0..=255u8)
        .find(|&o| option_name(o) == Some(name))
        .unwrap_or_else(|| panic!("unknown option name {name}"))
}

fn parse_sides(list: &str) -> Vec<(u8, Side)> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (name, side) = item.split_once(' ').expect("NAME local|remote");
            let side = match side.trim() {
                "local" => Side::Local,
                "remote" => Side::Remote,
                other => panic!("bad side {other}"),
            };
            (parse_option(name.trim()), side)
        })
        .collect()
}

fn parse_hex(text: &str) -> Vec<u8> {
    let mut out = vec![];
    for line in text.lines() {
        let line = line.split('#').next().unwrap();
        for tok in line.split_whitespace() {
            out.push(u8::from_str_radix(tok, 16).unwrap_or_else(|_| panic!("bad hex byte {tok}")));
        }
    }
    out
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

fn kind(k: &str) -> VarKind {
    match k {
        "VAR" => VarKind::Var,
        "USERVAR" => VarKind::UserVar,
        other => panic!("bad variable kind {other}"),
    }
}

fn pair<T: std::str::FromStr>(v: &str, sep: char) -> (T, T) {
    let (a, b) = v.split_once(sep).expect("a pair");
    let parse = |x: &str| x.trim().parse::<T>().ok().expect("a number");
    (parse(a), parse(b))
}

fn parse(text: &str) -> Case {
    let mut config = Config::new(Role::Server);
    let mut requests = vec![];
    let mut urgent = false;
    let mut start = false;
    let mut section = "";
    let (mut input, mut events, mut output) = (String::new(), String::new(), String::new());
    let mut head = String::new();
    for line in text.lines() {
        if section != "events" && section != "output" {
            head.push_str(line);
            head.push('\n');
        }
        match line.trim_end() {
            "input:" => {
                section = "input";
                continue;
            }
            "events:" => {
                section = "events";
                head.truncate(head.len() - "events:\n".len());
                continue;
            }
            "output:" => {
                section = "output";
                continue;
            }
            _ => {}
        }
        match section {
            "input" => {
                input.push_str(line);
                input.push('\n');
            }
            "events" => {
                events.push_str(line);
                events.push('\n');
            }
            "output" => {
                output.push_str(line);
                output.push('\n');
            }
            _ => {
                if line.starts_with('#') || line.trim().is_empty() {
                    continue;
                }
                let (key, value) = line.split_once(':').expect("key: value");
                let value = value.trim();
                match key.trim() {
                    "role" => {
                        config.role = match value {
                            "server" => Role::Server,
                            "client" => Role::Client,
                            v => panic!("bad role {v}"),
                        }
                    }
                    "input-eol" => {
                        config.input_eol = if value == "nvt" {
                            EolMode::Nvt
                        } else {
                            EolMode::Raw
                        }
                    }
                    "allow" => {
                        for (o, s) in parse_sides(value) {
                            config.allow(o, s);
                        }
                    }
                    "request" => requests = parse_sides(value),
                    "max-sb" => config.max_subnegotiation = value.parse().unwrap(),
                    "urgent" => urgent = value == "yes",
                    "preset" => {
                        config = match value {
                            "server" => Config::server(),
                            "client" => Config::client(),
                            v => panic!("bad preset {v}"),
                        }
                    }
                    "start" => start = value == "yes",
                    "ttypes" => config.terminal_types = list(value),
                    "export" => {
                        config.environ_export = list(value)
                            .iter()
                            .map(|item| {
                                let (k, rest) = item.split_once(' ').expect("KIND NAME=VALUE");
                                let (n, v) = rest.split_once('=').expect("NAME=VALUE");
                                (kind(k), n.to_string(), v.to_string())
                            })
                            .collect()
                    }
                    "environ-request" => {
                        config.environ_request = list(value)
                            .iter()
                            .map(|item| {
                                let (k, n) = item.split_once(' ').unwrap_or((item, ""));
                                (kind(k), n.to_string())
                            })
                            .collect()
                    }
                    "charset-offer" => config.charset_offer = list(value),
                    "charset-accept" => config.charset_accept = list(value),
                    "display" => config.x_display = Some(value.to_string()),
                    "location" => config.location = Some(value.to_string()),
                    "speed" => config.terminal_speed = pair(value, ','),
                    "window" => config.window_size = pair(value, 'x'),
                    "slc-simulation" => config.slc_simulation = value == "yes",
                    "forwardmask-accept" => config.forwardmask_accept = value == "yes",
                    "kludge-probe" => config.kludge_probe = value == "yes",
                    "linemode-mode" => config.linemode_mode = value.parse().unwrap(),
                    k => panic!("unknown key {k}"),
                }
            }
        }
    }
    Case {
        config,
        requests,
        urgent,
        start,
        input: parse_hex(&input),
        events: events.trim_end().to_string(),
        output: parse_hex(&output),
        head,
    }
}

/// Runs a case with the input cut into the given chunks; returns (events text, output bytes).
fn run(case: &Case, chunks: &[&[u8]]) -> (String, Vec<u8>) {
    let mut s = session(&case.config);
    for &(o, side) in &case.requests {
        s.negotiate(o, side, true).unwrap();
    }
    let mut pre = vec![];
    s.drain_output_into(&mut pre);
    let mut start_events = vec![];
    let mut out = vec![];
    if case.start {
        s.start(Instant::now(), |_, ev| {
            start_events.push(common::describe(ev))
        });
        s.drain_output_into(&mut out);
    }
    if case.urgent {
        s.input_urgent();
    }
    let (evs, replies) = feed_chunks(&mut s, chunks);
    out.extend_from_slice(&replies);
    start_events.extend(evs);
    let evs = common::normalize(start_events);
    (render(&evs).trim_end().to_string(), out)
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

fn wrap_hex(bytes: &[u8]) -> String {
    bytes.chunks(16).map(hex).collect::<Vec<_>>().join("\n")
}

#[test]
fn golden_transcripts() {
    let bless = std::env::var_os("TN_BLESS").is_some();
    let files = case_files();
    assert!(
        files.len() >= 20,
        "expected the golden cases, found {}",
        files.len()
    );
    let mut failures = vec![];
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let case = parse(&text);
        let whole = run(&case, &[&case.input]);
        if bless {
            let mut t = case.head.clone();
            t.push_str("events:\n");
            if !whole.0.is_empty() {
                t.push_str(&whole.0);
                t.push('\n');
            }
            t.push_str("output:\n");
            if !whole.1.is_empty() {
                t.push_str(&wrap_hex(&whole.1));
                t.push('\n');
            }
            std::fs::write(&path, t).unwrap();
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if whole.0 != case.events || whole.1 != case.output {
            failures.push(format!(
                "{name}:\n--- expected events\n{}\n--- got\n{}\n--- expected output {}\n--- got {}",
                case.events,
                whole.0,
                hex(&case.output),
                hex(&whole.1)
            ));
            continue;
        }
        // The same for every two-way split and for one byte at a time.
        for cut in 0..=case.input.len() {
            let (a, b) = case.input.split_at(cut);
            if run(&case, &[a, b]) != whole {
                failures.push(format!("{name}: differs when split at byte {cut}"));
                break;
            }
        }
        let bytes: Vec<&[u8]> = case.input.chunks(1).collect();
        if run(&case, &bytes) != whole {
            failures.push(format!("{name}: differs when fed one byte at a time"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
