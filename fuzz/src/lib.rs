//! Fuzzing libolm's C API as implemented by this library (see docs in SECURITY.md).
//!
//! The targets live here as plain functions so that the libFuzzer binaries (fuzz_targets/)
//! and the seed replay tests share them. Seeds are made at run time by the library itself.

// Handles passed around the harness come only from its own fixtures (valid objects).
#![allow(clippy::not_unsafe_ptr_arg_deref)]
// Seed functions return early from a block that exists only when their family does.
#![allow(clippy::needless_return)]

pub mod api;
pub mod diff_targets;
pub mod differential;
pub mod fixtures;
pub mod input;
pub mod mutate;
pub mod targets;

/// For the libFuzzer binaries: with `OLM_FUZZ_SEEDS=dir` in the environment, writes the
/// target's seed corpus to `dir` and exits, so that corpora are generated, not committed.
pub fn write_seeds_if_asked(name: &str) {
    let Some(dir) = std::env::var_os("OLM_FUZZ_SEEDS") else { return };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create seed directory");
    for (i, seed) in (targets::target(name).seeds)().iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i}")), seed).expect("write seed");
    }
    std::process::exit(0);
}

#[cfg(test)]
mod replay;
