//! Every subnegotiation decoder, chosen by the first byte; the rest is the payload (what sits
//! between `IAC SB <option>` and `IAC SE`, IAC IAC already reduced).
//!
//! Invariants asserted, besides "no panic":
//! - decoders stay within their caps and never produce more bytes than they were given;
//! - what decodes re-encodes to something that decodes to the same thing (and, where the format
//!   has one canonical form, to the same bytes);
//! - SLC ([`SlcTable::process`], both roles, both table sizes, both "disabled" bytes): one reply
//!   triplet per function at most, at most 256 of them, changes reported once each in ascending
//!   order within the table, defaults untouched, no ACK left in the table, and a server and a
//!   client table exchanging replies settle within a few rounds (no SLC ping-pong);
//! - the same payload in a whole session with the option enabled (both roles): the session's
//!   reply re-parses cleanly and stays within the amplification bound.

use crate::bounds;
use crate::cursor::Cursor;
use crate::reparse::assert_reparses;
use std::sync::Arc;
use telnet_rs::proto::consts::{DO, DONT, IAC, SB, SE, WILL, WONT, opt};
use telnet_rs::proto::slc::{self, SlcReplies, SlcRole, SlcTable};
use telnet_rs::proto::wire::{self, CharsetMsg, EnvCodes, LinemodeMsg, StatusItem, WireError};
use telnet_rs::{Config, Role, Session, Side};

/// The body of the `subneg` target.
pub fn fuzz(data: &[u8]) {
    let mut cur = Cursor::new(data);
    let which = cur.byte();
    match which % 12 {
        0 => naws(cur.rest()),
        1 => text(cur.rest()),
        2 => tspeed(cur.rest()),
        3 => lflow(cur.rest()),
        4 => environ(cur.rest(), wire::ENV_CODES),
        5 => {
            let list = cur.rest();
            environ(list, wire::old_environ_codes(list));
        }
        6 => charset(cur.rest()),
        7 => status(cur.rest()),
        8 => linemode(cur.rest()),
        9 | 10 => {
            let table = cur.byte();
            slc_process(table, cur.rest());
        }
        _ => {
            let (role, option) = (cur.byte(), cur.byte());
            in_session(role, option, cur.rest());
        }
    }
}

fn naws(p: &[u8]) {
    if let Ok((w, h)) = wire::naws_decode(p) {
        assert_eq!(wire::naws_encode(w, h), p);
    } else {
        assert_ne!(p.len(), 4);
    }
}

fn text(p: &[u8]) {
    for cap in [wire::MAX_TERMINAL_TYPE, wire::MAX_TEXT] {
        if let Ok(t) = wire::is_text_decode(p, cap) {
            assert!(t.len() <= cap);
            assert!(t.iter().all(|b| (0x20..0x7f).contains(b)));
            assert_eq!(wire::is_text_encode(t), p);
        }
    }
    let _ = wire::is_send(p);
}

fn tspeed(p: &[u8]) {
    if let Ok((tx, rx)) = wire::tspeed_decode(p) {
        assert_eq!(
            wire::tspeed_decode(&wire::tspeed_encode(tx, rx)),
            Ok((tx, rx))
        );
    }
}

fn lflow(p: &[u8]) {
    if let Ok(c) = wire::lflow_decode(p) {
        assert_eq!([c as u8], p);
    }
}

fn environ(list: &[u8], codes: EnvCodes) {
    for (max_entries, max_len) in [(64, 1024), (256, 256), (2, 3)] {
        let Ok(entries) = wire::env_list_decode(list, codes, max_entries, max_len) else {
            continue;
        };
        assert!(entries.len() <= max_entries);
        let mut total = 0;
        for e in &entries {
            assert!(e.name.len() <= max_len);
            total += e.name.len() + 1;
            if let Some(v) = &e.value {
                assert!(v.len() <= max_len);
                total += v.len() + 1;
            }
        }
        assert!(total <= list.len(), "decoded more than the input held");
        let again = wire::env_list_encode(wire::IS, &entries, codes);
        assert_eq!(again[0], wire::IS);
        assert_eq!(
            wire::env_list_decode(&again[1..], codes, max_entries, max_len).as_ref(),
            Ok(&entries),
            "environment list changed through encode + decode"
        );
    }
}

