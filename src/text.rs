//! Character set translation for clients of legacy servers: CP437 (IBM PC, BBS ANSI art) and Latin-1 to UTF-8.

#![forbid(unsafe_code)]
//!
//! Everything here works on byte buffers and appends to a caller-supplied
//! `Vec<u8>`, so a client can reuse one output buffer per connection. No
//! function allocates per byte: each conversion reserves its output space once
//! and copies runs of bytes that need no translation (plain ASCII) in bulk.
//!
//! # What is lossless and what is not
//!
//! | Conversion                         | Lossless?                                                        |
//! |------------------------------------|------------------------------------------------------------------|
//! | [`latin1_to_utf8`]                 | Yes. Every byte is the code point of the same value.             |
//! | [`utf8_to_latin1`]                 | Only for text within U+0000..=U+00FF; other chars are replaced.  |
//! | [`cp437_to_utf8`]                  | Yes. All 256 bytes map to 256 distinct chars (see below).        |
//! | [`utf8_to_cp437`]                  | Only for chars in the CP437 table (and ASCII); others replaced.  |
//! | [`Utf8Stream`], [`Charset::Utf8`]  | Yes for valid UTF-8; invalid sequences become U+FFFD.            |
//! | [`Charset::Ascii`] decoding        | Yes for 7-bit data; bytes 0x80..=0xFF become U+FFFD.             |
//!
//! # The CP437 table and terminal control bytes
//!
//! Bytes 0x80..=0xFF follow the Unicode consortium's mapping
//! (`VENDORS/MICSFT/PC/CP437.TXT`), and 0x20..=0x7E are ASCII.
//!
//! That file maps 0x00..=0x1F and 0x7F to the C0 controls and DEL. BBS clients
//! (and telnetlib3's contrib cp437 codec) instead show the glyphs the IBM PC
//! video ROM draws for those bytes: `☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼` for
//! 0x01..=0x1F and `⌂` for 0x7F. ANSI art uses these glyphs, so this module
//! follows the BBS convention, **except** for the bytes a terminal has to act
//! on. These pass through unchanged as their C0 control char:
//!
//! * 0x00 NUL
//! * 0x07 BEL
//! * 0x08 BS
//! * 0x09 TAB
//! * 0x0A LF
//! * 0x0D CR
//! * 0x1B ESC (so ANSI escape sequences such as `ESC [ 1 ; 3 4 m` still work)
//!
//! That leaves `•` (U+2022), `◘` (U+25D8), `○` (U+25CB), `◙` (U+25D9),
//! `♪` (U+266A) and `←` (U+2190) with no byte. When encoding,
//! [`utf8_to_cp437`] replaces them rather than sending a control byte the user
//! did not type.
//!
//! The decoding is still a bijection: the 256 output chars are all distinct.
//! So `utf8_to_cp437(cp437_to_utf8(bytes))` gives back the original bytes for
//! any input.

use std::str;

/// U+FFFD REPLACEMENT CHARACTER, UTF-8 encoded.
const REPLACEMENT_UTF8: &[u8] = "\u{FFFD}".as_bytes();

/// CP437 bytes 0x00..=0x1F as this module decodes them: the BBS glyphs, except
/// for the terminal controls, which stay as themselves.
const CP437_LOW: [char; 32] = [
    '\u{0000}', // 0x00 NUL (pass-through)
    '\u{263A}', // 0x01 ☺ WHITE SMILING FACE
    '\u{263B}', // 0x02 ☻ BLACK SMILING FACE
    '\u{2665}', // 0x03 ♥ BLACK HEART SUIT
    '\u{2666}', // 0x04 ♦ BLACK DIAMOND SUIT
    '\u{2663}', // 0x05 ♣ BLACK CLUB SUIT
    '\u{2660}', // 0x06 ♠ BLACK SPADE SUIT
    '\u{0007}', // 0x07 BEL (pass-through; glyph would be • U+2022)
    '\u{0008}', // 0x08 BS  (pass-through; glyph would be ◘ U+25D8)
    '\u{0009}', // 0x09 TAB (pass-through; glyph would be ○ U+25CB)
    '\u{000A}', // 0x0A LF  (pass-through; glyph would be ◙ U+25D9)
    '\u{2642}', // 0x0B ♂ MALE SIGN
    '\u{2640}', // 0x0C ♀ FEMALE SIGN
    '\u{000D}', // 0x0D CR  (pass-through; glyph would be ♪ U+266A)
    '\u{266B}', // 0x0E ♫ BEAMED EIGHTH NOTES
    '\u{263C}', // 0x0F ☼ WHITE SUN WITH RAYS
    '\u{25BA}', // 0x10 ► BLACK RIGHT-POINTING POINTER
    '\u{25C4}', // 0x11 ◄ BLACK LEFT-POINTING POINTER
    '\u{2195}', // 0x12 ↕ UP DOWN ARROW
    '\u{203C}', // 0x13 ‼ DOUBLE EXCLAMATION MARK
    '\u{00B6}', // 0x14 ¶ PILCROW SIGN
    '\u{00A7}', // 0x15 § SECTION SIGN
    '\u{25AC}', // 0x16 ▬ BLACK RECTANGLE
    '\u{21A8}', // 0x17 ↨ UP DOWN ARROW WITH BASE
    '\u{2191}', // 0x18 ↑ UPWARDS ARROW
    '\u{2193}', // 0x19 ↓ DOWNWARDS ARROW
    '\u{2192}', // 0x1A → RIGHTWARDS ARROW
    '\u{001B}', // 0x1B ESC (pass-through; glyph would be ← U+2190)
    '\u{221F}', // 0x1C ∟ RIGHT ANGLE
    '\u{2194}', // 0x1D ↔ LEFT RIGHT ARROW
    '\u{25B2}', // 0x1E ▲ BLACK UP-POINTING TRIANGLE
    '\u{25BC}', // 0x1F ▼ BLACK DOWN-POINTING TRIANGLE
];

