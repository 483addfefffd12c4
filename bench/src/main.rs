//! Speed of our libolm replacement, against Debian's libolm and vodozemac, in one run.
//!
//! Both C libraries are loaded from their paths with RTLD_LOCAL (they share the SONAME
//! libolm.so.3 and every symbol name) and driven through the same code; vodozemac is linked in.
//! The machine is shared and noisy, so time is this thread's CPU time (not wall-clock), each
//! operation is timed in batches of about the same duration, interleaving the three
//! implementations, and the median batch is kept: the ratios come from one run under the same
//! conditions.
//!
//! Usage: olm-bench [--quick] [--only SUBSTRING] [--impl ours|libolm|vodozemac] [--calls N] [--ours PATH] [--libolm PATH]
//! Exits non-zero if any operation fails on any implementation.

mod capi;
mod cops;
mod raw;
mod vops;

use std::path::PathBuf;

use capi::{Api, Unavailable};

/// One timed call of an operation.
pub type Step = Box<dyn FnMut() -> Result<(), String>>;

pub const KEY: [u8; 32] = *b"benchmark pickle key, 32 bytes!!";
pub const SIGNED_MESSAGE: &[u8] = br#"{"algorithms":["m.olm.v1.curve25519-aes-sha2","m.megolm.v1.aes-sha2"],"device_id":"BENCHDEVICE","keys":{"curve25519:BENCHDEVICE":"3MF2m3ZjCDv53Bud0JDZDjLpoKbnx4KXoq7AXBtbW2w","ed25519:BENCHDEVICE":"hM3gUCs4nJRHF4OiMrRHc6Bkc2aiT9pz2U8oqQVBaAo"},"user_id":"@bench:example.org"}"#;
pub const SAS_INPUT: &str = "ed25519:BENCHDEVICE";
pub const SAS_INFO: &str = "MATRIX_KEY_VERIFICATION_MAC@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE$transaction";
pub const PAYLOAD_1K: &[u8] = &[b'x'; 1024];

pub fn payload(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 7 + 3) as u8).collect()
}

/// splitmix64: cheap, deterministic "random" bytes for the C libraries' random buffers.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    pub fn fill(&mut self, buffer: &mut [u8]) {
        for chunk in buffer.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

const IMPLEMENTATIONS: [&str; 3] = ["ours", "libolm", "vodozemac"];

