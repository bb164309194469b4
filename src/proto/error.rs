//! Errors of the session API.

use thiserror::Error;

/// Why a session call did not do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The output queue is at its limit: drain it ([`Session::peek_output`] and
    /// [`Session::consume_output`]) and call again. Nothing was queued.
    ///
    /// [`Session::peek_output`]: super::Session::peek_output
    /// [`Session::consume_output`]: super::Session::consume_output
    #[error("the output queue is full; drain it and try again")]
    WouldBlock,
    /// `feed` was called from inside the handler of the same session's `feed`.
    #[error("the session is already feeding input (called from its own event handler)")]
    Reentrant,
    /// The byte is not a two-byte command (it is SE, SB, a negotiation verb or IAC).
    #[error("byte {0} cannot be sent as a two-byte command")]
    InvalidCommand(u8),
    /// The call needs an option that is not in effect (the option code).
    #[error("option {0} is not enabled")]
    NotEnabled(u8),
    /// An argument is out of its documented range.
    #[error("an argument is out of range")]
    InvalidArgument,
    /// A subnegotiation payload longer than the session's subnegotiation limit.
    #[error("a subnegotiation payload of {len} bytes exceeds the limit of {limit}")]
    TooLong {
        /// The payload length.
        len: usize,
        /// The limit.
        limit: usize,
    },
}