/// CP437 byte 0x7F: ⌂ HOUSE.
const CP437_DEL: char = '\u{2302}';

/// CP437 bytes 0x80..=0xFF, from the Unicode consortium's CP437.TXT.
const CP437_HIGH: [char; 128] = [
    // 0x80
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{00E0}', '\u{00E5}', '\u{00E7}',
    '\u{00EA}', '\u{00EB}', '\u{00E8}', '\u{00EF}', '\u{00EE}', '\u{00EC}', '\u{00C4}', '\u{00C5}',
    // 0x90
    '\u{00C9}', '\u{00E6}', '\u{00C6}', '\u{00F4}', '\u{00F6}', '\u{00F2}', '\u{00FB}', '\u{00F9}',
    '\u{00FF}', '\u{00D6}', '\u{00DC}', '\u{00A2}', '\u{00A3}', '\u{00A5}', '\u{20A7}', '\u{0192}',
    // 0xA0
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{00F1}', '\u{00D1}', '\u{00AA}', '\u{00BA}',
    '\u{00BF}', '\u{2310}', '\u{00AC}', '\u{00BD}', '\u{00BC}', '\u{00A1}', '\u{00AB}', '\u{00BB}',
    // 0xB0
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{2561}', '\u{2562}', '\u{2556}',
    '\u{2555}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{255C}', '\u{255B}', '\u{2510}',
    // 0xC0
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{255E}', '\u{255F}',
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}', '\u{2567}',
    // 0xD0
    '\u{2568}', '\u{2564}', '\u{2565}', '\u{2559}', '\u{2558}', '\u{2552}', '\u{2553}', '\u{256B}',
    '\u{256A}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{258C}', '\u{2590}', '\u{2580}',
    // 0xE0
    '\u{03B1}', '\u{00DF}', '\u{0393}', '\u{03C0}', '\u{03A3}', '\u{03C3}', '\u{00B5}', '\u{03C4}',
    '\u{03A6}', '\u{0398}', '\u{03A9}', '\u{03B4}', '\u{221E}', '\u{03C6}', '\u{03B5}', '\u{2229}',
    // 0xF0
    '\u{2261}', '\u{00B1}', '\u{2265}', '\u{2264}', '\u{2320}', '\u{2321}', '\u{00F7}', '\u{2248}',
    '\u{00B0}', '\u{2219}', '\u{00B7}', '\u{221A}', '\u{207F}', '\u{00B2}', '\u{25A0}', '\u{00A0}',
];

/// The full 256-entry decoding table.
const CP437_TABLE: [char; 256] = build_cp437_table();

const fn build_cp437_table() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = if i < 0x20 {
            CP437_LOW[i]
        } else if i < 0x7F {
            i as u8 as char
        } else if i == 0x7F {
            CP437_DEL
        } else {
            CP437_HIGH[i - 0x80]
        };
        i += 1;
    }
    table
}

/// UTF-8 encoding of each table entry: `[len, b0, b1, b2]`. Every CP437 char
/// is in the Basic Multilingual Plane, so three bytes always suffice.
const CP437_UTF8: [[u8; 4]; 256] = build_cp437_utf8();

const fn build_cp437_utf8() -> [[u8; 4]; 256] {
    let mut table = [[0u8; 4]; 256];
    let mut i = 0;
    while i < 256 {
        let cp = CP437_TABLE[i] as u32;
        table[i] = if cp < 0x80 {
            [1, cp as u8, 0, 0]
        } else if cp < 0x800 {
            [2, 0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8, 0]
        } else {
            assert!(cp < 0x1_0000, "CP437 table entry outside the BMP");
            [
                3,
                0xE0 | (cp >> 12) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]
        };
        i += 1;
    }
    table
}

/// `true` for bytes that decode to the ASCII char of the same value, so they
/// can be copied to the output as they are.
const CP437_COPY: [bool; 256] = build_cp437_copy();

const fn build_cp437_copy() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = CP437_TABLE[i] as u32 == i as u32;
        i += 1;
    }
    table
}

/// Number of table entries that are not ASCII (and so need a reverse lookup).
const CP437_REVERSE_LEN: usize = count_non_ascii();

