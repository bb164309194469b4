//! Option negotiation by the RFC 1143 "Q method", for both sides of all 256 options.
//!
//! Each side of each option is one of NO, YES, WANTNO, WANTYES plus a one-bit queue (EMPTY or
//! OPPOSITE). The method answers every request at most once and never answers an answer, so no
//! sequence of input can start a negotiation loop (RFC 1143 section 7). A peer that toggles an
//! option gets at most one reply per message it sends.

use super::event::{Side, Verb, Warning};

/// The negotiation state of one side of one option (RFC 1143 section 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QState {
    /// Disabled.
    No,
    /// Enabled.
    Yes,
    /// We asked to disable it and wait for the answer; still in effect until then.
    WantNo,
    /// We asked to enable it and wait for the answer; not in effect yet.
    WantYes,
}

/// The state of one side of one option, as [`Negotiation::state`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OptionState {
    /// The RFC 1143 state.
    pub state: QState,
    /// The RFC 1143 queue bit: the opposite request is queued behind the pending one.
    pub opposite_queued: bool,
}

impl OptionState {
    /// Whether the option is in effect: YES, or WANTNO (in effect until the peer confirms).
    pub fn enabled(self) -> bool {
        matches!(self.state, QState::Yes | QState::WantNo)
    }
}

/// Policy bit: the local side may enable the option when the peer asks (DO).
pub const ALLOW_LOCAL: u8 = 1;
/// Policy bit: the remote side may enable the option when it offers (WILL).
pub const ALLOW_REMOTE: u8 = 2;

const STATE_MASK: u8 = 0b011;
const QUEUE_BIT: u8 = 0b100;
const REMOTE_SHIFT: u8 = 3;

fn side_bit(side: Side) -> u8 {
    match side {
        Side::Local => ALLOW_LOCAL,
        Side::Remote => ALLOW_REMOTE,
    }
}

const REPLY_NONE: u8 = 0;
const REPLY_AGREE: u8 = 1;
const REPLY_REFUSE: u8 = 2;

/// One row of RFC 1143's "upon receipt of" tables.
#[derive(Clone, Copy)]
struct Transition {
    /// New state and queue bits.
    next: u8,
    /// REPLY_NONE, REPLY_AGREE (WILL/DO) or REPLY_REFUSE (WONT/DONT).
    reply: u8,
    /// 0 unchanged, 1 now in effect, 2 no longer in effect.
    changed: u8,
    refused: bool,
    unexpected: bool,
}

/// The transition for a side's state bits (state | queue), the verb (enable or disable) and the
/// policy (allowed), as RFC 1143 section 7 tabulates it.
const fn transition(bits: u8, enable: bool, allowed: bool) -> Transition {
    const NO: u8 = 0;
    const YES: u8 = 1;
    const WANTNO: u8 = 2;
    const WANTYES: u8 = 3;
    let state = bits & STATE_MASK;
    let queued = bits & QUEUE_BIT != 0;
    let (next, reply, refused, unexpected) = match (state, queued, enable) {
        // WILL / DO
        (NO, _, true) => {
            if allowed {
                (YES, REPLY_AGREE, false, false)
            } else {
                (NO, REPLY_REFUSE, false, false)
            }
        }
        (YES, _, true) => (bits, REPLY_NONE, false, false),
        (WANTNO, false, true) => (NO, REPLY_NONE, false, true),
        (WANTNO, true, true) => (YES, REPLY_NONE, false, true),
        (WANTYES, false, true) => (YES, REPLY_NONE, false, false),
        (WANTYES, true, true) => (WANTNO, REPLY_REFUSE, false, false),
        // WONT / DONT
        (NO, _, false) => (bits, REPLY_NONE, false, false),
        (YES, _, false) => (NO, REPLY_REFUSE, false, false),
        (WANTNO, false, false) => (NO, REPLY_NONE, false, false),
        (WANTNO, true, false) => (WANTYES, REPLY_AGREE, false, false),
        (WANTYES, false, false) => (NO, REPLY_NONE, true, false),
        _ => (NO, REPLY_NONE, false, false),
    };
    // In effect: YES, or WANTNO (until the peer confirms).
    let was = state == YES || state == WANTNO;
    let now = next & STATE_MASK == YES || next & STATE_MASK == WANTNO;
    let changed = if was == now {
        0
    } else if now {
        1
    } else {
        2
    };
    Transition {
        next,
        reply,
        changed,
        refused,
        unexpected,
    }
}

