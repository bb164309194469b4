//! The output queue: encoded bytes kept as whole frames, drained with peek/consume.
//!
//! Bytes live in one contiguous buffer; a small list of runs records which bytes are data, which
//! are control (commands, negotiation, subnegotiations) and which single byte must go out as TCP
//! urgent data. Clearing output (Abort Output, RFC 854) drops data runs by their boundaries, so it
//! never has to re-parse its own output and never cuts a command or subnegotiation in half.

use std::collections::VecDeque;

/// What a run of queued bytes holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// Escaped application data. Dropped by [`OutputQueue::clear_data`].
    Data,
    /// Commands, negotiation and subnegotiations. Always kept whole.
    Control,
    /// The DM byte of a Synch, to be sent as TCP urgent data (MSG_OOB).
    Urgent,
}

/// A run of same-kind frames: 8 bytes, so bookkeeping stays small next to the bytes it covers.
#[derive(Clone, Copy, Debug)]
struct Run {
    len: u32,
    kind: FrameKind,
}

/// Longest run: a longer stretch of one kind continues in a new run.
const MAX_RUN: usize = u32::MAX as usize;

/// The next bytes to write, as [`OutputQueue::peek`] returns them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// Bytes to write, in order.
    pub bytes: &'a [u8],
    /// When true, `bytes` is exactly one byte (the DM of a Synch) that must be sent as urgent
    /// data (`send(fd, bytes, 1, MSG_OOB)`), so that the peer's urgent pointer lands on it.
    pub urgent: bool,
}

/// Queue capacity above which an empty buffer is released, so an idle session stays small.
const KEEP_CAPACITY: usize = 16 * 1024;

/// A FIFO of encoded output.
#[derive(Debug, Default)]
pub struct OutputQueue {
    buf: Vec<u8>,
    /// Bytes before `head` have been consumed.
    head: usize,
    /// Runs covering `buf[head..]`; the first may be partly consumed (see `head_done`).
    runs: VecDeque<Run>,
    /// Bytes of the first run already consumed.
    head_done: usize,
    urgent_runs: usize,
    data_runs: usize,
}

impl OutputQueue {
    /// An empty queue.
    pub fn new() -> OutputQueue {
        OutputQueue::default()
    }

    /// Bytes waiting to be written.
    pub fn len(&self) -> usize {
        self.buf.len() - self.head
    }

    /// Whether nothing waits to be written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of heap memory held.
    pub fn heap_size(&self) -> usize {
        self.buf.capacity() + self.runs.capacity() * std::mem::size_of::<Run>()
    }

    /// Whether an urgent byte is queued.
    pub fn has_urgent(&self) -> bool {
        self.urgent_runs > 0
    }

    /// Appends bytes to the run of the given kind at the tail (starting a new run if the tail is of
    /// another kind). Urgent bytes always form their own run.
    pub(crate) fn push(&mut self, kind: FrameKind, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.buf.extend_from_slice(bytes);
        self.extend_run(kind, bytes.len());
    }

    /// Appends bytes produced in place by `write` into the tail run of `kind`.
    pub(crate) fn push_with(&mut self, kind: FrameKind, write: impl FnOnce(&mut Vec<u8>)) {
        let before = self.buf.len();
        write(&mut self.buf);
        let added = self.buf.len() - before;
        if added > 0 {
            self.extend_run(kind, added);
        }
    }

    fn extend_run(&mut self, kind: FrameKind, len: usize) {
        match self.runs.back_mut() {
            Some(run)
                if run.kind == kind
                    && kind != FrameKind::Urgent
                    && run.len as usize + len <= MAX_RUN =>
            {
                run.len += len as u32
            }
            _ => {
                match kind {
                    FrameKind::Urgent => self.urgent_runs += 1,
                    FrameKind::Data => self.data_runs += 1,
                    FrameKind::Control => {}
                }
                let mut left = len;
                while left > 0 {
                    let n = left.min(MAX_RUN);
                    self.runs.push_back(Run {
                        kind,
                        len: n as u32,
                    });
                    left -= n;
                }
            }
        }
    }

    /// Bytes the queue accounts for against limits: the queued bytes plus the bookkeeping of
    /// their runs (a peer can make runs tiny; their cost still counts).
    pub fn footprint(&self) -> usize {
        self.len() + self.runs.len() * std::mem::size_of::<Run>()
    }

    /// Whether the last thing queued is the urgent DM of a Synch (a second Synch right after it
    /// would mark nothing new).
    pub fn ends_with_urgent(&self) -> bool {
        self.runs
            .back()
            .is_some_and(|r| r.kind == FrameKind::Urgent)
    }

