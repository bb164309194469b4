//! Special Line Characters (RFC 1184 SLC): the table and the BSD negotiation algorithm, both roles.
//!
//! RFC 1184 (LINEMODE) lets the two ends of a Telnet connection agree which characters do
//! what (interrupt, erase, end-of-file, ...). The client does the line editing. Each function
//! is negotiated with a `function, flags, value` triplet inside
//! `IAC SB LINEMODE SLC ... IAC SE`. The RFC leaves the algorithm loose. What you have to
//! interoperate with, byte for byte, is the 4.4BSD code: `slc.c` in telnetd (server) and
//! `slc()` / `slc_export()` / `slc_check()` in telnet (client). This module implements those
//! algorithms in safe, heap-free Rust.
//!
//! The module is sans-IO. It does no framing, no IAC escaping and no terminal I/O:
//! - the caller strips `IAC SB LINEMODE SLC`, un-doubles `IAC IAC` and passes the remaining
//!   bytes to [`SlcTable::process`];
//! - replies collect in an [`SlcReplies`], whose [`SlcReplies::payload`] starts with the
//!   `SLC` code and must be IAC-escaped by the caller's subnegotiation framing;
//! - terminal changes are reported through the `changed` callback of [`SlcTable::process`],
//!   and local terminal changes are fed in with [`SlcTable::local_changed`].
//!
//! What BSD telnetd does *around* this algorithm is left to the caller: it ignores SLC while
//! the client is WONT LINEMODE, and it defers the first SLC subnegotiation until the pty has
//! been read once ("terminit"). Note that real telnetd runs `check_slc()` (here:
//! [`SlcTable::local_changed`] for every changeable function) during that first pty read.
//! It does so before it replays the deferred client export, and throws away the output.
//!
//! Security: BSD's reply buffers were fixed arrays with no bound check. CVE-2005-0469 (telnet
//! client `slc_reply[128]`) and CVE-2026-32746 (inetutils telnetd `slcbuf[NSLC*6]`) let a peer
//! overflow them with one SB full of triplets. [`SlcReplies`] keeps at most one triplet per
//! function code, so no input can make a reply larger than 256 triplets.

#![forbid(unsafe_code)]

/// Number of SLC functions in RFC 1184 (1..=30). FreeBSD/NetBSD `<arpa/telnet.h>` use this
/// value; it is the default limit of an [`SlcTable`] and the size of its arrays.
pub const NSLC: u8 = 30;

/// NSLC in glibc's `<arpa/telnet.h>` (RFC 1116 functions only), which GNU inetutils is built
/// against on Linux. Pass it to [`SlcTable::with_nslc`] to answer functions 19..=30 as unknown,
/// as those peers do.
pub const NSLC_GLIBC: u8 = 18;

/// LINEMODE suboption code `SLC` (RFC 1184 section 2.4): the first payload byte of an SLC
/// subnegotiation, after the option code 34.
pub const LM_SLC: u8 = 3;

/// Upper bound on the number of triplets in one [`SlcReplies`]. There are 256 function codes and
/// replies are deduplicated per function, so this bound always holds. Compare BSD's fixed
/// buffers (CVE-2005-0469, CVE-2026-32746).
pub const MAX_REPLY_TRIPLETS: usize = 256;

/// Array length for per-function tables: index 0 (unused) plus functions 1..=NSLC.
const TABLE_LEN: usize = NSLC as usize + 1;

/// SLC function codes (RFC 1184 section 2.4; the names are those of BSD `SLC_*`).
/// 1..=18 come from RFC 1116; 19..=30 were added by RFC 1184.
pub mod func {
    /// Synch (RFC 854 Data Mark). BSD neither side binds it to a character.
    pub const SYNCH: u8 = 1;
    /// Break. BSD telnetd: DEFAULT level, value 0; BSD telnet: not supported.
    pub const BRK: u8 = 2;
    /// Interrupt Process (termios VINTR).
    pub const IP: u8 = 3;
    /// Abort Output (termios VDISCARD).
    pub const AO: u8 = 4;
    /// Are You There (BSD termios VSTATUS).
    pub const AYT: u8 = 5;
    /// End of Record.
    pub const EOR: u8 = 6;
    /// Abort (termios VQUIT).
    pub const ABORT: u8 = 7;
    /// End of File (termios VEOF).
    pub const EOF: u8 = 8;
    /// Suspend (termios VSUSP).
    pub const SUSP: u8 = 9;
    /// Erase Character (termios VERASE).
    pub const EC: u8 = 10;
    /// Erase Line (termios VKILL).
    pub const EL: u8 = 11;
    /// Erase Word (termios VWERASE).
    pub const EW: u8 = 12;
    /// Reprint Line (termios VREPRINT).
    pub const RP: u8 = 13;
    /// Literal Next (termios VLNEXT).
    pub const LNEXT: u8 = 14;
    /// Start output (termios VSTART).
    pub const XON: u8 = 15;
    /// Stop output (termios VSTOP).
    pub const XOFF: u8 = 16;
    /// Forwarding character 1 (termios VEOL).
    pub const FORW1: u8 = 17;
    /// Forwarding character 2 (termios VEOL2).
    pub const FORW2: u8 = 18;
    /// Move cursor one character left (RFC 1184).
    pub const MCL: u8 = 19;
    /// Move cursor one character right (RFC 1184).
    pub const MCR: u8 = 20;
    /// Move cursor one word left (RFC 1184).
    pub const MCWL: u8 = 21;
    /// Move cursor one word right (RFC 1184).
    pub const MCWR: u8 = 22;
    /// Move cursor to beginning of line (RFC 1184).
    pub const MCBOL: u8 = 23;
    /// Move cursor to end of line (RFC 1184).
    pub const MCEOL: u8 = 24;
    /// Enter insert mode (RFC 1184).
    pub const INSRT: u8 = 25;
    /// Enter overstrike mode (RFC 1184).
    pub const OVER: u8 = 26;
    /// Erase character to the right (RFC 1184).
    pub const ECR: u8 = 27;
    /// Erase word to the right (RFC 1184).
    pub const EWR: u8 = 28;
    /// Erase to beginning of line (RFC 1184).
    pub const EBOL: u8 = 29;
    /// Erase to end of line (RFC 1184).
    pub const EEOL: u8 = 30;
}

/// Mask of the support-level bits in an SLC flags byte (RFC 1184; BSD `SLC_LEVELBITS`).
pub const LEVEL_MASK: u8 = 0x03;
/// Level 0: the function is not supported.
pub const NOSUPPORT: u8 = 0;
/// Level 1: the function is supported but its value cannot be changed.
pub const CANTCHANGE: u8 = 1;
/// Level 2: the function is supported and its value can be changed. BSD headers call this
/// `SLC_VARIABLE`; their `SLC_VALUE` is the byte offset 2 inside a triplet.
pub const VALUE: u8 = 2;
/// Level 3: use (or tell me) the default value.
pub const DEFAULT: u8 = 3;
/// Flag: this triplet acknowledges the peer's triplet. An ACK is never answered.
pub const ACK: u8 = 0x80;
/// Flag: flush input when the function is used.
pub const FLUSHIN: u8 = 0x40;
/// Flag: flush output when the function is used.
pub const FLUSHOUT: u8 = 0x20;

const FUNC_NAMES: [&str; NSLC as usize] = [
    "SYNCH", "BRK", "IP", "AO", "AYT", "EOR", "ABORT", "EOF", "SUSP", "EC", "EL", "EW", "RP",
    "LNEXT", "XON", "XOFF", "FORW1", "FORW2", "MCL", "MCR", "MCWL", "MCWR", "MCBOL", "MCEOL",
    "INSRT", "OVER", "ECR", "EWR", "EBOL", "EEOL",
];

/// Short name of SLC function `f` ("IP", "EC", ...) for logs and diagnostics, as BSD's
/// `slc_names`. Returns `None` for 0 (the whole-table request code) and for codes above 30.
pub fn func_name(f: u8) -> Option<&'static str> {
    let idx = usize::from(f).checked_sub(1)?;
    FUNC_NAMES.get(idx).copied()
}

