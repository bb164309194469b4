//! Replays the checked-in corpus through the targets' bodies on the stable toolchain, without
//! libFuzzer or a sanitizer, so every seed (and every crash input added as a seed after a fix)
//! stays a regression test: `cargo test --manifest-path fuzz/Cargo.toml`.

use std::path::Path;

fn replay(target: &str, run: impl Fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{target}: only {} seeds", files.len());
    for path in files {
        let data = std::fs::read(&path).unwrap();
        eprintln!("{target}: {}", path.display());
        run(&data);
    }
}

#[test]
fn parser() {
    replay("parser", telnet_rs_fuzz::parser::fuzz);
}

#[test]
fn session_server() {
    replay("session_server", |d| {
        telnet_rs_fuzz::session::fuzz(telnet_rs::Role::Server, d)
    });
}

#[test]
fn session_client() {
    replay("session_client", |d| {
        telnet_rs_fuzz::session::fuzz(telnet_rs::Role::Client, d)
    });
}

#[test]
fn subneg() {
    replay("subneg", telnet_rs_fuzz::subneg::fuzz);
}

#[test]
fn pty_packet() {
    replay("pty_packet", telnet_rs_fuzz::pty_packet::fuzz);
}
