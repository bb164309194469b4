//! The telnetd CVE regression suite, against the sans-IO core.
//!
//! Each test replays the published trigger of a CVE (or the class it belongs to) into a real
//! [`Session`] and asserts what must come out: which events, which reply bytes, what the session
//! will hand to a login program, how large the queue and the heap may grow, and that the session
//! still serves a normal exchange afterwards. docs/SECURITY.md maps every CVE to its test here.
//!
//! Tests against the engine and the telnetd program (with a login stub that records argv and
//! environment) belong in their own files when those exist; the helpers at the top of this file
//! (`sb`, `WireParse`, `pump`) are what they will need too.

mod common;

use common::{Ev, describe, feed_chunks, normalize};
use std::sync::Arc;
use std::time::Instant;
use telnet_rs::proto::consts::*;
use telnet_rs::proto::environ::DEFAULT_ALLOWLIST;
use telnet_rs::proto::parser::{Parser, Sink, Token};
use telnet_rs::proto::slc::{self, SlcTable};
use telnet_rs::proto::wire::{IS, SEND, VarKind};
use telnet_rs::{Command, Config, EolMode, Event, Role, Session, Side, Verb, Warning};

// ----- helpers -----

/// `IAC SB option payload IAC SE`, with 255 doubled in the payload.
fn sb(option: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![IAC, SB, option];
    for &b in payload {
        v.push(b);
        if b == IAC {
            v.push(IAC);
        }
    }
    v.extend_from_slice(&[IAC, SE]);
    v
}

/// What a fresh parser finds in bytes a session emitted. [`WireParse::of`] asserts that they are
/// cleanly framed: no warning, nothing left half-parsed.
#[derive(Debug, Default)]
struct WireParse {
    warnings: Vec<Warning>,
    data: Vec<u8>,
    commands: Vec<u8>,
    negotiations: Vec<(Verb, u8)>,
    subnegotiations: Vec<(u8, Vec<u8>)>,
}

