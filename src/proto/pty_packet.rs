//! Output read from a pty master in packet mode (TIOCPKT): every read starts with a control byte
//! that says either "data follows" or what just happened to the terminal. This is where those
//! notices become Telnet, the way BSD telnetd maps them; the caller does the reading and acts on
//! the part that concerns the pty itself.

use super::consts::opt;
use super::event::Side;
use super::session::Session;
use super::wire::Lflow;

/// The control bytes of packet mode (the same values on Linux and the BSDs). One read carries
/// either [`DATA`](bits::DATA) and data, or a set of notices.
pub mod bits {
    /// Plain data follows.
    pub const DATA: u8 = 0;
    /// The program discarded its terminal's input queue.
    pub const FLUSHREAD: u8 = 1;
    /// The program discarded its terminal's output queue (an interrupt, ^O).
    pub const FLUSHWRITE: u8 = 2;
    /// Output stopped (^S).
    pub const STOP: u8 = 4;
    /// Output restarted (^Q).
    pub const START: u8 = 8;
    /// Software flow control switched off (IXON cleared).
    pub const NOSTOP: u8 = 16;
    /// Software flow control switched on (IXON set).
    pub const DOSTOP: u8 = 32;
    /// The program changed the terminal's settings (reported with EXTPROC only).
    pub const IOCTL: u8 = 64;
}

/// What [`Session::pty_packet`] did and what is left for the caller to do at the pty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PtyPacket {
    /// How many bytes of data after the control byte were queued for the peer. Fewer than were
    /// given means the output queue is full: keep the rest and offer it with [`Session::send`]
    /// once output has drained (never feed the packet again: its notices are already handled).
    pub accepted: usize,
    /// The program discarded its terminal's input: discard network input not yet written to the
    /// pty as well.
    pub flush_input: bool,
    /// The program changed the terminal's settings: read them and follow (ICANON with
    /// [`Session::set_line_editing`]; ECHO, in LINEMODE, by offering ECHO when the program stops
    /// echoing and withdrawing it when it echoes again).
    pub termios_changed: bool,
}

impl Session {
    /// Server: handles one read from a pty master in packet mode, `packet` being every byte the
    /// read returned (control byte first). Data is queued like [`Session::send`] data. The notices
    /// map as in BSD telnetd: FLUSHWRITE aborts output (queued data dropped, Synch sent);
    /// NOSTOP and DOSTOP send REMOTE-FLOW-CONTROL OFF and ON when the peer agreed to it;
    /// FLUSHREAD and IOCTL are reported in the result; STOP and START need nothing. An empty
    /// packet does nothing. Never fails: a notice whose reply does not fit in the output queue is
    /// dropped, as the queue's limit says.
    pub fn pty_packet(&mut self, packet: &[u8]) -> PtyPacket {
        let mut out = PtyPacket::default();
        let Some((&control, data)) = packet.split_first() else {
            return out;
        };
        if control & bits::FLUSHWRITE != 0 {
            self.clear_output();
        }
        out.flush_input = control & bits::FLUSHREAD != 0;
        out.termios_changed = control & bits::IOCTL != 0;
        if self.is_enabled(opt::LFLOW, Side::Remote) {
            // Both bits in one notice cannot come from one change; the later state (DOSTOP) wins.
            if control & bits::NOSTOP != 0 {
                let _ = self.send_lflow(Lflow::Off);
            }
            if control & bits::DOSTOP != 0 {
                let _ = self.send_lflow(Lflow::On);
            }
        }
        // The kernel sends notices alone; data after one is still the program's output, and is
        // queued rather than lost.
        let mut rest = data;
        while !rest.is_empty() {
            match self.send(rest) {
                Ok(n) => {
                    out.accepted += n;
                    rest = &rest[n..];
                }
                Err(_) => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::consts::{DM, IAC, SB, SE, WILL};
    use crate::proto::{Config, Event, Role};
    use std::sync::Arc;

    fn server() -> Session {
        let mut c = Config::new(Role::Server);
        c.allow(opt::LFLOW, Side::Remote);
        let mut s = Session::new(Arc::new(c));
        drain(&mut s);
        s
    }

    fn drain(s: &mut Session) -> Vec<u8> {
        let mut v = Vec::new();
        s.drain_output_into(&mut v);
        v
    }

    fn agree_lflow(s: &mut Session) {
        s.negotiate(opt::LFLOW, Side::Remote, true).unwrap();
        s.feed(
            &[IAC, WILL, opt::LFLOW],
            |_: &mut Session, _: &Event<'_>| {},
        )
        .unwrap();
        drain(s);
    }

    #[test]
    fn data_is_queued_escaped() {
        let mut s = server();
        let r = s.pty_packet(&[bits::DATA, b'a', 0xff, b'b']);
        assert_eq!(r.accepted, 3);
        assert!(!r.flush_input && !r.termios_changed);
        assert_eq!(drain(&mut s), [b'a', IAC, IAC, b'b']);
    }

    #[test]
    fn flushwrite_drops_data_and_sends_synch() {
        let mut s = server();
        s.pty_packet(b"\0queued output");
        s.pty_packet(&[bits::FLUSHWRITE]);
        assert_eq!(drain(&mut s), [IAC, DM]);
    }

    #[test]
    fn flushread_and_ioctl_are_reported() {
        let mut s = server();
        let r = s.pty_packet(&[bits::FLUSHREAD | bits::IOCTL]);
        assert!(r.flush_input && r.termios_changed);
        assert_eq!(r.accepted, 0);
        assert!(drain(&mut s).is_empty());
    }

    #[test]
    fn flow_notices_need_the_peer_to_agree() {
        let mut s = server();
        s.pty_packet(&[bits::NOSTOP]);
        assert!(
            drain(&mut s).is_empty(),
            "LFLOW not agreed: nothing to send"
        );
        agree_lflow(&mut s);
        s.pty_packet(&[bits::NOSTOP]);
        s.pty_packet(&[bits::DOSTOP]);
        assert_eq!(
            drain(&mut s),
            [
                IAC,
                SB,
                opt::LFLOW,
                0,
                IAC,
                SE,
                IAC,
                SB,
                opt::LFLOW,
                1,
                IAC,
                SE
            ]
        );
        s.pty_packet(&[bits::STOP]);
        s.pty_packet(&[bits::START]);
        assert!(drain(&mut s).is_empty());
    }

    #[test]
    fn a_full_queue_takes_part_and_says_how_much() {
        let mut s = server();
        s.set_output_limit(64);
        let mut packet = vec![bits::DATA];
        packet.extend_from_slice(&[b'x'; 100]);
        let r = s.pty_packet(&packet);
        assert!(r.accepted > 0 && r.accepted < 100, "{r:?}");
        assert_eq!(drain(&mut s).len(), r.accepted);
        assert_eq!(s.pty_packet(&[]), PtyPacket::default());
    }
}
