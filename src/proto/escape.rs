//! Encoding of outgoing data: IAC doubling and NVT end-of-line translation (RFC 854).

use super::consts::{CR, IAC, LF, NUL};
use memchr::{memchr, memchr3};

/// Appends `data` to `out` with every 255 byte doubled.
pub fn escape_iac(out: &mut Vec<u8>, data: &[u8]) {
    out.reserve(data.len() + 8);
    let mut rest = data;
    while let Some(i) = memchr(IAC, rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(IAC);
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
}

/// Appends `data` to `out` as NVT text: 255 doubled, CR LF kept as the NVT newline, any other CR
/// sent as CR NUL (carriage return only), and a bare LF sent as CR LF.
///
/// A CR that ends `data` becomes CR NUL: the next call cannot take it back. A caller that splits a
/// CR LF pair across calls sends CR NUL CR LF, which a terminal shows the same as CR LF.
pub fn escape_nvt(out: &mut Vec<u8>, data: &[u8]) {
    out.reserve(data.len() + data.len() / 32 + 8);
    let mut rest = data;
    while let Some(i) = memchr3(IAC, CR, LF, rest) {
        out.extend_from_slice(&rest[..i]);
        match rest[i] {
            IAC => {
                out.extend_from_slice(&[IAC, IAC]);
                rest = &rest[i + 1..];
            }
            CR if rest.get(i + 1) == Some(&LF) => {
                out.extend_from_slice(&[CR, LF]);
                rest = &rest[i + 2..];
            }
            CR => {
                out.extend_from_slice(&[CR, NUL]);
                rest = &rest[i + 1..];
            }
            _ => {
                out.extend_from_slice(&[CR, LF]);
                rest = &rest[i + 1..];
            }
        }
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iac(d: &[u8]) -> Vec<u8> {
        let mut v = vec![];
        escape_iac(&mut v, d);
        v
    }

    fn nvt(d: &[u8]) -> Vec<u8> {
        let mut v = vec![];
        escape_nvt(&mut v, d);
        v
    }

    #[test]
    fn doubles_iac() {
        assert_eq!(iac(b"a\xffb\xff"), b"a\xff\xffb\xff\xff");
        assert_eq!(iac(b"\r\n"), b"\r\n");
    }

    #[test]
    fn nvt_line_ends() {
        assert_eq!(nvt(b"a\r\nb"), b"a\r\nb");
        assert_eq!(nvt(b"a\nb"), b"a\r\nb");
        assert_eq!(nvt(b"a\rb"), b"a\r\0b");
        assert_eq!(nvt(b"a\r"), b"a\r\0");
        assert_eq!(nvt(b"\r\r\n\xff"), b"\r\0\r\n\xff\xff");
    }
}
