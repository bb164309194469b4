//! The wire format of every option's subnegotiation, in one place.
//!
//! Payloads here are what sits between `IAC SB <option>` and `IAC SE`, with IAC IAC already reduced
//! on input and not yet doubled on output (the session's framing does both). Decoders never panic
//! and never allocate more than their input; every length has a cap.

use super::consts::{DO, DONT, SE, WILL, WONT};

/// TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON, ENVIRON: "here is the value".
pub const IS: u8 = 0;
/// TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON, ENVIRON: "send me the value".
pub const SEND: u8 = 1;
/// NEW-ENVIRON: an unsolicited update.
pub const INFO: u8 = 2;

/// RFC 1091: a terminal type name is at most 40 characters.
pub const MAX_TERMINAL_TYPE: usize = 40;
/// A cap on free-text values (X display, location).
pub const MAX_TEXT: usize = 256;

/// Why a payload could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// Shorter than the format requires.
    Truncated,
    /// A field holds a value the format does not allow.
    Invalid,
    /// A field is longer than its cap.
    TooLong,
}

type Result<T> = std::result::Result<T, WireError>;

// ----- NAWS (RFC 1073) -----

/// `SB NAWS w1 w0 h1 h0`: the window size, big-endian. 0 means "unknown" on either axis.
pub fn naws_encode(width: u16, height: u16) -> [u8; 4] {
    let [w1, w0] = width.to_be_bytes();
    let [h1, h0] = height.to_be_bytes();
    [w1, w0, h1, h0]
}

/// Decodes a NAWS payload into (width, height). Exactly four bytes.
pub fn naws_decode(p: &[u8]) -> Result<(u16, u16)> {
    match p {
        [w1, w0, h1, h0] => Ok((
            u16::from_be_bytes([*w1, *w0]),
            u16::from_be_bytes([*h1, *h0]),
        )),
        _ if p.len() < 4 => Err(WireError::Truncated),
        _ => Err(WireError::Invalid),
    }
}

// ----- TTYPE, XDISPLOC, TSPEED: "IS <text>" / "SEND" -----

/// Decodes `IS <text>` with a length cap; the text must be printable ASCII (no controls).
pub fn is_text_decode(p: &[u8], cap: usize) -> Result<&[u8]> {
    match p.split_first() {
        Some((&IS, text)) => {
            if text.len() > cap {
                Err(WireError::TooLong)
            } else if text.iter().any(|&b| !(0x20..0x7f).contains(&b)) {
                Err(WireError::Invalid)
            } else {
                Ok(text)
            }
        }
        Some(_) => Err(WireError::Invalid),
        None => Err(WireError::Truncated),
    }
}

/// Whether the payload is exactly `SEND`.
pub fn is_send(p: &[u8]) -> bool {
    p == [SEND]
}

/// `IS <text>`.
pub fn is_text_encode(text: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(text.len() + 1);
    v.push(IS);
    v.extend_from_slice(text);
    v
}

/// Decodes a TSPEED `IS "<transmit>,<receive>"` (RFC 1079) into the two speeds.
pub fn tspeed_decode(p: &[u8]) -> Result<(u32, u32)> {
    let text = is_text_decode(p, 24)?;
    let comma = text
        .iter()
        .position(|&b| b == b',')
        .ok_or(WireError::Invalid)?;
    Ok((
        parse_decimal(&text[..comma])?,
        parse_decimal(&text[comma + 1..])?,
    ))
}

fn parse_decimal(d: &[u8]) -> Result<u32> {
    if d.is_empty() || d.len() > 10 || !d.iter().all(u8::is_ascii_digit) {
        return Err(WireError::Invalid);
    }
    d.iter()
        .try_fold(0u32, |acc, &b| {
            acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        })
        .ok_or(WireError::Invalid)
}

/// A TSPEED `IS` payload.
pub fn tspeed_encode(transmit: u32, receive: u32) -> Vec<u8> {
    is_text_encode(format!("{transmit},{receive}").as_bytes())
}

// ----- LFLOW (RFC 1372) -----

