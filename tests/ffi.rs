//! The C ABI called from Rust, so the FFI layer's unsafe code runs under the Rust test runner and
//! under AddressSanitizer (ctest `rust.asan`): handles, callbacks that re-enter the session,
//! deferred free, misuse (NULL, bad enums), and the engine with a connection's session.

use std::ffi::{CStr, c_int, c_void};
use std::ptr;
use telnet_rs::ffi::config::*;
use telnet_rs::ffi::engine::*;
use telnet_rs::ffi::names::*;
use telnet_rs::ffi::options::*;
use telnet_rs::ffi::result::{tn_result, tn_result_cstr};
use telnet_rs::ffi::session::*;
use telnet_rs::ffi::text::*;
use telnet_rs::ffi::types::*;

#[derive(Default)]
struct Log {
    data: Vec<u8>,
    commands: Vec<u8>,
    reentrant: Option<tn_result>,
    free_on_data: bool,
    events: usize,
}

unsafe extern "C" fn on_event(ud: *mut c_void, s: *mut tn_session, ev: *const tn_event) {
    let log = unsafe { &mut *(ud as *mut Log) };
    let ev = unsafe { &*ev };
    log.events += 1;
    match ev.kind {
        tn_event_kind::Data => {
            let d = unsafe { std::slice::from_raw_parts(ev.u.data.ptr, ev.u.data.len) };
            log.data.extend_from_slice(d);
            if log.free_on_data {
                tn_session_free(s); // deferred until the feed returns
            }
        }
        tn_event_kind::Command => {
            let c = unsafe { ev.u.command };
            log.commands.push(c);
            // Re-entering feed is refused; sending is allowed.
            let x = b'x';
            log.reentrant = Some(tn_session_feed(s, &x, 1, ptr::null_mut()));
            if c == TN_CMD_AYT {
                assert_eq!(
                    tn_session_send(s, b"[yes]".as_ptr(), 5, ptr::null_mut()),
                    tn_result::Ok
                );
            }
        }
        _ => {}
    }
}

fn config(role: u32) -> *mut tn_config {
    let mut c = ptr::null_mut();
    assert_eq!(tn_config_new(role, &mut c), tn_result::Ok);
    c
}

fn drain(s: *mut tn_session) -> Vec<u8> {
    let mut out = vec![];
    loop {
        let mut p: *const u8 = ptr::null();
        let mut n = 0usize;
        assert_eq!(
            tn_session_peek_output(s, &mut p, &mut n, ptr::null_mut()),
            tn_result::Ok
        );
        if n == 0 {
            return out;
        }
        out.extend_from_slice(unsafe { std::slice::from_raw_parts(p, n) });
        assert_eq!(tn_session_consume_output(s, n), tn_result::Ok);
    }
}

#[test]
fn sessions_through_the_c_abi() {
    let cfg = config(tn_role::Server as u32);
    assert_eq!(
        tn_config_allow(cfg, TN_OPT_ECHO, tn_side::Local as u32),
        tn_result::Ok
    );
    let mut log = Log::default();
    let mut s = ptr::null_mut();
    assert_eq!(
        tn_session_new(
            cfg,
            Some(on_event),
            &mut log as *mut Log as *mut c_void,
            &mut s
        ),
        tn_result::Ok
    );
    tn_config_free(cfg);
    let input = [b'h', b'i', 255, 255, 255, TN_CMD_AYT, 255, 253, TN_OPT_ECHO];
    let mut used = 0usize;
    assert_eq!(
        tn_session_feed(s, input.as_ptr(), input.len(), &mut used),
        tn_result::Ok
    );
    assert_eq!(used, input.len());
    assert_eq!(log.data, b"hi\xff");
    assert_eq!(log.commands, [TN_CMD_AYT]);
    assert_eq!(log.reentrant, Some(tn_result::Reentrant));
    assert_eq!(drain(s), b"[yes]\xff\xfb\x01");
    assert!(tn_session_is_enabled(s, TN_OPT_ECHO, tn_side::Local as u32));
    // Misuse answers with a code, never a crash.
    assert_eq!(
        tn_session_feed(ptr::null_mut(), input.as_ptr(), 1, ptr::null_mut()),
        tn_result::NullParameter
    );
    assert_eq!(
        tn_session_feed(s, ptr::null(), 4, ptr::null_mut()),
        tn_result::NullParameter
    );
    assert_eq!(
        tn_session_negotiate(s, 1, 9, true),
        tn_result::InvalidArgument
    );
    assert_eq!(tn_session_consume_output(s, 1), tn_result::InvalidArgument);
    let msg = unsafe { CStr::from_ptr(tn_result_cstr(tn_result::Reentrant as u32)) };
    assert!(msg.to_str().unwrap().contains("callback"));
    tn_session_free(s);
    tn_session_free(ptr::null_mut());
}

