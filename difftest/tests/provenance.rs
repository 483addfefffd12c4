//! The harness compares what it claims to compare: each call reaches the library it should,
//! the reference is Debian's untouched libolm, nothing resolves olm_* from the harness itself,
//! and a difference is caught.

use std::ffi::{c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::Command;

use difftest::{our_library, Config, Lib, Libs, Report, DEBIAN_ARCH, REFERENCE};

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The file that holds the code at `addr`, as the dynamic linker knows it.
fn library_of(addr: *const c_void) -> PathBuf {
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: dladdr only reads the address and fills `info`.
    let found = unsafe { libc::dladdr(addr, &mut info) };
    assert_ne!(found, 0, "dladdr found no object for {addr:?}");
    let name = unsafe { CStr::from_ptr(info.dli_fname) }.to_str().unwrap().to_string();
    canonical(Path::new(&name))
}

fn open_both() -> Libs {
    Libs::open(Path::new(REFERENCE), &our_library()).expect("run `cargo build --release` first")
}

#[test]
fn each_call_reaches_its_own_library() {
    let libs = open_both();
    let reference = canonical(Path::new(REFERENCE));
    let ours = canonical(&our_library());
    assert_ne!(reference, ours);
    let r = libs.reference.util();
    let o = libs.ours.util();
    for (f_ref, f_ours) in [
        (r.olm_sha256 as *const c_void, o.olm_sha256 as *const c_void),
        (r.olm_ed25519_verify as *const c_void, o.olm_ed25519_verify as *const c_void),
        (r.olm_get_library_version as *const c_void, o.olm_get_library_version as *const c_void),
        (r._olm_error_to_string as *const c_void, o._olm_error_to_string as *const c_void),
    ] {
        assert_ne!(f_ref, f_ours);
        assert_eq!(library_of(f_ref), reference);
        assert_eq!(library_of(f_ours), ours);
    }
    // Every family our library exports resolves into it too.
    if let Ok(a) = &libs.ours.account {
        assert_eq!(library_of(a.olm_create_account as *const c_void), ours);
    }
    // Both are mapped, from their own files.
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    assert!(maps.contains(reference.to_str().unwrap()), "reference not mapped");
    assert!(maps.contains(ours.to_str().unwrap()), "our library not mapped");
    // And they answer differently where they must: the version each reports.
    assert_eq!(libs.reference.version(), (3, 2, 13));
    assert_eq!(libs.ours.version(), (3, 2, 16));
}

#[test]
fn nothing_resolves_olm_symbols_globally() {
    let _libs = open_both();
    // Neither library is in the global scope (RTLD_LOCAL), and this test binary, which links
    // our crate as an rlib for its base64 functions, exports no olm_* symbol: so libolm's own
    // internal calls cannot land in our code, nor ours in libolm's.
    for name in ["olm_sha256", "olm_utility", "olm_error", "_olm_error_to_string", "olm_create_account"] {
        let c = CString::new(name).unwrap();
        // SAFETY: a lookup in the global scope.
        let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
        assert!(p.is_null(), "{name} resolves globally to {p:?}");
    }
    // The harness binary has no olm_* in its dynamic symbol table either.
    let nm = Command::new("nm").args(["-D", "--defined-only", env!("CARGO_BIN_EXE_difftest")]).output().expect("nm");
    assert!(nm.status.success());
    let text = String::from_utf8_lossy(&nm.stdout);
    assert!(!text.lines().any(|l| l.contains(" olm_") || l.contains(" _olm_")), "the harness exports olm symbols:\n{text}");
}

#[test]
fn the_reference_is_debians_libolm() {
    let owner = Command::new("dpkg").args(["-S", REFERENCE]).output().expect("dpkg -S");
    assert!(owner.status.success(), "{REFERENCE} belongs to no package");
    let package = format!("libolm3:{DEBIAN_ARCH}");
    assert!(String::from_utf8_lossy(&owner.stdout).starts_with(&format!("{package}: ")), "owner: {}", String::from_utf8_lossy(&owner.stdout));
    // dpkg --verify prints a line for each file whose checksum differs from the package's; the
    // architecture named, as libolm3 of several architectures may be installed.
    let verify = Command::new("dpkg").args(["--verify", &package]).output().expect("dpkg --verify");
    assert!(verify.status.success() && verify.stdout.is_empty(), "libolm3 was modified: {}", String::from_utf8_lossy(&verify.stdout));
    let reference = std::fs::read(REFERENCE).unwrap();
    let ours = std::fs::read(our_library()).unwrap();
    assert_ne!(reference, ours);
    let lib = Lib::open(Path::new(REFERENCE)).unwrap();
    assert_eq!(lib.version(), (3, 2, 13));
}

#[test]
fn a_difference_is_caught() {
    // Run the utility scenarios against a second copy of libolm as if it were ours: the
    // deliberate differences (S+L, small-order keys) are then missing, and must be reported.
    let copy = std::env::temp_dir().join(format!("difftest-libolm-copy-{}.so.3", std::process::id()));
    std::fs::copy(REFERENCE, &copy).unwrap();
    let libs = Libs::open(Path::new(REFERENCE), &copy).unwrap();
    let mut report = Report::new(1);
    report.ours_is_libolm = false;
    difftest::scenarios::utility::run(&mut report, libs.pair(), 1);
    std::fs::remove_file(&copy).ok();
    let utility = report.counts["utility"];
    assert!(utility.failed >= 2, "the harness missed libolm's acceptance of S+L: {} failed", utility.failed);
    assert!(report.failures.iter().any(|f| f.contains("verify S+L")));
}

#[test]
fn the_bounded_run_is_deterministic() {
    let libs = open_both();
    let config = Config { seed: 42, rounds: 1 };
    let (a, b) = (difftest::run(&libs, &config), difftest::run(&libs, &config));
    let counts = |r: &Report| r.counts.iter().map(|(k, c)| (k.to_string(), c.passed, c.failed)).collect::<Vec<_>>();
    assert_eq!(counts(&a), counts(&b));
    assert!(a.total().passed > 1000);
}
