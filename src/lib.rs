//! telnet-rs: a Telnet protocol engine.
//!
//! - [`proto`]: the sans-IO core. Feed it the bytes you read, drain the bytes it wants written,
//!   and handle the events it reports. Pure Rust, no I/O, no `unsafe`.
//! - [`ffi`]: the C ABI (`include/telnet-rs.h`), a thin layer over the core.

#![deny(missing_docs)]

pub mod proto;

pub mod engine;

pub mod text;

pub mod ffi;

pub use proto::{
    Chunk, Command, Config, Eol, EolMode, Error, Event, InputMode, OptionState, QState, Role,
    Session, Side, Verb, Warning,
};
