//! `difftest [--seed N] [--rounds N] [--reference PATH] [--ours PATH]`
//!
//! Without arguments: the bounded run CI makes (a fixed seed, a few rounds per family). A long
//! run takes a seed and a number of rounds. Prints the checks per family, the skipped families,
//! the first failures, and `N passed, N failed`; exits non-zero on any failure.

use std::path::PathBuf;
use std::process::ExitCode;

use difftest::{our_library, run, Config, Libs, REFERENCE};

fn main() -> ExitCode {
    let mut config = Config { seed: 0x01_3207_2013, rounds: 6 };
    let mut reference = PathBuf::from(REFERENCE);
    let mut ours = our_library();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--seed" => config.seed = parse(&value()),
            "--rounds" => config.rounds = parse(&value()) as usize,
            "--reference" => reference = PathBuf::from(value()),
            "--ours" => ours = PathBuf::from(value()),
            _ => usage(&format!("unknown argument {arg}")),
        }
    }
    let libs = match Libs::open(&reference, &ours) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("difftest: {e}");
            println!("0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "difftest: seed {:#x}, {} rounds; libolm {:?} at {}; ours {:?} at {}",
        config.seed,
        config.rounds,
        libs.reference.version(),
        reference.display(),
        libs.ours.version(),
        ours.display()
    );
    let report = run(&libs, &config);
    for (family, count) in &report.counts {
        println!("  {family:<8} {:>8} checks, {} failed", count.passed + count.failed, count.failed);
    }
    for (family, why) in &report.skipped {
        println!("  {family:<8} skipped: {why}");
    }
    for (rule, applied) in &report.rules {
        println!("  rule {rule}: applied {applied} times");
    }
    for failure in &report.failures {
        println!("FAIL {failure}");
    }
    let total = report.total();
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 || total.passed == 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn parse(s: &str) -> u64 {
    let parsed = match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed.unwrap_or_else(|_| usage(&format!("not a number: {s}")))
}

fn usage(problem: &str) -> ! {
    eprintln!("difftest: {problem}\nusage: difftest [--seed N] [--rounds N] [--reference PATH] [--ours PATH]");
    std::process::exit(2)
}