type CSetup = Box<dyn Fn(&'static Api) -> Result<Step, Unavailable>>;
type VSetup = Box<dyn Fn() -> Result<Step, String>>;

struct Operation {
    name: &'static str,
    c: CSetup,
    vodozemac: Option<VSetup>,
    /// Bytes processed per call, for the throughput report.
    bytes: usize,
    /// The primitives it is made of, for the report against their raw cost.
    floor: Option<raw::Floor>,
}

fn operations() -> Vec<Operation> {
    fn op(name: &'static str, c: CSetup, vodozemac: Option<VSetup>) -> Operation {
        Operation { name, c, vodozemac, bytes: 0, floor: None }
    }
    let sas_key = vops::sas_peer_key();
    let sas_key2 = sas_key.clone();
    let mut ops = vec![
        op("account create", Box::new(cops::account_create), Some(Box::new(vops::account_create))),
        op("generate 100 one-time keys", Box::new(cops::generate_one_time_keys), Some(Box::new(vops::generate_one_time_keys))),
        op("identity keys JSON", Box::new(cops::identity_keys_json), Some(Box::new(vops::identity_keys_json))),
        op("account sign", Box::new(cops::account_sign), Some(Box::new(vops::account_sign))),
        op("ed25519 verify", Box::new(cops::ed25519_verify), Some(Box::new(vops::ed25519_verify))),
        op("outbound session create + first encrypt", Box::new(cops::outbound_session_create), Some(Box::new(vops::outbound_session_create))),
        op("inbound session create + first decrypt", Box::new(cops::inbound_session_create), Some(Box::new(vops::inbound_session_create))),
        Operation {
            floor: Some(raw::Floor::OlmOneDirection(1024)),
            ..op("olm 1 KiB one direction", Box::new(cops::olm_one_direction), Some(Box::new(vops::olm_one_direction)))
        },
        op("olm 1 KiB ping-pong", Box::new(cops::olm_ping_pong), Some(Box::new(vops::olm_ping_pong))),
    ];
    for (size, encrypt, decrypt) in [
        (1024usize, "megolm encrypt 1 KiB", "megolm decrypt 1 KiB"),
        (65536, "megolm encrypt 64 KiB", "megolm decrypt 64 KiB"),
    ] {
        ops.push(Operation {
            name: encrypt,
            c: Box::new(move |api| cops::megolm_encrypt(api, size)),
            vodozemac: Some(Box::new(move || vops::megolm_encrypt(size))),
            bytes: size,
            floor: Some(raw::Floor::MegolmEncrypt(size)),
        });
        ops.push(Operation {
            name: decrypt,
            c: Box::new(move |api| cops::megolm_decrypt(api, size)),
            vodozemac: Some(Box::new(move || vops::megolm_decrypt(size))),
            bytes: size,
            floor: Some(raw::Floor::MegolmDecrypt(size)),
        });
    }
    ops.extend([
        op("inbound group advance to 2^20", Box::new(cops::megolm_advance), Some(Box::new(vops::megolm_advance))),
        op("account pickle (100 OTKs)", Box::new(|api| cops::account_pickle(api, false)), Some(Box::new(|| vops::account_pickle(false)))),
        op("account unpickle (100 OTKs)", Box::new(|api| cops::account_pickle(api, true)), Some(Box::new(|| vops::account_pickle(true)))),
        op("session pickle", Box::new(|api| cops::session_pickle(api, false)), Some(Box::new(|| vops::session_pickle(false)))),
        op("session unpickle", Box::new(|api| cops::session_pickle(api, true)), Some(Box::new(|| vops::session_pickle(true)))),
        op("pk encrypt 1 KiB", Box::new(cops::pk_encrypt), Some(Box::new(vops::pk_encrypt))),
        op("pk decrypt 1 KiB", Box::new(cops::pk_decrypt), Some(Box::new(vops::pk_decrypt))),
        op("sas create + set key + mac", Box::new(move |api| cops::sas(api, &sas_key)), Some(Box::new(move || vops::sas(&sas_key2)))),
        Operation { name: "sha256 1 MiB", c: Box::new(cops::sha256), vodozemac: None, bytes: 1 << 20, floor: Some(raw::Floor::Sha256) },
    ]);
    ops
}

/// How long to measure: batch length and number of batches per implementation.
#[derive(Clone, Copy)]
struct Budget {
    batch_ns: f64,
    batches: usize,
}

/// What became of one implementation of one operation.
enum Cell {
    Time(f64),
    NotExported(&'static str),
    NotApplicable,
    Failed(String),
}

/// CPU time of this thread, in nanoseconds. The machine is shared: wall-clock time would
/// count the time other processes hold the core; this counts only ours.
fn thread_cpu_ns() -> u64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid out-pointer; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// Runs `step` `iterations` times; CPU nanoseconds per call.
fn time_batch(step: &mut Step, iterations: u64) -> Result<f64, String> {
    let start = thread_cpu_ns();
    for _ in 0..iterations {
        step()?;
    }
    Ok((thread_cpu_ns() - start) as f64 / iterations as f64)
}

/// Warms up and picks the number of calls that fills one batch.
fn calibrate(step: &mut Step, budget: Budget) -> Result<u64, String> {
    let mut iterations = 1u64;
    loop {
        let per_call = time_batch(step, iterations)?;
        let elapsed = per_call * iterations as f64;
        if elapsed >= budget.batch_ns / 8.0 || iterations >= 1 << 24 {
            return Ok(((budget.batch_ns / per_call) as u64).max(1));
        }
        iterations *= 4;
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Times the prepared steps of one operation, interleaving batches of the implementations.
fn measure(steps: &mut [(usize, Step)], cells: &mut [Cell], budget: Budget) {
    let mut iterations = Vec::new();
    let mut live: Vec<usize> = Vec::new();
    for (k, (slot, step)) in steps.iter_mut().enumerate() {
        match calibrate(step, budget) {
            Ok(n) => {
                iterations.push(n);
                live.push(k);
            }
            Err(e) => {
                iterations.push(0);
                cells[*slot] = Cell::Failed(e);
            }
        }
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); steps.len()];
    for batch in 0..budget.batches {
        // Rotate who goes first, so no implementation always follows the same one.
        for j in 0..live.len() {
            let k = live[(batch + j) % live.len()];
            if !samples[k].is_empty() && samples[k].len() < batch {
                continue; // failed earlier
            }
            let (slot, step) = &mut steps[k];
            match time_batch(step, iterations[k]) {
                Ok(t) => samples[k].push(t),
                Err(e) => cells[*slot] = Cell::Failed(e),
            }
        }
    }
    for (k, (slot, _)) in steps.iter().enumerate() {
        if !matches!(cells[*slot], Cell::Failed(_)) && !samples[k].is_empty() {
            cells[*slot] = Cell::Time(median(&mut samples[k]));
        }
    }
}

fn format_time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.0} ns", ns)
    }
}