/// One SLC table entry: the flags byte and the character value of a triplet.
///
/// `flags` holds the level ([`LEVEL_MASK`]) and the [`FLUSHIN`]/[`FLUSHOUT`] bits. Like BSD, the
/// table copies the peer's flag byte as it arrives, so unused bits 0x04..0x10 pass through.
/// [`ACK`] can be set only while a client-side [`SlcTable::process`] runs; it is cleared
/// before the call returns (BSD `slc_update`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SlcEntry {
    /// Level bits plus flush bits (plus ACK, only while processing).
    pub flags: u8,
    /// The character bound to the function. The table's `vdisable` byte means "disabled".
    pub value: u8,
}

impl SlcEntry {
    /// Builds an entry from a flags byte and a value.
    pub const fn new(flags: u8, value: u8) -> Self {
        SlcEntry { flags, value }
    }

    /// The support level: `flags & LEVEL_MASK`, one of [`NOSUPPORT`], [`CANTCHANGE`],
    /// [`VALUE`], [`DEFAULT`].
    pub const fn level(self) -> u8 {
        self.flags & LEVEL_MASK
    }
}

/// Which end of the connection runs the algorithm. RFC 1184 lets both sides send SLC
/// triplets, but BSD telnetd (`process_slc`/`change_slc`) and BSD telnet (`slc()`) answer
/// them differently, and peers expect those exact answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlcRole {
    /// We are the Telnet server (BSD telnetd semantics).
    Server,
    /// We are the Telnet client (BSD telnet semantics).
    Client,
}

/// The SLC state of one side: for each function, the currently negotiated entry, the default
/// entry, and whether the local terminal lets us change the character.
///
/// The default entry is BSD telnetd's `defset` (server) or BSD telnet's `mylevel` plus
/// the original terminal character (client). "Changeable" is BSD's non-NULL `sptr`/`valp`:
/// the function has a termios slot we can write. The table uses fixed arrays and allocates
/// nothing. Entries above the configured limit ([`SlcTable::nslc`]) are never consulted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlcTable {
    nslc: u8,
    vdisable: u8,
    current: [SlcEntry; TABLE_LEN],
    defaults: [SlcEntry; TABLE_LEN],
    changeable: [bool; TABLE_LEN],
}

/// `(function, default flags, value or None for "disabled", changeable)`.
type DefaultSpec = (u8, u8, Option<u8>, bool);

/// BSD telnetd `spcset()` with typical Linux/BSD termios characters (research section 3.2).
const SERVER_SPEC: [DefaultSpec; 18] = [
    (func::SYNCH, DEFAULT, Some(0), false),
    (func::BRK, DEFAULT, Some(0), false),
    (func::IP, VALUE | FLUSHIN | FLUSHOUT, Some(0x03), true),
    (func::AO, VALUE | FLUSHOUT, Some(0x0F), true),
    (func::AYT, VALUE, Some(0x14), true),
    (func::EOR, DEFAULT, Some(0), false),
    (func::ABORT, VALUE | FLUSHIN | FLUSHOUT, Some(0x1C), true),
    (func::EOF, VALUE, Some(0x04), true),
    (func::SUSP, VALUE | FLUSHIN, Some(0x1A), true),
    (func::EC, VALUE, Some(0x7F), true),
    (func::EL, VALUE, Some(0x15), true),
    (func::EW, VALUE, Some(0x17), true),
    (func::RP, VALUE, Some(0x12), true),
    (func::LNEXT, VALUE, Some(0x16), true),
    (func::XON, VALUE, Some(0x11), true),
    (func::XOFF, VALUE, Some(0x13), true),
    (func::FORW1, VALUE, None, true),
    (func::FORW2, VALUE, None, true),
];

/// BSD telnet `slc_init()` `initfunc` calls with the same typical characters (research
/// section 3.6). BRK, EOR and 19..=30 are not initialised there and stay NOSUPPORT.
const CLIENT_SPEC: [DefaultSpec; 16] = [
    (func::SYNCH, DEFAULT, Some(0), false),
    (func::IP, VALUE | FLUSHIN | FLUSHOUT, Some(0x03), true),
    (func::AO, VALUE, Some(0x0F), true),
    (func::AYT, VALUE, Some(0x14), true),
    (func::ABORT, VALUE | FLUSHIN | FLUSHOUT, Some(0x1C), true),
    (func::EOF, VALUE, Some(0x04), true),
    (func::SUSP, VALUE | FLUSHIN, Some(0x1A), true),
    (func::EC, VALUE, Some(0x7F), true),
    (func::EL, VALUE, Some(0x15), true),
    (func::EW, VALUE, Some(0x17), true),
    (func::RP, VALUE, Some(0x12), true),
    (func::LNEXT, VALUE, Some(0x16), true),
    (func::XON, VALUE, Some(0x11), true),
    (func::XOFF, VALUE, Some(0x13), true),
    (func::FORW1, VALUE, None, true),
    (func::FORW2, VALUE, None, true),
];

impl SlcTable {
    fn from_spec(vdisable: u8, spec: &[DefaultSpec]) -> Self {
        let mut t = SlcTable {
            nslc: NSLC,
            vdisable,
            current: [SlcEntry::default(); TABLE_LEN],
            defaults: [SlcEntry::default(); TABLE_LEN],
            changeable: [false; TABLE_LEN],
        };
        for &(f, flags, value, changeable) in spec {
            let i = usize::from(f);
            t.defaults[i] = SlcEntry::new(flags, value.unwrap_or(vdisable));
            t.changeable[i] = changeable;
        }
        t
    }

    /// The table BSD telnetd builds at startup (`get_slc_defaults` with `spcset`). Defaults:
    /// SYNCH/BRK/EOR DEFAULT 0 (no terminal slot); IP ^C 0x62, AO ^O 0x22, AYT ^T, ABORT ^\
    /// 0x62, EOF ^D, SUSP ^Z 0x42, EC DEL, EL ^U, EW ^W, RP ^R, LNEXT ^V, XON ^Q, XOFF ^S at
    /// VALUE, FORW1/FORW2 VALUE but disabled, all of them changeable; 19..=30 NOSUPPORT.
    /// Every current entry is (NOSUPPORT, 0), as `get_slc_defaults` leaves them, so the
    /// client's first export is answered through `change_slc`.
    ///
    /// `vdisable` is the terminal's "disabled" byte (`_POSIX_VDISABLE`: 0xFF on BSD, 0x00 on
    /// Linux). The limit is [`NSLC`]; see [`SlcTable::with_nslc`].
    pub fn server_defaults(vdisable: u8) -> SlcTable {
        Self::from_spec(vdisable, &SERVER_SPEC)
    }

    /// The table BSD telnet builds in `slc_init()` on DO LINEMODE. The default entries are
    /// the `mylevel`s: SYNCH DEFAULT 0 (no terminal slot); IP 0x62, AO 0x02 (no FLUSHOUT,
    /// unlike the server), AYT, ABORT 0x62, EOF, SUSP 0x42, EC, EL, EW, RP, LNEXT, XON, XOFF,
    /// FORW1, FORW2 at VALUE with the same characters as [`SlcTable::server_defaults`],
    /// all changeable; BRK, EOR and 19..=30 NOSUPPORT (never exported).
    /// Every current entry is (NOSUPPORT, default character), as after `slc_init`.
    /// Call [`SlcTable::export`] to set them and send them.
    pub fn client_defaults(vdisable: u8) -> SlcTable {
        let mut t = Self::from_spec(vdisable, &CLIENT_SPEC);
        for i in 1..TABLE_LEN {
            t.current[i] = SlcEntry::new(NOSUPPORT, t.defaults[i].value);
        }
        t
    }

    /// Sets the highest function code this side knows, clamped to 0..=[`NSLC`]. Codes above it
    /// get the "unknown function" answers. Use [`NSLC_GLIBC`] (18) to behave like GNU inetutils
    /// built on glibc, where 19..=30 are unknown. The full table and the export then stop at 18
    /// as well.
    pub fn with_nslc(mut self, nslc: u8) -> Self {
        self.nslc = nslc.min(NSLC);
        self
    }

    /// The highest function code this table negotiates (30 or 18, see [`SlcTable::with_nslc`]).
    pub fn nslc(&self) -> u8 {
        self.nslc
    }

    /// The "disabled character" byte (`_POSIX_VDISABLE`) this table was built with.
    pub fn vdisable(&self) -> u8 {
        self.vdisable
    }

