//! Deadlines: a heap ordered by time, cancelled lazily (an entry whose connection is gone or
//! re-armed is skipped when it comes due).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// What a deadline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TimerKind {
    /// The session's own deadline (settle timeout).
    Session,
    /// An application timer with its id.
    User(u64),
    /// The idle timeout check.
    Idle,
    /// An outgoing connection that has not connected yet.
    Connect,
    /// A graceful close that has waited long enough for its output to drain.
    Linger,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry {
    pub(crate) at: Instant,
    /// Tie-breaker keeping insertion order among equal deadlines.
    seq: u64,
    pub(crate) slot: u32,
    pub(crate) generation: u32,
    pub(crate) kind: TimerKind,
}

#[derive(Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
}

impl Timers {
    pub(crate) fn add(&mut self, at: Instant, slot: u32, generation: u32, kind: TimerKind) {
        self.seq += 1;
        self.heap.push(Reverse(Entry {
            at,
            seq: self.seq,
            slot,
            generation,
            kind,
        }));
    }

    pub(crate) fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse(e)| e.at)
    }

    /// Removes and returns the next entry due at `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<Entry> {
        match self.heap.peek() {
            Some(Reverse(e)) if e.at <= now => self.heap.pop().map(|Reverse(e)| e),
            _ => None,
        }
    }
}
