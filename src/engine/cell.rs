//! A session that callbacks can reach while it is busy feeding.
//!
//! [`Session::feed`] holds `&mut Session` and hands a reborrow to its event handler. A C callback
//! that calls back into the session (to send a reply, say) must use that reborrow, never a fresh
//! `&mut` made from the outer pointer, or the two mutable borrows would alias. The cell keeps the
//! lent reborrow in `active` for the duration of the callback; every access from outside goes
//! through [`SessionCell::get`], which prefers it.

use crate::proto::Session;
use std::cell::{Cell, UnsafeCell};

/// A session plus the borrow currently lent to a callback.
pub(crate) struct SessionCell {
    session: UnsafeCell<Session>,
    active: Cell<*mut Session>,
    /// The session belongs to an engine connection: the engine feeds it, starts it and frees it.
    pub(crate) engine_owned: bool,
    /// The engine connection that owns the session (null for a standalone one): told to look at
    /// its output whenever the application reaches the session from outside.
    pub(crate) owner: Cell<*const super::conn::ConnInner>,
}

impl SessionCell {
    pub(crate) fn new(session: Session, engine_owned: bool) -> SessionCell {
        SessionCell {
            session: UnsafeCell::new(session),
            active: Cell::new(std::ptr::null_mut()),
            engine_owned,
            owner: Cell::new(std::ptr::null()),
        }
    }

    /// The session for the application (the C API): like [`get`](Self::get), and an engine
    /// connection is told to flush whatever the caller queues.
    ///
    /// # Safety
    /// As for [`get`](Self::get).
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn get_external(&self) -> &mut Session {
        let owner = self.owner.get();
        if !owner.is_null() {
            // SAFETY: the owner outlives its cell (the cell is one of its fields).
            unsafe { &*owner }.mark_dirty();
        }
        // SAFETY: per the contract.
        unsafe { self.get() }
    }

    /// Whether a callback of this session is running (the session is lent).
    pub(crate) fn busy(&self) -> bool {
        !self.active.get().is_null()
    }

    /// The session: the lent borrow while a callback runs, the session itself otherwise.
    ///
    /// # Safety
    /// No other `&mut Session` obtained from this cell may be in use, except the lent one (which
    /// this returns a reborrow of) while its owner waits for the callback to return.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn get(&self) -> &mut Session {
        let a = self.active.get();
        if a.is_null() {
            // SAFETY: per the contract nothing else borrows the session.
            unsafe { &mut *self.session.get() }
        } else {
            // SAFETY: `a` is the reborrow a running feed lent; its owner is suspended in the
            // callback, so this is the only use.
            unsafe { &mut *a }
        }
    }

    /// Runs `f` with the cell's session. `f` receives a lender: code that calls out to a callback
    /// wraps the call in [`Lender::lend`] with the `&mut Session` it was given.
    ///
    /// # Safety
    /// No callback of this cell is running (see [`busy`](Self::busy)).
    pub(crate) unsafe fn with<R>(&self, f: impl FnOnce(&mut Session, &Lender<'_>) -> R) -> R {
        debug_assert!(!self.busy());
        // SAFETY: nothing else borrows the session while no callback runs.
        let s = unsafe { &mut *self.session.get() };
        f(s, &Lender { cell: self })
    }
}

/// Lends a session borrow to callbacks through the cell.
pub(crate) struct Lender<'a> {
    cell: &'a SessionCell,
}

impl Lender<'_> {
    /// Runs `call` with `session` reachable through the cell.
    pub(crate) fn lend<R>(&self, session: &mut Session, call: impl FnOnce() -> R) -> R {
        let prev = self.cell.active.replace(session as *mut Session);
        let r = call();
        self.cell.active.set(prev);
        r
    }
}