/// A REMOTE-FLOW-CONTROL command, sent by the server to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lflow {
    /// Disable flow control: XON/XOFF are data.
    Off = 0,
    /// Enable flow control.
    On = 1,
    /// After XOFF, any character restarts output.
    RestartAny = 2,
    /// After XOFF, only XON restarts output.
    RestartXon = 3,
}

/// Decodes an LFLOW payload (one command byte).
pub fn lflow_decode(p: &[u8]) -> Result<Lflow> {
    match p {
        [0] => Ok(Lflow::Off),
        [1] => Ok(Lflow::On),
        [2] => Ok(Lflow::RestartAny),
        [3] => Ok(Lflow::RestartXon),
        [] => Err(WireError::Truncated),
        _ => Err(WireError::Invalid),
    }
}

// ----- NEW-ENVIRON (RFC 1572) and ENVIRON (RFC 1408 / RFC 1571) -----

/// NEW-ENVIRON type code: a well-known variable.
pub const ENV_VAR: u8 = 0;
/// NEW-ENVIRON type code: the value follows.
pub const ENV_VALUE: u8 = 1;
/// NEW-ENVIRON type code: the next byte is literal.
pub const ENV_ESC: u8 = 2;
/// NEW-ENVIRON type code: a user-defined variable.
pub const ENV_USERVAR: u8 = 3;

/// Well-known or user-defined variable (RFC 1572).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VarKind {
    /// VAR: a well-known name (USER, DISPLAY, ...).
    Var,
    /// USERVAR: a user-defined name.
    UserVar,
}

/// The byte values of VAR and VALUE in one dialect of the environment option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvCodes {
    /// The byte meaning VAR.
    pub var: u8,
    /// The byte meaning VALUE.
    pub value: u8,
}

/// NEW-ENVIRON, and ENVIRON as RFC 1408 defines it.
pub const ENV_CODES: EnvCodes = EnvCodes { var: 0, value: 1 };
/// ENVIRON as 4.3BSD-derived implementations send it: VAR and VALUE swapped (RFC 1571).
pub const ENV_CODES_SWAPPED: EnvCodes = EnvCodes { var: 1, value: 0 };

/// One variable of an IS or INFO list, or one name of a SEND list (without value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    /// VAR or USERVAR.
    pub kind: VarKind,
    /// The name, ESC sequences resolved. Empty in a SEND list means "all of this kind".
    pub name: Vec<u8>,
    /// The value, ESC sequences resolved; `None` when no VALUE followed (undefined).
    pub value: Option<Vec<u8>>,
}

/// Guesses the dialect of an old ENVIRON IS/INFO list (RFC 1571, BSD telnetd's "env hack"): a list
/// must start with a variable, so a first type byte of 1 means VAR and VALUE are swapped.
pub fn old_environ_codes(list: &[u8]) -> EnvCodes {
    match list.first() {
        Some(&1) => ENV_CODES_SWAPPED,
        _ => ENV_CODES,
    }
}

/// Decodes the list after IS, INFO or SEND into entries, at most `max_entries`, each name and
/// value at most `max_len` bytes (longer ones are an error). ESC makes the next byte literal.
pub fn env_list_decode(
    list: &[u8],
    codes: EnvCodes,
    max_entries: usize,
    max_len: usize,
) -> Result<Vec<EnvEntry>> {
    let mut out: Vec<EnvEntry> = Vec::new();
    let mut i = 0;
    // Which field the bytes being read belong to.
    let mut in_value = false;
    while i < list.len() {
        let b = list[i];
        i += 1;
        if b == codes.var || b == ENV_USERVAR {
            if out.len() >= max_entries {
                return Err(WireError::TooLong);
            }
            out.push(EnvEntry {
                kind: if b == ENV_USERVAR {
                    VarKind::UserVar
                } else {
                    VarKind::Var
                },
                name: Vec::new(),
                value: None,
            });
            in_value = false;
            continue;
        }
        let Some(entry) = out.last_mut() else {
            // Bytes before the first VAR/USERVAR.
            return Err(WireError::Invalid);
        };
        if b == codes.value {
            if entry.value.is_some() {
                return Err(WireError::Invalid);
            }
            entry.value = Some(Vec::new());
            in_value = true;
            continue;
        }
        let byte = if b == ENV_ESC {
            let Some(&next) = list.get(i) else {
                return Err(WireError::Truncated);
            };
            i += 1;
            next
        } else {
            b
        };
        let field = if in_value {
            entry.value.as_mut().expect("in_value implies a value")
        } else {
            &mut entry.name
        };
        if field.len() >= max_len {
            return Err(WireError::TooLong);
        }
        field.push(byte);
    }
    Ok(out)
}