    fn index(&self, func: u8) -> Option<usize> {
        (1..=self.nslc).contains(&func).then_some(usize::from(func))
    }

    /// The currently negotiated entry for `func`, or `None` if `func` is 0 or above the limit.
    /// Inside this module the ACK bit is never set here; it is cleared when `process` returns.
    pub fn entry(&self, func: u8) -> Option<SlcEntry> {
        self.index(func).map(|i| self.current[i])
    }

    /// The default entry for `func` (BSD telnetd `defset`, BSD telnet `mylevel` and original
    /// character), or `None` if `func` is 0 or above the limit.
    pub fn default_entry(&self, func: u8) -> Option<SlcEntry> {
        self.index(func).map(|i| self.defaults[i])
    }

    /// Whether our terminal has a writable slot for `func` (BSD `sptr`/`valp` non-NULL). Only
    /// such functions adopt a peer's value on the server, and only they are checked by
    /// [`SlcTable::local_changed`].
    pub fn is_changeable(&self, func: u8) -> bool {
        self.index(func).is_some_and(|i| self.changeable[i])
    }

    /// Records that our terminal (pty or tty) binds `func` to `value` (`vdisable` = disabled),
    /// e.g. from termios `c_cc`. Use it when building the table, as BSD's `spcset()` (server)
    /// or `initfunc` (client) does. It updates the default entry. The level becomes VALUE if
    /// `changeable`, otherwise CANTCHANGE, and the function's FLUSHIN/FLUSHOUT bits are kept.
    /// Like BSD, a disabled character keeps its level and is reported as NOSUPPORT only when
    /// it is sent. The current entry is untouched: during a session, report a terminal
    /// change with [`SlcTable::local_changed`]. Out-of-range `func` is ignored.
    pub fn set_local(&mut self, func: u8, value: u8, changeable: bool) {
        if let Some(i) = self.index(func) {
            let flush = self.defaults[i].flags & (FLUSHIN | FLUSHOUT);
            let level = if changeable { VALUE } else { CANTCHANGE };
            self.defaults[i] = SlcEntry::new(flush | level, value);
            self.changeable[i] = changeable;
        }
    }

    /// Sets a default entry verbatim (ACK is stripped), for cases `set_local` cannot express.
    /// Example: BSD telnetd sets XON/XOFF to DEFAULT on WILL LFLOW and to CANTCHANGE on WONT
    /// LFLOW, but keeps them changeable. A DEFAULT level means "we have a default but no
    /// terminal slot", as in BSD's `defval` fallback. Out-of-range `func` is ignored.
    pub fn set_default(&mut self, func: u8, entry: SlcEntry, changeable: bool) {
        if let Some(i) = self.index(func) {
            self.defaults[i] = SlcEntry::new(entry.flags & !ACK, entry.value);
            self.changeable[i] = changeable;
        }
    }

    /// Processes the triplets of one received `SB LINEMODE SLC` (already IAC-unescaped, the
    /// `SLC` code removed) and appends the answers to `out`. Both BSD parsers ignore a
    /// trailing partial triplet, and so does this one.
    ///
    /// - [`SlcRole::Server`] follows BSD telnetd `process_slc`/`change_slc`. A function above
    ///   the limit gets `(f, NOSUPPORT, 0)`. `0 DEFAULT 0` resets to the defaults and sends the
    ///   full table; `0 VALUE 0` sends the full table. A triplet equal to the current entry,
    ///   or an ACK at the current level, is absorbed, and a stale ACK is ignored. Anything else
    ///   is adopted (copying the client's flag byte) or answered with our level/value, as in
    ///   RFC 1184 section 5.9.
    /// - [`SlcRole::Client`] follows BSD telnet `slc()`. Function 0 is ignored. A function
    ///   above the limit gets `(f, NOSUPPORT, 0)` unless it was NOSUPPORT. A level at or below
    ///   our `mylevel` is adopted and ACKed; otherwise we answer with our own entry. Then
    ///   ACK bits are cleared (`slc_update`).
    ///
    /// `out` is appended to, not cleared. Send it as one SB, and nothing if it is empty (BSD
    /// `end_slc`/`slc_end_reply`). Afterwards `changed(func, entry)` is called once per
    /// function, in ascending order, for every current entry whose level or value differs from
    /// before the call, so the caller can write its terminal. (BSD telnetd writes the pty only
    /// when it adopts a value for a changeable function; the BSD client only for ACKed
    /// changeable ones. Filter with [`SlcTable::is_changeable`] if you need that.)
    pub fn process(
        &mut self,
        role: SlcRole,
        triplets: &[u8],
        out: &mut SlcReplies,
        changed: &mut dyn FnMut(u8, SlcEntry),
    ) {
        let before = self.current;
        for t in triplets.chunks_exact(3) {
            match role {
                SlcRole::Server => self.server_triplet(t[0], t[1], t[2], out),
                SlcRole::Client => self.client_triplet(t[0], t[1], t[2], out),
            }
        }
        // BSD telnet slc_update(): acknowledgements are transient. telnetd never stores ACK,
        // so doing this for both roles changes nothing on the server side.
        for e in self.current.iter_mut() {
            e.flags &= !ACK;
        }
        for f in 1..=self.nslc {
            let i = usize::from(f);
            let (old, new) = (before[i], self.current[i]);
            if old.level() != new.level() || old.value != new.value {
                changed(f, new);
            }
        }
    }

    /// BSD telnetd `process_slc`.
    fn server_triplet(&mut self, f: u8, flags: u8, value: u8, out: &mut SlcReplies) {
        if f > self.nslc {
            // Answered even when the client already said NOSUPPORT (BSD does the same).
            out.push(f, NOSUPPORT, 0);
            return;
        }
        if f == 0 {
            // The value is not checked, as in BSD.
            match flags & LEVEL_MASK {
                DEFAULT => {
                    self.reset_to_defaults();
                    self.full_table(out);
                }
                VALUE => self.full_table(out),
                _ => {}
            }
            return;
        }
        let i = usize::from(f);
        let his = flags & LEVEL_MASK;
        let ack = flags & ACK != 0;
        let cur = self.current[i];
        if his == cur.level() && (value == cur.value || ack) {
            return;
        }
        if ack {
            // Stale ACK with a different level: wait for the next one.
            return;
        }
        self.change_slc(i, f, flags, value, out);
    }

    /// BSD telnetd `change_slc`. `flags` has no ACK here.
    fn change_slc(&mut self, i: usize, f: u8, flags: u8, value: u8, out: &mut SlcReplies) {
        let his = flags & LEVEL_MASK;
        let def = self.defaults[i];
        let my = def.level();
        if his == NOSUPPORT {
            self.current[i] = SlcEntry::new(flags, self.vdisable);
            out.push(f, flags | ACK, value);
            return;
        }
        if his == DEFAULT {
            let fl = if my == DEFAULT { NOSUPPORT } else { def.flags };
            self.current[i] = SlcEntry::new(fl, def.value);
            out.push(f, fl, def.value);
            return;
        }
        if self.changeable[i] {
            self.current[i] = SlcEntry::new(flags, value);
            out.push(f, flags | ACK, value);
            return;
        }
        if my == DEFAULT {
            self.current[i] = SlcEntry::new(flags, value);
            out.push(f, flags | ACK, value);
        } else if his == CANTCHANGE && my == CANTCHANGE {
            let fl = (flags & !LEVEL_MASK) | NOSUPPORT;
            self.current[i].flags = fl;
            out.push(f, fl, value);
        } else {
            let fl = (flags & !LEVEL_MASK) | my;
            self.current[i].flags = fl;
            let mut v = value;
            if my == CANTCHANGE {
                self.current[i].value = def.value;
                v = def.value;
            }
            out.push(f, fl, v);
        }
    }