const fn count_non_ascii() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < 256 {
        if CP437_TABLE[i] as u32 >= 0x80 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// `(code point, byte)` for every non-ASCII table entry, sorted by code point
/// for binary search.
const CP437_REVERSE: [(u16, u8); CP437_REVERSE_LEN] = build_cp437_reverse();

const fn build_cp437_reverse() -> [(u16, u8); CP437_REVERSE_LEN] {
    let mut rev = [(0u16, 0u8); CP437_REVERSE_LEN];
    let mut n = 0;
    let mut i = 0;
    while i < 256 {
        let cp = CP437_TABLE[i] as u32;
        if cp >= 0x80 {
            // Insertion sort: shift larger entries up, then insert.
            let mut j = n;
            while j > 0 && rev[j - 1].0 as u32 > cp {
                rev[j] = rev[j - 1];
                j -= 1;
            }
            assert!(j == 0 || rev[j - 1].0 as u32 != cp, "duplicate CP437 entry");
            rev[j] = (cp as u16, i as u8);
            n += 1;
        }
        i += 1;
    }
    rev
}

/// Returns the char that CP437 byte `byte` is shown as.
///
/// This is the table used by [`cp437_to_utf8`]: 0x20..=0x7E are ASCII,
/// 0x80..=0xFF follow the Unicode consortium's CP437.TXT, and 0x01..=0x1F and
/// 0x7F are the IBM PC glyphs (`☺`, `☻`, … `⌂`), except that NUL, BEL, BS,
/// TAB, LF, CR and ESC return the control char itself (see the
/// [module documentation](self)). All 256 results are distinct.
///
/// ```
/// # use telnet_rs::text::cp437_char;
/// assert_eq!(cp437_char(0xDB), '█');
/// assert_eq!(cp437_char(0x01), '☺');
/// assert_eq!(cp437_char(0x1B), '\u{1B}'); // ESC passes through
/// ```
#[inline]
pub fn cp437_char(byte: u8) -> char {
    CP437_TABLE[byte as usize]
}

/// Returns the CP437 byte for `c`, if there is one.
#[inline]
fn cp437_byte(c: char) -> Option<u8> {
    if c.is_ascii() {
        return Some(c as u8);
    }
    let cp = u16::try_from(c as u32).ok()?;
    CP437_REVERSE
        .binary_search_by_key(&cp, |&(k, _)| k)
        .ok()
        .map(|i| CP437_REVERSE[i].1)
}

/// Decodes CP437 bytes (as sent by BBSes and other IBM PC software) and
/// appends them to `out` as UTF-8.
///
/// Every byte becomes exactly one char, as given by [`cp437_char`], so the
/// conversion never fails and is lossless: [`utf8_to_cp437`] gives back the
/// original bytes. Bytes 0x01..=0x1F and 0x7F become the IBM PC glyphs, except
/// that the terminal controls NUL, BEL, BS, TAB, LF, CR and ESC pass through,
/// so ANSI escape sequences and line endings still work.
///
/// Each byte is handled on its own, so a stream can be cut into chunks
/// anywhere. The output space is reserved once, and ASCII runs are copied in
/// bulk.
///
/// ```
/// # use telnet_rs::text::cp437_to_utf8;
/// let mut out = Vec::new();
/// cp437_to_utf8(b"\x1b[34m\xC9\xCD\xBB\r\n", &mut out);
/// assert_eq!(out, "\x1b[34m╔═╗\r\n".as_bytes());
/// ```
pub fn cp437_to_utf8(input: &[u8], out: &mut Vec<u8>) {
    let needed: usize = input
        .iter()
        .map(|&b| CP437_UTF8[b as usize][0] as usize)
        .sum();
    out.reserve(needed);

    let mut rest = input;
    while !rest.is_empty() {
        let copy = rest
            .iter()
            .position(|&b| !CP437_COPY[b as usize])
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest[..copy]);
        rest = &rest[copy..];

        let mapped = rest
            .iter()
            .position(|&b| CP437_COPY[b as usize])
            .unwrap_or(rest.len());
        for &b in &rest[..mapped] {
            let enc = &CP437_UTF8[b as usize];
            out.extend_from_slice(&enc[1..=enc[0] as usize]);
        }
        rest = &rest[mapped..];
    }
}

/// Decodes ISO-8859-1 (Latin-1) bytes and appends them to `out` as UTF-8.
///
/// Byte `b` becomes U+00`b`, so every byte maps to one char in
/// U+0000..=U+00FF. This never fails and is lossless: [`utf8_to_latin1`]
/// gives back the original bytes. Bytes 0x80..=0x9F become the C1 control
/// code points, as ISO-8859-1 defines them. (Windows-1252 text, which often
/// claims to be Latin-1, has printable chars there. This function does not
/// guess.)
///
/// The output space is reserved once, and ASCII runs are copied in bulk.
///
/// ```
/// # use telnet_rs::text::latin1_to_utf8;
/// let mut out = Vec::new();
/// latin1_to_utf8(b"caf\xE9", &mut out);
/// assert_eq!(out, "café".as_bytes());
/// ```
pub fn latin1_to_utf8(input: &[u8], out: &mut Vec<u8>) {
    let high = input.iter().filter(|&&b| b >= 0x80).count();
    out.reserve(input.len() + high);

    let mut rest = input;
    while !rest.is_empty() {
        let ascii = rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len());
        out.extend_from_slice(&rest[..ascii]);
        rest = &rest[ascii..];

        let non_ascii = rest.iter().position(|&b| b < 0x80).unwrap_or(rest.len());
        for &b in &rest[..non_ascii] {
            out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
        }
        rest = &rest[non_ascii..];
    }
}