fn env_escape_into(out: &mut Vec<u8>, text: &[u8], codes: EnvCodes) {
    for &b in text {
        if b == codes.var || b == codes.value || b == ENV_ESC || b == ENV_USERVAR {
            out.push(ENV_ESC);
        }
        out.push(b);
    }
}

/// Encodes `<qualifier> (type name [VALUE value])*` for NEW-ENVIRON or ENVIRON.
pub fn env_list_encode(qualifier: u8, entries: &[EnvEntry], codes: EnvCodes) -> Vec<u8> {
    let mut out = vec![qualifier];
    for e in entries {
        out.push(match e.kind {
            VarKind::Var => codes.var,
            VarKind::UserVar => ENV_USERVAR,
        });
        env_escape_into(&mut out, &e.name, codes);
        if let Some(v) = &e.value {
            out.push(codes.value);
            env_escape_into(&mut out, v, codes);
        }
    }
    out
}

// ----- CHARSET (RFC 2066) -----

/// CHARSET: offer a list.
pub const CHARSET_REQUEST: u8 = 1;
/// CHARSET: one offer accepted.
pub const CHARSET_ACCEPTED: u8 = 2;
/// CHARSET: no offer acceptable.
pub const CHARSET_REJECTED: u8 = 3;
/// CHARSET: a translation table follows.
pub const CHARSET_TTABLE_IS: u8 = 4;
/// CHARSET: translation table refused.
pub const CHARSET_TTABLE_REJECTED: u8 = 5;
/// CHARSET: translation table received.
pub const CHARSET_TTABLE_ACK: u8 = 6;
/// CHARSET: translation table not received correctly.
pub const CHARSET_TTABLE_NAK: u8 = 7;

/// A decoded CHARSET message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CharsetMsg<'a> {
    /// REQUEST: the offered names in order (the `[TTABLE]` marker and version skipped).
    Request(Vec<&'a [u8]>),
    /// ACCEPTED with the chosen name.
    Accepted(&'a [u8]),
    /// REJECTED.
    Rejected,
    /// One of the TTABLE messages (not supported: refused cleanly).
    Ttable(u8),
}

/// Decodes a CHARSET payload. A REQUEST gives at most 64 names of at most 64 bytes each.
pub fn charset_decode(p: &[u8]) -> Result<CharsetMsg<'_>> {
    let (&code, rest) = p.split_first().ok_or(WireError::Truncated)?;
    match code {
        CHARSET_REQUEST => {
            let mut rest = rest;
            if let Some(after) = rest.strip_prefix(b"[TTABLE]") {
                // A version byte follows the marker.
                rest = after.get(1..).ok_or(WireError::Truncated)?;
            }
            let (&sep, list) = rest.split_first().ok_or(WireError::Truncated)?;
            let names: Vec<&[u8]> = list
                .split(|&b| b == sep)
                .filter(|n| !n.is_empty())
                .collect();
            if names.len() > 64 || names.iter().any(|n| n.len() > 64) {
                return Err(WireError::TooLong);
            }
            Ok(CharsetMsg::Request(names))
        }
        CHARSET_ACCEPTED if rest.is_empty() => Err(WireError::Truncated),
        CHARSET_ACCEPTED if rest.len() > 64 => Err(WireError::TooLong),
        CHARSET_ACCEPTED => Ok(CharsetMsg::Accepted(rest)),
        CHARSET_REJECTED => Ok(CharsetMsg::Rejected),
        CHARSET_TTABLE_IS..=CHARSET_TTABLE_NAK => Ok(CharsetMsg::Ttable(code)),
        _ => Err(WireError::Invalid),
    }
}