    /// BSD telnet `slc()`, one triplet.
    fn client_triplet(&mut self, f: u8, flags: u8, value: u8, out: &mut SlcReplies) {
        if f == 0 {
            return;
        }
        if f > self.nslc {
            if flags & LEVEL_MASK != NOSUPPORT {
                out.push(f, NOSUPPORT, 0);
            }
            return;
        }
        let i = usize::from(f);
        let cur = self.current[i];
        let mut incoming = flags;
        let mut level = flags & (LEVEL_MASK | ACK);
        if value == cur.value && level & LEVEL_MASK == cur.level() {
            return;
        }
        if level == DEFAULT | ACK {
            // ACK must never accompany DEFAULT; BSD drops the ACK from the stored flags but
            // keeps it in `level` for the next test.
            incoming &= !ACK;
        }
        if level == cur.level() | ACK {
            self.current[i] = SlcEntry::new(incoming, value);
            return;
        }
        level &= !ACK;
        let mylevel = self.defaults[i].flags;
        if level <= mylevel & LEVEL_MASK {
            self.current[i] = SlcEntry::new(incoming | ACK, value);
        }
        if level == DEFAULT {
            self.current[i].flags = if mylevel & LEVEL_MASK != DEFAULT {
                mylevel
            } else {
                NOSUPPORT
            };
        }
        let e = self.current[i];
        out.push(f, e.flags, e.value);
    }

    /// Client: BSD telnet `slc_export()`. For every function whose default level is not
    /// NOSUPPORT, in ascending order, sets the current entry to (default flags, default
    /// character), or NOSUPPORT if the character is disabled, and appends it without ACK.
    /// BSD sends this right after WILL LINEMODE is agreed, and the server answers it.
    /// It takes `&mut self` because BSD records the exported levels as current. Only then are
    /// the server's answers absorbed (or, for SYNCH, ACKed) correctly.
    pub fn export(&mut self, out: &mut SlcReplies) {
        for f in 1..=self.nslc {
            let i = usize::from(f);
            let def = self.defaults[i];
            if def.level() == NOSUPPORT {
                continue;
            }
            let fl = if def.value == self.vdisable {
                NOSUPPORT
            } else {
                def.flags
            };
            self.current[i] = SlcEntry::new(fl, def.value);
            out.push(f, fl, def.value);
        }
    }

    /// Client: BSD telnet `slc_import()`. Appends `0 DEFAULT 0` if `reset`, otherwise
    /// `0 VALUE 0` (the `slc import` / `slc check` commands). The server then answers with its
    /// whole table. No table state changes.
    pub fn import_request(reset: bool, out: &mut SlcReplies) {
        out.push(0, if reset { DEFAULT } else { VALUE }, 0);
    }

    /// Server: BSD telnetd `send_slc()`. Appends `(f, current flags, current value)` for
    /// every function whose *default* level is not NOSUPPORT. This includes functions whose
    /// current level is NOSUPPORT. It is the answer to `0 VALUE 0`, and to `0 DEFAULT 0` after
    /// a reset.
    pub fn full_table(&self, out: &mut SlcReplies) {
        for f in 1..=self.nslc {
            let i = usize::from(f);
            if self.defaults[i].level() == NOSUPPORT {
                continue;
            }
            let e = self.current[i];
            out.push(f, e.flags, e.value);
        }
    }

    /// Our terminal now binds `func` to `value`. This is BSD telnetd `check_slc()` and BSD telnet
    /// `slc_check()`, one function at a time, and works the same for both roles. If `func` is
    /// changeable and `value` differs from the current value, the current entry becomes
    /// (default flags, or NOSUPPORT if `value` is the disabled byte; `value`). It is appended
    /// to `out` without ACK, and the function returns `true`. Otherwise nothing happens and it
    /// returns `false`. Call it for every changeable function after the terminal settings
    /// change, and send `out` as one SB.
    pub fn local_changed(&mut self, func: u8, value: u8, out: &mut SlcReplies) -> bool {
        let Some(i) = self.index(func) else {
            return false;
        };
        if !self.changeable[i] || self.current[i].value == value {
            return false;
        }
        let fl = if value == self.vdisable {
            NOSUPPORT
        } else {
            self.defaults[i].flags
        };
        self.current[i] = SlcEntry::new(fl, value);
        out.push(func, fl, value);
        true
    }

    /// BSD telnetd `default_slc()`: every current entry becomes its default, or NOSUPPORT
    /// with the disabled byte if the default character is disabled. [`SlcTable::process`] does
    /// this itself on `0 DEFAULT 0`. BSD also writes the defaults into the pty; a caller that
    /// resets directly should do the same with [`SlcTable::default_entry`].
    pub fn reset_to_defaults(&mut self) {
        for f in 1..=self.nslc {
            let i = usize::from(f);
            let def = self.defaults[i];
            let fl = if def.value == self.vdisable {
                NOSUPPORT
            } else {
                def.flags
            };
            self.current[i] = SlcEntry::new(fl, def.value);
        }
    }
}

/// The triplets for ONE outgoing `SB LINEMODE SLC`.
///
/// BSD answers one received SB with one SB (`start_slc`/`end_slc`, `slc_start_reply`/
/// `slc_end_reply`). It builds the answer in fixed buffers that a hostile peer overflowed:
/// CVE-2005-0469 in the client and CVE-2026-32746 in inetutils telnetd. This buffer keeps
/// at most one triplet per function code. A later triplet for the same function replaces the
/// earlier one where it stands, because the peer's final state for that function depends on
/// the last triplet anyway. So the buffer never holds more than [`MAX_REPLY_TRIPLETS`] (256)
/// triplets, whatever the input. It grows on the heap but is capped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlcReplies {
    triplets: Vec<[u8; 3]>,
    /// Position in `triplets` of each function code's triplet.
    pos: [Option<u8>; 256],
}

impl Default for SlcReplies {
    fn default() -> Self {
        SlcReplies {
            triplets: Vec::new(),
            pos: [None; 256],
        }
    }
}

impl SlcReplies {
    /// An empty reply.
    pub fn new() -> Self {
        Self::default()
    }

    /// True if there is nothing to send. BSD sends no SB at all in that case.
    pub fn is_empty(&self) -> bool {
        self.triplets.is_empty()
    }

    /// Number of triplets (at most [`MAX_REPLY_TRIPLETS`]).
    pub fn len(&self) -> usize {
        self.triplets.len()
    }

    /// Empties the buffer so it can be reused for the next SB.
    pub fn clear(&mut self) {
        self.triplets.clear();
        self.pos = [None; 256];
    }

    /// Adds a triplet. If one for `func` is already present, it is replaced where it stands.
    pub fn push(&mut self, func: u8, flags: u8, value: u8) {
        let slot = usize::from(func);
        if let Some(t) = self.pos[slot].and_then(|p| self.triplets.get_mut(usize::from(p))) {
            *t = [func, flags, value];
            return;
        }
        // At most 256 distinct function codes, so this never exceeds the cap. It is checked
        // anyway so that a future change cannot turn this into an unbounded buffer.
        let Ok(p) = u8::try_from(self.triplets.len()) else {
            return;
        };
        self.pos[slot] = Some(p);
        self.triplets.push([func, flags, value]);
    }

    /// The triplet queued for `func`, as `(flags, value)`.
    pub fn get(&self, func: u8) -> Option<(u8, u8)> {
        let p = self.pos[usize::from(func)]?;
        self.triplets.get(usize::from(p)).map(|t| (t[1], t[2]))
    }

    /// The subnegotiation payload after the LINEMODE option byte:
    /// `[LM_SLC, f, flags, v, f, flags, v, ...]`. It is **not** IAC-escaped; the caller's
    /// SB framing must double every 0xFF (as BSD `add_slc`/`slc_add_reply` do). The Vec is
    /// empty if there are no triplets, because then nothing must be sent.
    pub fn payload(&self) -> Vec<u8> {
        if self.triplets.is_empty() {
            return Vec::new();
        }
        let mut v = Vec::with_capacity(1 + 3 * self.triplets.len());
        v.push(LM_SLC);
        for t in &self.triplets {
            v.extend_from_slice(t);
        }
        v
    }

    /// The queued triplets `(func, flags, value)`, in order.
    pub fn triplets(&self) -> impl Iterator<Item = (u8, u8, u8)> + '_ {
        self.triplets.iter().map(|t| (t[0], t[1], t[2]))
    }
}

#[cfg(test)]
mod tests {
    use super::func::*;
    use super::*;

    const BSD_VDISABLE: u8 = 0xFF;

