//! The raw parser: split invariance and canonical round trip (see `telnet_rs_fuzz::parser`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| telnet_rs_fuzz::parser::fuzz(data));
