//! What one run of a target observed, in order, so two runs of the same input can be compared.
//!
//! Adjacent data is merged (how data is cut into events is not part of the contract, see
//! `Event::Data`), and so is adjacent non-urgent output (how `peek_output` cuts the queue into
//! chunks is not either). Everything else is kept as its `Debug` text, which also makes new event
//! variants count without touching this file.

use std::fmt::Debug;
use telnet_rs::Event;

/// One observation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Received application data (merged runs).
    Data(Vec<u8>),
    /// Any other event, as `Debug` text.
    Event(String),
    /// An application call and what it returned.
    Call(String),
    /// Bytes taken from the output queue; `urgent` for the DM of a Synch.
    Output {
        /// The bytes.
        bytes: Vec<u8>,
        /// Whether they were marked urgent.
        urgent: bool,
    },
}

/// The observations of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    entries: Vec<Entry>,
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Transcript {
        Transcript::default()
    }

    /// Records an event.
    pub fn event(&mut self, ev: &Event<'_>) {
        match ev {
            Event::Data(d) => self.data(d),
            other => self.entries.push(Entry::Event(format!("{other:?}"))),
        }
    }

    /// Records received data, merged with data right before it.
    pub fn data(&mut self, d: &[u8]) {
        if d.is_empty() {
            return;
        }
        if let Some(Entry::Data(prev)) = self.entries.last_mut() {
            prev.extend_from_slice(d);
        } else {
            self.entries.push(Entry::Data(d.to_vec()));
        }
    }

    /// Records an application call and its result.
    pub fn call(&mut self, what: &str, result: impl Debug) {
        self.entries
            .push(Entry::Call(format!("{what} -> {result:?}")));
    }

    /// Records output taken from the queue.
    pub fn output(&mut self, bytes: &[u8], urgent: bool) {
        if bytes.is_empty() {
            return;
        }
        match self.entries.last_mut() {
            Some(Entry::Output {
                bytes: prev,
                urgent: false,
            }) if !urgent => prev.extend_from_slice(bytes),
            _ => self.entries.push(Entry::Output {
                bytes: bytes.to_vec(),
                urgent,
            }),
        }
    }

    /// The observations.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Panics with the first difference when `other` differs; `what` names the two runs.
    pub fn assert_same(&self, other: &Transcript, what: &str) {
        if self == other {
            return;
        }
        let i = self
            .entries
            .iter()
            .zip(&other.entries)
            .position(|(a, b)| a != b)
            .unwrap_or(self.entries.len().min(other.entries.len()));
        panic!(
            "{what}: transcripts differ at entry {i} (of {} and {})\n  first:  {:?}\n  second: {:?}\n  before: {:?}",
            self.entries.len(),
            other.entries.len(),
            self.entries.get(i),
            other.entries.get(i),
            i.checked_sub(1).and_then(|j| self.entries.get(j)),
        );
    }
}
