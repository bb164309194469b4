//! Character set translation for clients of legacy servers (CP437 BBS art, Latin-1).

use super::result::tn_result;
use crate::text;

/// Converts as much of the input as fits into `out` (capacity `cap`); `*consumed` and `*written`
/// receive the bytes used and produced.
fn convert(
    input: *const u8,
    len: usize,
    out: *mut u8,
    cap: usize,
    consumed: *mut usize,
    written: *mut usize,
    step: fn(&[u8], &mut Vec<u8>),
) -> tn_result {
    let input = try_slice!(input, len);
    if out.is_null() && cap > 0 {
        return tn_result::NullParameter;
    }
    let mut buf = Vec::with_capacity(cap.min(input.len().saturating_mul(3)));
    let mut used = 0;
    // Each input byte becomes at most 3 UTF-8 bytes; convert in slices that surely fit.
    while used < input.len() {
        let room = cap - buf.len();
        let take = (room / 3).min(input.len() - used).min(4096);
        if take == 0 {
            // Convert byte by byte near the end of the buffer.
            let before = buf.len();
            step(&input[used..used + 1], &mut buf);
            if buf.len() > cap {
                buf.truncate(before);
                break;
            }
            used += 1;
            continue;
        }
        step(&input[used..used + take], &mut buf);
        used += take;
    }
    if !buf.is_empty() {
        // SAFETY: `out` has `cap` writable bytes (contract) and `buf.len() <= cap`.
        unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), out, buf.len()) };
    }
    // SAFETY: optional output pointers.
    if let Some(c) = unsafe { consumed.as_mut() } {
        *c = used;
    }
    if let Some(w) = unsafe { written.as_mut() } {
        *w = buf.len();
    }
    if used == input.len() {
        tn_result::Ok
    } else {
        tn_result::TooLong
    }
}

/// Translates CP437 (IBM PC, BBS ANSI art) to UTF-8. Every byte becomes one character (at most 3
/// bytes of UTF-8; `cap >= 3 * len` always suffices). NUL, BEL, BS, TAB, LF, CR and ESC pass
/// through so escape sequences and line ends keep working; the other control bytes become their
/// CP437 glyphs. Converts as much as fits: `*consumed` (input used) and `*written` (output
/// produced) are set in every case, and the result is `TN_RESULT_TOO_LONG` when not everything
/// fit. Stateless: chunks can be converted independently.
#[unsafe(no_mangle)]
pub extern "C" fn tn_cp437_to_utf8(
    input: *const u8,
    len: usize,
    out: *mut u8,
    cap: usize,
    consumed: *mut usize,
    written: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        convert(input, len, out, cap, consumed, written, text::cp437_to_utf8)
    }
}

/// Translates Latin-1 (ISO-8859-1) to UTF-8, like `tn_cp437_to_utf8` (at most 2 bytes per input
/// byte).
#[unsafe(no_mangle)]
pub extern "C" fn tn_latin1_to_utf8(
    input: *const u8,
    len: usize,
    out: *mut u8,
    cap: usize,
    consumed: *mut usize,
    written: *mut usize,
) -> tn_result {
    ffi_panic_boundary! {
        convert(input, len, out, cap, consumed, written, text::latin1_to_utf8)
    }
}
