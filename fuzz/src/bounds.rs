//! The numbers behind "no amplification" and "memory within the configured caps".
//!
//! They are upper bounds worked out from the protocol, not measurements, so a violation is a bug
//! (or a bound that needs new reasoning, written down here), never noise.

use telnet_rs::proto::consts::opt;
use telnet_rs::{Session, Side};

/// Output the session queues by itself per byte it consumes, over a whole run, when few options
/// are allowed (see [`amplification_limit`] for many).
///
/// The largest replies per byte of input that any message can draw:
///
/// | trigger (bytes in)                               | reply (bytes out, worst case)             | ratio |
/// |--------------------------------------------------|-------------------------------------------|-------|
/// | client: `IAC DO LINEMODE` (3)                    | `IAC WILL LINEMODE` + SLC export of the 16 BSD functions, 0xFF doubled: 3 + 5 + 1 + 16 x 4 = 73 | 24.3 |
/// | server: `IAC WILL LFLOW` (3)                     | `IAC DO LFLOW` + two LFLOW SBs: 15        | 5     |
/// | server: `IAC WILL LINEMODE` (3)                  | `IAC DO` + `SB LINEMODE MODE m`: 10       | 3.3   |
/// | server: SLC `0 VALUE 0` (9)                      | the table, at most 30 triplets: 6 + 1 + 30 x 4 = 127 | 14.1 |
/// | client: `SB TTYPE SEND` (6)                      | `IS` and a name of at most 40: 47         | 7.8   |
/// | client: `SB NEW-ENVIRON SEND` (6)                | the export list (the fuzz config's is < 64 bytes) | < 12 |
/// | `SB STATUS SEND` (6)                             | `IS` + 3 bytes per enabled option side    | see [`amplification_limit`] |
///
/// Everything else answers at most what it got (a verb for a verb, a short fixed reply for a
/// longer message). 32 covers the worst row with room to spare; the 1184 SLC reply buffer, which
/// BSD overflowed (CVE-2005-0469, CVE-2026-32746), is bounded per SB at 256 triplets, i.e. at
/// most 4 bytes out per 3 bytes in beyond the table.
pub const AMPLIFICATION_BASE: usize = 32;

/// The amplification constant for `session`: [`AMPLIFICATION_BASE`], or more when the session
/// allows so many options that a STATUS report (`IAC SB STATUS SEND IAC SE`, 6 bytes) can be
/// longer: 7 bytes of framing plus at most 3 per (option, side) that can be enabled (`WILL 240
/// 240` and `WILL 255 255` are the long ones).
pub fn amplification_limit(session: &Session) -> usize {
    let sides = (0..=255u8)
        .filter(|&o| o != opt::STATUS)
        .map(|o| {
            usize::from(session.allows(o, Side::Local))
                + usize::from(session.allows(o, Side::Remote))
        })
        .sum::<usize>();
    AMPLIFICATION_BASE.max((7 + 3 * sides).div_ceil(6))
}

/// Bytes the output queue may hold at most: twice the data limit (`send` counts the limit before
/// IAC doubling and NVT CR LF expansion, which can double what it took), two subnegotiation limits
/// (the control limit includes one; `send_subnegotiation` checks the unescaped length), 16 KiB for
/// the replies of one parser step past the control limit (the longest, a STATUS or SLC reply, is
/// under 2 KiB) and the opening plan, plus 2 bytes per Synch the application queued, which the
/// session does not count against any limit.
pub fn queue_cap(session: &Session, synchs: usize) -> usize {
    2 * session.output_limit() + 2 * session.max_subnegotiation() + 16 * 1024 + 2 * synchs
}

/// Heap bytes per byte of peak queued output, worst case: the byte buffer can hold up to twice the
/// queue (the consumed front is reclaimed only past 16 KiB) and doubles its capacity (x 4), and the
/// frame list costs 16 bytes per frame, up to one frame per byte when one-byte data and control
/// frames alternate, doubled by `VecDeque` growth (x 32). That the list can dominate is reported
/// in docs/SECURITY.md (known issues).
pub const HEAP_PER_QUEUED_BYTE: usize = 36;

/// The parser's and the options' share of the heap: the subnegotiation buffer (at most twice the
/// limit after growth), terminal type names (the cycle's cap plus one unsolicited, 40 bytes each
/// plus a 24-byte `Vec`), the SLC simulation map, and slack for small buffers.
pub fn fixed_heap_cap(session: &Session) -> usize {
    let ttypes = (session.config().ttype_max + 2) * (40 + 24) + 64;
    2 * session.max_subnegotiation() + ttypes + 256 + 4096
}

/// The heap a session may hold after its queue peaked at `peak_queue` bytes.
pub fn heap_cap(session: &Session, peak_queue: usize) -> usize {
    fixed_heap_cap(session) + HEAP_PER_QUEUED_BYTE * (peak_queue + 64) + 32 * 1024
}
