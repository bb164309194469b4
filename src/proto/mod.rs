//! The sans-IO protocol core: bytes in, events and bytes out.
//!
//! No sockets, no system calls, no `unsafe`. The caller owns the connection and time; the engine
//! in [`crate::engine`] is one such caller, a C program using the FFI is another.

#![forbid(unsafe_code)]

mod config;
pub mod consts;
pub mod environ;
mod error;
pub mod escape;
mod event;
mod options;
pub mod output;
pub mod parser;
pub mod pty_packet;
pub mod qmethod;
mod session;
pub mod slc;
pub mod wire;

pub use config::{Config, DEFAULT_OUTPUT_LIMIT, EolMode, Role};
pub use error::Error;
pub use event::{Command, Eol, Event, OptionName, Side, Verb, Warning};
pub use options::{FlowState, InputMode, Kludge};
pub use output::Chunk;
pub use parser::DEFAULT_MAX_SUBNEGOTIATION;
pub use pty_packet::PtyPacket;
pub use qmethod::{OptionState, QState};
pub use session::Session;
pub use wire::{Lflow, StatusItem, VarKind};
