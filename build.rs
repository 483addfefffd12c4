//! Generates libolm's public headers (include/olm/*.h) from the C layer with cbindgen and
//! gives the shared library libolm's soname.
//!
//! Each header is generated from the files of one object family, so the split is libolm's:
//! olm.h (utility, account, session), inbound_group_session.h, outbound_group_session.h,
//! pk.h, sas.h and error.h. A test checks that the committed headers match a fresh generation.

use std::path::Path;

include!("build/headers.rs");

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libolm.so.3");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/headers.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/ffi");
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    for header in HEADERS {
        let text = generate_header(root, header);
        let path = root.join("include/olm").join(header.file);
        // Rewrite only on change, so that unchanged headers keep their timestamps.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(path.parent().unwrap()).expect("create include/olm");
            std::fs::write(&path, text).expect("write header");
        }
    }
}
