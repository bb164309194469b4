//! Pty packet-mode input: a server session takes arbitrary reads from a TIOCPKT master (any
//! control byte, any data after it) through [`Session::pty_packet`], interleaved with arbitrary
//! network input and partial writes of its output.
//!
//! Invariants asserted, besides "no panic":
//! - `accepted` never exceeds the data given, and falls short only when the output queue is full;
//! - FLUSHREAD and IOCTL come back exactly as the control byte has them;
//! - a packet adds at most twice its accepted data (escaping) plus its notices' replies (a Synch,
//!   two REMOTE-FLOW-CONTROL subnegotiations, and those only once the client agreed to LFLOW);
//! - after FLUSHWRITE the queue ends with the Synch: IAC, then DM as the urgent byte;
//! - the queue stays within its cap, and everything written re-parses cleanly.

use crate::bounds;
use crate::cursor::Cursor;
use crate::reparse::assert_reparses;

fn drain(s: &mut Session, wire: &mut Vec<u8>, max: usize) {
    crate::reparse::drain(s, wire, max, |_, _| {});
}
use crate::session::config;
use std::sync::Arc;
use std::time::Instant;
use telnet_rs::proto::consts::{DM, IAC, opt};
use telnet_rs::proto::pty_packet::bits;
use telnet_rs::{Role, Session, Side};

/// Bytes the notices of one packet can queue: a Synch (2) and two LFLOW subnegotiations (6 each).
const NOTICE_REPLY_MAX: usize = 2 + 6 + 6;

/// The body of the `pty_packet` target.
pub fn fuzz(data: &[u8]) {
    let mut cur = Cursor::new(data);
    let (a, b) = (cur.byte(), cur.byte());
    let mut s = Session::new(Arc::new(config(Role::Server, a, b)));
    s.start(Instant::now(), |_, _| {});
    let mut wire = Vec::new();
    let mut synchs = 0;
    while !cur.is_empty() {
        match cur.byte() % 8 {
            // Network input: how the client agrees to LFLOW, BINARY, LINEMODE...
            0 | 1 => {
                let len = usize::from(cur.byte());
                let _ = s.feed(cur.take(len), |_, _| {});
            }
            2 => drain(&mut s, &mut wire, usize::from(cur.u16())),
            3 => drain(&mut s, &mut wire, usize::MAX),
            _ => {
                let control = cur.byte();
                let len = usize::from(cur.u16() % 4096);
                let mut packet = vec![control];
                packet.extend_from_slice(cur.take(len));
                let lflow = s.is_enabled(opt::LFLOW, Side::Remote);
                let before = s.output_len();
                let r = s.pty_packet(&packet);
                let data_len = packet.len() - 1;
                assert!(r.accepted <= data_len, "{r:?} for {data_len} data bytes");
                if r.accepted < data_len {
                    assert_eq!(s.output_room(), 0, "data refused with room left: {r:?}");
                }
                assert_eq!(r.flush_input, control & bits::FLUSHREAD != 0);
                assert_eq!(r.termios_changed, control & bits::IOCTL != 0);
                let replies = if lflow { NOTICE_REPLY_MAX } else { 2 };
                let grown = s.output_len().saturating_sub(before);
                assert!(
                    grown <= 2 * r.accepted + replies,
                    "a packet of {data_len} data bytes (control {control:#04x}) queued {grown}"
                );
                if control & bits::FLUSHWRITE != 0 {
                    synchs += 1;
                    if data_len == 0 && control & (bits::NOSTOP | bits::DOSTOP) == 0 {
                        drain(&mut s, &mut wire, usize::MAX);
                        let tail = &wire[wire.len().saturating_sub(8)..];
                        assert!(
                            tail.ends_with(&[IAC, DM]),
                            "after FLUSHWRITE the output ends {tail:?}, not with the Synch"
                        );
                    }
                }
            }
        }
        let cap = bounds::queue_cap(&s, synchs);
        assert!(
            s.output_len() <= cap,
            "queue {} > cap {cap}",
            s.output_len()
        );
    }
    drain(&mut s, &mut wire, usize::MAX);
    assert_reparses(&wire);
}