fn charset(p: &[u8]) {
    match wire::charset_decode(p) {
        Ok(CharsetMsg::Request(names)) => {
            assert!(names.len() <= 64);
            assert!(names.iter().all(|n| !n.is_empty() && n.len() <= 64));
            // Re-encode with a separator no name holds (and that cannot start "[TTABLE]"). An
            // empty list has no canonical form (our encoder writes no separator for it).
            if names.is_empty() {
                return;
            }
            if let Some(sep) = [b';', b' ', b',', 0u8, 1u8]
                .into_iter()
                .find(|s| names.iter().all(|n| !n.contains(s)))
            {
                let again = wire::charset_request_encode(&names, sep);
                assert_eq!(
                    wire::charset_decode(&again),
                    Ok(CharsetMsg::Request(names.clone()))
                );
            }
        }
        Ok(CharsetMsg::Accepted(name)) => assert!(!name.is_empty() && name.len() <= 64),
        Ok(CharsetMsg::Ttable(code)) => assert!((4..=7).contains(&code)),
        Ok(CharsetMsg::Rejected) | Err(_) => {}
    }
}

/// The STATUS IS list format (RFC 859), written the way our decoder reads it.
fn status_encode_items(items: &[StatusItem]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        match item {
            StatusItem::Option { verb, option } => {
                out.extend_from_slice(&[*verb, *option]);
                if *option == SE {
                    out.push(SE);
                }
            }
            StatusItem::Subnegotiation { option, payload } => {
                out.extend_from_slice(&[SB, *option]);
                for &b in payload {
                    out.push(b);
                    if b == SE {
                        out.push(SE);
                    }
                }
                out.push(SE);
            }
        }
    }
    out
}

fn status(list: &[u8]) {
    match wire::status_decode(list) {
        Ok(items) => {
            assert!(items.len() <= 512);
            for item in &items {
                if let StatusItem::Option { verb, .. } = item {
                    assert!([WILL, WONT, DO, DONT].contains(verb));
                }
            }
            let again = status_encode_items(&items);
            assert!(again.len() <= list.len() + items.len());
            assert_eq!(wire::status_decode(&again).as_ref(), Ok(&items));
        }
        Err(WireError::Truncated | WireError::Invalid | WireError::TooLong) => {}
    }
}

fn linemode(p: &[u8]) {
    match wire::linemode_decode(p) {
        Ok(LinemodeMsg::Mode(m)) => assert_eq!(&wire::linemode_mode_encode(m)[..], &p[..2]),
        Ok(LinemodeMsg::Slc(t)) => assert_eq!(t, &p[1..]),
        Ok(LinemodeMsg::DoForwardMask(mask)) => {
            assert!(mask.len() <= 32);
            assert_eq!(wire::linemode_forwardmask_encode(DO, mask), p);
        }
        Ok(_) | Err(_) => {}
    }
}

/// A table as a session would start with: `sel` picks role defaults, size and "disabled" byte.
fn table(role: SlcRole, sel: u8) -> SlcTable {
    let vdisable = if sel & 2 != 0 { 0xff } else { 0 };
    let mut t = match role {
        SlcRole::Server => SlcTable::server_defaults(vdisable),
        SlcRole::Client => SlcTable::client_defaults(vdisable),
    };
    if sel & 1 != 0 {
        t = t.with_nslc(slc::NSLC_GLIBC);
    }
    if role == SlcRole::Client && sel & 4 != 0 {
        t.export(&mut SlcReplies::new());
    }
    t
}

fn assert_sane(t: &SlcTable, defaults_before: &[Option<slc::SlcEntry>]) {
    assert_eq!(t.entry(0), None);
    assert_eq!(t.entry(t.nslc().saturating_add(1)), None);
    for f in 1..=t.nslc() {
        let e = t.entry(f).expect("in range");
        assert_eq!(e.flags & slc::ACK, 0, "ACK left in the table for {f}");
    }
    let defaults: Vec<_> = (0..=255u8).map(|f| t.default_entry(f)).collect();
    assert_eq!(defaults, defaults_before, "processing changed the defaults");
}