/// Shared encoder loop: copies ASCII runs in bulk and asks `map` for the byte
/// of every other char. Returns how many chars were replaced.
fn encode_with(
    input: &str,
    out: &mut Vec<u8>,
    replacement: u8,
    map: impl Fn(char) -> Option<u8>,
) -> usize {
    // Each char is at least one UTF-8 byte and becomes exactly one byte.
    out.reserve(input.len());
    let mut replaced = 0;
    let mut rest = input;
    loop {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest.as_bytes()[..ascii]);
        rest = &rest[ascii..];

        let mut chars = rest.chars();
        let Some(c) = chars.next() else {
            return replaced;
        };
        match map(c) {
            Some(b) => out.push(b),
            None => {
                out.push(replacement);
                replaced += 1;
            }
        }
        rest = chars.as_str();
    }
}

/// Encodes UTF-8 text as CP437, for sending to a CP437 server, and appends the
/// bytes to `out`.
///
/// Every char becomes exactly one byte:
///
/// * ASCII chars (U+0000..=U+007F, controls included) become the byte of the
///   same value. So a typed Ctrl-C (U+0003) is sent as 0x03, and so is its
///   glyph `♥`.
/// * Every other char that [`cp437_char`] produces becomes its byte.
///   This includes the glyphs for 0x01..=0x1F and 0x7F.
/// * Anything else becomes `replacement` (typically `b'?'`). This includes the
///   glyphs of the pass-through controls (`•◘○◙♪←`), so they never turn into
///   BEL, BS, TAB, LF, CR or ESC.
///
/// Returns the number of chars replaced. The conversion is lossless only if
/// that is 0. Text produced by [`cp437_to_utf8`] always encodes with no
/// replacements, back to the original bytes.
///
/// ```
/// # use telnet_rs::text::utf8_to_cp437;
/// let mut out = Vec::new();
/// assert_eq!(utf8_to_cp437("é ╔ €", &mut out, b'?'), 1);
/// assert_eq!(out, b"\x82 \xC9 ?");
/// ```
pub fn utf8_to_cp437(input: &str, out: &mut Vec<u8>, replacement: u8) -> usize {
    encode_with(input, out, replacement, cp437_byte)
}

/// Encodes UTF-8 text as ISO-8859-1 (Latin-1) and appends the bytes to `out`.
///
/// Chars in U+0000..=U+00FF become the byte of the same value. Every other
/// char becomes one `replacement` byte. Returns the number of chars replaced.
/// The conversion is lossless only if that is 0.
///
/// ```
/// # use telnet_rs::text::utf8_to_latin1;
/// let mut out = Vec::new();
/// assert_eq!(utf8_to_latin1("café €5", &mut out, b'?'), 1);
/// assert_eq!(out, b"caf\xE9 ?5");
/// ```
pub fn utf8_to_latin1(input: &str, out: &mut Vec<u8>, replacement: u8) -> usize {
    encode_with(input, out, replacement, |c| u8::try_from(c as u32).ok())
}

/// Appends `input` to `out` as UTF-8, replacing each invalid sequence with
/// U+FFFD. If `input` ends with an incomplete but so far valid sequence, that
/// is not written. Its length (at most 3) is returned instead.
///
/// Invalid sequences are replaced the same way as in
/// [`String::from_utf8_lossy`]: one U+FFFD for each maximal subpart, as the
/// Unicode standard recommends.
fn push_lossy(mut input: &[u8], out: &mut Vec<u8>) -> usize {
    loop {
        match str::from_utf8(input) {
            Ok(valid) => {
                out.extend_from_slice(valid.as_bytes());
                return 0;
            }
            Err(err) => {
                let valid = err.valid_up_to();
                out.extend_from_slice(&input[..valid]);
                match err.error_len() {
                    Some(bad) => {
                        out.extend_from_slice(REPLACEMENT_UTF8);
                        input = &input[valid + bad..];
                    }
                    None => return input.len() - valid,
                }
            }
        }
    }
}

/// A streaming UTF-8 validator/splitter for data that arrives in chunks (a
/// multi-byte char may be cut at a chunk boundary): keeps at most 3 pending
/// bytes.
///
/// Feed each chunk to [`push`](Self::push). It appends all complete, valid
/// UTF-8 to the output and holds back only the bytes of a char that the next
/// chunk may complete. When the stream ends, call
/// [`finish`](Self::finish) to flush what is held back.
///
/// Valid UTF-8 passes through unchanged, so for valid input this is lossless.
/// Each invalid sequence becomes one U+FFFD, as in
/// [`String::from_utf8_lossy`]. The result does not depend on where the
/// chunks are split: any split gives exactly the same output as pushing all
/// the data at once.
///
/// ```
/// # use telnet_rs::text::Utf8Stream;
/// let mut stream = Utf8Stream::new();
/// let mut out = Vec::new();
/// stream.push(b"caf\xC3", &mut out); // 'é' is cut in half
/// assert_eq!(out, b"caf");
/// stream.push(b"\xA9!", &mut out);
/// stream.finish(&mut out);
/// assert_eq!(out, "café!".as_bytes());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Utf8Stream {
    /// Held-back bytes of an incomplete char. Between calls `len <= 3`. The
    /// fourth slot is used while a held-back char is being completed.
    pending: [u8; 4],
    len: u8,
}