#[test]
fn free_inside_the_callback_is_deferred() {
    let cfg = config(tn_role::Server as u32);
    let mut log = Log {
        free_on_data: true,
        ..Log::default()
    };
    let mut s = ptr::null_mut();
    tn_session_new(
        cfg,
        Some(on_event),
        &mut log as *mut Log as *mut c_void,
        &mut s,
    );
    tn_config_free(cfg);
    let input = b"abc\xff\xf1def";
    let mut used = 0usize;
    assert_eq!(
        tn_session_feed(s, input.as_ptr(), input.len(), &mut used),
        tn_result::Ok
    );
    // One data event, then nothing: the session was released when feed returned.
    assert_eq!(log.events, 1);
    assert_eq!(log.data, b"abc");
}

#[test]
fn options_and_text_through_the_c_abi() {
    let mut sc = ptr::null_mut();
    let mut cc = ptr::null_mut();
    assert_eq!(tn_config_new_server(&mut sc), tn_result::Ok);
    assert_eq!(tn_config_new_client(&mut cc), tn_result::Ok);
    let xterm = c"XTERM";
    assert_eq!(
        tn_config_add_terminal_type(cc, xterm.as_ptr()),
        tn_result::Ok
    );
    assert_eq!(
        tn_config_add_environ_export(
            cc,
            tn_var_kind::Var as u32,
            c"USER".as_ptr(),
            c"bob".as_ptr()
        ),
        tn_result::Ok
    );
    let (mut s, mut c) = (ptr::null_mut(), ptr::null_mut());
    tn_session_new(sc, None, ptr::null_mut(), &mut s);
    tn_session_new(cc, None, ptr::null_mut(), &mut c);
    tn_config_free(sc);
    tn_config_free(cc);
    tn_session_start(s);
    tn_session_start(c);
    for _ in 0..10 {
        let a = drain(s);
        let b = drain(c);
        if a.is_empty() && b.is_empty() {
            break;
        }
        tn_session_feed(c, a.as_ptr(), a.len(), ptr::null_mut());
        tn_session_feed(s, b.as_ptr(), b.len(), ptr::null_mut());
    }
    assert!(tn_session_is_settled(s));
    let mut term = [0 as std::ffi::c_char; 41];
    assert_eq!(
        tn_session_term(s, term.as_mut_ptr(), term.len()),
        tn_result::Ok
    );
    assert_eq!(
        unsafe { CStr::from_ptr(term.as_ptr()) }.to_str().unwrap(),
        "xterm"
    );
    let mut user = tn_str {
        ptr: ptr::null(),
        len: 0,
    };
    assert_eq!(tn_session_user(s, &mut user), tn_result::Ok);
    assert_eq!(
        unsafe { std::slice::from_raw_parts(user.ptr.cast::<u8>(), user.len) },
        b"bob"
    );
    let art = [0xC9u8, 0xCD, 0xBB];
    let mut out = [0u8; 16];
    let (mut used, mut wrote) = (0usize, 0usize);
    assert_eq!(
        tn_cp437_to_utf8(
            art.as_ptr(),
            3,
            out.as_mut_ptr(),
            out.len(),
            &mut used,
            &mut wrote
        ),
        tn_result::Ok
    );
    assert_eq!(std::str::from_utf8(&out[..wrote]).unwrap(), "╔═╗");
    tn_session_free(s);
    tn_session_free(c);
}

// ----- the engine through the C ABI -----

