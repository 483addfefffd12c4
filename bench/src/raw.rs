//! This machine's raw costs for the primitives under the bulk operations, measured with the same
//! crates (and so the same AES-NI / VAES / SHA-NI / AVX2 code paths) our library uses, and the
//! floor they add up to for each bulk operation: what the operation could cost if it did nothing
//! but its primitives.

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};

use crate::{Budget, Step};

/// The CPU model and the features that pick the primitives' code paths.
pub fn print_cpu() {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name") || l.starts_with("Model") || l.starts_with("CPU part"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let family = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|info| {
        let field = |name: &str| {
            info.lines().find(|l| l.split(':').next().map(str::trim) == Some(name)).and_then(|l| l.split(':').nth(1)).map(|v| v.trim().to_owned())
        };
        Some(format!(", family {} model {}", field("cpu family")?, field("model")?))
    });
    println!("cpu: {model}{} ({}, {} logical CPUs)", family.unwrap_or_default(), std::env::consts::ARCH, std::thread::available_parallelism().map_or(0, |n| n.get()));
    println!("cpu features (+ detected, - absent): {}", features().join(" "));
    println!("  so: {}", backends());
}

/// Which code paths the crates pick from those features (the aes crate's and sha2's run-time
/// choice; curve25519-dalek's IFMA backend where it was compiled in, .cargo/config.toml, and the
/// CPU has it, else AVX2).
#[cfg(target_arch = "x86_64")]
fn backends() -> String {
    let aes = if is_x86_feature_detected!("vaes") && is_x86_feature_detected!("avx512f") {
        "VAES-512"
    } else if is_x86_feature_detected!("vaes") {
        "VAES-256"
    } else if is_x86_feature_detected!("aes") {
        "AES-NI"
    } else {
        "software (bitsliced)"
    };
    let sha256 = if is_x86_feature_detected!("sha") { "SHA-NI" } else { "software" };
    let ifma = is_x86_feature_detected!("avx512ifma") && is_x86_feature_detected!("avx512vl");
    let curve = if cfg!(curve25519_dalek_backend = "avx512") && ifma {
        "AVX-512 IFMA"
    } else if is_x86_feature_detected!("avx2") {
        "AVX2"
    } else {
        "serial"
    };
    format!("AES {aes}, SHA-256 {sha256}, SHA-512 software (AVX2 message schedule), curve25519-dalek {curve}")
}

#[cfg(not(target_arch = "x86_64"))]
fn backends() -> String {
    "see the features above (aarch64: AES and SHA-2 instructions when present; curve25519-dalek serial)".into()
}

#[cfg(target_arch = "x86_64")]
fn features() -> Vec<String> {
    let mut found = Vec::new();
    macro_rules! check {
        ($($f:tt),*) => {$(
            found.push(format!("{}{}", if is_x86_feature_detected!($f) { "+" } else { "-" }, $f));
        )*};
    }
    // AES: aes (AES-NI), vaes + avx512f (the aes crate's VAES-512 backend), vaes (VAES-256).
    // SHA-256: sha (SHA-NI). SHA-512: avx2 (no SHA-512 instructions on these CPUs).
    // Curve25519: avx512ifma + avx512vl (dalek's IFMA backend, where compiled in), avx2.
    check!("aes", "pclmulqdq", "vaes", "vpclmulqdq", "avx2", "avx512f", "avx512vl", "avx512ifma", "sha", "bmi2", "adx");
    found
}