/// Every receive transition, indexed by state bits | enable << 3 | allowed << 4.
const RECEIVE: [Transition; 32] = {
    let mut t = [Transition {
        next: 0,
        reply: 0,
        changed: 0,
        refused: false,
        unexpected: false,
    }; 32];
    let mut i = 0;
    while i < 32 {
        t[i] = transition(i as u8 & 7, i & 8 != 0, i & 16 != 0);
        i += 1;
    }
    t
};

/// What one negotiation step produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The verb to send for the option, if any.
    pub reply: Option<Verb>,
    /// `Some(enabled)` when the option went in or out of effect.
    pub changed: Option<bool>,
    /// The peer refused our request to enable it.
    pub refused: bool,
    /// The peer answered with the opposite verb (an RFC 1143 error case).
    pub unexpected: bool,
}

/// Both sides of all 256 options, with the per-option policy. 512 bytes, no heap.
#[derive(Clone)]
pub struct Negotiation {
    /// Bits 0-2: local state and queue; bits 3-5: remote state and queue.
    states: [u8; 256],
    policy: [u8; 256],
}

impl Default for Negotiation {
    fn default() -> Self {
        Negotiation {
            states: [0; 256],
            policy: [0; 256],
        }
    }
}

impl std::fmt::Debug for Negotiation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for opt in 0..=255u8 {
            for side in [Side::Local, Side::Remote] {
                let st = self.state(opt, side);
                if st.state != QState::No {
                    m.entry(&(opt, side), &st);
                }
            }
        }
        m.finish()
    }
}

fn encode(state: QState) -> u8 {
    match state {
        QState::No => 0,
        QState::Yes => 1,
        QState::WantNo => 2,
        QState::WantYes => 3,
    }
}

fn decode(bits: u8) -> QState {
    match bits & STATE_MASK {
        0 => QState::No,
        1 => QState::Yes,
        2 => QState::WantNo,
        _ => QState::WantYes,
    }
}

/// The verbs that ask a side to enable and to disable an option, as we send them.
fn verbs(side: Side) -> (Verb, Verb) {
    match side {
        Side::Local => (Verb::Will, Verb::Wont),
        Side::Remote => (Verb::Do, Verb::Dont),
    }
}

impl Negotiation {
    fn shift(side: Side) -> u8 {
        match side {
            Side::Local => 0,
            Side::Remote => REMOTE_SHIFT,
        }
    }

    /// The state of one side of an option.
    pub fn state(&self, option: u8, side: Side) -> OptionState {
        let bits = self.states[option as usize] >> Self::shift(side);
        OptionState {
            state: decode(bits),
            opposite_queued: bits & QUEUE_BIT != 0,
        }
    }

    /// Whether an option is in effect on a side.
    pub fn enabled(&self, option: u8, side: Side) -> bool {
        self.state(option, side).enabled()
    }

    fn set(&mut self, option: u8, side: Side, state: QState, queued: bool) {
        let shift = Self::shift(side);
        let slot = &mut self.states[option as usize];
        *slot &= !((STATE_MASK | QUEUE_BIT) << shift);
        *slot |= (encode(state) | if queued { QUEUE_BIT } else { 0 }) << shift;
    }

    /// The policy bits ([`ALLOW_LOCAL`], [`ALLOW_REMOTE`]) of an option.
    pub fn policy(&self, option: u8) -> u8 {
        self.policy[option as usize]
    }

    /// Sets the policy bits of an option. Affects only what the peer asks from now on.
    pub fn set_policy(&mut self, option: u8, bits: u8) {
        self.policy[option as usize] = bits & (ALLOW_LOCAL | ALLOW_REMOTE);
    }