struct EngineLog {
    engine: *mut tn_engine,
    port: u16,
    opened: usize,
    closed: usize,
    echoed: Vec<u8>,
    failed: Vec<c_int>,
}

unsafe extern "C" fn e_opened(ud: *mut c_void, c: *mut tn_conn) {
    let log = unsafe { &mut *(ud as *mut EngineLog) };
    log.opened += 1;
    tn_conn_set_userdata(c, ud);
    if tn_conn_tag(c) == 7 {
        // The outgoing side says hello through its session (not from an event of its own).
        let s = tn_conn_session(c);
        assert_eq!(
            tn_session_send(s, b"hello\r\n".as_ptr(), 7, ptr::null_mut()),
            tn_result::Ok
        );
    }
}

unsafe extern "C" fn e_event(
    ud: *mut c_void,
    c: *mut tn_conn,
    s: *mut tn_session,
    ev: *const tn_event,
) {
    let log = unsafe { &mut *(ud as *mut EngineLog) };
    let ev = unsafe { &*ev };
    if ev.kind == tn_event_kind::Data {
        let d = unsafe { std::slice::from_raw_parts(ev.u.data.ptr, ev.u.data.len) };
        if tn_conn_tag(c) == 7 {
            log.echoed.extend_from_slice(d);
            if log.echoed.ends_with(b"hello\r\n") {
                tn_engine_stop(log.engine);
            }
        } else {
            // The accepting side echoes through its session, from inside the callback.
            assert_eq!(
                tn_session_send(s, d.as_ptr(), d.len(), ptr::null_mut()),
                tn_result::Ok
            );
            assert_eq!(
                tn_session_feed(s, d.as_ptr(), 1, ptr::null_mut()),
                tn_result::NotAllowed
            );
        }
    }
}

unsafe extern "C" fn e_closed(ud: *mut c_void, _c: *mut tn_conn, _r: tn_close_reason, _e: c_int) {
    unsafe { &mut *(ud as *mut EngineLog) }.closed += 1;
}

unsafe extern "C" fn e_failed(ud: *mut c_void, _tag: u64, e: c_int) {
    unsafe { &mut *(ud as *mut EngineLog) }.failed.push(e);
}

