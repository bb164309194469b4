//! Every subnegotiation decoder, chosen by the first byte, and SLC in both roles (see
//! `telnet_rs_fuzz::subneg`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| telnet_rs_fuzz::subneg::fuzz(data));
