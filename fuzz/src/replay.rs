//! The fuzz smoke without libFuzzer: every available target runs its seeds and a fixed number
//! of deterministic mutations of them (`OLM_FUZZ_REPLAY_MUTATIONS`, default 300 per seed), plus
//! the inputs of past findings. A panic inside the library (which the C boundary would turn
//! into an error) fails the test, as it would under libFuzzer.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::targets::{target, TARGETS};

static PANICKED: AtomicBool = AtomicBool::new(false);

fn watch_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        default(info);
    }));
}

fn run(name: &str, input: &[u8]) {
    // To find an input that crashes the process (no panic message): OLM_FUZZ_TRACE=1.
    if std::env::var_os("OLM_FUZZ_TRACE").is_some() {
        eprintln!("{name} {}", hex(input));
    }
    (target(name).run)(input);
    assert!(!PANICKED.load(Ordering::SeqCst), "{name} panicked on input {}", hex(input));
}

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// xorshift64*: the mutations must be the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutation(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let pos = rng.below(data.len());
        match rng.below(5) {
            0 if !data.is_empty() => data[pos] = rng.next() as u8,
            1 if !data.is_empty() => data[pos] ^= 1 << rng.below(8),
            2 => data.truncate(pos),
            3 => data.insert(pos.min(data.len()), rng.next() as u8),
            _ if !data.is_empty() => {
                // A base64 character, so that text inputs stay mostly decodable.
                const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                data[pos] = ALPHABET[rng.below(64)];
            }
            _ => {}
        }
    }
    data
}

#[test]
fn replay_seeds_and_mutations() {
    watch_panics();
    let per_seed: usize = std::env::var("OLM_FUZZ_REPLAY_MUTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for t in TARGETS {
        if !t.available {
            println!("{}: skipped (family not in the library yet)", t.name);
            continue;
        }
        let seeds = (t.seeds)();
        assert!(!seeds.is_empty(), "{} has no seeds", t.name);
        let mut runs = 0;
        for seed in &seeds {
            run(t.name, seed);
            runs += 1;
            for _ in 0..per_seed {
                run(t.name, &mutation(&mut rng, seed));
                runs += 1;
            }
        }
        println!("{}: {} seeds, {runs} inputs, no finding", t.name, seeds.len());
    }
    let hits: Vec<String> = crate::differential::hits().iter().map(|(r, n)| format!("{} {n}", r.name())).collect();
    println!("deliberate-difference rules applied: {}", hits.join(", "));
}

/// The differential targets' seeds alone must reach every deliberate-difference rule (each
/// seed set includes inputs made to hit them), so a rule whose condition stopped matching, or
/// a difference that stopped happening, is noticed. Counts are per thread, so the other tests
/// running in parallel cannot help.
#[test]
fn differential_seeds_exercise_every_rule() {
    watch_panics();
    for t in TARGETS.iter().filter(|t| t.name.starts_with("diff_")) {
        for seed in (t.seeds)() {
            run(t.name, &seed);
        }
    }
    let hits = crate::differential::hits();
    for (rule, n) in hits {
        println!("differential seeds: rule {} applied {n} times", rule.name());
    }
    let missing: Vec<&str> = hits.iter().filter(|(_, n)| *n == 0).map(|(r, _)| r.name()).collect();
    assert!(missing.is_empty(), "no differential seed reaches the rules {missing:?}");
}

/// Inputs that once made a target fail: each stays here as a regression test.
const FINDINGS: &[(&str, &str)] = &[
    // 2026-11-27, smoke run: a ciphertext length for which olm_pk_max_plaintext_length is
    // (size_t)-1, as in libolm; the target then allocated that much (a harness bug, fixed in
    // targets::pk_decrypt). The library returned its error correctly.
    ("pk_decrypt", "2b0b2b37346f6f536f4c714f6c6c3542615055000000000000007767523264423158547031627577ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff3751786358747733386f6f536f4c714f6c6c354261772f66317a5565727770484475734c51"),
];

#[test]
fn past_findings() {
    watch_panics();
    for (name, input) in FINDINGS {
        if target(name).available {
            let bytes: Vec<u8> = (0..input.len()).step_by(2).map(|i| u8::from_str_radix(&input[i..i + 2], 16).unwrap()).collect();
            run(name, &bytes);
        }
    }
    // Findings of fuzz campaigns, copied as files by fuzz/campaign.sh: fuzz/findings/TARGET/*.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("findings");
    let mut replayed = 0;
    for t in TARGETS {
        let Ok(entries) = std::fs::read_dir(dir.join(t.name)) else { continue };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        for file in files {
            run(t.name, &std::fs::read(&file).expect("read finding"));
            replayed += 1;
        }
    }
    println!("past findings: {} inline, {replayed} from fuzz/findings, no failure", FINDINGS.len());
}