#[test]
fn the_engine_through_the_c_abi() {
    let cb = tn_engine_callbacks {
        accept: None,
        opened: Some(e_opened),
        event: Some(e_event),
        timer: None,
        child_exited: None,
        closed: Some(e_closed),
        connect_failed: Some(e_failed),
        fd_ready: None,
        signal: None,
        woken: None,
    };
    let mut log = EngineLog {
        engine: ptr::null_mut(),
        port: 0,
        opened: 0,
        closed: 0,
        echoed: vec![],
        failed: vec![],
    };
    let ud = &mut log as *mut EngineLog as *mut c_void;
    let mut e = ptr::null_mut();
    assert_eq!(tn_engine_new(&cb, ud, &mut e), tn_result::Ok);
    log.engine = e;
    let cfg = config(tn_role::Server as u32);
    let mut listener = 0u32;
    assert_eq!(
        tn_engine_listen(e, c"127.0.0.1".as_ptr(), 0, cfg, &mut listener),
        tn_result::Ok
    );
    assert_eq!(
        tn_engine_listener_port(e, listener, &mut log.port),
        tn_result::Ok
    );
    let port = log.port;
    assert_eq!(
        tn_engine_listen(e, c"no-such-host.invalid".as_ptr(), 0, cfg, ptr::null_mut()),
        tn_result::NotFound
    );
    // A name is resolved: "localhost" listens on its first address.
    let mut named = 0u32;
    assert_eq!(
        tn_engine_listen(e, c"localhost".as_ptr(), 0, cfg, &mut named),
        tn_result::Ok
    );
    assert_ne!(named, listener);
    let ccfg = config(tn_role::Client as u32);
    assert_eq!(
        tn_engine_connect(e, c"127.0.0.1".as_ptr(), port, ccfg, 5000, 7),
        tn_result::Ok
    );
    // A refused connection reports connect_failed.
    assert_eq!(
        tn_engine_connect(e, c"127.0.0.1".as_ptr(), 1, ccfg, 5000, 8),
        tn_result::Ok
    );
    tn_config_free(cfg);
    tn_config_free(ccfg);
    let t = std::time::Instant::now();
    assert_eq!(tn_engine_run(e), tn_result::Ok);
    assert!(t.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(log.echoed, b"hello\r\n");
    assert_eq!(log.opened, 2);
    assert_eq!(log.closed, 2, "stopping closes both ends");
    assert_eq!(log.failed.len(), 1);
    assert_eq!(tn_engine_wake(e), tn_result::Ok);
    tn_engine_free(e);
    tn_engine_free(ptr::null_mut());
}

struct WatchLog {
    engine: *mut tn_engine,
    /// Pipes: [read, write] for the first and the second watch.
    first: [c_int; 2],
    second: [c_int; 2],
    first_id: u32,
    ready: Vec<u64>,
    results: Vec<tn_result>,
}

unsafe extern "C" fn w_ready(ud: *mut c_void, tag: u64, readable: bool, _writable: bool) {
    let log = unsafe { &mut *(ud as *mut WatchLog) };
    assert!(readable);
    log.ready.push(tag);
    let mut b = 0u8;
    match tag {
        1 => {
            assert_eq!(
                unsafe { libc::read(log.first[0], (&mut b as *mut u8).cast(), 1) },
                1
            );
            // Inside the callback: end this watch, start another, and make it ready.
            log.results
                .push(tn_engine_unwatch_fd(log.engine, log.first_id));
            log.results
                .push(tn_engine_unwatch_fd(log.engine, log.first_id));
            let mut id = u32::MAX;
            log.results.push(tn_engine_watch_fd(
                log.engine,
                log.second[0],
                true,
                false,
                2,
                &mut id,
            ));
            assert_eq!(id, log.first_id, "the ended watch's number is reused");
            assert_eq!(
                unsafe { libc::write(log.second[1], b"y".as_ptr().cast(), 1) },
                1
            );
        }
        _ => {
            assert_eq!(
                unsafe { libc::read(log.second[0], (&mut b as *mut u8).cast(), 1) },
                1
            );
            tn_engine_stop(log.engine);
        }
    }
}

#[test]
fn descriptors_are_watched_and_unwatched_inside_callbacks() {
    let cb = tn_engine_callbacks {
        accept: None,
        opened: None,
        event: None,
        timer: None,
        child_exited: None,
        closed: None,
        connect_failed: None,
        fd_ready: Some(w_ready),
        signal: None,
        woken: None,
    };
    let mut log = WatchLog {
        engine: ptr::null_mut(),
        first: [-1; 2],
        second: [-1; 2],
        first_id: u32::MAX,
        ready: vec![],
        results: vec![],
    };
    assert_eq!(unsafe { libc::pipe(log.first.as_mut_ptr()) }, 0);
    assert_eq!(unsafe { libc::pipe(log.second.as_mut_ptr()) }, 0);
    let ud = &mut log as *mut WatchLog as *mut c_void;
    let mut e = ptr::null_mut();
    assert_eq!(tn_engine_new(&cb, ud, &mut e), tn_result::Ok);
    log.engine = e;
    assert_eq!(
        tn_engine_watch_fd(e, log.first[0], true, false, 1, &mut log.first_id),
        tn_result::Ok
    );
    // The same descriptor twice is refused by epoll (EEXIST).
    assert_eq!(
        tn_engine_watch_fd(e, log.first[0], true, false, 9, ptr::null_mut()),
        tn_result::Io
    );
    assert_eq!(tn_engine_unwatch_fd(e, 1000), tn_result::NotFound);
    assert_eq!(
        unsafe { libc::write(log.first[1], b"x".as_ptr().cast(), 1) },
        1
    );
    assert_eq!(tn_engine_run(e), tn_result::Ok);
    assert_eq!(log.ready, [1, 2]);
    assert_eq!(
        log.results,
        [tn_result::Ok, tn_result::NotFound, tn_result::Ok]
    );
    tn_engine_free(e);
    for fd in log.first.into_iter().chain(log.second) {
        unsafe { libc::close(fd) };
    }
}