/// `REQUEST <sep> name <sep> name ...`.
pub fn charset_request_encode(names: &[&[u8]], sep: u8) -> Vec<u8> {
    let mut out = vec![CHARSET_REQUEST];
    for n in names {
        out.push(sep);
        out.extend_from_slice(n);
    }
    out
}

// ----- STATUS (RFC 859) -----

/// One item of a STATUS IS report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusItem {
    /// `WILL|WONT|DO|DONT option`: the sender's view of an option.
    Option {
        /// The verb byte (WILL, WONT, DO or DONT).
        verb: u8,
        /// The option.
        option: u8,
    },
    /// `SB option payload SE`: the state of a subnegotiated option, SE SE reduced.
    Subnegotiation {
        /// The option.
        option: u8,
        /// The payload (SE SE reduced to SE).
        payload: Vec<u8>,
    },
}

/// `IS WILL a WILL b DO c ...` for the options in effect (RFC 859): `local` are the options this
/// end performs, `remote` those the peer performs. An option byte of SE is doubled.
pub fn status_encode(local: impl Iterator<Item = u8>, remote: impl Iterator<Item = u8>) -> Vec<u8> {
    let mut out = vec![IS];
    for (verb, opts) in [(WILL, local.collect::<Vec<_>>()), (DO, remote.collect())] {
        for o in opts {
            out.push(verb);
            out.push(o);
            if o == SE {
                out.push(SE);
            }
        }
    }
    out
}

/// Decodes the list after `IS` of a STATUS report, at most 512 items.
pub fn status_decode(list: &[u8]) -> Result<Vec<StatusItem>> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < list.len() {
        if items.len() >= 512 {
            return Err(WireError::TooLong);
        }
        let code = list[i];
        i += 1;
        match code {
            WILL | WONT | DO | DONT => {
                let &option = list.get(i).ok_or(WireError::Truncated)?;
                i += 1;
                if option == SE {
                    // RFC 859: an SE option byte is doubled.
                    if list.get(i) == Some(&SE) {
                        i += 1;
                    }
                }
                items.push(StatusItem::Option { verb: code, option });
            }
            super::consts::SB => {
                let &option = list.get(i).ok_or(WireError::Truncated)?;
                i += 1;
                let mut payload = Vec::new();
                loop {
                    let &b = list.get(i).ok_or(WireError::Truncated)?;
                    i += 1;
                    if b == SE {
                        if list.get(i) == Some(&SE) {
                            payload.push(SE);
                            i += 1;
                            continue;
                        }
                        break;
                    }
                    payload.push(b);
                }
                items.push(StatusItem::Subnegotiation { option, payload });
            }
            _ => return Err(WireError::Invalid),
        }
    }
    Ok(items)
}

// ----- LINEMODE (RFC 1184) -----

/// LINEMODE suboption: MODE.
pub const LM_MODE: u8 = 1;
/// LINEMODE suboption: FORWARDMASK (after DO/DONT/WILL/WONT inside the subnegotiation).
pub const LM_FORWARDMASK: u8 = 2;
/// LINEMODE suboption: SLC.
pub const LM_SLC: u8 = 3;

/// MODE bit: the client edits lines locally.
pub const MODE_EDIT: u8 = 0x01;
/// MODE bit: the client traps signals and sends IP, SUSP, ... instead.
pub const MODE_TRAPSIG: u8 = 0x02;
/// MODE bit: this MODE acknowledges one (never answered).
pub const MODE_ACK: u8 = 0x04;
/// MODE bit: the client expands tabs.
pub const MODE_SOFT_TAB: u8 = 0x08;
/// MODE bit: the client echoes control characters literally.
pub const MODE_LIT_ECHO: u8 = 0x10;
/// The bits RFC 1184 defines.
pub const MODE_MASK: u8 = 0x1f;