    /// Processes a verb received from the peer (RFC 1143 section 7, "upon receipt of").
    ///
    /// The rows of RFC 1143's tables are precomputed in [`RECEIVE`]; this is one lookup.
    pub fn receive(&mut self, verb: Verb, option: u8) -> Outcome {
        // Arithmetic on the verb's discriminant (WILL, WONT, DO, DONT = 0..3) rather than a
        // match: a stream that alternates verbs would otherwise pay a mispredicted jump table.
        let v = verb as u8;
        let side = if v < 2 { Side::Remote } else { Side::Local };
        let enable = v & 1 == 0;
        let shift = Self::shift(side);
        let slot = &mut self.states[option as usize];
        let bits = (*slot >> shift) & (STATE_MASK | QUEUE_BIT);
        let allowed = self.policy[option as usize] & side_bit(side) != 0;
        let t = RECEIVE[usize::from(bits) | usize::from(enable) << 3 | usize::from(allowed) << 4];
        *slot = (*slot & !((STATE_MASK | QUEUE_BIT) << shift)) | (t.next << shift);
        let (agree, refuse) = verbs(side);
        Outcome {
            reply: match t.reply {
                REPLY_AGREE => Some(agree),
                REPLY_REFUSE => Some(refuse),
                _ => None,
            },
            changed: match t.changed {
                1 => Some(true),
                2 => Some(false),
                _ => None,
            },
            refused: t.refused,
            unexpected: t.unexpected,
        }
    }

    /// Asks for an option to be enabled or disabled on a side (RFC 1143 section 7, "if we decide
    /// to ask"). A request that is already satisfied, pending or queued changes nothing.
    pub fn request(&mut self, option: u8, side: Side, enable: bool) -> Outcome {
        let (agree, refuse) = verbs(side);
        let cur = self.state(option, side);
        let mut out = Outcome::default();
        use QState::*;
        let (next, queued) = match (cur.state, cur.opposite_queued, enable) {
            (No, _, true) => {
                out.reply = Some(agree);
                (WantYes, false)
            }
            (Yes, q, true) => (Yes, q),
            (WantNo, _, true) => (WantNo, true),
            (WantYes, _, true) => (WantYes, false),
            (No, q, false) => (No, q),
            (Yes, _, false) => {
                out.reply = Some(refuse);
                (WantNo, false)
            }
            (WantNo, _, false) => (WantNo, false),
            (WantYes, _, false) => (WantYes, true),
        };
        self.finish(option, side, cur, next, queued, out)
    }

    fn finish(
        &mut self,
        option: u8,
        side: Side,
        cur: OptionState,
        next: QState,
        queued: bool,
        mut out: Outcome,
    ) -> Outcome {
        self.set(option, side, next, queued);
        let now = self.state(option, side).enabled();
        if now != cur.enabled() {
            out.changed = Some(now);
        }
        out
    }

