//! Header drift: every public header, generated afresh with the code build.rs uses, must equal
//! the committed one. (The build rewrites include/olm on disk, so in a git checkout the
//! comparison is with HEAD's copy: a change to the C layer must come with its headers.)

use std::path::Path;
use std::process::Command;

include!("../build/headers.rs");

/// The committed text of `include/olm/<file>`: HEAD's in a git checkout, else the file on disk.
fn committed(root: &Path, file: &str) -> String {
    let path = format!("include/olm/{file}");
    let in_git = Command::new("git").arg("-C").arg(root).args(["rev-parse", "--is-inside-work-tree"]).output();
    if in_git.is_ok_and(|o| o.status.success()) {
        let shown = Command::new("git").arg("-C").arg(root).arg("show").arg(format!("HEAD:{path}")).output().expect("git show");
        assert!(shown.status.success(), "{path} is not committed: {}", String::from_utf8_lossy(&shown.stderr));
        return String::from_utf8(shown.stdout).expect("UTF-8 header");
    }
    std::fs::read_to_string(root.join(&path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn committed_headers_match_a_fresh_generation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for spec in HEADERS {
        let fresh = generate_header(root, spec);
        let old = committed(root, spec.file);
        if fresh != old {
            let line = fresh.lines().zip(old.lines()).position(|(a, b)| a != b).unwrap_or(fresh.lines().count().min(old.lines().count()));
            stale.push(format!(
                "include/olm/{} differs from its generation at line {}:\n  generated: {:?}\n  committed: {:?}",
                spec.file,
                line + 1,
                fresh.lines().nth(line).unwrap_or("<end>"),
                old.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(stale.is_empty(), "regenerate and commit the headers (cargo build):\n{}", stale.join("\n"));
}

#[test]
fn every_header_is_covered() {
    // Each of libolm's public headers is generated, except olm_export.h: it declares no
    // function, only libolm's visibility macros, and is written by hand.
    let files: Vec<&str> = HEADERS.iter().map(|h| h.file).collect();
    for name in ["olm.h", "error.h", "inbound_group_session.h", "outbound_group_session.h", "pk.h", "sas.h"] {
        assert!(files.contains(&name), "{name} is not generated");
    }
}