impl Utf8Stream {
    /// Creates a stream with nothing held back.
    pub fn new() -> Self {
        Self::default()
    }

    /// Validates `input` and appends complete UTF-8 chars to `out`. Invalid
    /// sequences are replaced with U+FFFD. A char cut off at the end of `input`
    /// is held back (at most 3 bytes) until the next `push` or
    /// [`finish`](Self::finish).
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + self.len as usize);
        let mut i = 0;

        // First complete (or reject) the held-back char, one byte at a time.
        // At most 3 bytes are needed.
        while self.len > 0 {
            let Some(&b) = input.get(i) else {
                return; // Still incomplete: keep holding it.
            };
            let len = self.len as usize;
            self.pending[len] = b;
            i += 1;
            match str::from_utf8(&self.pending[..=len]) {
                Ok(c) => {
                    out.extend_from_slice(c.as_bytes());
                    self.len = 0;
                }
                Err(err) if err.error_len().is_none() => self.len += 1,
                Err(_) => {
                    // The held-back bytes were a valid prefix, so `b` is the
                    // byte that broke it. The prefix is one maximal subpart
                    // (one U+FFFD), and `b` starts afresh below.
                    out.extend_from_slice(REPLACEMENT_UTF8);
                    self.len = 0;
                    i -= 1;
                }
            }
        }

        let rest = &input[i..];
        let tail = push_lossy(rest, out);
        debug_assert!(tail <= 3);
        self.pending[..tail].copy_from_slice(&rest[rest.len() - tail..]);
        self.len = tail as u8;
    }

    /// Ends the stream. If a char is still held back, it can no longer be
    /// completed, so one U+FFFD is appended for it. Afterwards the stream is
    /// empty and may be reused.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.len > 0 {
            out.extend_from_slice(REPLACEMENT_UTF8);
            self.len = 0;
        }
    }
}

/// Canonical charset names for negotiation (RFC 2066 names are IANA names,
/// case-insensitive): maps aliases like "utf8", "UTF-8", "ISO-8859-1",
/// "latin1", "ISO_8859-1:1987", "CP437", "IBM437", "437", "US-ASCII", "ASCII"
/// to an enum.
///
/// Use [`Charset::from_name`] on a name the peer offers in a TELNET CHARSET
/// (RFC 2066) REQUEST, [`Charset::name`] for the name to send, and
/// [`Charset::decode_to_utf8`] to turn received data into UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8 (IANA name "UTF-8").
    Utf8,
    /// ISO-8859-1, also called Latin-1 (IANA name "ISO-8859-1").
    Latin1,
    /// IBM PC code page 437, the BBS / ANSI-art charset (IANA name "IBM437").
    Cp437,
    /// 7-bit US-ASCII (IANA name "US-ASCII").
    Ascii,
}

/// Accepted names for each charset: the IANA registry's name and aliases, plus
/// a few common spellings seen in the wild.
const CHARSET_ALIASES: &[(Charset, &[&str])] = &[
    (Charset::Utf8, &["UTF-8", "UTF8", "csUTF8"]),
    (
        Charset::Latin1,
        &[
            "ISO-8859-1",
            "ISO_8859-1:1987",
            "ISO_8859-1",
            "iso-ir-100",
            "latin1",
            "l1",
            "IBM819",
            "CP819",
            "csISOLatin1",
            "ISO8859-1",
            "ISO88591",
            "latin-1",
        ],
    ),
    (
        Charset::Cp437,
        &[
            "IBM437",
            "cp437",
            "437",
            "csPC8CodePage437",
            "CP-437",
            "IBM-437",
        ],
    ),
    (
        Charset::Ascii,
        &[
            "US-ASCII",
            "ASCII",
            "ANSI_X3.4-1968",
            "ANSI_X3.4-1986",
            "iso-ir-6",
            "ISO_646.irv:1991",
            "ISO646-US",
            "us",
            "IBM367",
            "cp367",
            "csASCII",
        ],
    ),
];

impl Charset {
    /// Looks up a charset by name, ignoring ASCII case and surrounding ASCII
    /// whitespace, as received in RFC 2066 negotiation.
    ///
    /// Accepts the IANA names and aliases of the four charsets, e.g. "UTF-8",
    /// "utf8", "ISO-8859-1", "ISO_8859-1:1987", "latin1", "IBM437", "CP437",
    /// "437", "US-ASCII", "ANSI_X3.4-1968" and "ASCII". Returns `None` for
    /// anything else.
    ///
    /// ```
    /// # use telnet_rs::text::Charset;
    /// assert_eq!(Charset::from_name(b"utf8"), Some(Charset::Utf8));
    /// assert_eq!(Charset::from_name(b"ibm437"), Some(Charset::Cp437));
    /// assert_eq!(Charset::from_name(b"KOI8-R"), None);
    /// ```
    pub fn from_name(name: &[u8]) -> Option<Charset> {
        let name = name.trim_ascii();
        CHARSET_ALIASES.iter().find_map(|&(charset, aliases)| {
            aliases
                .iter()
                .any(|alias| alias.as_bytes().eq_ignore_ascii_case(name))
                .then_some(charset)
        })
    }