    /// The warning for an unexpected reply.
    pub fn unexpected_warning(verb: Verb, option: u8) -> Warning {
        let side = match verb {
            Verb::Will | Verb::Wont => Side::Remote,
            Verb::Do | Verb::Dont => Side::Local,
        };
        Warning::UnexpectedReply { option, side, verb }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use QState::*;

    fn st(n: &Negotiation, side: Side) -> (QState, bool) {
        let s = n.state(1, side);
        (s.state, s.opposite_queued)
    }

    fn with(state: QState, queued: bool, side: Side, allow: bool) -> Negotiation {
        let mut n = Negotiation::default();
        n.set(1, side, state, queued);
        n.set_policy(1, if allow { ALLOW_LOCAL | ALLOW_REMOTE } else { 0 });
        n
    }

    /// RFC 1143 section 7, every row of both tables, for both sides.
    #[test]
    fn receive_table() {
        for side in [Side::Local, Side::Remote] {
            let (agree, refuse, yes_verb, no_verb) = match side {
                Side::Remote => (Verb::Do, Verb::Dont, Verb::Will, Verb::Wont),
                Side::Local => (Verb::Will, Verb::Wont, Verb::Do, Verb::Dont),
            };
            #[rustfmt::skip]
            let rows: &[(QState, bool, bool, Verb, QState, bool, Option<Verb>, Option<bool>)] = &[
                // state, queue, policy allows, received, new state, new queue, reply, changed
                (No, false, true, yes_verb, Yes, false, Some(agree), Some(true)),
                (No, false, false, yes_verb, No, false, Some(refuse), None),
                (Yes, false, true, yes_verb, Yes, false, None, None),
                (WantNo, false, true, yes_verb, No, false, None, Some(false)),
                (WantNo, true, true, yes_verb, Yes, false, None, None),
                (WantYes, false, true, yes_verb, Yes, false, None, Some(true)),
                (WantYes, true, true, yes_verb, WantNo, false, Some(refuse), Some(true)),
                (No, false, true, no_verb, No, false, None, None),
                (Yes, false, true, no_verb, No, false, Some(refuse), Some(false)),
                (WantNo, false, true, no_verb, No, false, None, Some(false)),
                (WantNo, true, true, no_verb, WantYes, false, Some(agree), Some(false)),
                (WantYes, false, true, no_verb, No, false, None, None),
                (WantYes, true, true, no_verb, No, false, None, None),
            ];
            for &(s, q, allow, verb, ns, nq, reply, changed) in rows {
                let mut n = with(s, q, side, allow);
                let out = n.receive(verb, 1);
                assert_eq!(st(&n, side), (ns, nq), "{side:?} {s:?}/{q} + {verb:?}");
                assert_eq!(out.reply, reply, "{side:?} {s:?}/{q} + {verb:?}");
                assert_eq!(out.changed, changed, "{side:?} {s:?}/{q} + {verb:?}");
            }
        }
    }

    #[test]
    fn request_table() {
        for side in [Side::Local, Side::Remote] {
            let (agree, refuse) = verbs(side);
            #[rustfmt::skip]
            let rows: &[(QState, bool, bool, QState, bool, Option<Verb>)] = &[
                (No, false, true, WantYes, false, Some(agree)),
                (Yes, false, true, Yes, false, None),
                (WantNo, false, true, WantNo, true, None),
                (WantNo, true, true, WantNo, true, None),
                (WantYes, false, true, WantYes, false, None),
                (WantYes, true, true, WantYes, false, None),
                (No, false, false, No, false, None),
                (Yes, false, false, WantNo, false, Some(refuse)),
                (WantNo, false, false, WantNo, false, None),
                (WantNo, true, false, WantNo, false, None),
                (WantYes, false, false, WantYes, true, None),
                (WantYes, true, false, WantYes, true, None),
            ];
            for &(s, q, enable, ns, nq, reply) in rows {
                let mut n = with(s, q, side, true);
                let out = n.request(1, side, enable);
                assert_eq!(st(&n, side), (ns, nq), "{side:?} {s:?}/{q} enable={enable}");
                assert_eq!(out.reply, reply, "{side:?} {s:?}/{q} enable={enable}");
            }
        }
    }

    /// Two Q-method ends wired together settle for any interleaving of requests: every message
    /// is answered at most once and the exchange ends (RFC 1143 section 4's loops cannot form).
    #[test]
    fn two_ends_never_loop() {
        let scripts: &[&[(usize, bool)]] = &[
            &[(0, true), (1, true)],
            &[(0, true), (0, false), (0, true), (0, false)],
            &[(0, true), (1, false), (0, false), (1, true)],
            &[(1, true), (1, false), (1, true), (0, false), (0, true)],
        ];
        for script in scripts {
            let mut ends = [Negotiation::default(), Negotiation::default()];
            for e in ends.iter_mut() {
                e.set_policy(1, ALLOW_LOCAL | ALLOW_REMOTE);
            }
            // Messages in flight towards each end.
            let mut wire: [Vec<Verb>; 2] = [vec![], vec![]];
            let mut sent = 0;
            for &(who, enable) in script.iter() {
                if let Some(v) = ends[who].request(1, Side::Local, enable).reply {
                    wire[1 - who].push(v);
                    sent += 1;
                }
            }
            let mut rounds = 0;
            while !(wire[0].is_empty() && wire[1].is_empty()) {
                rounds += 1;
                assert!(rounds < 50, "negotiation did not settle");
                for to in 0..2 {
                    let msgs = std::mem::take(&mut wire[to]);
                    for v in msgs {
                        if let Some(r) = ends[to].receive(v, 1).reply {
                            wire[1 - to].push(r);
                            sent += 1;
                        }
                    }
                }
            }
            assert!(sent <= 2 * script.len() + 2, "too many messages: {sent}");
            // Both ends agree on the final state.
            let local = ends[0].state(1, Side::Local);
            let remote = ends[1].state(1, Side::Remote);
            assert!(matches!(local.state, Yes | No), "{local:?}");
            assert_eq!(local.state, remote.state, "{script:?}");
        }
    }
}
