//! Criterion benches of the core: feed and send on the byte-exact streams of the libtelnet
//! comparison (text, binary, mud; see benches/c/compare.c) plus a negotiation-heavy stream.
//!
//!     cargo bench --bench core
//!
//! Throughput is reported per input byte. For the ratio against libtelnet on the same buffers in
//! the same process, run the C program (build/benches/compare).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use telnet_rs::proto::consts::opt;
use telnet_rs::{Config, Event, Role, Session, Side};

const SIZE: usize = 8 << 20;
const CHUNK: usize = 4096;

/// The same bytes as compare.c builds (glibc rand() for the binary stream).
fn stream(kind: &str) -> Vec<u8> {
    let mut buf = Vec::with_capacity(SIZE);
    match kind {
        "text" => {
            let s = b"The quick brown fox jumps over the lazy dog. 0123456789\r\n";
            buf.extend(s.iter().copied().cycle().take(SIZE));
        }
        "binary" => {
            // SAFETY: srand/rand are plain libc calls, used from this one thread.
            unsafe { libc::srand(1) };
            while buf.len() < SIZE {
                let b = (unsafe { libc::rand() } & 0xff) as u8;
                if b == 0xff {
                    if buf.len() + 2 > SIZE {
                        break;
                    }
                    buf.push(0xff);
                }
                buf.push(b);
            }
        }
        "mud" => {
            let s = b"You see a dark room. Exits: north, south.\r\n";
            let tail = [255, 250, 31, 0, 80, 0, 24, 255, 240, 255, 249];
            while buf.len() + 200 + tail.len() <= SIZE {
                buf.extend(s.iter().copied().cycle().take(200));
                buf.extend_from_slice(&tail);
            }
        }
        _ => {
            let verbs = [251u8, 252, 253, 254];
            let mut k = 0usize;
            while buf.len() + 16 <= SIZE {
                buf.extend_from_slice(&[255, verbs[k % 4], ((k / 4) % 50) as u8]);
                buf.extend_from_slice(b"ok\r\n");
                k += 1;
            }
        }
    }
    buf
}

/// A server session with libtelnet's option table of the comparison, NAWS already on.
fn session() -> Session {
    let mut c = Config::new(Role::Server);
    c.allow(1, Side::Local)
        .allow(3, Side::Local)
        .allow(3, Side::Remote)
        .allow(24, Side::Remote)
        .allow(opt::NAWS, Side::Remote);
    c.output_limit = 1 << 30;
    let mut s = Session::new(Arc::new(c));
    s.feed(&[255, 251, opt::NAWS], |_, _| {}).unwrap();
    let n = s.output_len();
    s.consume_output(n);
    s
}

fn feed(c: &mut Criterion) {
    let mut g = c.benchmark_group("feed");
    g.sample_size(10);
    for kind in ["text", "binary", "mud", "negotiation"] {
        let data = stream(kind);
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(kind, |b| {
            let mut s = session();
            b.iter(|| {
                let mut bytes = 0usize;
                for chunk in data.chunks(CHUNK) {
                    s.feed(chunk, |_, ev| {
                        if let Event::Data(d) = ev {
                            bytes += d.len();
                        }
                    })
                    .unwrap();
                    let n = s.output_len();
                    s.consume_output(n);
                }
                black_box(bytes)
            })
        });
    }
    g.finish();
}

fn send(c: &mut Criterion) {
    let mut g = c.benchmark_group("send");
    g.sample_size(10);
    for kind in ["text", "binary", "mud"] {
        let data = stream(kind);
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(kind, |b| {
            let mut s = session();
            b.iter(|| {
                let mut out = 0usize;
                for chunk in data.chunks(CHUNK) {
                    s.send(chunk).unwrap();
                    while let Some(c) = s.peek_output() {
                        let n = c.bytes.len();
                        out += n;
                        s.consume_output(n);
                    }
                }
                black_box(out)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, feed, send);
criterion_main!(benches);
