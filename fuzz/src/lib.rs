//! The fuzz targets' shared code: how a fuzz input is read, what a run records, and the
//! invariants every target asserts.
//!
//! Each target in `fuzz_targets/` is a thin `fuzz_target!` around one function here, so the same
//! checks can replay a corpus from an ordinary test (`tests/replay.rs`, stable toolchain, no
//! sanitizer) and targets for the engine and the programs can reuse the pieces when they exist.
//!
//! - [`cursor`]: reads a fuzz input as a stream of small decisions; never rejects an input.
//! - [`transcript`]: what a run observed (events, call results, output), compared across runs.
//! - [`reparse`]: everything a session emits must parse cleanly in a fresh parser.
//! - [`bounds`]: the amplification constant and the memory caps, with the reasoning behind them.
//! - [`parser`], [`session`], [`subneg`], [`pty_packet`]: the bodies of the targets of the same
//!   names.

pub mod bounds;
pub mod cursor;
pub mod parser;
pub mod pty_packet;
pub mod reparse;
pub mod session;
pub mod subneg;
pub mod transcript;
