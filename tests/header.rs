//! include/telnet-rs.h is generated from src/ffi by cbindgen: this test regenerates it and fails
//! on any difference. Run `TN_BLESS=1 cargo test --test header` to rewrite the checked-in header.

use std::path::Path;

fn version_macros() -> String {
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let minor = env!("CARGO_PKG_VERSION_MINOR");
    let patch = env!("CARGO_PKG_VERSION_PATCH");
    format!(
        "/* The version of this header, from Cargo.toml. tn_version_cstr() gives the library's. */\n\
         #define TN_VERSION_MAJOR {major}\n\
         #define TN_VERSION_MINOR {minor}\n\
         #define TN_VERSION_PATCH {patch}\n\
         #define TN_VERSION_STRING \"{major}.{minor}.{patch}\"\n\
         /* MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons. */\n\
         #define TN_VERSION_NUMBER ({major} * 10000 + {minor} * 100 + {patch})\n"
    )
}

fn generate() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(version_macros());
    // Only the FFI layer (src/ffi/mod.rs and the modules it declares) is parsed: nothing
    // outside src/ffi can leak into the C API.
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .expect("cbindgen could not generate the header")
        .write(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn header_matches_the_source() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/telnet-rs.h");
    let fresh = generate();
    if std::env::var_os("TN_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/telnet-rs.h is out of date with src/ffi; run `TN_BLESS=1 cargo test --test header`"
    );
}

/// Every declaration in the header carries a doc comment (rustls-ffi's docgen rule): a function,
/// type, enum constant, struct field or macro without one fails the test.
#[test]
fn every_item_is_documented() {
    let text = generate();
    let lines: Vec<&str> = text.lines().collect();
    let mut undocumented = vec![];
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let is_decl = t.starts_with("#define TN_")
            || (t.starts_with("TN_") && t.ends_with(','))
            || (t.starts_with("TN_") && t.contains(" = "))
            || t.starts_with("typedef struct")
            || t.starts_with("typedef union")
            || t.starts_with("enum tn_")
            || (t.contains(" tn_")
                && t.contains('(')
                && !t.starts_with("/*")
                && !t.starts_with("*"))
            || (line.starts_with("    ")
                && t.ends_with(';')
                && !t.starts_with('*')
                && !t.starts_with("/*"));
        if !is_decl {
            continue;
        }
        let prev = lines[..i]
            .iter()
            .rev()
            .find(|l| {
                !l.trim().is_empty()
                    && !l.trim().starts_with("#if")
                    && !l.trim().starts_with("#endif")
            })
            .map(|l| l.trim())
            .unwrap_or("");
        let documented = prev.ends_with("*/") || prev.starts_with("/*");
        if !documented && !t.starts_with("#define TN_VERSION") {
            undocumented.push(format!("{}: {}", i + 1, t));
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented header items:\n{}",
        undocumented.join("\n")
    );
}