    /// The canonical IANA name to offer or accept in negotiation: "UTF-8",
    /// "ISO-8859-1", "IBM437" or "US-ASCII".
    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Latin1 => "ISO-8859-1",
            Charset::Cp437 => "IBM437",
            Charset::Ascii => "US-ASCII",
        }
    }

    /// Decodes `input` from this charset and appends it to `out` as UTF-8.
    ///
    /// * [`Charset::Latin1`]: [`latin1_to_utf8`], lossless.
    /// * [`Charset::Cp437`]: [`cp437_to_utf8`], lossless.
    /// * [`Charset::Ascii`]: bytes 0x00..=0x7F are copied. Each byte
    ///   0x80..=0xFF becomes U+FFFD (lossy).
    /// * [`Charset::Utf8`]: valid UTF-8 is copied and each invalid sequence
    ///   becomes U+FFFD. `input` is taken as complete, so a char cut off at
    ///   its end also becomes U+FFFD. For data that arrives in chunks, use
    ///   [`Utf8Stream`] instead.
    ///
    /// The Latin-1, CP437 and ASCII decoders handle each byte on its own, so
    /// they are safe to use on arbitrary chunks.
    pub fn decode_to_utf8(self, input: &[u8], out: &mut Vec<u8>) {
        match self {
            Charset::Utf8 => {
                out.reserve(input.len());
                if push_lossy(input, out) > 0 {
                    out.extend_from_slice(REPLACEMENT_UTF8);
                }
            }
            Charset::Latin1 => latin1_to_utf8(input, out),
            Charset::Cp437 => cp437_to_utf8(input, out),
            Charset::Ascii => {
                let high = input.iter().filter(|&&b| b >= 0x80).count();
                out.reserve(input.len() + 2 * high);
                let mut rest = input;
                while !rest.is_empty() {
                    let ascii = rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len());
                    out.extend_from_slice(&rest[..ascii]);
                    rest = &rest[ascii..];
                    let bad = rest.iter().position(|&b| b < 0x80).unwrap_or(rest.len());
                    for _ in 0..bad {
                        out.extend_from_slice(REPLACEMENT_UTF8);
                    }
                    rest = &rest[bad..];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Bytes that pass through as terminal controls.
    const PASS_THROUGH: [u8; 7] = [0x00, 0x07, 0x08, 0x09, 0x0A, 0x0D, 0x1B];

    fn cp437(input: &[u8]) -> String {
        let mut out = Vec::new();
        cp437_to_utf8(input, &mut out);
        String::from_utf8(out).expect("cp437_to_utf8 produced invalid UTF-8")
    }

    fn latin1(input: &[u8]) -> String {
        let mut out = Vec::new();
        latin1_to_utf8(input, &mut out);
        String::from_utf8(out).expect("latin1_to_utf8 produced invalid UTF-8")
    }

    #[test]
    fn cp437_upper_half_matches_unicode_mapping() {
        // Decoded independently with Python's `cp437` codec, which is
        // generated from VENDORS/MICSFT/PC/CP437.TXT.
        let expected = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»\
                        ░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀\
                        αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{A0}";
        let bytes: Vec<u8> = (0x80..=0xFF).collect();
        assert_eq!(cp437(&bytes), expected);
        for (b, c) in (0x80..=0xFFu8).zip(expected.chars()) {
            assert_eq!(cp437_char(b), c, "byte {b:#04X}");
        }
    }

    #[test]
    fn cp437_low_glyphs_and_pass_through_controls() {
        let glyphs: Vec<char> = "☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼".chars().collect();
        assert_eq!(glyphs.len(), 31);
        for b in 0x01..=0x1Fu8 {
            let expected = if PASS_THROUGH.contains(&b) {
                b as char
            } else {
                glyphs[b as usize - 1]
            };
            assert_eq!(cp437_char(b), expected, "byte {b:#04X}");
        }
        assert_eq!(cp437_char(0x00), '\0');
        assert_eq!(cp437_char(0x7F), '⌂');
        for b in 0x20..=0x7Eu8 {
            assert_eq!(cp437_char(b), b as char);
        }
    }

    #[test]
    fn cp437_table_is_a_bijection() {
        let distinct: HashSet<char> = (0..=255u8).map(cp437_char).collect();
        assert_eq!(distinct.len(), 256);
        assert_eq!(CP437_REVERSE.len(), 256 - 128 + 31 - 6 + 1);
        assert!(CP437_REVERSE.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn cp437_decode_matches_table_and_utf8_lengths() {
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|&b| cp437_char(b)).collect();
        assert_eq!(cp437(&all), expected);
        for b in 0..=255u8 {
            let enc = CP437_UTF8[b as usize];
            assert_eq!(enc[0] as usize, cp437_char(b).len_utf8());
        }
    }

    #[test]
    fn cp437_every_byte_round_trips() {
        for b in 0..=255u8 {
            let text = cp437(&[b]);
            assert_eq!(text.chars().count(), 1);
            let mut back = Vec::new();
            assert_eq!(utf8_to_cp437(&text, &mut back, b'?'), 0, "byte {b:#04X}");
            assert_eq!(back, [b], "byte {b:#04X}");
        }
        // And all at once, in both orders.
        let mut all: Vec<u8> = (0..=255).collect();
        for _ in 0..2 {
            let text = cp437(&all);
            let mut back = Vec::new();
            assert_eq!(utf8_to_cp437(&text, &mut back, b'?'), 0);
            assert_eq!(back, all);
            all.reverse();
        }
    }

    #[test]
    fn cp437_pass_through_controls_map_to_themselves() {
        for &b in &PASS_THROUGH {
            assert_eq!(cp437(&[b]).as_bytes(), [b]);
            let mut back = Vec::new();
            assert_eq!(utf8_to_cp437(&(b as char).to_string(), &mut back, b'?'), 0);
            assert_eq!(back, [b]);
        }
    }

    #[test]
    fn cp437_ansi_art_snippet() {
        let art: &[u8] = b"\x1b[1;34m\xC9\xCD\xCD\xBB\r\n\
                           \xBA\xB0\xB1\xB2\xDB\xBA\x1b[0m\r\n\
                           \xC8\xCD\xCD\xBC\x07\x08\t.\x01\x7F";
        assert_eq!(
            cp437(art),
            "\x1b[1;34m╔══╗\r\n║░▒▓█║\x1b[0m\r\n╚══╝\x07\x08\t.☺⌂"
        );
        let mut back = Vec::new();
        assert_eq!(utf8_to_cp437(&cp437(art), &mut back, b'?'), 0);
        assert_eq!(back, art);
    }

    #[test]
    fn cp437_appends_and_chunks_independently() {
        let mut out = b"prefix:".to_vec();
        cp437_to_utf8(b"\xDB", &mut out);
        cp437_to_utf8(b"", &mut out);
        cp437_to_utf8(b"ok\xB0", &mut out);
        assert_eq!(out, "prefix:█ok░".as_bytes());
    }

    #[test]
    fn utf8_to_cp437_replacements() {
        let mut out = Vec::new();
        // € and 😀 are not in CP437. The glyphs of pass-through controls
        // (• ♪ ←) have no byte either.
        let n = utf8_to_cp437("é€x😀•♪←\u{3}♥⌂\u{7F}", &mut out, b'?');
        assert_eq!(n, 5);
        assert_eq!(out, b"\x82?x????\x03\x03\x7F\x7F");
    }

    #[test]
    fn latin1_full_range() {
        let all: Vec<u8> = (0..=255).collect();
        let text = latin1(&all);
        let expected: String = (0..=255u8).map(char::from).collect();
        assert_eq!(text, expected);
        assert_eq!(text.len(), 128 + 2 * 128);

        let mut back = Vec::new();
        assert_eq!(utf8_to_latin1(&text, &mut back, b'?'), 0);
        assert_eq!(back, all);
    }

    #[test]
    fn utf8_to_latin1_replacements() {
        let mut out = b">".to_vec();
        let n = utf8_to_latin1("ÿ\u{100}a€😀\u{80}", &mut out, b'_');
        assert_eq!(n, 3);
        assert_eq!(out, b">\xFF_a__\x80");
    }

    /// Bytes with 2-, 3- and 4-byte chars and assorted invalid sequences.
    fn mixed_utf8() -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice("a é ☺ 😀 ".as_bytes());
        data.extend_from_slice(b"\xFF"); // never valid
        data.extend_from_slice(b"\xC0\x80"); // overlong NUL
        data.extend_from_slice(b"\xE2\x82x"); // truncated 3-byte char
        data.extend_from_slice(b"\xED\xA0\x80"); // surrogate
        data.extend_from_slice(b"\xF4\x90\x80\x80"); // above U+10FFFF
        data.extend_from_slice(b"\xF0\x9F\x98"); // truncated 4-byte char...
        data.extend_from_slice("€ß".as_bytes()); // ...followed by valid ones
        data.extend_from_slice(b"\x80\xBF"); // stray continuation bytes
        data.extend_from_slice("𝄞 end ".as_bytes());
        data.extend_from_slice(b"\xF0\x9F\x98"); // truncated at the very end
        data
    }

    fn stream_chunks(chunks: &[&[u8]]) -> Vec<u8> {
        let mut stream = Utf8Stream::new();
        let mut out = Vec::new();
        for chunk in chunks {
            stream.push(chunk, &mut out);
            assert!(stream.len <= 3);
            assert!(str::from_utf8(&out).is_ok());
        }
        stream.finish(&mut out);
        assert_eq!(stream.len, 0);
        out
    }

    #[test]
    fn utf8_stream_single_push_matches_from_utf8_lossy() {
        let data = mixed_utf8();
        let whole = stream_chunks(&[&data]);
        assert_eq!(whole, String::from_utf8_lossy(&data).as_bytes());
    }

    #[test]
    fn utf8_stream_every_split_point() {
        let data = mixed_utf8();
        let whole = stream_chunks(&[&data]);
        for i in 0..=data.len() {
            let (a, b) = data.split_at(i);
            assert_eq!(stream_chunks(&[a, b]), whole, "split at {i}");
            for j in i..=data.len() {
                let (b, c) = data[i..].split_at(j - i);
                assert_eq!(stream_chunks(&[a, b, c]), whole, "split at {i}, {j}");
            }
        }
        let bytes: Vec<&[u8]> = data.chunks(1).collect();
        assert_eq!(stream_chunks(&bytes), whole);
    }

    #[test]
    fn utf8_stream_holds_back_and_finishes() {
        let mut stream = Utf8Stream::new();
        let mut out = Vec::new();
        stream.push(b"x\xF0\x9F", &mut out);
        assert_eq!(out, b"x");
        stream.push(b"", &mut out);
        stream.push(b"\x98", &mut out);
        assert_eq!(out, b"x");
        stream.push(b"\x80", &mut out);
        assert_eq!(out, "x😀".as_bytes());

        stream.push(b"\xE2\x82", &mut out);
        stream.finish(&mut out);
        assert_eq!(out, "x😀\u{FFFD}".as_bytes());

        // Reusable after finish, and finish on nothing appends nothing.
        stream.finish(&mut out);
        stream.push(b"ok", &mut out);
        stream.finish(&mut out);
        assert_eq!(out, "x😀\u{FFFD}ok".as_bytes());
    }

    #[test]
    fn utf8_stream_pending_broken_by_next_chunk() {
        let mut stream = Utf8Stream::new();
        let mut out = Vec::new();
        stream.push(b"\xF0\x9F", &mut out);
        stream.push(b"A\xC3", &mut out);
        stream.push(b"\xC3\xA9", &mut out);
        stream.finish(&mut out);
        assert_eq!(out, "\u{FFFD}A\u{FFFD}é".as_bytes());
    }

    #[test]
    fn charset_aliases() {
        let cases: &[(&str, Charset)] = &[
            ("utf8", Charset::Utf8),
            ("UTF-8", Charset::Utf8),
            ("Utf-8", Charset::Utf8),
            ("ISO-8859-1", Charset::Latin1),
            ("iso-8859-1", Charset::Latin1),
            ("latin1", Charset::Latin1),
            ("LATIN1", Charset::Latin1),
            ("ISO_8859-1:1987", Charset::Latin1),
            ("iso_8859-1", Charset::Latin1),
            ("CP437", Charset::Cp437),
            ("cp437", Charset::Cp437),
            ("IBM437", Charset::Cp437),
            ("437", Charset::Cp437),
            ("US-ASCII", Charset::Ascii),
            ("us-ascii", Charset::Ascii),
            ("ASCII", Charset::Ascii),
            ("ANSI_X3.4-1968", Charset::Ascii),
            (" UTF-8 ", Charset::Utf8),
        ];
        for &(name, charset) in cases {
            assert_eq!(Charset::from_name(name.as_bytes()), Some(charset), "{name}");
        }
        for name in ["", "UTF-16", "ISO-8859-15", "KOI8-R", "cp43", "utf-8x"] {
            assert_eq!(Charset::from_name(name.as_bytes()), None, "{name}");
        }
        assert_eq!(Charset::from_name(b"\xFF\xFE"), None);
    }

    #[test]
    fn charset_names_round_trip() {
        let all = [
            Charset::Utf8,
            Charset::Latin1,
            Charset::Cp437,
            Charset::Ascii,
        ];
        let names: Vec<&str> = all.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["UTF-8", "ISO-8859-1", "IBM437", "US-ASCII"]);
        for charset in all {
            assert_eq!(Charset::from_name(charset.name().as_bytes()), Some(charset));
        }
        // No alias is claimed by two charsets.
        let mut seen = HashSet::new();
        for (_, aliases) in CHARSET_ALIASES {
            for alias in *aliases {
                assert!(seen.insert(alias.to_ascii_lowercase()), "{alias}");
            }
        }
    }

    #[test]
    fn charset_decode_to_utf8() {
        let input = b"A\xC9\xE9\x80";
        let decode = |charset: Charset| {
            let mut out = b"|".to_vec();
            charset.decode_to_utf8(input, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(decode(Charset::Cp437), "|A╔ΘÇ");
        assert_eq!(decode(Charset::Latin1), "|AÉé\u{80}");
        assert_eq!(decode(Charset::Ascii), "|A\u{FFFD}\u{FFFD}\u{FFFD}");
        // 0xC9 is broken by 0xE9, and 0xE9 0x80 is cut off at the end.
        assert_eq!(decode(Charset::Utf8), "|A\u{FFFD}\u{FFFD}");
        assert_eq!(decode(Charset::Utf8)[1..], String::from_utf8_lossy(input));

        let mut out = Vec::new();
        Charset::Utf8.decode_to_utf8("ok 😀".as_bytes(), &mut out);
        Charset::Utf8.decode_to_utf8(b"\xF0\x9F", &mut out);
        assert_eq!(out, "ok 😀\u{FFFD}".as_bytes());
    }
}
