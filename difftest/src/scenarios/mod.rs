//! The scenarios, one module per family. Each runs only when both libraries export the whole
//! family (and the families it builds on); otherwise it is reported as skipped.

pub mod account;
pub mod base64;
pub mod megolm;
pub mod pk;
pub mod sas;
pub mod session;
pub mod utility;

use crate::api::{Lib, Loaded};
use crate::harness::Report;
use crate::Libs;

/// Pickle keys the scenarios use, the empty key among them.
pub const PICKLE_KEYS: &[&[u8]] = &[b"", b"k", b"secret pickle key", &[0u8; 64], b"\xff\xfe\x00 binary key"];

/// Both libraries' tables of a family, or `None` (and the family reported as skipped) when ours
/// does not export all of it yet.
pub fn both<'a, T>(
    report: &mut Report,
    family: &'static str,
    libs: [&'a Lib; 2],
    get: impl Fn(&'a Lib) -> &'a Loaded<T>,
) -> Option<[&'a T; 2]> {
    let reference = get(libs[0]).as_ref().expect("the reference has every family");
    match get(libs[1]) {
        Ok(ours) => Some([reference, ours]),
        Err(missing) => {
            let shown: Vec<&str> = missing.iter().take(4).copied().collect();
            let more = if missing.len() > 4 { format!(" and {} more", missing.len() - 4) } else { String::new() };
            report.skip(family, format!("our library lacks {}{more}", shown.join(", ")));
            None
        }
    }
}

/// The byte offset at which our library's objects are placed: any address must work.
pub fn offset(report: &mut Report, side: usize) -> usize {
    if side == 0 {
        0
    } else {
        *report.rng.pick(&[0, 1, 3, 8, 13])
    }
}

pub fn run_all(report: &mut Report, libs: &Libs, rounds: usize) {
    let pair = libs.pair();
    base64::run(report, pair, rounds);
    utility::run(report, pair, rounds);
    account::run(report, pair, rounds);
    session::run(report, pair, rounds);
    megolm::run(report, pair, rounds);
    pk::run(report, pair, rounds);
    sas::run(report, pair, rounds);
}