/// A decoded LINEMODE message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinemodeMsg<'a> {
    /// MODE with its mask byte.
    Mode(u8),
    /// SLC with its triplets (a trailing partial triplet is left to the SLC code to ignore).
    Slc(&'a [u8]),
    /// `DO FORWARDMASK mask...` (server to client), at most 32 mask bytes.
    DoForwardMask(&'a [u8]),
    /// `DONT FORWARDMASK`.
    DontForwardMask,
    /// `WILL FORWARDMASK` (client to server).
    WillForwardMask,
    /// `WONT FORWARDMASK`.
    WontForwardMask,
    /// A verb inside the subnegotiation for something other than FORWARDMASK.
    OtherVerb {
        /// The verb byte.
        verb: u8,
        /// The option byte after it.
        what: u8,
    },
}

/// Decodes a LINEMODE payload.
pub fn linemode_decode(p: &[u8]) -> Result<LinemodeMsg<'_>> {
    let (&code, rest) = p.split_first().ok_or(WireError::Truncated)?;
    match code {
        LM_MODE => match rest {
            // BSD reads the one mask byte and ignores anything after it.
            [m, ..] => Ok(LinemodeMsg::Mode(*m)),
            [] => Err(WireError::Truncated),
        },
        LM_SLC => Ok(LinemodeMsg::Slc(rest)),
        DO | DONT | WILL | WONT => {
            let (&what, mask) = rest.split_first().ok_or(WireError::Truncated)?;
            if what != LM_FORWARDMASK {
                return Ok(LinemodeMsg::OtherVerb { verb: code, what });
            }
            Ok(match code {
                DO if mask.len() > 32 => return Err(WireError::TooLong),
                DO => LinemodeMsg::DoForwardMask(mask),
                DONT => LinemodeMsg::DontForwardMask,
                WILL => LinemodeMsg::WillForwardMask,
                _ => LinemodeMsg::WontForwardMask,
            })
        }
        _ => Err(WireError::Invalid),
    }
}

/// `MODE <mask>`.
pub fn linemode_mode_encode(mask: u8) -> [u8; 2] {
    [LM_MODE, mask]
}

