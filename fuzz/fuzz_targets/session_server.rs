//! A whole server session (`Config::server()` and variations) with network input interleaved
//! with application calls (see `telnet_rs_fuzz::session`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    telnet_rs_fuzz::session::fuzz(telnet_rs::Role::Server, data)
});
