//! This machine's raw rates for the primitives under bulk Megolm and sha256, measured with the
//! same crates (and so the same AES-NI / SHA-NI code paths) our library uses.

use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};

use crate::{Budget, Step};

pub struct Baseline {
    pub aes_cbc_hmac_mb_s: f64,
    pub aes_cbc_mb_s: f64,
    pub hmac_mb_s: f64,
    pub sha256_mb_s: f64,
    pub sha512_mb_s: f64,
}

const SIZE: usize = 65536;

fn rate(mut step: Step, bytes: usize, budget: Budget) -> f64 {
    let iterations = crate::calibrate(&mut step, budget).expect("raw primitives cannot fail");
    let mut samples: Vec<f64> = (0..budget.batches).map(|_| crate::time_batch(&mut step, iterations).expect("raw")).collect();
    bytes as f64 / crate::median(&mut samples) * 1e3
}

fn aes_cbc(buffer: &mut [u8]) {
    let key = [7u8; 32];
    let iv = [9u8; 16];
    let encryptor = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into());
    let out = encryptor.encrypt_padded::<cbc::cipher::block_padding::Pkcs7>(buffer, SIZE).expect("room for padding");
    std::hint::black_box(out);
}

fn hmac(data: &[u8]) {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&[3u8; 32]).expect("any key length");
    mac.update(data);
    std::hint::black_box(mac.finalize());
}

pub fn measure(budget: Budget) -> Baseline {
    let data = crate::payload(SIZE + 16);
    let mut buffer = data.clone();
    let aes_cbc_hmac = rate(Box::new(move || {
        aes_cbc(&mut buffer);
        hmac(&buffer);
        Ok(())
    }), SIZE, budget);
    let mut buffer = data.clone();
    let aes_cbc_mb_s = rate(Box::new(move || {
        aes_cbc(&mut buffer);
        Ok(())
    }), SIZE, budget);
    let d = data.clone();
    let hmac_mb_s = rate(Box::new(move || {
        hmac(&d[..SIZE]);
        Ok(())
    }), SIZE, budget);
    let big = crate::payload(1 << 20);
    let sha256_mb_s = rate(Box::new(move || {
        std::hint::black_box(Sha256::digest(&big));
        Ok(())
    }), 1 << 20, budget);
    let sha512_mb_s = rate(Box::new(move || {
        std::hint::black_box(Sha512::digest(&data[..SIZE]));
        Ok(())
    }), SIZE, budget);
    Baseline { aes_cbc_hmac_mb_s: aes_cbc_hmac, aes_cbc_mb_s, hmac_mb_s, sha256_mb_s, sha512_mb_s }
}

impl Baseline {
    pub fn print(&self) {
        println!("  raw AES-256-CBC encrypt + HMAC-SHA-256, 64 KiB: {:.0} MB/s", self.aes_cbc_hmac_mb_s);
        println!("  raw AES-256-CBC encrypt alone: {:.0} MB/s; HMAC-SHA-256 alone: {:.0} MB/s", self.aes_cbc_mb_s, self.hmac_mb_s);
        println!("  raw SHA-256 (1 MiB): {:.0} MB/s; SHA-512 (64 KiB, no hardware help on x86): {:.0} MB/s", self.sha256_mb_s, self.sha512_mb_s);
        println!("  (a Megolm message is also Ed25519-signed: two SHA-512 passes to sign, one to verify)");
    }
}