/// Processes `triplets` in one role and checks the reply and the table.
fn process_checked(t: &mut SlcTable, role: SlcRole, triplets: &[u8]) -> SlcReplies {
    let defaults: Vec<_> = (0..=255u8).map(|f| t.default_entry(f)).collect();
    let mut out = SlcReplies::new();
    let mut changed: Vec<u8> = Vec::new();
    t.process(role, triplets, &mut out, &mut |f, _| changed.push(f));
    assert!(out.len() <= slc::MAX_REPLY_TRIPLETS);
    assert!(
        out.len() <= triplets.len() / 3 + usize::from(t.nslc()),
        "{} reply triplets for {} received",
        out.len(),
        triplets.len() / 3
    );
    let payload = out.payload();
    assert!(payload.len() <= 1 + 3 * slc::MAX_REPLY_TRIPLETS);
    assert_eq!(
        payload.len(),
        if out.is_empty() { 0 } else { 1 + 3 * out.len() }
    );
    let mut seen = [false; 256];
    for (f, _, _) in out.triplets() {
        assert!(!seen[usize::from(f)], "two reply triplets for function {f}");
        seen[usize::from(f)] = true;
    }
    assert!(
        changed.windows(2).all(|w| w[0] < w[1]),
        "changes not reported once each in ascending order: {changed:?}"
    );
    assert!(changed.iter().all(|&f| (1..=t.nslc()).contains(&f)));
    assert_sane(t, &defaults);
    out
}

fn slc_process(sel: u8, triplets: &[u8]) {
    let first = if sel & 0x80 != 0 {
        SlcRole::Client
    } else {
        SlcRole::Server
    };
    let mut server = table(SlcRole::Server, sel);
    let mut client = table(SlcRole::Client, sel >> 3);
    // The hostile triplets go to one end; its reply then bounces between the two ends, as it
    // would between two telnet-rs peers, and must die out.
    let mut reply = match first {
        SlcRole::Server => process_checked(&mut server, SlcRole::Server, triplets),
        SlcRole::Client => process_checked(&mut client, SlcRole::Client, triplets),
    };
    let mut to = match first {
        SlcRole::Server => SlcRole::Client,
        SlcRole::Client => SlcRole::Server,
    };
    let mut rounds = 0;
    while !reply.is_empty() {
        rounds += 1;
        assert!(rounds <= 8, "SLC replies still bouncing after 8 rounds");
        let p = reply.payload();
        let body = &p[1..];
        reply = match to {
            SlcRole::Server => process_checked(&mut server, SlcRole::Server, body),
            SlcRole::Client => process_checked(&mut client, SlcRole::Client, body),
        };
        to = match to {
            SlcRole::Server => SlcRole::Client,
            SlcRole::Client => SlcRole::Server,
        };
    }
}

/// Options whose subnegotiations the session decodes, and one it passes through.
const OPTIONS: [u8; 14] = [
    opt::NAWS,
    opt::TTYPE,
    opt::TSPEED,
    opt::XDISPLOC,
    opt::NEW_ENVIRON,
    opt::OLD_ENVIRON,
    opt::CHARSET,
    opt::LINEMODE,
    opt::STATUS,
    opt::LFLOW,
    opt::SNDLOC,
    opt::AUTHENTICATION,
    opt::ENCRYPT,
    opt::GMCP,
];

fn in_session(sel: u8, which: u8, payload: &[u8]) {
    let role = if sel & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let option = OPTIONS[usize::from(which) % OPTIONS.len()];
    let mut c = match role {
        Role::Server => Config::server(),
        Role::Client => Config::client(),
    };
    c.x_display = Some("host:0".into());
    c.location = Some("lab".into());
    c.charset_offer = vec!["UTF-8".into()];
    c.forwardmask_accept = sel & 2 != 0;
    c.slc_simulation = sel & 4 != 0;
    if sel & 8 != 0 {
        c.max_subnegotiation = 64;
    }
    // Let the peer enable it on both sides, whatever the preset says.
    c.allow(option, Side::Local).allow(option, Side::Remote);
    let mut s = Session::new(Arc::new(c));

    let mut input = vec![IAC, WILL, option, IAC, DO, option, IAC, SB];
    for &b in std::iter::once(&option).chain(payload) {
        input.push(b);
        if b == IAC {
            input.push(IAC);
        }
    }
    input.extend_from_slice(&[IAC, SE]);

    let mut wire = Vec::new();
    let mut rest = &input[..];
    let mut grown = 0usize;
    while !rest.is_empty() {
        let before = s.output_len();
        let n = s.feed(rest, |_, _| {}).expect("not reentrant");
        grown += s.output_len() - before;
        s.drain_output_into(&mut wire);
        assert!(n > 0 || before > 0, "no progress");
        rest = &rest[n..];
    }
    assert!(s.is_enabled(option, Side::Remote) && s.is_enabled(option, Side::Local));
    assert_reparses(&wire);
    let k = bounds::amplification_limit(&s);
    assert!(
        grown <= k * input.len(),
        "{grown} bytes out for {} in",
        input.len()
    );
    assert!(s.heap_size() <= bounds::heap_cap(&s, grown));
}
