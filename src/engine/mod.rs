//! The I/O layer around the sans-IO core: a mio event loop with listeners, connections, timers,
//! ptys in packet mode and child processes.
//!
//! Everything here may make system calls; nothing here knows the Telnet protocol beyond what the
//! [`crate::proto`] API exposes. The layout follows mio's: small files named after the one thing
//! they hold, every libc call through [`sys`].

mod bridge;
pub(crate) mod cell;
pub(crate) mod conn;
#[allow(clippy::module_inception)]
mod engine;
pub mod flush;
pub mod pty;
pub mod spawn;
pub(crate) mod sys;
mod timer;

pub use conn::{CloseReason, Conn, ConnId};
pub use engine::{Ctl, Engine, EngineConfig, Handler, raise_fd_limit};
pub use flush::{Flushed, flush_to_fd};