fn format_cell(cell: &Cell) -> String {
    match cell {
        Cell::Time(ns) => format_time(*ns),
        Cell::NotExported(_) => "n/a (not exported yet)".into(),
        Cell::NotApplicable => "—".into(),
        Cell::Failed(_) => "FAILED".into(),
    }
}

fn ratio(other: &Cell, ours: &Cell) -> Option<f64> {
    match (other, ours) {
        (Cell::Time(o), Cell::Time(u)) => Some(o / u),
        _ => None,
    }
}

fn geometric_mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

struct Args {
    quick: bool,
    /// Only the operations whose name contains this.
    only: Option<String>,
    /// Only this implementation (ours, libolm, vodozemac).
    implementation: Option<String>,
    /// Instead of timing, make exactly this many calls (for callgrind / perf).
    calls: Option<u64>,
    ours: PathBuf,
    libolm: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        quick: false,
        only: None,
        implementation: None,
        calls: None,
        ours: root.join("target/release/libolm.so"),
        libolm: PathBuf::from(difftest::REFERENCE),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--only" => args.only = Some(it.next().ok_or("--only SUBSTRING")?),
            "--impl" => args.implementation = Some(it.next().ok_or("--impl ours|libolm|vodozemac")?),
            "--calls" => args.calls = Some(it.next().and_then(|n| n.parse().ok()).ok_or("--calls N")?),
            "--ours" => args.ours = it.next().ok_or("--ours PATH")?.into(),
            "--libolm" => args.libolm = it.next().ok_or("--libolm PATH")?.into(),
            _ => return Err(format!("unknown argument {arg}; usage: olm-bench [--quick] [--only SUBSTRING] [--impl ours|libolm|vodozemac] [--calls N] [--ours PATH] [--libolm PATH]")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let budget = if args.quick { Budget { batch_ns: 2e6, batches: 3 } } else { Budget { batch_ns: 50e6, batches: 9 } };
    let load = |label, path: &PathBuf| {
        Api::load(path).unwrap_or_else(|e| {
            eprintln!("cannot load {label}: {e}");
            std::process::exit(2);
        })
    };
    let ours = load("ours", &args.ours);
    let libolm = load("libolm", &args.libolm);
    println!("ours:   {} (version {})", args.ours.display(), capi::version(ours));
    println!("libolm: {} (version {})", args.libolm.display(), capi::version(libolm));
    println!("vodozemac 0.11 (linked in)");
    raw::print_cpu();
    println!("mode: {}; each cell is the median of {} interleaved batches of ~{} ms of this thread's CPU time\n", if args.quick { "quick" } else { "full" }, budget.batches, budget.batch_ns / 1e6);

    let mut failures = Vec::new();
    let mut rows = Vec::new();
    for op in operations() {
        if args.only.as_ref().is_some_and(|only| !op.name.contains(only.as_str())) {
            continue;
        }
        // cells: ours, libolm, vodozemac
        let mut cells = [Cell::NotApplicable, Cell::NotApplicable, Cell::NotApplicable];
        let mut steps: Vec<(usize, Step)> = Vec::new();
        for (slot, api) in [(0, ours), (1, libolm)] {
            match (op.c)(api) {
                Ok(step) => steps.push((slot, step)),
                Err(Unavailable::Missing(symbol)) => cells[slot] = Cell::NotExported(symbol),
                Err(Unavailable::Failed(e)) => cells[slot] = Cell::Failed(format!("setup: {e}")),
            }
        }
        if let Some(setup) = &op.vodozemac {
            match setup() {
                Ok(step) => steps.push((2, step)),
                Err(e) => cells[2] = Cell::Failed(format!("setup: {e}")),
            }
        }
        if let Some(name) = &args.implementation {
            steps.retain(|(slot, _)| IMPLEMENTATIONS[*slot] == name.as_str());
        }
        if let Some(calls) = args.calls {
            for (slot, step) in &mut steps {
                match (0..calls).try_for_each(|_| step()) {
                    Ok(()) => cells[*slot] = Cell::Time(0.0),
                    Err(e) => cells[*slot] = Cell::Failed(e),
                }
            }
        } else {
            measure(&mut steps, &mut cells, budget);
        }
        for (who, cell) in IMPLEMENTATIONS.iter().zip(cells.iter()) {
            match cell {
                Cell::Failed(e) => failures.push(format!("{} / {who}: {e}", op.name)),
                // libolm and vodozemac have every operation they are asked for.
                Cell::NotExported(symbol) if *who != "ours" => failures.push(format!("{} / {who}: missing {symbol}", op.name)),
                _ => {}
            }
        }
        rows.push((op.name, op.bytes, op.floor, cells));
    }

    if let Some(calls) = args.calls {
        println!("{calls} calls of each of {} operation(s), untimed", rows.len());
        return finish(&failures);
    }
    println!("| operation | ours | libolm | vodozemac | libolm/ours | vodozemac/ours |");
    println!("|---|---:|---:|---:|---:|---:|");
    let (mut vs_libolm, mut vs_vodozemac) = (Vec::new(), Vec::new());
    for (name, _, _, cells) in &rows {
        let r_libolm = ratio(&cells[1], &cells[0]);
        let r_vodozemac = ratio(&cells[2], &cells[0]);
        vs_libolm.extend(r_libolm);
        vs_vodozemac.extend(r_vodozemac);
        let show = |r: Option<f64>| r.map(|r| format!("{r:.2}x")).unwrap_or_default();
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            format_cell(&cells[0]),
            format_cell(&cells[1]),
            format_cell(&cells[2]),
            show(r_libolm),
            show(r_vodozemac)
        );
    }
    let show_mean = |v: &[f64]| geometric_mean(v).map(|g| format!("**{g:.2}x** ({} ops)", v.len())).unwrap_or_else(|| "—".into());
    println!("| **geometric mean** | | | | {} | {} |", show_mean(&vs_libolm), show_mean(&vs_vodozemac));

