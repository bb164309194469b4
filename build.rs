//! Gives the shared library the SONAME the C world expects: libtelnet-rs.so.<major>.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtelnet-rs.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
