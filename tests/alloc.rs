//! No allocation per byte on the data path: feeding and sending megabytes of the benchmark
//! streams allocates a bounded number of times, counted by a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use telnet_rs::proto::consts::opt;
use telnet_rs::{Config, EolMode, Event, Role, Session, Side};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MB: usize = 1 << 20;

/// The benchmark streams (see benches/c/compare.c), `n` bytes each.
fn streams(n: usize) -> Vec<(&'static str, Vec<u8>)> {
    let text: Vec<u8> = b"The quick brown fox jumps over the lazy dog. 0123456789\r\n"
        .iter()
        .copied()
        .cycle()
        .take(n)
        .collect();
    let mut binary = Vec::with_capacity(n);
    let mut x: u32 = 1;
    while binary.len() + 2 <= n {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        let b = (x >> 16) as u8;
        if b == 0xff {
            binary.push(0xff);
        }
        binary.push(b);
    }
    let mut mud = Vec::with_capacity(n);
    let line = b"You see a dark room. Exits: north, south.\r\n";
    while mud.len() + 211 <= n {
        mud.extend(line.iter().copied().cycle().take(200));
        mud.extend_from_slice(&[255, 250, 31, 0, 80, 0, 24, 255, 240, 255, 249]);
    }
    vec![("text", text), ("binary", binary), ("mud", mud)]
}

fn session(eol: EolMode) -> Session {
    let mut c = Config::new(Role::Server);
    c.input_eol = eol;
    c.output_eol = eol;
    c.allow(opt::NAWS, Side::Remote);
    c.output_limit = 1 << 20;
    let mut s = Session::new(Arc::new(c));
    s.feed(&[255, 251, 31], |_, _| {}).unwrap();
    let mut sink = vec![];
    s.drain_output_into(&mut sink);
    s
}

#[test]
fn feeding_and_sending_do_not_allocate_per_byte() {
    let n = 8 * MB;
    for (name, data) in streams(n) {
        for eol in [EolMode::Raw, EolMode::Nvt] {
            let mut s = session(eol);
            let mut events = 0usize;
            let before = ALLOCS.load(Ordering::Relaxed);
            for chunk in data.chunks(4096) {
                s.feed(chunk, |_, ev| {
                    if matches!(ev, Event::Data(_) | Event::WindowSize { .. }) {
                        events += 1;
                    }
                })
                .unwrap();
            }
            let fed = ALLOCS.load(Ordering::Relaxed) - before;
            let before = ALLOCS.load(Ordering::Relaxed);
            for chunk in data.chunks(4096) {
                s.send(chunk).unwrap();
                while let Some(c) = s.peek_output() {
                    let k = c.bytes.len();
                    s.consume_output(k);
                }
            }
            let sent = ALLOCS.load(Ordering::Relaxed) - before;
            assert!(events > 0);
            let per_mb = |a: usize| a as f64 / (n / MB) as f64;
            println!(
                "{name} {eol:?}: {:.2} allocations/MB fed, {:.2} sent",
                per_mb(fed),
                per_mb(sent)
            );
            // The output buffer is reused between writes; the input path borrows the caller's
            // buffer. A handful of allocations in total is fine; one per chunk or per byte is not.
            assert!(
                fed <= 8,
                "{name} {eol:?}: {fed} allocations feeding {n} bytes"
            );
            assert!(
                sent <= 8,
                "{name} {eol:?}: {sent} allocations sending {n} bytes"
            );
        }
    }
}