    /// Parses "FF FA 22 ..." into bytes.
    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
            .collect()
    }

    /// Frames an SLC payload the way BSD puts it on the wire (IAC SB LINEMODE ... IAC SE,
    /// 0xFF doubled).
    fn wire(payload: &[u8]) -> Vec<u8> {
        let mut w = vec![0xFF, 0xFA, 0x22];
        for &b in payload {
            w.push(b);
            if b == 0xFF {
                w.push(0xFF);
            }
        }
        w.extend_from_slice(&[0xFF, 0xF0]);
        w
    }

    /// Inverse of `wire`: checks the framing and returns the triplet bytes after `SLC`.
    fn unwire(w: &[u8]) -> Vec<u8> {
        assert_eq!(&w[..4], &[0xFF, 0xFA, 0x22, 0x03]);
        assert_eq!(&w[w.len() - 2..], &[0xFF, 0xF0]);
        let body = &w[4..w.len() - 2];
        let mut out = Vec::new();
        let mut i = 0;
        while i < body.len() {
            out.push(body[i]);
            if body[i] == 0xFF {
                assert_eq!(body[i + 1], 0xFF, "undoubled IAC");
                i += 1;
            }
            i += 1;
        }
        out
    }

    fn run(t: &mut SlcTable, role: SlcRole, trip: &[u8]) -> Vec<u8> {
        let mut out = SlcReplies::new();
        t.process(role, trip, &mut out, &mut |_, _| {});
        out.payload()
    }

    fn srv(t: &mut SlcTable, trip: &[u8]) -> Vec<u8> {
        run(t, SlcRole::Server, trip)
    }

    fn cli(t: &mut SlcTable, trip: &[u8]) -> Vec<u8> {
        run(t, SlcRole::Client, trip)
    }

    fn e(flags: u8, value: u8) -> Option<SlcEntry> {
        Some(SlcEntry::new(flags, value))
    }

    /// A server whose current table equals the BSD defaults (as after `0 DEFAULT 0`).
    fn primed_server() -> SlcTable {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        s.reset_to_defaults();
        s
    }

    /// A client that has exported its table.
    fn exported_client() -> SlcTable {
        let mut c = SlcTable::client_defaults(BSD_VDISABLE);
        c.export(&mut SlcReplies::new());
        c
    }

    const EXPORT_WIRE: &str = "FF FA 22 03  01 03 00  03 62 03  04 02 0F  05 02 14  07 62 1C  \
        08 02 04  09 42 1A  0A 02 7F  0B 02 15  0C 02 17  0D 02 12  0E 02 16  0F 02 11  \
        10 02 13  11 00 FF FF  12 00 FF FF  FF F0";
    const SERVER_REPLY_WIRE: &str = "FF FA 22 03  01 00 00  03 E2 03  04 82 0F  05 82 14  \
        07 E2 1C  08 82 04  09 C2 1A  0A 82 7F  0B 82 15  0C 82 17  0D 82 12  0E 82 16  \
        0F 82 11  10 82 13  11 80 FF FF  12 80 FF FF  FF F0";

    #[test]
    fn worked_bsd_exchange_byte_for_byte() {
        let mut client = SlcTable::client_defaults(BSD_VDISABLE);
        let mut server = SlcTable::server_defaults(BSD_VDISABLE);

        // C->S: slc_export.
        let mut c2s = SlcReplies::new();
        client.export(&mut c2s);
        assert_eq!(wire(&c2s.payload()), hex(EXPORT_WIRE));

        // S: every triplet goes through change_slc; one SB of replies.
        let mut s2c = SlcReplies::new();
        let mut srv_changes = Vec::new();
        server.process(
            SlcRole::Server,
            &unwire(&hex(EXPORT_WIRE)),
            &mut s2c,
            &mut |f, e| srv_changes.push((f, e)),
        );
        assert_eq!(wire(&s2c.payload()), hex(SERVER_REPLY_WIRE));
        // Every changeable char was adopted (and FORW1/2 set to NOSUPPORT+VDISABLE).
        let adopted: Vec<u8> = srv_changes.iter().map(|&(f, _)| f).collect();
        assert_eq!(
            adopted,
            vec![3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
        );
        assert_eq!(server.entry(AO), e(0x02, 0x0F)); // client's flag byte adopted
        assert_eq!(server.entry(FORW1), e(0x00, 0xFF));
        assert_eq!(server.entry(SYNCH), e(0x00, 0x00));

        // C: only SYNCH is answered.
        let mut c2s = SlcReplies::new();
        let mut cli_changes = Vec::new();
        client.process(
            SlcRole::Client,
            &unwire(&hex(SERVER_REPLY_WIRE)),
            &mut c2s,
            &mut |f, e| cli_changes.push((f, e)),
        );
        assert_eq!(wire(&c2s.payload()), hex("FF FA 22 03 01 80 00 FF F0"));
        assert_eq!(cli_changes, vec![(SYNCH, SlcEntry::new(0, 0))]);
        assert_eq!(client.entry(SYNCH), e(0x00, 0x00)); // ACK cleared by slc_update

        // S: level 0 == current 0 with ACK: ignored. Converged.
        let mut none = SlcReplies::new();
        server.process(
            SlcRole::Server,
            &unwire(&hex("FF FA 22 03 01 80 00 FF F0")),
            &mut none,
            &mut |f, _| panic!("server changed {f}"),
        );
        assert!(none.is_empty());
        assert_eq!(none.payload(), Vec::<u8>::new());

        // Later: `stty intr ^X` on the server -> check_slc.
        let mut s2c = SlcReplies::new();
        assert!(server.local_changed(IP, 0x18, &mut s2c));
        assert!(!server.local_changed(IP, 0x18, &mut s2c)); // unchanged: nothing more
        assert_eq!(wire(&s2c.payload()), hex("FF FA 22 03 03 62 18 FF F0"));

        let mut c2s = SlcReplies::new();
        let mut cli_changes = Vec::new();
        client.process(
            SlcRole::Client,
            &unwire(&hex("FF FA 22 03 03 62 18 FF F0")),
            &mut c2s,
            &mut |f, e| cli_changes.push((f, e)),
        );
        assert_eq!(wire(&c2s.payload()), hex("FF FA 22 03 03 E2 18 FF F0"));
        assert_eq!(cli_changes, vec![(IP, SlcEntry::new(0x62, 0x18))]);

        // The server ignores the ACK: no further reply.
        assert!(srv(&mut server, &unwire(&hex("FF FA 22 03 03 E2 18 FF F0"))).is_empty());
        assert_eq!(server.entry(IP), e(0x62, 0x18));
        assert_eq!(client.entry(IP), e(0x62, 0x18));
    }

    /// Ping-pongs SLC SBs between the two tables until one side has nothing to say. Returns
    /// the number of SBs that were sent.
    fn exchange(
        server: &mut SlcTable,
        client: &mut SlcTable,
        first: SlcReplies,
        from_client: bool,
    ) -> usize {
        let mut msg = first;
        let mut to_server = from_client;
        let mut sent = 0;
        while !msg.is_empty() {
            sent += 1;
            assert!(sent <= 20, "SLC negotiation does not converge");
            assert!(msg.len() <= MAX_REPLY_TRIPLETS);
            let payload = msg.payload();
            let mut reply = SlcReplies::new();
            if to_server {
                server.process(SlcRole::Server, &payload[1..], &mut reply, &mut |_, _| {});
            } else {
                client.process(SlcRole::Client, &payload[1..], &mut reply, &mut |_, _| {});
            }
            msg = reply;
            to_server = !to_server;
        }
        sent
    }

    fn assert_agree(server: &SlcTable, client: &SlcTable) {
        for f in 1..=server.nslc().min(client.nslc()) {
            let (s, c) = (server.entry(f).unwrap(), client.entry(f).unwrap());
            assert_eq!(s.level(), c.level(), "level of {:?}", func_name(f));
            if s.level() != NOSUPPORT {
                assert_eq!(s.value, c.value, "value of {:?}", func_name(f));
            }
        }
    }

    #[test]
    fn both_tables_converge() {
        for vdisable in [0xFF, 0x00] {
            // Client export first (BSD default).
            let mut server = SlcTable::server_defaults(vdisable);
            let mut client = SlcTable::client_defaults(vdisable);
            let mut first = SlcReplies::new();
            client.export(&mut first);
            let sent = exchange(&mut server, &mut client, first, true);
            assert!(sent <= 3, "took {sent} SBs");
            assert_agree(&server, &client);

            // Server-side change, then client-side change.
            let mut first = SlcReplies::new();
            assert!(server.local_changed(IP, 0x18, &mut first));
            assert!(server.local_changed(EC, 0x08, &mut first));
            assert!(server.local_changed(EL, vdisable, &mut first));
            assert_eq!(exchange(&mut server, &mut client, first, false), 2);
            assert_agree(&server, &client);
            let mut first = SlcReplies::new();
            assert!(client.local_changed(SUSP, 0x19, &mut first));
            assert!(client.local_changed(EL, 0x15, &mut first));
            assert_eq!(exchange(&mut server, &mut client, first, true), 2);
            assert_agree(&server, &client);
            assert_eq!(server.entry(SUSP), e(0x42, 0x19));

            // `slc import`: 0 DEFAULT 0 from a freshly initialised client.
            let mut server = SlcTable::server_defaults(vdisable);
            let mut client = SlcTable::client_defaults(vdisable);
            let mut first = SlcReplies::new();
            SlcTable::import_request(true, &mut first);
            assert_eq!(first.payload(), vec![3, 0, 3, 0]);
            let sent = exchange(&mut server, &mut client, first, true);
            assert!(sent <= 4, "took {sent} SBs");
            assert_agree(&server, &client);

            // nslc mismatch (inetutils-like server, BSD client) still converges.
            let mut server = SlcTable::server_defaults(vdisable).with_nslc(NSLC_GLIBC);
            let mut client = SlcTable::client_defaults(vdisable);
            let mut first = SlcReplies::new();
            client.export(&mut first);
            assert!(exchange(&mut server, &mut client, first, true) <= 3);
            assert_agree(&server, &client);
        }
    }

    #[test]
    fn crossing_changes_terminate_and_agree() {
        let mut server = primed_server();
        let mut client = exported_client();
        let mut s_msg = SlcReplies::new();
        let mut c_msg = SlcReplies::new();
        assert!(server.local_changed(EC, 0x08, &mut s_msg));
        assert!(client.local_changed(EC, 0x09, &mut c_msg));
        // Both messages cross on the wire.
        let s_reply = srv(&mut server, &c_msg.payload()[1..]);
        let c_reply = cli(&mut client, &s_msg.payload()[1..]);
        assert_eq!(s_reply, vec![3, EC, 0x82, 0x09]);
        assert_eq!(c_reply, vec![3, EC, 0x82, 0x08]);
        assert!(srv(&mut server, &c_reply[1..]).is_empty());
        assert!(cli(&mut client, &s_reply[1..]).is_empty());
        assert_eq!(server.entry(EC), e(0x02, 0x09));
        assert_eq!(client.entry(EC), e(0x02, 0x09));
    }

    #[test]
    fn randomised_local_changes_always_converge() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for vdisable in [0xFF, 0x00] {
            let mut server = SlcTable::server_defaults(vdisable);
            let mut client = SlcTable::client_defaults(vdisable);
            let mut first = SlcReplies::new();
            client.export(&mut first);
            exchange(&mut server, &mut client, first, true);
            for _ in 0..2000 {
                let f = (rng.next() % u64::from(NSLC + 2)) as u8;
                let v = match rng.next() % 4 {
                    0 => vdisable,
                    _ => rng.next() as u8,
                };
                let from_client = rng.next() % 2 == 0;
                let mut first = SlcReplies::new();
                if from_client {
                    client.local_changed(f, v, &mut first);
                } else {
                    server.local_changed(f, v, &mut first);
                }
                assert!(exchange(&mut server, &mut client, first, from_client) <= 2);
                assert_agree(&server, &client);
            }
        }
    }

    // ---- server: process_slc rows ----

    #[test]
    fn server_func_above_nslc_gets_nosupport_even_if_nosupport() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        assert_eq!(srv(&mut s, &[31, 0x02, 5]), vec![3, 31, 0, 0]);
        assert_eq!(srv(&mut s, &[31, 0x00, 0]), vec![3, 31, 0, 0]);
        assert_eq!(srv(&mut s, &[0xFF, 0xFF, 0xFF]), vec![3, 0xFF, 0, 0]);
        assert_eq!(
            wire(&srv(&mut s, &[0xFF, 0x83, 0x00])),
            hex("FF FA 22 03 FF FF 00 00 FF F0")
        );
    }

    const FULL_DEFAULT_TABLE: [u8; 55] = [
        3, 1, 3, 0, 2, 3, 0, 3, 0x62, 3, 4, 0x22, 0x0F, 5, 2, 0x14, 6, 3, 0, 7, 0x62, 0x1C, 8, 2,
        4, 9, 0x42, 0x1A, 10, 2, 0x7F, 11, 2, 0x15, 12, 2, 0x17, 13, 2, 0x12, 14, 2, 0x16, 15, 2,
        0x11, 16, 2, 0x13, 17, 0, 0xFF, 18, 0, 0xFF,
    ];

    #[test]
    fn server_func0_default_resets_and_sends_full_table() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        let mut changes = Vec::new();
        let mut out = SlcReplies::new();
        s.process(SlcRole::Server, &[0, DEFAULT, 0], &mut out, &mut |f, _| {
            changes.push(f)
        });
        assert_eq!(out.payload(), FULL_DEFAULT_TABLE.to_vec());
        // Every function 1..=18 changed (FORW1/2 stay NOSUPPORT but 0 -> VDISABLE);
        // 19..=30 (NOSUPPORT, 0) did not.
        assert_eq!(changes, (1..=18).collect::<Vec<u8>>());
        assert_eq!(s.entry(IP), e(0x62, 0x03));
        // The value is not checked; ACK or other bits do not matter, only the level.
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        assert_eq!(srv(&mut s, &[0, 0x83, 0x55]), FULL_DEFAULT_TABLE.to_vec());
    }

    #[test]
    fn server_func0_value_sends_current_table_unchanged() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        let mut expect = vec![3];
        for f in 1..=18u8 {
            expect.extend_from_slice(&[f, 0, 0]);
        }
        assert_eq!(srv(&mut s, &[0, VALUE, 0]), expect);
        assert_eq!(s, SlcTable::server_defaults(BSD_VDISABLE));
        let mut s = primed_server();
        assert_eq!(srv(&mut s, &[0, VALUE, 0]), FULL_DEFAULT_TABLE.to_vec());
    }

    #[test]
    fn server_func0_other_levels_ignored() {
        let mut s = primed_server();
        assert!(srv(&mut s, &[0, NOSUPPORT, 0]).is_empty());
        assert!(srv(&mut s, &[0, CANTCHANGE, 0]).is_empty());
        assert_eq!(s, primed_server());
    }

    #[test]
    fn server_same_level_and_value_ignored() {
        let mut s = primed_server();
        // Flush bits differ but level and value match: nothing, and nothing adopted.
        assert!(srv(&mut s, &[IP, 0x02, 0x03]).is_empty());
        assert_eq!(s.entry(IP), e(0x62, 0x03));
    }

    #[test]
    fn server_same_level_with_ack_ignored() {
        let mut s = primed_server();
        assert!(srv(&mut s, &[IP, 0x82, 0x09]).is_empty());
        assert_eq!(s.entry(IP), e(0x62, 0x03));
    }

    #[test]
    fn server_stale_ack_other_level_ignored() {
        let mut s = primed_server();
        assert!(srv(&mut s, &[IP, 0x81, 0x09]).is_empty());
        assert_eq!(s.entry(IP), e(0x62, 0x03));
    }

    // ---- server: change_slc rows ----

    #[test]
    fn server_change_his_nosupport() {
        let mut s = primed_server();
        assert_eq!(srv(&mut s, &[IP, 0x40, 0x07]), vec![3, IP, 0xC0, 0x07]);
        assert_eq!(s.entry(IP), e(0x40, 0xFF));
    }

    #[test]
    fn server_change_his_default_my_default() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        assert_eq!(srv(&mut s, &[SYNCH, DEFAULT, 0x09]), vec![3, SYNCH, 0, 0]);
        assert_eq!(s.entry(SYNCH), e(NOSUPPORT, 0));
    }

    #[test]
    fn server_change_his_default_otherwise_sends_defset() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        assert_eq!(srv(&mut s, &[AO, DEFAULT, 0]), vec![3, AO, 0x22, 0x0F]);
        assert_eq!(s.entry(AO), e(0x22, 0x0F));
    }

    #[test]
    fn server_change_changeable_adopts_value_and_flags() {
        let mut s = primed_server();
        let mut out = SlcReplies::new();
        let mut changes = Vec::new();
        s.process(SlcRole::Server, &[EC, 0x12, 0x08], &mut out, &mut |f, e| {
            changes.push((f, e))
        });
        assert_eq!(out.payload(), vec![3, EC, 0x92, 0x08]); // bit 0x10 passes through
        assert_eq!(s.entry(EC), e(0x12, 0x08));
        assert_eq!(changes, vec![(EC, SlcEntry::new(0x12, 0x08))]);
        // CANTCHANGE from the client on a changeable function is adopted too.
        assert_eq!(srv(&mut s, &[EL, 0x01, 0x15]), vec![3, EL, 0x81, 0x15]);
        assert_eq!(s.entry(EL), e(0x01, 0x15));
    }

    #[test]
    fn server_change_no_slot_my_default_acks() {
        let mut s = primed_server();
        assert_eq!(srv(&mut s, &[BRK, 0x02, 0x05]), vec![3, BRK, 0x82, 0x05]);
        assert_eq!(s.entry(BRK), e(0x02, 0x05));
    }

    #[test]
    fn server_change_both_cantchange_degenerates_to_nosupport() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        s.set_local(AYT, 0x14, false);
        assert_eq!(s.default_entry(AYT), e(CANTCHANGE, 0x14));
        assert!(!s.is_changeable(AYT));
        assert_eq!(srv(&mut s, &[AYT, 0x21, 0x07]), vec![3, AYT, 0x20, 0x07]);
        assert_eq!(s.entry(AYT), e(0x20, 0x00)); // value left as it was
    }

    #[test]
    fn server_change_no_slot_my_cantchange_sends_our_value() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        s.set_local(AYT, 0x14, false);
        assert_eq!(srv(&mut s, &[AYT, 0x22, 0x07]), vec![3, AYT, 0x21, 0x14]);
        assert_eq!(s.entry(AYT), e(0x21, 0x14));
    }

    #[test]
    fn server_change_no_slot_my_nosupport_sends_his_value() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        assert_eq!(srv(&mut s, &[MCL, 0x02, 0x33]), vec![3, MCL, 0x00, 0x33]);
        assert_eq!(s.entry(MCL), e(0x00, 0x00)); // value left as it was
        // No slot, level VALUE (set_default): his level replaced by ours, his value echoed.
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        s.set_default(XON, SlcEntry::new(VALUE, 0x11), false);
        assert_eq!(srv(&mut s, &[XON, 0x41, 0x07]), vec![3, XON, 0x42, 0x07]);
        assert_eq!(s.entry(XON), e(0x42, 0x00));
    }

    // ---- client: slc() rows ----

    #[test]
    fn client_ignores_func0() {
        let mut c = exported_client();
        assert!(cli(&mut c, &[0, DEFAULT, 0]).is_empty());
        assert!(cli(&mut c, &[0, VALUE, 0]).is_empty());
        assert!(cli(&mut c, &[0, 0xFF, 0xFF]).is_empty());
        assert_eq!(c, exported_client());
    }

    #[test]
    fn client_func_above_nslc() {
        let mut c = exported_client();
        assert_eq!(cli(&mut c, &[31, 0x02, 5]), vec![3, 31, 0, 0]);
        assert_eq!(cli(&mut c, &[0xFF, 0xFF, 0xFF]), vec![3, 0xFF, 0, 0]);
        assert!(cli(&mut c, &[31, 0x00, 5]).is_empty());
        assert!(cli(&mut c, &[31, 0xE0, 5]).is_empty()); // level bits NOSUPPORT
    }

    #[test]
    fn client_same_value_and_level_absorbed() {
        let mut c = exported_client();
        assert!(cli(&mut c, &[IP, 0xE2, 0x03]).is_empty());
        assert_eq!(c.entry(IP), e(0x62, 0x03));
    }

    #[test]
    fn client_default_with_ack_matching_level_adopts_silently() {
        let mut c = exported_client();
        assert_eq!(c.entry(SYNCH), e(DEFAULT, 0));
        assert!(cli(&mut c, &[SYNCH, 0x83, 0x07]).is_empty());
        assert_eq!(c.entry(SYNCH), e(DEFAULT, 0x07)); // ACK stripped
    }

    #[test]
    fn client_default_with_ack_other_level_answers_mylevel() {
        let mut c = exported_client();
        assert_eq!(cli(&mut c, &[EC, 0x83, 0x09]), vec![3, EC, 0x02, 0x7F]);
        assert_eq!(c.entry(EC), e(0x02, 0x7F));
    }

    #[test]
    fn client_ack_at_current_level_adopted_without_reply() {
        let mut c = exported_client();
        let mut out = SlcReplies::new();
        let mut changes = Vec::new();
        c.process(SlcRole::Client, &[EC, 0xC2, 0x08], &mut out, &mut |f, e| {
            changes.push((f, e))
        });
        assert!(out.is_empty());
        assert_eq!(c.entry(EC), e(0x42, 0x08)); // incoming flags, ACK cleared
        assert_eq!(changes, vec![(EC, SlcEntry::new(0x42, 0x08))]);
    }

    #[test]
    fn client_accepts_level_at_or_below_mylevel() {
        let mut c = exported_client();
        assert_eq!(cli(&mut c, &[EC, 0x01, 0x08]), vec![3, EC, 0x81, 0x08]);
        assert_eq!(c.entry(EC), e(0x01, 0x08));
        assert_eq!(cli(&mut c, &[EL, 0x42, 0x08]), vec![3, EL, 0xC2, 0x08]);
        assert_eq!(c.entry(EL), e(0x42, 0x08));
        // NOSUPPORT with a value on a function we do not support (BSD nslc 30): ACKed.
        assert_eq!(cli(&mut c, &[MCL, 0x00, 0x05]), vec![3, MCL, 0x80, 0x05]);
        assert_eq!(c.entry(MCL), e(0x00, 0x05));
    }

    #[test]
    fn client_default_accepted_when_mylevel_default_becomes_nosupport() {
        let mut c = exported_client();
        assert_eq!(
            cli(&mut c, &[SYNCH, DEFAULT, 0x07]),
            vec![3, SYNCH, 0x00, 0x07]
        );
        assert_eq!(c.entry(SYNCH), e(NOSUPPORT, 0x07));
    }

    #[test]
    fn client_default_not_accepted_answers_mylevel() {
        let mut c = exported_client();
        assert_eq!(cli(&mut c, &[IP, DEFAULT, 0x00]), vec![3, IP, 0x62, 0x03]);
        assert_eq!(c.entry(IP), e(0x62, 0x03));
        // mylevel NOSUPPORT: flags := mylevel (0).
        assert_eq!(cli(&mut c, &[BRK, DEFAULT, 0x00]), vec![3, BRK, 0x00, 0x00]);
    }

    #[test]
    fn client_level_above_mylevel_answers_current() {
        let mut c = exported_client();
        assert_eq!(cli(&mut c, &[BRK, VALUE, 0x05]), vec![3, BRK, 0x00, 0x00]);
        assert_eq!(c.entry(BRK), e(0x00, 0x00));
    }

    #[test]
    fn client_clears_ack_after_processing() {
        let mut c = exported_client();
        cli(&mut c, &[EC, 0x02, 0x08, EL, 0x02, 0x07, SYNCH, 0x00, 0x00]);
        for f in 1..=NSLC {
            assert_eq!(c.entry(f).unwrap().flags & ACK, 0, "{:?}", func_name(f));
        }
    }

    #[test]
    fn client_export_and_local_changes() {
        let mut c = SlcTable::client_defaults(0x00);
        let mut out = SlcReplies::new();
        c.export(&mut out);
        // Linux VDISABLE 0: SYNCH's value 0 counts as disabled, FORW1/2 go out as (f,0,0).
        let p = out.payload();
        assert_eq!(&p[..4], &[3, SYNCH, 0, 0]);
        assert_eq!(&p[p.len() - 6..], &[17, 0, 0, 18, 0, 0]);
        let mut out = SlcReplies::new();
        assert!(!c.local_changed(SYNCH, 5, &mut out)); // no terminal slot
        assert!(!c.local_changed(MCL, 5, &mut out));
        assert!(!c.local_changed(0, 5, &mut out));
        assert!(c.local_changed(FORW1, 0x0A, &mut out));
        assert!(c.local_changed(EC, 0x00, &mut out));
        assert_eq!(out.payload(), vec![3, FORW1, 0x02, 0x0A, EC, 0x00, 0x00]);
    }

    #[test]
    fn nslc_18_answers_19_to_30_as_unknown() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE).with_nslc(NSLC_GLIBC);
        let mut c = SlcTable::client_defaults(BSD_VDISABLE).with_nslc(NSLC_GLIBC);
        let mut in_value = Vec::new();
        let mut in_nosup = Vec::new();
        let mut expect = vec![3];
        for f in 19..=30u8 {
            in_value.extend_from_slice(&[f, VALUE, 0x41]);
            in_nosup.extend_from_slice(&[f, NOSUPPORT, 0x41]);
            expect.extend_from_slice(&[f, 0, 0]);
        }
        assert_eq!(srv(&mut s, &in_value), expect);
        assert_eq!(srv(&mut s, &in_nosup), expect);
        assert_eq!(cli(&mut c, &in_value), expect);
        assert!(cli(&mut c, &in_nosup).is_empty());
        assert_eq!(s.entry(19), None);
        // The full table stops at 18 too.
        let mut s = primed_server();
        let s18 = primed_server().with_nslc(NSLC_GLIBC);
        let (mut a, mut b) = (SlcReplies::new(), SlcReplies::new());
        s.full_table(&mut a);
        s18.full_table(&mut b);
        assert_eq!(a, b); // 19..30 are NOSUPPORT by default anyway
        s.set_local(MCL, 0x01, true);
        let mut a = SlcReplies::new();
        s.full_table(&mut a);
        assert_eq!(a.len(), 19);
        assert_eq!(b.len(), 18);
    }

    #[test]
    fn trailing_partial_triplet_ignored() {
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        assert_eq!(
            srv(&mut s, &[IP, 0x02, 0x08, EC, 0x02]),
            vec![3, IP, 0x82, 0x08]
        );
        assert_eq!(s.entry(EC), e(0, 0));
        assert!(srv(&mut s, &[EC, 0x02]).is_empty());
        assert!(srv(&mut s, &[EC]).is_empty());
        assert!(srv(&mut s, &[]).is_empty());
        let mut c = exported_client();
        assert_eq!(
            cli(&mut c, &[EC, 0x02, 0x08, 31, 2]),
            vec![3, EC, 0x82, 0x08]
        );
        assert!(cli(&mut c, &[31, 2]).is_empty());
    }

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn hostile_payload(seed: u64) -> Vec<u8> {
        let mut rng = XorShift(seed);
        let mut p = Vec::with_capacity(65535);
        for i in 0..21845u32 {
            let r = rng.next();
            let f = match r % 3 {
                0 => i as u8,        // sweep 0..=255 repeatedly
                1 => (r >> 8) as u8, // random, including 0 and >= 31
                _ => (r >> 16) as u8 % 32,
            };
            let fl = if r % 7 == 0 { 0xFF } else { (r >> 24) as u8 };
            let v = if r % 5 == 0 { 0xFF } else { (r >> 32) as u8 };
            p.extend_from_slice(&[f, fl, v]);
        }
        assert_eq!(p.len(), 65535);
        p
    }

    fn assert_valid(t: &SlcTable) {
        for f in 1..=t.nslc() {
            let en = t.entry(f).expect("in range");
            assert!(en.level() <= DEFAULT);
            assert_eq!(en.flags & ACK, 0);
        }
        assert_eq!(t.entry(0), None);
        assert_eq!(t.entry(t.nslc() + 1), None);
    }

    #[test]
    fn hostile_input_is_bounded_in_both_roles() {
        let all_ff = vec![0xFFu8; 65535];
        for seed in [1u64, 0xDEAD_BEEF, 0x1234_5678_9ABC_DEF0] {
            let payload = hostile_payload(seed);
            for nslc in [NSLC, NSLC_GLIBC] {
                for role in [SlcRole::Server, SlcRole::Client] {
                    for input in [&payload, &all_ff] {
                        let mut t = match role {
                            SlcRole::Server => SlcTable::server_defaults(BSD_VDISABLE),
                            SlcRole::Client => exported_client(),
                        }
                        .with_nslc(nslc);
                        let mut out = SlcReplies::new();
                        let mut calls = 0usize;
                        t.process(role, input, &mut out, &mut |f, _| {
                            assert!((1..=nslc).contains(&f));
                            calls += 1;
                        });
                        assert!(out.len() <= MAX_REPLY_TRIPLETS);
                        assert!(calls <= usize::from(nslc));
                        let bytes = out.payload();
                        assert!(bytes.len() <= 1 + 3 * MAX_REPLY_TRIPLETS);
                        let mut seen = [false; 256];
                        for (f, _, _) in out.triplets() {
                            assert!(!seen[usize::from(f)], "duplicate reply for {f}");
                            seen[usize::from(f)] = true;
                        }
                        assert_valid(&t);
                    }
                }
            }
        }
        // All-0xFF input: exactly one answer, (255, NOSUPPORT, 0), from both roles.
        let mut s = SlcTable::server_defaults(BSD_VDISABLE);
        assert_eq!(srv(&mut s, &all_ff), vec![3, 0xFF, 0, 0]);
        let mut c = exported_client();
        assert_eq!(cli(&mut c, &all_ff), vec![3, 0xFF, 0, 0]);
    }

    #[test]
    fn replies_deduplicate_in_place_and_stay_capped() {
        let mut r = SlcReplies::new();
        assert!(r.is_empty());
        assert_eq!(r.payload(), Vec::<u8>::new());
        r.push(3, 0x62, 3);
        r.push(10, 0x02, 0x7F);
        r.push(3, 0xE2, 0x18);
        assert_eq!(r.len(), 2);
        assert_eq!(r.payload(), vec![3, 3, 0xE2, 0x18, 10, 0x02, 0x7F]);
        assert_eq!(r.get(3), Some((0xE2, 0x18)));
        assert_eq!(r.get(4), None);
        for round in 0..3u8 {
            for f in 0..=255u8 {
                r.push(f, round, f);
            }
        }
        assert_eq!(r.len(), MAX_REPLY_TRIPLETS);
        assert_eq!(r.triplets().next(), Some((3, 2, 3)));
        r.clear();
        assert!(r.is_empty());
        assert_eq!(r.get(3), None);
        r.push(7, 1, 2);
        assert_eq!(r.triplets().collect::<Vec<_>>(), vec![(7, 1, 2)]);
    }

    #[test]
    fn names_and_defaults() {
        assert_eq!(func_name(0), None);
        assert_eq!(func_name(IP), Some("IP"));
        assert_eq!(func_name(EC), Some("EC"));
        assert_eq!(func_name(FORW2), Some("FORW2"));
        assert_eq!(func_name(EEOL), Some("EEOL"));
        assert_eq!(func_name(31), None);
        assert_eq!(func_name(255), None);
        let s = SlcTable::server_defaults(0x00);
        assert_eq!(s.default_entry(FORW1), e(VALUE, 0x00));
        assert_eq!(s.entry(IP), e(NOSUPPORT, 0));
        assert!(s.is_changeable(IP) && !s.is_changeable(SYNCH) && !s.is_changeable(EOR));
        let c = SlcTable::client_defaults(0xFF);
        assert_eq!(c.default_entry(AO), e(VALUE, 0x0F));
        assert_eq!(c.default_entry(BRK), e(NOSUPPORT, 0));
        assert_eq!(c.entry(EC), e(NOSUPPORT, 0x7F));
        assert_eq!(c.vdisable(), 0xFF);
        assert_eq!(c.nslc(), NSLC);
        assert_eq!(SlcTable::client_defaults(0xFF).with_nslc(200).nslc(), NSLC);
    }
}