    if rows.iter().any(|(_, _, floor, _)| floor.is_some()) {
        print_floors(&rows, budget);
    }
    finish(&failures);
}

type Row = (&'static str, usize, Option<raw::Floor>, [Cell; 3]);

/// Each bulk operation against the sum of its primitives' raw costs, measured now with the same
/// crates (the floor: what it would cost if it did nothing else), and the ratio to it.
fn print_floors(rows: &[Row], budget: Budget) {
    println!("\nBulk operations against the sum of their primitives' raw costs on this machine (same crates; the floor):");
    println!("| operation | ours | vodozemac | floor | ours/floor | vodozemac/floor | floor made of |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    let mut primitives: Vec<(usize, raw::Primitives)> = Vec::new();
    for (name, _, floor, cells) in rows {
        let Some(floor) = floor else { continue };
        let (cost, detail) = match floor.size() {
            Some(size) => {
                if !primitives.iter().any(|(n, _)| *n == size) {
                    primitives.push((size, raw::measure_primitives(size, budget)));
                }
                let p = &primitives.iter().find(|(n, _)| *n == size).expect("just measured").1;
                floor.cost(p)
            }
            None => (raw::sha256_1mib(budget), "SHA-256".into()),
        };
        let against = |cell: &Cell| match cell {
            Cell::Time(t) => (format_time(*t), format!("{:.2}x", t / cost)),
            _ => (format_cell(cell), String::new()),
        };
        let ((ours, ours_ratio), (vodozemac, vodozemac_ratio)) = (against(&cells[0]), against(&cells[2]));
        println!("| {name} | {ours} | {vodozemac} | {} | {ours_ratio} | {vodozemac_ratio} | {detail} |", format_time(cost));
    }
    if rows.iter().any(|(_, _, floor, _)| matches!(floor, Some(raw::Floor::MegolmEncrypt(_)))) {
        let sha512 = raw::sha512_64kib(budget);
        println!("  (raw SHA-512 of 64 KiB: {}, {:.0} MB/s: the signature's hash, no SHA-512 instructions on x86)", format_time(sha512), 65536.0 / sha512 * 1e3);
    }
}

fn finish(failures: &[String]) {
    if !failures.is_empty() {
        eprintln!("\n{} failure(s):", failures.len());
        for f in failures {
            eprintln!("  {f}");
        }
        std::process::exit(1);
    }
}
