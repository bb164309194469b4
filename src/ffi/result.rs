//! `tn_result`: the one result type of the C API.

use crate::proto::Error;
use std::ffi::c_char;

/// The result of a library call. Codes are never renumbered; retired codes stay reserved.
///
/// `TN_RESULT_OK` is success. `TN_RESULT_WOULD_BLOCK` is not an error: the call could not make
/// progress now (output queue full, socket would block) and should be retried after draining or
/// when the descriptor is ready. Everything else is an error; `tn_result_cstr` describes it.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tn_result {
    /// Success.
    Ok = 0,
    /// No progress possible now; retry later (not an error).
    WouldBlock = 1,
    /// A required pointer argument was NULL (or a buffer pointer was NULL with a non-zero length).
    NullParameter = 2,
    /// The library hit an internal bug and caught it; the handle may be unusable. Please report.
    Panic = 3,
    /// An argument is out of its documented range.
    InvalidArgument = 4,
    /// The call is not allowed from inside this session's own event callback (for example
    /// `tn_session_feed`).
    Reentrant = 5,
    /// A payload is longer than the configured limit.
    TooLong = 6,
    /// An operating system call failed; `errno` holds the reason.
    Io = 7,
    /// The byte cannot be sent as a two-byte command (it is SE, SB, a negotiation verb or IAC).
    InvalidCommand = 8,
    /// The call needs an option that is not in effect (for example `tn_session_send_lflow` before
    /// the client agreed to LFLOW).
    NotEnabled = 9,
    /// The value asked for is not known (the peer has not sent it, or it failed validation).
    NotFound = 10,
    /// The call is not allowed on this object now (for example `tn_session_feed` on a session
    /// that an engine connection owns: the engine feeds it).
    NotAllowed = 11,
}

impl From<Error> for tn_result {
    fn from(e: Error) -> tn_result {
        match e {
            Error::WouldBlock => tn_result::WouldBlock,
            Error::Reentrant => tn_result::Reentrant,
            Error::InvalidCommand(_) => tn_result::InvalidCommand,
            Error::TooLong { .. } => tn_result::TooLong,
            Error::NotEnabled(_) => tn_result::NotEnabled,
            Error::InvalidArgument => tn_result::InvalidArgument,
        }
    }
}

impl tn_result {
    fn message(self) -> &'static str {
        match self {
            tn_result::Ok => "success\0",
            tn_result::WouldBlock => "would block: drain output or wait until ready, then retry\0",
            tn_result::NullParameter => "a required pointer argument was NULL\0",
            tn_result::Panic => "internal error (a bug in telnet-rs, caught at the API boundary)\0",
            tn_result::InvalidArgument => "an argument is out of range\0",
            tn_result::Reentrant => "not allowed from inside the session's own event callback\0",
            tn_result::TooLong => "payload longer than the configured limit\0",
            tn_result::Io => "an operating system call failed (see errno)\0",
            tn_result::InvalidCommand => "byte cannot be sent as a two-byte command\0",
            tn_result::NotEnabled => "the option this needs is not enabled\0",
            tn_result::NotFound => "no such value (not sent by the peer, or not valid)\0",
            tn_result::NotAllowed => {
                "not allowed on this object (an engine owns it, or it is closed)\0"
            }
        }
    }
}

/// A static, NUL-terminated English description of a result code. Never NULL; an unknown code
/// gives "unknown result code". The string lives for the life of the program.
#[unsafe(no_mangle)]
pub extern "C" fn tn_result_cstr(result: u32) -> *const c_char {
    let known = [
        tn_result::Ok,
        tn_result::WouldBlock,
        tn_result::NullParameter,
        tn_result::Panic,
        tn_result::InvalidArgument,
        tn_result::Reentrant,
        tn_result::TooLong,
        tn_result::Io,
        tn_result::InvalidCommand,
        tn_result::NotEnabled,
        tn_result::NotFound,
        tn_result::NotAllowed,
    ];
    let msg = known
        .iter()
        .find(|r| **r as u32 == result)
        .map_or("unknown result code\0", |r| r.message());
    msg.as_ptr().cast()
}