impl Sink for WireParse {
    fn token(&mut self, t: Token<'_>) {
        match t {
            Token::Data(d) => self.data.extend_from_slice(d),
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

impl WireParse {
    fn of(wire: &[u8]) -> WireParse {
        let mut p = Parser::new();
        let mut w = WireParse::default();
        assert_eq!(p.feed(wire, &mut w), wire.len());
        assert!(
            w.warnings.is_empty(),
            "our output has warnings: {:?}",
            w.warnings
        );
        assert!(p.is_idle(), "our output ends inside a frame");
        w
    }

    fn subnegotiations_of(&self, option: u8) -> Vec<&[u8]> {
        self.subnegotiations
            .iter()
            .filter(|(o, _)| *o == option)
            .map(|(_, p)| p.as_slice())
            .collect()
    }
}

fn new_session(config: Config) -> Session {
    Session::new(Arc::new(config))
}

/// A session that has run `start()`; returns it with the opening plan drained.
fn started(config: Config) -> Session {
    let mut s = new_session(config);
    s.start(Instant::now(), |_, _| {});
    let mut plan = Vec::new();
    s.drain_output_into(&mut plan);
    WireParse::of(&plan);
    s
}

/// Feeds everything (draining when the session pauses) and returns (events, output).
fn pump(s: &mut Session, input: &[u8]) -> (Vec<Ev>, Vec<u8>) {
    feed_chunks(s, &[input])
}

fn lines(evs: &[Ev]) -> Vec<String> {
    evs.iter()
        .map(|e| match e {
            Ev::Data(d) => format!("data {}", common::quote(d)),
            Ev::Line(l) => l.clone(),
        })
        .collect()
}

/// The server preset after the client agreed to NEW-ENVIRON (or, with `old`, ENVIRON).
fn environ_server(old: bool) -> Session {
    let mut s = started(Config::server());
    let option = if old {
        opt::OLD_ENVIRON
    } else {
        opt::NEW_ENVIRON
    };
    let (_, out) = pump(&mut s, &[IAC, WILL, option]);
    assert!(s.is_enabled(option, Side::Remote));
    // The server asks for the environment at once (RFC 1572: SEND).
    assert_eq!(
        WireParse::of(&out).subnegotiations_of(option),
        [&[SEND][..]]
    );
    s
}

/// True when no USER/LOGNAME the child would get could be read as an option or split into words.
fn child_env_is_safe(s: &Session) -> bool {
    s.child_environment(DEFAULT_ALLOWLIST)
        .iter()
        .filter(|(n, _)| n == "USER" || n == "LOGNAME")
        .all(|(_, v)| !v.starts_with('-') && !v.chars().any(char::is_whitespace))
}

fn child_var<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
    env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

// ----- CVE-2026-24061: USER="-f root" becomes `login -f root` -----

/// Quotes the bytes that are type codes in an environment list (VAR, VALUE, ESC, USERVAR) with
/// ESC, as a client must to send them inside a name or value (RFC 1572).
fn env_escape(text: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    for &b in text {
        if b <= 3 {
            v.push(2);
        }
        v.push(b);
    }
    v
}

/// One variable of an environment list: type byte, name, value (`None`: name only).
type EnvItem<'a> = (u8, &'a [u8], Option<&'a [u8]>);

/// A NEW-ENVIRON or ENVIRON list: `(type byte, name, value)` triples after the qualifier.
fn env_list(qualifier: u8, items: &[EnvItem<'_>], value_code: u8) -> Vec<u8> {
    let mut p = vec![qualifier];
    for (kind, name, value) in items {
        p.push(*kind);
        p.extend_from_slice(name);
        if let Some(v) = value {
            p.push(value_code);
            p.extend_from_slice(v);
        }
    }
    p
}

/// CVE-2026-24061 (inetutils telnetd): the client sends NEW-ENVIRON IS VAR "USER" VALUE "-f root"
/// and telnetd runs `login -h host -f root`, logging in as root without a password. Replays the
/// published trigger and every variant of the value: the session reports the raw bytes as an
/// untrusted event, but [`Session::user`] refuses each of them and the child environment never
/// carries a USER that starts with '-' or holds whitespace. A plain "alice" passes, which shows
/// the accessor is what decides.
#[test]
fn cve_2026_24061_user_is_never_an_option() {
    let values: &[&[u8]] = &[
        b"-f root",
        b"-froot",
        b" -f root",
        b"\t-f root",
        b"-f\troot",
        b"\t-f\troot",
        b"-f root\t",
        b"root -f root",
        b"-",
        b"--",
        b"-h evil -f root",
        b"root\n-f root",
        b"\x00-f root",
        b"\x01-f root",
        b"-f root\xff",
    ];
    for value in values {
        let mut s = environ_server(false);
        let quoted = env_escape(value);
        let (evs, out) = pump(
            &mut s,
            &sb(
                opt::NEW_ENVIRON,
                &env_list(IS, &[(0, b"USER", Some(&quoted))], 1),
            ),
        );
        // The raw value is reported (it is the peer's word, flagged untrusted), and nothing is
        // sent back.
        assert_eq!(
            lines(&evs),
            [format!("environ Var \"USER\" = {}", common::quote(value))],
            "{value:?}"
        );
        assert!(out.is_empty());
        assert_eq!(s.user(), None, "user() accepted {value:?}");
        assert_eq!(
            child_var(&s.child_environment(DEFAULT_ALLOWLIST), "USER"),
            None,
            "{value:?}"
        );
        assert!(child_env_is_safe(&s));
    }

    // The same list with a harmless name gets through: the refusal above is the validation,
    // not a session that drops USER altogether.
    let mut s = environ_server(false);
    pump(
        &mut s,
        &sb(
            opt::NEW_ENVIRON,
            &env_list(IS, &[(0, b"USER", Some(b"alice"))], 1),
        ),
    );
    assert_eq!(s.user(), Some("alice"));
    assert_eq!(
        child_var(&s.child_environment(DEFAULT_ALLOWLIST), "USER"),
        Some("alice")
    );
}

/// CVE-2026-24061 through the other doors: USERVAR USER, the old ENVIRON option in both its
/// RFC 1408 and its BSD (VAR/VALUE swapped) dialect, every byte ESC-escaped, VALUE before VAR,
/// USER sent twice (the latest wins and is judged), an INFO update after a good IS, and LOGNAME.
/// None of them yields a user name or a child USER/LOGNAME that could be read as an option.
#[test]
fn cve_2026_24061_variants_through_every_door() {
    let esc_all = |text: &[u8]| -> Vec<u8> { text.iter().flat_map(|&b| [2, b]).collect() };
    let escaped_name = esc_all(b"USER");
    let escaped_value = esc_all(b"-f root");
    // (option, payload) pairs; the payload is the whole subnegotiation after the option byte.
    let cases: Vec<(&str, u8, Vec<u8>)> = vec![
        (
            "USERVAR USER",
            opt::NEW_ENVIRON,
            env_list(IS, &[(3, b"USER", Some(b"-f root"))], 1),
        ),
        (
            "old ENVIRON, RFC 1408 codes",
            opt::OLD_ENVIRON,
            env_list(IS, &[(0, b"USER", Some(b"-froot"))], 1),
        ),
        (
            "old ENVIRON, BSD swapped codes",
            opt::OLD_ENVIRON,
            env_list(IS, &[(1, b"USER", Some(b" -f root"))], 0),
        ),
        (
            "ESC before every byte",
            opt::NEW_ENVIRON,
            env_list(IS, &[(0, &escaped_name, Some(&escaped_value))], 1),
        ),
        (
            "VALUE before VAR (swapped)",
            opt::NEW_ENVIRON,
            vec![
                IS, 1, b'-', b'f', b' ', b'r', b'o', b'o', b't', 0, b'U', b'S', b'E', b'R',
            ],
        ),
        (
            "USER twice, the bad one last",
            opt::NEW_ENVIRON,
            env_list(
                IS,
                &[(0, b"USER", Some(b"alice")), (0, b"USER", Some(b"-f root"))],
                1,
            ),
        ),
        (
            "USERVAR and VAR USER",
            opt::NEW_ENVIRON,
            env_list(
                IS,
                &[
                    (3, b"USER", Some(b"alice")),
                    (0, b"USER", Some(b"-f\troot")),
                ],
                1,
            ),
        ),
        (
            "LOGNAME",
            opt::NEW_ENVIRON,
            env_list(IS, &[(0, b"LOGNAME", Some(b"-f root"))], 1),
        ),
    ];
    for (what, option, payload) in &cases {
        let mut s = environ_server(*option == opt::OLD_ENVIRON);
        let (evs, out) = pump(&mut s, &sb(*option, payload));
        assert!(out.is_empty(), "{what}: replied {out:?}");
        assert_eq!(s.user(), None, "{what}");
        assert!(child_env_is_safe(&s), "{what}");
        let env = s.child_environment(DEFAULT_ALLOWLIST);
        if *what == "USERVAR and VAR USER" {
            // The USERVAR named USER is another variable; its valid value may reach the child,
            // the hostile VAR may not.
            assert!(
                matches!(child_var(&env, "USER"), None | Some("alice")),
                "{what}: {env:?}"
            );
        } else {
            assert_eq!(child_var(&env, "USER"), None, "{what}: {env:?}");
        }
        assert_eq!(child_var(&env, "LOGNAME"), None, "{what}: {env:?}");
        if *what == "VALUE before VAR (swapped)" {
            // Not a list at all: refused whole, nothing recorded.
            assert_eq!(
                lines(&evs),
                ["warning MalformedSubnegotiation { option: 39 }"]
            );
            assert!(s.environ().vars().is_empty());
        }
        if *what == "ESC before every byte" {
            // ESC only quotes: the name is still USER and the value still "-f root".
            assert_eq!(lines(&evs), ["environ Var \"USER\" = \"-f root\""]);
        }
    }

    // A good IS followed by a hostile INFO (RFC 1572 update): the update is what counts.
    let mut s = environ_server(false);
    pump(
        &mut s,
        &sb(
            opt::NEW_ENVIRON,
            &env_list(IS, &[(0, b"USER", Some(b"alice"))], 1),
        ),
    );
    assert_eq!(s.user(), Some("alice"));
    let (evs, _) = pump(
        &mut s,
        &sb(
            opt::NEW_ENVIRON,
            &env_list(2, &[(0, b"USER", Some(b"-f root"))], 1),
        ),
    );
    assert_eq!(lines(&evs), ["environ info Var \"USER\" = \"-f root\""]);
    assert_eq!(s.user(), None);
    assert!(child_env_is_safe(&s));
}

// ----- CVE-2026-28372, CVE-1999-0073, CVE-2009-0641, FreeBSD-SA-00:69: environment injection -----

/// The variables that took over a login or a shell in the past: CREDENTIALS_DIRECTORY
/// (CVE-2026-28372, systemd credentials), LD_PRELOAD and LD_LIBRARY_PATH (CVE-1999-0073,
/// CVE-2009-0641), TERMCAP with a path (FreeBSD-SA-00:69), IFS and PATH (the classic shell
/// attacks), and friends. Sent through NEW-ENVIRON VAR and USERVAR and old ENVIRON, none reaches
/// the child with the default allowlist; with an allowlist that names them they do, unchanged,
/// which proves the allowlist (not some accident) is the mechanism.
#[test]
fn environment_injection_needs_the_allowlist() {
    let hostile: &[(&str, &str)] = &[
        ("CREDENTIALS_DIRECTORY", "/tmp/creds"),
        ("LD_PRELOAD", "/tmp/evil.so"),
        ("LD_LIBRARY_PATH", "/tmp"),
        ("LD_AUDIT", "/tmp/evil.so"),
        ("TERMCAP", "/tmp/evil.termcap"),
        ("IFS", "/"),
        ("PATH", "/tmp:/bin"),
        ("ENV", "/tmp/evil.sh"),
        ("BASH_ENV", "/tmp/evil.sh"),
        ("SHELLOPTS", "xtrace"),
        ("HOME", "/tmp"),
    ];
    let names: Vec<&str> = hostile.iter().map(|(n, _)| *n).collect();
    for (door, option, kind, value_code) in [
        ("NEW-ENVIRON VAR", opt::NEW_ENVIRON, 0u8, 1u8),
        ("NEW-ENVIRON USERVAR", opt::NEW_ENVIRON, 3, 1),
        ("ENVIRON", opt::OLD_ENVIRON, 0, 1),
        ("ENVIRON, BSD codes", opt::OLD_ENVIRON, 1, 0),
    ] {
        let mut s = environ_server(option == opt::OLD_ENVIRON);
        let items: Vec<EnvItem<'_>> = hostile
            .iter()
            .map(|(n, v)| (kind, n.as_bytes(), Some(v.as_bytes())))
            .chain([(kind, &b"TERM"[..], Some(&b"xterm"[..]))])
            .collect();
        let (evs, _) = pump(&mut s, &sb(option, &env_list(IS, &items, value_code)));
        assert_eq!(evs.len(), hostile.len() + 1, "{door}: {evs:?}");

        let env = s.child_environment(DEFAULT_ALLOWLIST);
        assert_eq!(
            env,
            [("TERM".to_string(), "xterm".to_string())],
            "{door}: only TERM is admitted by default"
        );

        let env = s.child_environment(&names);
        for (n, v) in hostile {
            assert_eq!(
                child_var(&env, n),
                Some(*v),
                "{door}: explicit allowlist {n}"
            );
        }
        assert_eq!(
            child_var(&env, "TERM"),
            None,
            "{door}: TERM not in that list"
        );
    }
}

// ----- CVE-2026-32746, CVE-2005-0469: the SLC reply buffer overflow -----

/// Hundreds of SLC triplets: functions 0..=255 several times over, the "all functions" code 0 in
/// both of its request forms, flags and values of 0xff.
fn slc_flood() -> Vec<u8> {
    let mut p = vec![slc::LM_SLC];
    for round in 0..4u8 {
        for f in 0..=255u8 {
            let flags = if f % 3 == 0 {
                0xff
            } else {
                slc::VALUE | (round << 5)
            };
            p.extend_from_slice(&[f, flags, 0xff]);
        }
    }
    p.extend_from_slice(&[0, slc::DEFAULT, 0, 0, slc::VALUE, 0]);
    p
}

fn assert_table_sane(t: &SlcTable, defaults: &SlcTable) {
    assert_eq!(t.entry(0), None);
    assert_eq!(t.entry(t.nslc() + 1), None);
    for f in 1..=t.nslc() {
        let e = t.entry(f).unwrap();
        assert_eq!(e.flags & slc::ACK, 0, "ACK stored for function {f}");
        assert_eq!(
            t.default_entry(f),
            defaults.default_entry(f),
            "default of {f} changed"
        );
    }
}

/// CVE-2026-32746 (inetutils telnetd, `slcbuf[NSLC*6]`) and CVE-2005-0469 (BSD telnet client,
/// `slc_reply[128]`): one `SB LINEMODE SLC` with hundreds of triplets overflowed a fixed reply
/// buffer. Replays floods of 1,030 triplets (functions above the table, 0xff flags and values,
/// the whole-table requests) and one 64 KiB SB of 0xff, in both roles, with the BSD table sizes
/// 30 and 18: each SB gets at most one reply of at most 256 triplets, with one triplet per
/// function, the table keeps its defaults and stores no ACK, and a normal SLC exchange and a NAWS
/// report still work afterwards.
#[test]
fn cve_2026_32746_and_cve_2005_0469_slc_floods() {
    let all_ff = {
        let mut p = vec![slc::LM_SLC];
        p.resize(64 * 1024 - 1, 0xff);
        p
    };
    for role in [Role::Server, Role::Client] {
        for nslc in [slc::NSLC, slc::NSLC_GLIBC] {
            let mut c = match role {
                Role::Server => Config::server(),
                Role::Client => Config::client(),
            };
            let fresh = match role {
                Role::Server => SlcTable::server_defaults(0),
                Role::Client => SlcTable::client_defaults(0),
            }
            .with_nslc(nslc);
            c.slc = Some(fresh.clone());
            let mut s = started(c);
            // The peer agrees to LINEMODE (the server asked DO, the client offered WILL).
            let agree = match role {
                Role::Server => [IAC, WILL, opt::LINEMODE],
                Role::Client => [IAC, DO, opt::LINEMODE],
            };
            pump(&mut s, &agree);
            for flood in [slc_flood(), all_ff.clone()] {
                let (evs, out) = pump(&mut s, &sb(opt::LINEMODE, &flood));
                assert!(
                    !lines(&evs).iter().any(|l| l.starts_with("warning")),
                    "{role:?}: {evs:?}"
                );
                let replies = WireParse::of(&out).subnegotiations;
                assert!(replies.len() <= 1, "{role:?}: {} replies", replies.len());
                for (o, p) in &replies {
                    assert_eq!(*o, opt::LINEMODE);
                    assert_eq!(p[0], slc::LM_SLC);
                    let triplets = (p.len() - 1) / 3;
                    assert_eq!(p.len(), 1 + 3 * triplets);
                    assert!(triplets <= slc::MAX_REPLY_TRIPLETS, "{triplets} triplets");
                    let mut seen = [false; 256];
                    for t in p[1..].chunks(3) {
                        assert!(!seen[usize::from(t[0])], "two answers for {}", t[0]);
                        seen[usize::from(t[0])] = true;
                    }
                }
                // Output stays proportional to input: a 64 KiB SB draws under 2 KiB.
                assert!(out.len() <= 2 * (1 + 3 * slc::MAX_REPLY_TRIPLETS) + 5);
                assert_table_sane(s.slc_table(), &fresh);
            }
            // All-0xff: function 255 is above any table; both roles answer it NOSUPPORT, once.
            let (_, out) = pump(&mut s, &sb(opt::LINEMODE, &all_ff));
            assert_eq!(
                WireParse::of(&out).subnegotiations,
                [(opt::LINEMODE, vec![slc::LM_SLC, 0xff, slc::NOSUPPORT, 0])]
            );

            // A later, ordinary exchange works: a new EC character is taken and acknowledged.
            let (evs, out) = pump(
                &mut s,
                &sb(
                    opt::LINEMODE,
                    &[slc::LM_SLC, slc::func::EC, slc::VALUE, 0x08],
                ),
            );
            assert_eq!(
                WireParse::of(&out).subnegotiations,
                [(
                    opt::LINEMODE,
                    vec![slc::LM_SLC, slc::func::EC, slc::VALUE | slc::ACK, 0x08]
                )],
                "{role:?} nslc {nslc}"
            );
            assert!(lines(&evs).contains(&"slc EC flags 0x02 value 0x08".to_string()));
            assert_eq!(s.slc_table().entry(slc::func::EC).unwrap().value, 0x08);
            if role == Role::Server {
                let (evs, _) = pump(&mut s, &[IAC, WILL, opt::NAWS]);
                assert!(lines(&evs).contains(&"option NAWS remote enabled".to_string()));
                let (evs, _) = pump(&mut s, &sb(opt::NAWS, &[0, 132, 0, 43]));
                assert_eq!(lines(&evs), ["window 132x43"]);
            }
        }
    }
}

/// CVE-2026-32746 beyond the subnegotiation limit: an SLC list longer than `max_subnegotiation`
/// is dropped whole with one warning and draws no reply at all (nothing half-processed).
#[test]
fn slc_list_over_the_limit_is_dropped_whole() {
    let mut s = started(Config::server());
    pump(&mut s, &[IAC, WILL, opt::LINEMODE]);
    let mut p = vec![slc::LM_SLC];
    while p.len() <= s.max_subnegotiation() {
        p.extend_from_slice(&[slc::func::IP, slc::VALUE, 0xff]);
    }
    let (evs, out) = pump(&mut s, &sb(opt::LINEMODE, &p));
    assert_eq!(
        lines(&evs),
        ["warning SubnegotiationTooLong { option: 34, limit: 65536 }"]
    );
    assert!(out.is_empty());
    assert_eq!(
        s.slc_table().entry(slc::func::IP).unwrap().value,
        0x03,
        "nothing of the dropped list was applied"
    );
}

// ----- CVE-2022-39028: a command as the very first bytes -----

/// CVE-2022-39028 (inetutils telnetd): `IAC EC` or `IAC EL` as the first bytes of a connection
/// dereferenced a NULL pointer. Every byte after IAC, as the very first input of a session, in
/// both roles, with and without the presets, with raw and NVT input: the session reports exactly
/// what the bytes mean (a command, a data byte 255, a stray SE warning, or nothing yet for a verb
/// or SB that needs more), then completes the element and serves a line of data.
#[test]
fn cve_2022_39028_any_command_first() {
    for role in [Role::Server, Role::Client] {
        for preset in [false, true] {
            for eol in [EolMode::Raw, EolMode::Nvt] {
                for code in 0..=255u8 {
                    let mut c = match (preset, role) {
                        (false, r) => Config::new(r),
                        (true, Role::Server) => Config::server(),
                        (true, Role::Client) => Config::client(),
                    };
                    c.input_eol = eol;
                    let mut s = new_session(c);
                    if preset {
                        s.start(Instant::now(), |_, _| {});
                    }
                    let what = format!("{role:?} preset={preset} {eol:?} IAC {code}");
                    let (evs, _) = pump(&mut s, &[IAC, code]);
                    let got = lines(&evs);
                    let expected: Vec<String> = match code {
                        SE => vec!["warning StraySubnegotiationEnd".into()],
                        IAC => vec!["data \"\\xff\"".into()],
                        SB | WILL | WONT | DO | DONT => vec![],
                        c => vec![format!("command {}", Command::from_byte(c).unwrap())],
                    };
                    assert_eq!(got, expected, "{what}");
                    // Complete what needs completing, then a line of data gets through.
                    let finish: &[u8] = match code {
                        SB => &[opt::GMCP, IAC, SE],
                        WILL | WONT | DO | DONT => &[200],
                        _ => &[],
                    };
                    let mut tail = finish.to_vec();
                    tail.extend_from_slice(b"ok\r\n");
                    let (evs, out) = pump(&mut s, &tail);
                    WireParse::of(&out);
                    let got = lines(&evs);
                    let want_line: &[&str] = match eol {
                        EolMode::Raw => &["data \"ok\\r\\n\""],
                        EolMode::Nvt => &["data \"ok\"", "eol CR LF"],
                    };
                    assert!(
                        got.ends_with(&want_line.iter().map(|l| l.to_string()).collect::<Vec<_>>()),
                        "{what}: {got:?}"
                    );
                }
            }
        }
    }
    // The published bytes, spelled out: EC and EL first are just commands.
    let mut s = started(Config::server());
    let (evs, _) = pump(&mut s, &[IAC, EC, IAC, EL]);
    assert_eq!(lines(&evs), ["command EC", "command EL"]);
}

// ----- CVE-2020-10188, CVE-2001-0554: floods while the peer never reads -----

/// A small configuration so floods reach the limits quickly: 4 KiB of data, 1 KiB
/// subnegotiations.
fn small(mut c: Config) -> Config {
    c.output_limit = 4096;
    c.max_subnegotiation = 1024;
    c
}

/// Bytes the queue may hold for the configuration `s` runs with: the control limit the session
/// pauses at is the output limit plus half of it plus 4 KiB plus one subnegotiation; one parser
/// step past it adds at most one reply.
fn queue_bound(s: &Session) -> usize {
    2 * s.output_limit() + s.max_subnegotiation() + 4096 + 2048
}

/// Feeds `input` without ever draining output (a peer that never reads); returns how much was
/// consumed and the events.
fn feed_no_drain<F>(s: &mut Session, input: &[u8], mut react: F) -> (usize, Vec<Ev>)
where
    F: FnMut(&mut Session, &Event<'_>),
{
    let mut evs = Vec::new();
    let n = s
        .feed(input, |s, ev| {
            evs.push(describe(ev));
            react(s, ev);
        })
        .unwrap();
    (n, normalize(evs))
}

/// CVE-2020-10188 (netkit telnetd `netclear`/`nextitem`) and CVE-2001-0554 (BSD telnetd
/// `telrcv`): a flood of requests whose replies pile up in an output buffer the peer never
/// drains overflowed it. Replays 200,000 DO/WILL for options nobody allows (each answered WONT or
/// DONT), interleaved with AYT, into a server whose peer never reads: `feed` stops consuming once
/// the control limit is reached, the queue stays within its bound, every queued reply is a whole
/// frame answering exactly one request, and once the queue is drained the session takes the rest
/// and serves a normal exchange.
#[test]
fn cve_2020_10188_negotiation_flood_never_drained() {
    let mut s = started(small(Config::server()));
    let mut input = Vec::new();
    for i in 0..200_000u32 {
        let option = 200 + (i % 50) as u8;
        let verb = if i % 2 == 0 { DO } else { WILL };
        input.extend_from_slice(&[IAC, verb, option]);
        if i % 97 == 0 {
            input.extend_from_slice(&[IAC, AYT]);
        }
    }
    let (n, _) = feed_no_drain(&mut s, &input, |s, ev| {
        if let Event::Command(Command::Ayt) = ev {
            // An application answers AYT with data; it is refused once the queue is full.
            let _ = s.send(b"[yes]\r\n");
        }
    });
    assert!(
        n < input.len(),
        "feed took everything: nothing bounded the queue"
    );
    assert!(n > 0);
    assert!(
        s.output_len() <= queue_bound(&s),
        "{} bytes queued",
        s.output_len()
    );
    // A second feed without draining takes nothing more: the flood cannot grow the queue.
    let queued = s.output_len();
    let (again, _) = feed_no_drain(&mut s, &input[n..], |_, _| {});
    assert_eq!(again, 0);
    assert_eq!(s.output_len(), queued);

    // The queued bytes are whole frames, one refusal per request consumed.
    let mut wire = Vec::new();
    s.drain_output_into(&mut wire);
    let parsed = WireParse::of(&wire);
    let requests = WireParse::of(&input[..n]).negotiations;
    assert_eq!(parsed.negotiations.len(), requests.len());
    for ((verb, option), (asked, asked_option)) in parsed.negotiations.iter().zip(&requests) {
        assert_eq!(option, asked_option);
        let want = if *asked == Verb::Do {
            Verb::Wont
        } else {
            Verb::Dont
        };
        assert_eq!(*verb, want, "reply to {asked:?} {option}");
    }

    // Drained, the session takes the rest and keeps serving.
    let (_, out) = pump(&mut s, &input[n..]);
    WireParse::of(&out);
    let (evs, _) = pump(&mut s, b"hello\r\n");
    assert_eq!(lines(&evs), ["data \"hello\"", "eol CR LF"]);
}

/// CVE-2001-0554 with Abort Output and Synch: the peer floods AO, AYT and Synch (IAC DM after
/// urgent data) and never reads, while the application answers AYT with data and AO with
/// `clear_output` (which queues a Synch of its own). With small limits the queue stops at its
/// bound, every urgent byte is a lone DM right after an IAC, what was queued re-parses whole, and
/// after draining the session serves data again.
#[test]
fn cve_2001_0554_ao_ayt_synch_flood_never_drained() {
    let mut s = started(small(Config::server()));
    let mut input = Vec::new();
    for i in 0..20_000u32 {
        input.extend_from_slice(b"x");
        match i % 3 {
            0 => input.extend_from_slice(&[IAC, AO]),
            1 => input.extend_from_slice(&[IAC, AYT]),
            _ => input.extend_from_slice(&[IAC, DM]),
        }
    }
    s.input_urgent();
    let react = |s: &mut Session, ev: &Event<'_>| match ev {
        Event::Command(Command::Ayt) => {
            let _ = s.send(b"[yes]\r\n");
        }
        Event::Command(Command::Ao) => {
            s.clear_output();
        }
        _ => {}
    };
    let (n, evs) = feed_no_drain(&mut s, &input, react);
    // Aborts drop the queued answers and share one Synch, so the whole flood may be absorbed
    // without even reaching the point where feeding pauses; either way the queue is bounded.
    assert!(n <= input.len());
    assert!(
        s.output_len() <= queue_bound(&s),
        "{} queued",
        s.output_len()
    );
    // Data before the first DM was discarded (RFC 854 Synch); after it, data arrives.
    let first = lines(&evs);
    assert_eq!(first[0], "command AO");
    assert!(first.contains(&"data \"x\"".to_string()));

    // Drain the way a socket writer would: urgent bytes one at a time, each a DM after an IAC.
    let mut wire = Vec::new();
    let mut urgent = 0;
    while let Some(chunk) = s.peek_output() {
        if chunk.urgent {
            assert_eq!(chunk.bytes, [DM]);
            assert_eq!(wire.last(), Some(&IAC));
            urgent += 1;
        }
        let len = chunk.bytes.len();
        wire.extend_from_slice(chunk.bytes);
        s.consume_output(len);
    }
    assert!(urgent > 0);
    let parsed = WireParse::of(&wire);
    assert!(parsed.commands.iter().all(|&c| c == DM));
    let (_, out) = pump(&mut s, &input[n..]);
    WireParse::of(&out);
    let (evs, _) = pump(&mut s, b"still here\r\n");
    assert_eq!(lines(&evs), ["data \"still here\"", "eol CR LF"]);
}

/// The same AO flood with the default limits, as an application that aborts output on every AO
/// sees it: aborts with nothing sent in between share one Synch (a second DM would mark the same
/// point), so 20,000 of them queue one IAC DM and take linear time. (Before, each queued a Synch
/// of its own and scanned every frame: quadratic time and a heap ten times the bytes queued.)
#[test]
fn ao_flood_with_default_limits_stays_small() {
    let mut s = started(Config::server());
    let input: Vec<u8> = [IAC, AO].repeat(20_000);
    let (n, _) = feed_no_drain(&mut s, &input, |s, ev| {
        if let Event::Command(Command::Ao) = ev {
            s.clear_output();
        }
    });
    assert_eq!(n, input.len());
    assert_eq!(s.output_len(), 2, "one Synch for the whole flood");
    assert!(
        s.heap_size() <= 4 * s.output_len() + 64 * 1024,
        "heap {} for {} bytes queued",
        s.heap_size(),
        s.output_len()
    );
}

// ----- CVE-2011-4862: ENCRYPT / AUTHENTICATION with oversized fields -----

/// ENCRYPT suboption codes (RFC 2946).
const ENC_SUPPORT: u8 = 1;
const ENC_KEYID: u8 = 7;
const DEC_KEYID: u8 = 8;

/// CVE-2011-4862 (BSD-derived telnetd, `encrypt_keyid`): an `SB ENCRYPT ENC_KEYID` with a key id
/// longer than the 64-byte buffer gave remote root. telnet-rs implements neither ENCRYPT nor
/// AUTHENTICATION: a peer offering them is refused, a subnegotiation for them is ignored with a
/// warning, one longer than the limit (here 70,000-byte key ids and names) is dropped with
/// `SubnegotiationTooLong`, and the heap stays within the subnegotiation limit meanwhile. An
/// application that does enable the option gets the payload as one bounded event, never in a
/// fixed buffer.
#[test]
fn cve_2011_4862_encrypt_and_authentication_refused_cleanly() {
    let mut s = started(Config::server());
    let (evs, out) = pump(
        &mut s,
        &[
            IAC,
            WILL,
            opt::ENCRYPT,
            IAC,
            DO,
            opt::ENCRYPT,
            IAC,
            WILL,
            opt::AUTHENTICATION,
        ],
    );
    assert!(evs.is_empty(), "{evs:?}");
    assert_eq!(
        WireParse::of(&out).negotiations,
        [
            (Verb::Dont, opt::ENCRYPT),
            (Verb::Wont, opt::ENCRYPT),
            (Verb::Dont, opt::AUTHENTICATION)
        ]
    );

    let mut short_keyid = vec![ENC_KEYID];
    short_keyid.extend(std::iter::repeat_n(0x41, 300));
    let mut huge_keyid = vec![ENC_KEYID];
    huge_keyid.extend(std::iter::repeat_n(0x41, 70_000));
    let mut huge_dec = vec![DEC_KEYID];
    huge_dec.extend(std::iter::repeat_n(IAC, 70_000)); // doubled on the wire: 140,000 bytes
    let mut huge_auth = vec![0, 6, 2]; // IS, a type and modifier, then the name
    huge_auth.extend(std::iter::repeat_n(b'n', 70_000));
    let limit = s.max_subnegotiation();
    let cases: [(u8, &[u8], String); 5] = [
        (
            opt::ENCRYPT,
            &[ENC_SUPPORT, 1, 2],
            "warning SubnegotiationNotEnabled { option: 38 }".to_string(),
        ),
        (
            opt::ENCRYPT,
            &short_keyid,
            "warning SubnegotiationNotEnabled { option: 38 }".to_string(),
        ),
        (
            opt::ENCRYPT,
            &huge_keyid,
            format!("warning SubnegotiationTooLong {{ option: 38, limit: {limit} }}"),
        ),
        (
            opt::ENCRYPT,
            &huge_dec,
            format!("warning SubnegotiationTooLong {{ option: 38, limit: {limit} }}"),
        ),
        (
            opt::AUTHENTICATION,
            &huge_auth,
            format!("warning SubnegotiationTooLong {{ option: 37, limit: {limit} }}"),
        ),
    ];
    for (option, payload, warning) in &cases {
        let wire = sb(*option, payload);
        // In 4 KiB reads, as from a socket, checking memory after each.
        let mut evs = Vec::new();
        for chunk in wire.chunks(4096) {
            let (e, out) = pump(&mut s, chunk);
            assert!(out.is_empty());
            evs.extend(e);
            assert!(
                s.heap_size() <= 2 * limit + 16 * 1024,
                "heap {} while reading a {}-byte subnegotiation",
                s.heap_size(),
                payload.len()
            );
        }
        assert_eq!(
            lines(&evs),
            std::slice::from_ref(warning),
            "{} bytes",
            payload.len()
        );
    }
    // Still serving.
    let (evs, _) = pump(&mut s, b"id\r\n");
    assert_eq!(lines(&evs), ["data \"id\"", "eol CR LF"]);

    // An application that enables ENCRYPT itself gets a bounded raw event.
    let mut c = Config::server();
    c.allow(opt::ENCRYPT, Side::Remote);
    let mut s = started(c);
    pump(&mut s, &[IAC, WILL, opt::ENCRYPT]);
    let mut got = Vec::new();
    s.feed(&sb(opt::ENCRYPT, &short_keyid), |_, ev| {
        if let Event::Subnegotiation { option, payload } = ev {
            got.push((*option, payload.len()));
        }
    })
    .unwrap();
    assert_eq!(got, [(opt::ENCRYPT, short_keyid.len())]);
    let (evs, _) = pump(&mut s, &sb(opt::ENCRYPT, &huge_keyid));
    assert_eq!(
        lines(&evs),
        [format!(
            "warning SubnegotiationTooLong {{ option: 38, limit: {limit} }}"
        )]
    );
}

// ----- CVE-2005-0468, CVE-2005-0488: what a client discloses -----

/// A client that agreed to `option` (NEW-ENVIRON, or the old ENVIRON from a server that refused
/// NEW-ENVIRON) and exports USER, DISPLAY and one user variable.
fn exporting_client(option: u8) -> Session {
    let mut c = Config::client();
    c.environ_export = vec![
        (VarKind::Var, "USER".into(), "alice".into()),
        (VarKind::Var, "DISPLAY".into(), "ws:0".into()),
        (VarKind::UserVar, "EDITOR".into(), "vi".into()),
    ];
    let mut s = started(c);
    if option == opt::NEW_ENVIRON {
        pump(&mut s, &[IAC, DO, opt::NEW_ENVIRON]);
    } else {
        pump(
            &mut s,
            &[IAC, DONT, opt::NEW_ENVIRON, IAC, DO, opt::OLD_ENVIRON],
        );
    }
    assert!(s.is_enabled(option, Side::Local));
    s
}

/// A client doing NEW-ENVIRON refuses the old ENVIRON (BSD telnet does): inetutils telnetd asks
/// for both and would wait for an ENVIRON IS forever.
#[test]
fn a_client_doing_new_environ_refuses_the_old_one() {
    let mut s = started(Config::client());
    let (_, out) = pump(
        &mut s,
        &[IAC, DO, opt::NEW_ENVIRON, IAC, DO, opt::OLD_ENVIRON],
    );
    assert!(s.is_enabled(opt::NEW_ENVIRON, Side::Local));
    assert!(!s.is_enabled(opt::OLD_ENVIRON, Side::Local));
    assert!(out.windows(3).any(|w| w == [IAC, WONT, opt::OLD_ENVIRON]));
}

/// CVE-2005-0488 (BSD and MIT telnet clients): a server's NEW-ENVIRON SEND naming any variable
/// made the client disclose it, exported or not. The client answers only from its export list:
/// SEND for unexported names (HOME, PATH, SSH_AUTH_SOCK, KRB5CCNAME, as VAR and USERVAR) gets an
/// empty IS; SEND for USER gets USER alone; SEND of everything gets the export list and nothing
/// else; the same holds over the old ENVIRON option.
#[test]
fn cve_2005_0488_client_discloses_only_its_exports() {
    for option in [opt::NEW_ENVIRON, opt::OLD_ENVIRON] {
        let mut s = exporting_client(option);
        let secret = env_list(
            1,
            &[
                (0, b"HOME", None),
                (0, b"PATH", None),
                (3, b"SSH_AUTH_SOCK", None),
                (3, b"KRB5CCNAME", None),
                (3, b"USER", None), // USER is exported as a VAR, not a USERVAR
            ],
            1,
        );
        {
            let (_, out) = pump(&mut s, &sb(option, &secret));
            assert_eq!(WireParse::of(&out).subnegotiations, [(option, vec![IS])]);

            let (_, out) = pump(&mut s, &sb(option, &env_list(1, &[(0, b"USER", None)], 1)));
            assert_eq!(
                WireParse::of(&out).subnegotiations,
                [(option, env_list(IS, &[(0, b"USER", Some(b"alice"))], 1))]
            );

            let (_, out) = pump(&mut s, &sb(option, &[1]));
            assert_eq!(
                WireParse::of(&out).subnegotiations,
                [(
                    option,
                    env_list(
                        IS,
                        &[
                            (0, b"USER", Some(b"alice")),
                            (0, b"DISPLAY", Some(b"ws:0")),
                            (3, b"EDITOR", Some(b"vi"))
                        ],
                        1
                    )
                )]
            );
        }
    }
}

/// CVE-2005-0468 (BSD telnet client `env_opt_add`): a huge or escape-heavy NEW-ENVIRON SEND list
/// overflowed the reply buffer. Replays SEND lists of 200 ESC-heavy names, of 5,000 names (over
/// the decoder's 256), of names of 1,000 bytes (over its 256), and one past the subnegotiation
/// limit: the reply is never larger than the whole export list, or absent with a warning, and
/// the session keeps answering normal requests.
#[test]
fn cve_2005_0468_huge_send_lists_stay_bounded() {
    let mut s = exporting_client(opt::NEW_ENVIRON);
    let full = env_list(
        IS,
        &[
            (0, b"USER", Some(b"alice")),
            (0, b"DISPLAY", Some(b"ws:0")),
            (3, b"EDITOR", Some(b"vi")),
        ],
        1,
    );
    let escape_heavy: Vec<u8> = std::iter::once(1u8)
        .chain((0..200).flat_map(|_| [0u8, 2, 0, 2, 1, 2, 2, 2, 3, b'U']))
        .collect();
    let many: Vec<u8> = std::iter::once(1u8)
        .chain((0..5000).flat_map(|_| [3u8, b'X']))
        .collect();
    let long_name: Vec<u8> = [1u8, 0].into_iter().chain([b'N'; 1000]).collect();
    let mut over_limit = vec![1u8];
    while over_limit.len() <= s.max_subnegotiation() {
        over_limit.extend_from_slice(&[0, 2, 2]);
    }
    for (what, list) in [
        ("escape-heavy", escape_heavy),
        ("5000 names", many),
        ("1000-byte name", long_name),
        ("over the limit", over_limit),
    ] {
        let (evs, out) = pump(&mut s, &sb(opt::NEW_ENVIRON, &list));
        let replies = WireParse::of(&out).subnegotiations;
        assert!(replies.len() <= 1, "{what}");
        for (_, p) in &replies {
            assert!(p.len() <= full.len(), "{what}: {} bytes", p.len());
        }
        if replies.is_empty() {
            assert_eq!(evs.len(), 1, "{what}: {evs:?}");
            assert!(lines(&evs)[0].starts_with("warning"), "{what}: {evs:?}");
        }
        assert!(s.heap_size() <= 2 * s.max_subnegotiation() + 16 * 1024);
    }
    let (_, out) = pump(&mut s, &sb(opt::NEW_ENVIRON, &[1]));
    assert_eq!(
        WireParse::of(&out).subnegotiations,
        [(opt::NEW_ENVIRON, full)]
    );
}

// ----- loops and never-ending input -----

/// A client whose TERMINAL-TYPE answers never repeat (the RFC 1091 cycle never closes): the
/// server asks at most `ttype_max` times, keeps at most that many names, then stops; later
/// unsolicited answers draw nothing.
#[test]
fn ttype_answers_that_never_repeat_stop_at_the_cap() {
    let mut c = Config::server();
    c.ttype_max = 8;
    let mut s = started(c);
    let (_, out) = pump(&mut s, &[IAC, WILL, opt::TTYPE]);
    let mut sends = WireParse::of(&out).subnegotiations_of(opt::TTYPE).len();
    assert_eq!(sends, 1);
    for i in 0..1000 {
        let name = format!("TERM-{i}");
        let mut p = vec![IS];
        p.extend_from_slice(name.as_bytes());
        let (_, out) = pump(&mut s, &sb(opt::TTYPE, &p));
        sends += WireParse::of(&out).subnegotiations_of(opt::TTYPE).len();
    }
    assert_eq!(sends, 8);
    assert_eq!(s.terminal_types().len(), 8);
    assert_eq!(s.terminal_type(), Some(&b"TERM-0"[..]));
    assert!(s.heap_size() < 4096, "heap {}", s.heap_size());
}

/// Thousands of WILL/WONT toggles, for an option the server accepts and for one it refuses: every
/// message that asks for a change gets exactly one reply and none other does (RFC 1143), so the
/// replies never exceed the requests; and two sessions wired together, one toggling 2,000 times
/// without waiting, settle in a few rounds (no negotiation loop).
#[test]
fn will_wont_toggle_flood_gets_one_reply_each_and_no_loop() {
    for (option, accepted) in [(opt::BINARY, true), (200u8, false)] {
        let mut s = started(Config::server());
        let mut input = Vec::new();
        for _ in 0..5000 {
            input.extend_from_slice(&[IAC, WILL, option, IAC, WONT, option]);
        }
        let (evs, out) = pump(&mut s, &input);
        let replies = WireParse::of(&out).negotiations;
        let expected: Vec<(Verb, u8)> = if accepted {
            // WILL in NO -> DO; WONT in YES -> DONT.
            [(Verb::Do, option), (Verb::Dont, option)].repeat(5000)
        } else {
            // WILL -> DONT; WONT in NO is not answered.
            vec![(Verb::Dont, option); 5000]
        };
        assert_eq!(replies, expected, "option {option}");
        assert!(out.len() <= input.len());
        let changes = lines(&evs)
            .iter()
            .filter(|l| l.starts_with("option "))
            .count();
        assert_eq!(changes, if accepted { 10_000 } else { 0 });
    }

    // Two ends: A toggles ECHO 2,000 times at once; the exchange still ends.
    let mut a = new_session(Config::client());
    let mut b = new_session(Config::server());
    for i in 0..2000 {
        a.negotiate(opt::ECHO, Side::Remote, i % 2 == 0).unwrap();
    }
    let mut ab = Vec::new();
    a.drain_output_into(&mut ab);
    let mut messages = 0;
    let mut rounds = 0;
    loop {
        let (_, ba) = pump(&mut b, &ab);
        let (_, next) = pump(&mut a, &ba);
        messages += ab.len() / 3 + ba.len() / 3;
        if ab.is_empty() && ba.is_empty() {
            break;
        }
        ab = next;
        rounds += 1;
        assert!(rounds < 10, "negotiation still going after {rounds} rounds");
    }
    assert!(messages <= 6, "{messages} messages for 2,000 toggles");
    assert_eq!(
        a.is_enabled(opt::ECHO, Side::Remote),
        b.is_enabled(opt::ECHO, Side::Local)
    );
}

/// A subnegotiation that never ends: `IAC SB` and then a megabyte without `IAC SE`, in 4 KiB
/// reads, plain and full of escaped IACs. One `SubnegotiationTooLong` warning, no other event,
/// no output, and the heap never above twice the limit; the `IAC SE` that finally comes ends it
/// and the data after it is delivered.
#[test]
fn subnegotiation_that_never_ends_is_capped() {
    for filler in [b'A', IAC] {
        let mut c = Config::server();
        c.max_subnegotiation = 4096;
        let mut s = started(c);
        pump(&mut s, &[IAC, WILL, opt::TTYPE]);
        let mut stream = vec![IAC, SB, opt::TTYPE, IS];
        for _ in 0..(1 << 20) {
            stream.push(filler);
            if filler == IAC {
                stream.push(IAC);
            }
        }
        let mut evs = Vec::new();
        for chunk in stream.chunks(4096) {
            let (e, out) = pump(&mut s, chunk);
            assert!(out.is_empty());
            evs.extend(e);
            assert!(
                s.heap_size() <= 2 * 4096 + 4096,
                "heap {} after {} bytes",
                s.heap_size(),
                evs.len()
            );
        }
        assert_eq!(
            lines(&evs),
            ["warning SubnegotiationTooLong { option: 24, limit: 4096 }"]
        );
        let (evs, _) = pump(&mut s, &[IAC, SE, b'o', b'k', b'\r', b'\n']);
        assert_eq!(lines(&evs), ["data \"ok\"", "eol CR LF"]);
        assert!(s.terminal_types().is_empty());
    }
}
