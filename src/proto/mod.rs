//! The sans-IO protocol core: bytes in, events and bytes out.
//!
//! No sockets, no system calls, no `unsafe`. The caller owns the connection and time; the engine
//! in [`crate::engine`] is one such caller, a C program using the FFI is another.

#![forbid(unsafe_code)]

pub mod consts;
mod error;
pub mod escape;
mod event;
pub mod output;
pub mod parser;
pub mod qmethod;
mod session;

pub use error::Error;
pub use event::{Command, Eol, Event, OptionName, Side, Verb, Warning};
pub use output::Chunk;
pub use parser::DEFAULT_MAX_SUBNEGOTIATION;
pub use qmethod::{OptionState, QState};
pub use session::{Config, DEFAULT_OUTPUT_LIMIT, EolMode, Role, Session};