    /// The next bytes to write: everything up to the next urgent byte, or the urgent byte itself.
    /// `None` when the queue is empty.
    pub fn peek(&self) -> Option<Chunk<'_>> {
        let first = self.runs.front()?;
        if first.kind == FrameKind::Urgent {
            return Some(Chunk {
                bytes: &self.buf[self.head..self.head + 1],
                urgent: true,
            });
        }
        let end = if self.urgent_runs == 0 {
            self.buf.len()
        } else {
            let mut end = self.head + first.len as usize - self.head_done;
            for run in self.runs.iter().skip(1) {
                if run.kind == FrameKind::Urgent {
                    break;
                }
                end += run.len as usize;
            }
            end
        };
        Some(Chunk {
            bytes: &self.buf[self.head..end],
            urgent: false,
        })
    }

    /// Marks `n` bytes from the front as written. `n` larger than [`len`](Self::len) is clamped.
    /// Returns how many bytes were consumed.
    pub fn consume(&mut self, n: usize) -> usize {
        let n = n.min(self.len());
        let mut left = n;
        while left > 0 {
            let run = self.runs.front_mut().expect("runs cover the queued bytes");
            let remaining = run.len as usize - self.head_done;
            if left < remaining {
                self.head_done += left;
                break;
            }
            left -= remaining;
            match run.kind {
                FrameKind::Urgent => self.urgent_runs -= 1,
                FrameKind::Data => self.data_runs -= 1,
                FrameKind::Control => {}
            }
            self.runs.pop_front();
            self.head_done = 0;
        }
        self.head += n;
        if self.head == self.buf.len() {
            self.reset();
        } else {
            // Reclaim the consumed front once it dominates the buffer, but keep the written part
            // of the first run: clear_data looks at it to finish an escape a partial write cut.
            let run_start = self.head - self.head_done;
            if run_start >= KEEP_CAPACITY && run_start * 2 >= self.buf.len() {
                self.buf.drain(..run_start);
                self.head -= run_start;
            }
        }
        n
    }

    fn reset(&mut self) {
        self.head = 0;
        self.head_done = 0;
        self.runs.clear();
        self.urgent_runs = 0;
        self.data_runs = 0;
        if self.buf.capacity() > KEEP_CAPACITY || self.runs.capacity() > 256 {
            self.buf = Vec::new();
            self.runs = VecDeque::new();
        } else {
            self.buf.clear();
        }
    }

    /// Releases memory held by an empty queue.
    pub fn shrink(&mut self) {
        if self.is_empty() {
            self.buf = Vec::new();
            self.runs = VecDeque::new();
            self.head = 0;
        }
    }

    /// Drops every queued data run and keeps control and urgent runs whole, in order.
    ///
    /// If the first data run has been partly written, the bytes needed to finish an escape that
    /// was cut by the partial write (the second 255 of IAC IAC, the NUL or LF after CR) are kept,
    /// so the peer never sees half an escape. Returns how many data bytes were dropped.
    pub fn clear_data(&mut self) -> usize {
        if self.data_runs == 0 {
            return 0;
        }
        let mut out = Vec::with_capacity(self.len());
        let mut runs = VecDeque::with_capacity(self.runs.len());
        let mut pos = self.head;
        let mut dropped = 0;
        for (i, run) in self.runs.iter().enumerate() {
            let start = if i == 0 { pos - self.head_done } else { pos };
            let remaining = if i == 0 {
                run.len as usize - self.head_done
            } else {
                run.len as usize
            };
            let bytes = &self.buf[pos..pos + remaining];
            pos += remaining;
            let keep = if run.kind != FrameKind::Data {
                remaining
            } else if i == 0 && self.head_done > 0 {
                escape_tail(&self.buf[start..pos - remaining], bytes)
            } else {
                0
            };
            dropped += remaining - keep;
            if keep > 0 {
                out.extend_from_slice(&bytes[..keep]);
                // The end of an escape already half on the wire is no longer data a later clear
                // may drop: it is kept like a command.
                let kind = match run.kind {
                    FrameKind::Data => FrameKind::Control,
                    k => k,
                };
                match runs.back_mut() {
                    Some(Run { kind: k, len }) if *k == kind && kind != FrameKind::Urgent => {
                        *len += keep as u32
                    }
                    _ => runs.push_back(Run {
                        kind,
                        len: keep as u32,
                    }),
                }
            }
        }
        self.data_runs = runs.iter().filter(|r| r.kind == FrameKind::Data).count();
        self.buf = out;
        self.runs = runs;
        self.head = 0;
        self.head_done = 0;
        if self.buf.is_empty() {
            self.reset();
        }
        dropped
    }
}

