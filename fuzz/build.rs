//! Tells the fuzz crate which object families the library exports yet, so that targets of a
//! family that has not landed compile to nothing (fuzz/run.sh skips them with the same test).

use std::path::Path;

/// (cfg name, a symbol that only that family defines)
const FAMILIES: &[(&str, &str)] = &[
    ("has_session", "olm_create_inbound_session"),
    ("has_inbound_group", "olm_group_decrypt"),
    ("has_outbound_group", "olm_group_encrypt"),
    ("has_pk", "olm_pk_decrypt"),
    ("has_sas", "olm_sas_set_their_key"),
];

fn main() {
    let ffi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/ffi");
    println!("cargo:rerun-if-changed={}", ffi.display());
    let mut text = String::new();
    for entry in std::fs::read_dir(&ffi).expect("src/ffi exists").flatten() {
        println!("cargo:rerun-if-changed={}", entry.path().display());
        text += &std::fs::read_to_string(entry.path()).unwrap_or_default();
    }
    for (cfg, symbol) in FAMILIES {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if text.contains(&format!("fn {symbol}(")) {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}
