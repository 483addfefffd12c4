//! Differential harness: drives Debian's libolm and this library in lockstep over seeded random
//! scenarios and compares every return value, output byte and error.
//!
//! Both libraries are loaded by path with RTLD_LOCAL into one process; they share the soname
//! libolm.so.3, which is fine because a dlopen by path never matches an already loaded soname.
//! The scenarios of a family run only when our library exports the whole family; until then
//! they are reported as skipped.

pub mod api;
pub mod harness;
pub mod scenarios;

use std::path::{Path, PathBuf};

pub use api::Lib;
pub use harness::{Out, Report, Rng};

/// For each architecture Debian ships libolm on: its Debian name and Debian's libolm of that
/// architecture, the reference (in the multiarch directory).
macro_rules! debian_architectures {
    ($($cfg:meta => $arch:literal, $multiarch:literal;)*) => {$(
        /// Debian's name for the architecture this harness is built for.
        #[cfg($cfg)]
        pub const DEBIAN_ARCH: &str = $arch;
        /// Debian's libolm, the reference.
        #[cfg($cfg)]
        pub const REFERENCE: &str = concat!("/usr/lib/", $multiarch, "/libolm.so.3");
    )*};
}

debian_architectures! {
    target_arch = "x86_64" => "amd64", "x86_64-linux-gnu";
    target_arch = "aarch64" => "arm64", "aarch64-linux-gnu";
    target_arch = "arm" => "armhf", "arm-linux-gnueabihf";
    target_arch = "x86" => "i386", "i386-linux-gnu";
    all(target_arch = "powerpc64", target_endian = "little") => "ppc64el", "powerpc64le-linux-gnu";
    target_arch = "s390x" => "s390x", "s390x-linux-gnu";
}

/// Our library as `cargo build --release` leaves it in the workspace.
pub fn our_library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/libolm.so")
}

/// The two libraries, libolm's first.
pub struct Libs {
    pub reference: Lib,
    pub ours: Lib,
}

impl Libs {
    pub fn open(reference: &Path, ours: &Path) -> Result<Libs, String> {
        let reference = Lib::open(reference)?;
        let ours = Lib::open(ours)?;
        for (lib, what) in [(&reference, "reference"), (&ours, "our library")] {
            if let Err(missing) = &lib.utility {
                return Err(format!("{what} {} lacks {}", lib.path.display(), missing.join(", ")));
            }
        }
        if let Some((family, missing)) = reference.first_missing_family() {
            return Err(format!("the reference lacks the {family} family: {}", missing.join(", ")));
        }
        Ok(Libs { reference, ours })
    }

    pub fn pair(&self) -> [&Lib; 2] {
        [&self.reference, &self.ours]
    }
}

/// How much to run.
pub struct Config {
    pub seed: u64,
    /// Rounds of each family's scenario.
    pub rounds: usize,
}

/// Runs every family's scenarios and returns the tally.
pub fn run(libs: &Libs, config: &Config) -> Report {
    let mut report = Report::new(config.seed);
    report.ours_is_libolm = libs.ours.version() == libs.reference.version();
    scenarios::run_all(&mut report, libs, config.rounds);
    report
}