/// `<verb> FORWARDMASK [mask]`.
pub fn linemode_forwardmask_encode(verb: u8, mask: &[u8]) -> Vec<u8> {
    let mut v = vec![verb, LM_FORWARDMASK];
    v.extend_from_slice(mask);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naws_round_trip() {
        assert_eq!(naws_encode(80, 24), [0, 80, 0, 24]);
        assert_eq!(naws_decode(&[1, 0, 0, 255]), Ok((256, 255)));
        assert_eq!(naws_decode(&[0, 80, 0]), Err(WireError::Truncated));
        assert_eq!(naws_decode(&[0, 80, 0, 24, 1]), Err(WireError::Invalid));
    }

    #[test]
    fn text_values() {
        assert_eq!(is_text_decode(b"\0xterm", 40), Ok(&b"xterm"[..]));
        assert_eq!(is_text_decode(b"\x01", 40), Err(WireError::Invalid));
        assert_eq!(is_text_decode(b"\0a\x1bb", 40), Err(WireError::Invalid));
        assert_eq!(is_text_decode(&[0; 42], 40), Err(WireError::TooLong));
        assert_eq!(tspeed_decode(b"\x0038400,9600"), Ok((38400, 9600)));
        assert_eq!(tspeed_decode(b"\x0038400"), Err(WireError::Invalid));
        assert_eq!(tspeed_decode(b"\x0099999999999,1"), Err(WireError::Invalid));
        assert_eq!(tspeed_encode(38400, 38400), b"\x0038400,38400");
    }

    #[test]
    fn environ_lists() {
        let list = [
            0, b'U', b'S', b'E', b'R', 1, b'b', b'o', b'b', 3, b'X', 2, 1, 1, b'v',
        ];
        let e = env_list_decode(&list, ENV_CODES, 8, 16).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].name, b"USER");
        assert_eq!(e[0].value.as_deref(), Some(&b"bob"[..]));
        assert_eq!(e[1].kind, VarKind::UserVar);
        assert_eq!(e[1].name, [b'X', 1]);
        assert_eq!(e[1].value.as_deref(), Some(&b"v"[..]));
        let again = env_list_encode(IS, &e, ENV_CODES);
        assert_eq!(&again[1..], &list[..]);
        // Swapped dialect detection and decoding.
        let swapped = [1, b'T', 0, b'x'];
        let codes = old_environ_codes(&swapped);
        assert_eq!(codes, ENV_CODES_SWAPPED);
        let e = env_list_decode(&swapped, codes, 8, 16).unwrap();
        assert_eq!(
            (e[0].name.as_slice(), e[0].value.as_deref()),
            (&b"T"[..], Some(&b"x"[..]))
        );
        // Caps and malformed lists.
        assert_eq!(
            env_list_decode(b"x", ENV_CODES, 8, 16),
            Err(WireError::Invalid)
        );
        assert_eq!(
            env_list_decode(&[0, 2], ENV_CODES, 8, 16),
            Err(WireError::Truncated)
        );
        assert_eq!(
            env_list_decode(&[0, 0, 0], ENV_CODES, 2, 16),
            Err(WireError::TooLong)
        );
        assert_eq!(
            env_list_decode(&[0, b'a', b'b'], ENV_CODES, 2, 1),
            Err(WireError::TooLong)
        );
        assert_eq!(
            env_list_decode(&[0, 1, 1], ENV_CODES, 2, 4),
            Err(WireError::Invalid)
        );
    }

    #[test]
    fn charset_messages() {
        assert_eq!(
            charset_decode(b"\x01;UTF-8;ISO-8859-1"),
            Ok(CharsetMsg::Request(vec![&b"UTF-8"[..], b"ISO-8859-1"]))
        );
        assert_eq!(
            charset_decode(b"\x01[TTABLE]\x01 UTF-8 CP437"),
            Ok(CharsetMsg::Request(vec![&b"UTF-8"[..], b"CP437"]))
        );
        assert_eq!(
            charset_decode(b"\x02UTF-8"),
            Ok(CharsetMsg::Accepted(b"UTF-8"))
        );
        assert_eq!(charset_decode(b"\x02"), Err(WireError::Truncated));
        assert_eq!(charset_decode(b"\x03"), Ok(CharsetMsg::Rejected));
        assert_eq!(charset_decode(b"\x04\x01"), Ok(CharsetMsg::Ttable(4)));
        assert_eq!(charset_decode(b"\x09"), Err(WireError::Invalid));
        assert_eq!(
            charset_request_encode(&[b"UTF-8", b"CP437"], b';'),
            b"\x01;UTF-8;CP437"
        );
    }

    #[test]
    fn status_round_trip() {
        let enc = status_encode([1u8, 3].into_iter(), [24u8, SE].into_iter());
        assert_eq!(enc, [IS, WILL, 1, WILL, 3, DO, 24, DO, SE, SE]);
        let items = status_decode(&enc[1..]).unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(
            items[3],
            StatusItem::Option {
                verb: DO,
                option: SE
            }
        );
        let with_sb = [WILL, 1, super::super::consts::SB, 31, 0, 80, 0, 24, SE];
        assert_eq!(
            status_decode(&with_sb).unwrap()[1],
            StatusItem::Subnegotiation {
                option: 31,
                payload: vec![0, 80, 0, 24]
            }
        );
        assert_eq!(status_decode(&[WILL]), Err(WireError::Truncated));
        assert_eq!(status_decode(&[7]), Err(WireError::Invalid));
    }

    #[test]
    fn linemode_messages() {
        assert_eq!(linemode_decode(&[1, 3]), Ok(LinemodeMsg::Mode(3)));
        assert_eq!(linemode_decode(&[1]), Err(WireError::Truncated));
        assert_eq!(
            linemode_decode(&[3, 1, 2, 3]),
            Ok(LinemodeMsg::Slc(&[1, 2, 3]))
        );
        assert_eq!(
            linemode_decode(&[DO, 2, 0xff]),
            Ok(LinemodeMsg::DoForwardMask(&[0xff]))
        );
        assert_eq!(
            linemode_decode(&[WONT, 2]),
            Ok(LinemodeMsg::WontForwardMask)
        );
        assert_eq!(
            linemode_decode(&[DO, 9]),
            Ok(LinemodeMsg::OtherVerb { verb: DO, what: 9 })
        );
        assert_eq!(
            linemode_decode(&[DO, 2].iter().chain(&[0; 33]).copied().collect::<Vec<_>>()),
            Err(WireError::TooLong)
        );
    }
}
