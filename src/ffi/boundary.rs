//! Helpers for the edge between C and Rust.

use super::result::tn_result;

/// The value an exported function returns when its body panicked.
pub(crate) trait PanicValue {
    fn panic_value() -> Self;
}

impl PanicValue for tn_result {
    fn panic_value() -> Self {
        tn_result::Panic
    }
}

impl PanicValue for () {
    fn panic_value() -> Self {}
}

impl PanicValue for bool {
    fn panic_value() -> Self {
        false
    }
}

impl PanicValue for i64 {
    fn panic_value() -> Self {
        -1
    }
}

impl PanicValue for i32 {
    fn panic_value() -> Self {
        -1
    }
}

impl PanicValue for u8 {
    fn panic_value() -> Self {
        0
    }
}

impl PanicValue for u64 {
    fn panic_value() -> Self {
        0
    }
}

impl PanicValue for u32 {
    fn panic_value() -> Self {
        0
    }
}

impl PanicValue for usize {
    fn panic_value() -> Self {
        0
    }
}

impl<T> PanicValue for *const T {
    fn panic_value() -> Self {
        std::ptr::null()
    }
}

impl<T> PanicValue for *mut T {
    fn panic_value() -> Self {
        std::ptr::null_mut()
    }
}

impl PanicValue for super::types::tn_str {
    fn panic_value() -> Self {
        super::types::tn_str::EMPTY
    }
}

/// A slice from a C pointer and length. NULL is valid only with length 0; a length beyond
/// `isize::MAX` is refused.
pub(crate) fn slice_from<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() || len > isize::MAX as usize {
        return None;
    }
    // SAFETY: the caller promises `len` readable bytes at `ptr` for the call (documented on every
    // function that takes a buffer).
    Some(unsafe { std::slice::from_raw_parts(ptr, len) })
}

impl PanicValue for super::types::tn_input_mode {
    fn panic_value() -> Self {
        super::types::tn_input_mode::Line
    }
}

impl PanicValue for super::types::tn_kludge {
    fn panic_value() -> Self {
        super::types::tn_kludge::Unknown
    }
}
