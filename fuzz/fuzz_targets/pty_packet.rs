//! Reads from a pty master in packet mode, interleaved with network input and partial writes (see
//! `telnet_rs_fuzz::pty_packet`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| telnet_rs_fuzz::pty_packet::fuzz(data));
