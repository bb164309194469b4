//! The I/O layer around the sans-IO core: file descriptors, sockets and (later) the event loop.
//!
//! Everything here may make system calls; nothing here knows the Telnet protocol beyond what the
//! [`crate::proto`] API exposes.

pub mod flush;
pub(crate) mod sys;

pub use flush::{Flushed, flush_to_fd};