#[cfg(target_arch = "aarch64")]
fn features() -> Vec<String> {
    let mut found = Vec::new();
    macro_rules! check {
        ($($f:tt),*) => {$(
            found.push(format!("{}{}", if std::arch::is_aarch64_feature_detected!($f) { "+" } else { "-" }, $f));
        )*};
    }
    check!("neon", "aes", "pmull", "sha2", "sha3");
    found
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn features() -> Vec<String> {
    vec!["(no run-time detection on this architecture: portable code paths)".into()]
}

/// CPU nanoseconds per call of `step`: the median of the budget's batches.
fn time(mut step: Step, budget: Budget) -> f64 {
    let iterations = crate::calibrate(&mut step, budget).expect("raw primitives cannot fail");
    let mut samples: Vec<f64> = (0..budget.batches).map(|_| crate::time_batch(&mut step, iterations).expect("raw")).collect();
    crate::median(&mut samples)
}

/// Raw nanoseconds per call of each primitive at one payload size.
pub struct Primitives {
    pub aes_cbc_encrypt: f64,
    pub aes_cbc_decrypt: f64,
    pub hmac_sha256: f64,
    /// Ed25519 signing of the message: two SHA-512 passes over it and one fixed-base scalar
    /// multiplication (ed25519-dalek, the code vodozemac runs).
    pub ed25519_sign: f64,
    /// Strict Ed25519 verification: one SHA-512 pass and a double-base multiplication.
    pub ed25519_verify: f64,
    /// The `base64` crate's table codec over the whole message.
    pub base64_encode: f64,
    pub base64_decode: f64,
}

const KEY: [u8; 32] = [7; 32];
const IV: [u8; 16] = [9; 16];

/// Measures every primitive on a payload of `size` bytes: AES and HMAC over the padded
/// ciphertext, the signature and base64 over a whole message (ciphertext, about 24 bytes of
/// header and MAC, and the 64-byte signature).
pub fn measure_primitives(size: usize, budget: Budget) -> Primitives {
    let padded = size + 16 - size % 16;
    let message_len = padded + 24 + 64;
    let data = crate::payload(message_len);
    let mut buffer = data[..padded].to_vec();
    let aes_cbc_encrypt = time(
        Box::new(move || {
            let (blocks, _) = aes::Block::slice_as_chunks_mut(&mut buffer);
            cbc::Encryptor::<aes::Aes256Enc>::new(&KEY.into(), &IV.into()).encrypt_blocks(blocks);
            std::hint::black_box(&buffer);
            Ok(())
        }),
        budget,
    );
    let mut buffer = data[..padded].to_vec();
    let aes_cbc_decrypt = time(
        Box::new(move || {
            let (blocks, _) = aes::Block::slice_as_chunks_mut(&mut buffer);
            cbc::Decryptor::<aes::Aes256Dec>::new(&KEY.into(), &IV.into()).decrypt_blocks(blocks);
            std::hint::black_box(&buffer);
            Ok(())
        }),
        budget,
    );
    let d = data.clone();
    let hmac_sha256 = time(
        Box::new(move || {
            let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&KEY).expect("any key length");
            mac.update(&d[..padded + 16]);
            std::hint::black_box(mac.finalize());
            Ok(())
        }),
        budget,
    );
    let signing_key = SigningKey::from_bytes(&KEY);
    let verifying_key = signing_key.verifying_key();
    let signed = data[..message_len - 64].to_vec();
    let signature = signing_key.sign(&signed);
    let s = signed.clone();
    let ed25519_sign = time(
        Box::new(move || {
            std::hint::black_box(signing_key.sign(&s));
            Ok(())
        }),
        budget,
    );
    let s = signed.clone();
    let ed25519_verify = time(
        Box::new(move || {
            verifying_key.verify_strict(&s, &signature).map_err(|e| e.to_string())
        }),
        budget,
    );
    let engine = &base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut encoded = vec![0u8; message_len.div_ceil(3) * 4];
    let d = data.clone();
    let base64_encode = time(
        Box::new(move || {
            let n = engine.encode_slice(&d, &mut encoded).map_err(|e| e.to_string())?;
            std::hint::black_box(&encoded[..n]);
            Ok(())
        }),
        budget,
    );
    let text = engine.encode(&data);
    let mut decoded = vec![0u8; message_len + 3];
    let base64_decode = time(
        Box::new(move || {
            let n = engine.decode_slice(&text, &mut decoded).map_err(|e| e.to_string())?;
            std::hint::black_box(&decoded[..n]);
            Ok(())
        }),
        budget,
    );
    Primitives { aes_cbc_encrypt, aes_cbc_decrypt, hmac_sha256, ed25519_sign, ed25519_verify, base64_encode, base64_decode }
}

/// Raw SHA-256 of 1 MiB, nanoseconds.
pub fn sha256_1mib(budget: Budget) -> f64 {
    let big = crate::payload(1 << 20);
    time(
        Box::new(move || {
            std::hint::black_box(Sha256::digest(&big));
            Ok(())
        }),
        budget,
    )
}

/// Raw SHA-512 of 64 KiB, nanoseconds (for the record: the signature's hash, in software).
pub fn sha512_64kib(budget: Budget) -> f64 {
    let data = crate::payload(65536);
    time(
        Box::new(move || {
            std::hint::black_box(Sha512::digest(&data));
            Ok(())
        }),
        budget,
    )
}

/// The primitives a bulk operation is made of.
#[derive(Clone, Copy)]
pub enum Floor {
    /// AES-256-CBC encrypt + HMAC-SHA-256 + Ed25519 sign (two SHA-512 passes) + base64 encode.
    MegolmEncrypt(usize),
    /// base64 decode + Ed25519 verify (one SHA-512 pass) + HMAC-SHA-256 + AES-256-CBC decrypt.
    MegolmDecrypt(usize),
    /// One Olm message each way's symmetric part: AES-CBC encrypt + HMAC + base64 encode, then
    /// base64 decode + HMAC + AES-CBC decrypt (the chain-key HMACs and HKDF left out).
    OlmOneDirection(usize),
    /// SHA-256 of 1 MiB (and base64 of its 32 bytes, negligible).
    Sha256,
}

impl Floor {
    pub fn size(self) -> Option<usize> {
        match self {
            Floor::MegolmEncrypt(n) | Floor::MegolmDecrypt(n) | Floor::OlmOneDirection(n) => Some(n),
            Floor::Sha256 => None,
        }
    }

    /// The floor in nanoseconds and how it is made up.
    pub fn cost(self, p: &Primitives) -> (f64, String) {
        let parts: Vec<(&str, f64)> = match self {
            Floor::MegolmEncrypt(_) => vec![
                ("AES-CBC enc", p.aes_cbc_encrypt),
                ("HMAC", p.hmac_sha256),
                ("Ed25519 sign", p.ed25519_sign),
                ("base64 enc", p.base64_encode),
            ],
            Floor::MegolmDecrypt(_) => vec![
                ("base64 dec", p.base64_decode),
                ("Ed25519 verify", p.ed25519_verify),
                ("HMAC", p.hmac_sha256),
                ("AES-CBC dec", p.aes_cbc_decrypt),
            ],
            Floor::OlmOneDirection(_) => vec![
                ("AES-CBC enc", p.aes_cbc_encrypt),
                ("AES-CBC dec", p.aes_cbc_decrypt),
                ("HMAC x2", 2.0 * p.hmac_sha256),
                ("base64 enc", p.base64_encode),
                ("base64 dec", p.base64_decode),
            ],
            Floor::Sha256 => vec![],
        };
        let total = parts.iter().map(|(_, t)| t).sum();
        let detail = parts.iter().map(|(name, t)| format!("{name} {}", crate::format_time(*t))).collect::<Vec<_>>().join(" + ");
        (total, detail)
    }
}