/// How many bytes of `rest` must still be written to complete an escape that `written` (the part
/// of the same data run already written) left open.
fn escape_tail(written: &[u8], rest: &[u8]) -> usize {
    let iacs = written.iter().rev().take_while(|&&b| b == 0xff).count();
    if iacs % 2 == 1 {
        return 1.min(rest.len());
    }
    if written.last() == Some(&b'\r') && matches!(rest.first(), Some(0) | Some(b'\n')) {
        return 1;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut OutputQueue) -> Vec<(Vec<u8>, bool)> {
        let mut v = vec![];
        while let Some(c) = q.peek() {
            let item = (c.bytes.to_vec(), c.urgent);
            let n = item.0.len();
            v.push(item);
            q.consume(n);
        }
        v
    }

    #[test]
    fn peek_stops_at_urgent_byte() {
        let mut q = OutputQueue::new();
        q.push(FrameKind::Data, b"abc");
        q.push(FrameKind::Control, &[255]);
        q.push(FrameKind::Urgent, &[242]);
        q.push(FrameKind::Data, b"z");
        assert_eq!(q.len(), 6);
        assert!(q.has_urgent());
        assert_eq!(
            drain(&mut q),
            vec![
                (b"abc\xff".to_vec(), false),
                (vec![242], true),
                (b"z".to_vec(), false)
            ]
        );
        assert!(!q.has_urgent());
    }

    #[test]
    fn clear_keeps_control_whole() {
        let mut q = OutputQueue::new();
        q.push(FrameKind::Data, b"hello");
        q.push(FrameKind::Control, &[255, 251, 1]);
        q.push(FrameKind::Data, b"world");
        q.push(FrameKind::Control, &[255, 250, 24, 0, b'x', 255, 240]);
        q.push(FrameKind::Data, b"!");
        assert_eq!(q.clear_data(), 11);
        assert_eq!(
            drain(&mut q),
            vec![(vec![255, 251, 1, 255, 250, 24, 0, b'x', 255, 240], false)]
        );
    }

    #[test]
    fn clear_after_a_large_partial_write() {
        // A partial write of a big data run, then Abort Output: the consumed front may have
        // been reclaimed, and the cut escape must still be finished.
        let mut q = OutputQueue::new();
        let mut data = vec![b'x'; 30_000];
        data.extend_from_slice(&[255, 255]);
        data.extend_from_slice(&[b'y'; 10_000]);
        q.push(FrameKind::Data, &data);
        q.push(FrameKind::Control, &[255, 241]);
        q.consume(30_001); // up to and including the first 255 of the pair
        assert_eq!(q.clear_data(), data.len() - 30_001 - 1);
        assert_eq!(drain(&mut q), vec![(vec![255, 255, 241], false)]);
        let mut q = OutputQueue::new();
        q.push(FrameKind::Data, &vec![b'z'; 40_000]);
        q.consume(30_000);
        q.clear_data();
        assert!(q.is_empty());
    }

    #[test]
    fn clear_finishes_a_cut_escape() {
        let mut q = OutputQueue::new();
        q.push(FrameKind::Data, &[b'a', 255, 255, b'b']);
        q.consume(2); // wrote "a" and the first 255
        q.clear_data();
        assert_eq!(drain(&mut q), vec![(vec![255], false)]);

        let mut q = OutputQueue::new();
        q.push(FrameKind::Data, b"a\r\nb");
        q.consume(2);
        q.clear_data();
        assert_eq!(drain(&mut q), vec![(b"\n".to_vec(), false)]);

        let mut q = OutputQueue::new();
        q.push(FrameKind::Data, b"ab\r\nb");
        q.consume(1);
        q.clear_data();
        assert!(q.is_empty());
    }

    #[test]
    fn a_second_clear_keeps_the_end_of_a_cut_escape() {
        // Found by the pty_packet fuzz target: Abort Output twice after a partial write that cut
        // IAC IAC. The kept second 255 completes a byte already on the wire; dropping it on the
        // second clear left a lone IAC that swallowed the next command's IAC.
        let mut q = OutputQueue::new();
        q.push(FrameKind::Data, &[b'a', 255, 255, b'b']);
        q.consume(2);
        q.clear_data();
        q.push(FrameKind::Data, b"more");
        assert_eq!(q.clear_data(), 4);
        q.push(FrameKind::Control, &[255, 250, 34, 1, 3, 255, 240]);
        assert_eq!(
            drain(&mut q),
            vec![(vec![255, 255, 250, 34, 1, 3, 255, 240], false)]
        );
    }
}
