//! Thin wrappers over the RustCrypto and dalek primitives, shaped the way libolm uses them.
//!
//! Every secret lives in a type that wipes itself on drop.

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use aes::Aes256;
use ed25519_dalek::hazmat::ExpandedSecretKey;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub const CURVE25519_KEY_LENGTH: usize = 32;
pub const ED25519_PUBLIC_KEY_LENGTH: usize = 32;
pub const ED25519_SIGNATURE_LENGTH: usize = 64;
pub const SHA256_OUTPUT_LENGTH: usize = 32;
pub const AES_BLOCK_LENGTH: usize = 16;

pub type HmacSha256 = Hmac<Sha256>;

pub fn sha256(input: &[u8]) -> [u8; 32] {
    Sha256::digest(input).into()
}

/// A fresh HMAC-SHA-256 instance, for MACs computed over several pieces.
pub fn hmac_sha256_init(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length")
}

pub fn hmac_sha256(key: &[u8], input: &[u8]) -> [u8; 32] {
    let mut mac = hmac_sha256_init(key);
    mac.update(input);
    mac.finalize().into_bytes().into()
}

/// HKDF-SHA-256 (RFC 5869). libolm's missing salt is 32 zero bytes, which is RFC 5869's default.
pub fn hkdf_sha256(input: &[u8], salt: Option<&[u8]>, info: &[u8], output: &mut [u8]) {
    hkdf::Hkdf::<Sha256>::new(salt, input)
        .expand(info, output)
        .expect("libolm never asks HKDF for more than 255 blocks");
}

/// Constant-time equality of two byte strings of the same public length. The answer itself is
/// public (a MAC either matched or not).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && declassify(bool::from(a.ct_eq(b)))
}

/// Marks a value computed from secrets as public by design (a public key, a comparison's
/// result, a length) for the constant-time check, which runs the library under valgrind with
/// the secrets marked undefined (tests/ct). Does nothing outside valgrind.
#[inline(always)]
pub fn declassify<T: Copy>(mut value: T) -> T {
    crate::ffi::valgrind::declassify(&mut value);
    value
}

/// A Curve25519 key pair. The private key is kept as the 32 random bytes libolm stores
/// (clamping happens inside every scalar multiplication, as in curve25519-donna).
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Curve25519KeyPair {
    pub public_key: [u8; 32],
    pub private_key: [u8; 32],
}

impl Curve25519KeyPair {
    pub fn from_private_key(private_key: &[u8; 32]) -> Self {
        let public_key = declassify(x25519_dalek::x25519(*private_key, x25519_dalek::X25519_BASEPOINT_BYTES));
        Self { public_key, private_key: *private_key }
    }

    /// The X25519 shared secret with `their_public_key`.
    ///
    /// `None` when the result is all zeros: their key has small order and the "secret" is
    /// public. libolm uses such a secret; we refuse it (a deliberate difference).
    pub fn shared_secret(&self, their_public_key: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
        shared_secret(&self.private_key, their_public_key)
    }
}

/// X25519 of a private key (any 32 bytes) and a public key; `None` for a non-contributory result.
pub fn shared_secret(private_key: &[u8; 32], their_public_key: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
    let secret = Zeroizing::new(x25519_dalek::x25519(*private_key, *their_public_key));
    // Whether the result is all zeros depends only on their (public) key.
    if declassify(bool::from(secret.ct_eq(&[0u8; 32]))) {
        None
    } else {
        Some(secret)
    }
}

/// An Ed25519 key pair in libolm's form: the public key and the 64-byte expanded private key
/// (the clamped scalar and the nonce prefix, i.e. SHA-512 of the seed with the scalar clamped).
/// Accounts loaded from libolm pickles carry exactly these bytes and sign exactly as libolm.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Ed25519KeyPair {
    pub public_key: [u8; 32],
    pub private_key: [u8; 64],
}

impl Default for Ed25519KeyPair {
    fn default() -> Self {
        Self { public_key: [0; 32], private_key: [0; 64] }
    }
}

impl Ed25519KeyPair {
    /// The key pair libolm derives from 32 random bytes (RFC 8032 key generation).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let mut expanded: [u8; 64] = Sha512::digest(seed).into();
        expanded[0] &= 248;
        expanded[31] &= 63;
        expanded[31] |= 64;
        let esk = ExpandedSecretKey::from_bytes(&expanded);
        let public_key = declassify(ed25519_dalek::VerifyingKey::from(&esk).to_bytes());
        let pair = Self { public_key, private_key: expanded };
        expanded.zeroize();
        pair
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut esk = ExpandedSecretKey::from_bytes(&self.private_key);
        // libolm signs with the stored scalar as it is (reduced mod L); dalek clamps it. The two
        // agree for every generated key, but not for an unset (all-zero) one, e.g. a pk signing
        // object used before its seed is set.
        let mut scalar = Zeroizing::new([0u8; 32]);
        scalar.copy_from_slice(&self.private_key[..32]);
        esk.scalar = curve25519_dalek::Scalar::from_bytes_mod_order(*scalar);
        // A pickle could hold a public key that is not a curve point; libolm would then hash
        // the stored bytes anyway. Fall back to the key derived from the scalar in that case.
        let verifying_key = ed25519_dalek::VerifyingKey::from_bytes(&self.public_key)
            .unwrap_or_else(|_| ed25519_dalek::VerifyingKey::from(&esk));
        ed25519_dalek::hazmat::raw_sign::<Sha512>(&esk, message, &verifying_key).to_bytes()
    }
}

/// Strict Ed25519 verification: rejects S >= L, small-order keys and small-order R.
/// libolm accepts S + L (CVE-2024-45193); we do not, by design.
pub fn ed25519_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public_key) else {
        return false;
    };
    let signature = ed25519_dalek::Signature::from_bytes(signature);
    key.verify_strict(message, &signature).is_ok()
}

/// Length of the AES-CBC ciphertext of `plaintext_length` bytes with PKCS#7 padding.
pub const fn aes_cbc_ciphertext_len(plaintext_length: usize) -> usize {
    plaintext_length + AES_BLOCK_LENGTH - plaintext_length % AES_BLOCK_LENGTH
}

/// AES-256-CBC with PKCS#7 padding, in place: `buffer` holds the plaintext in its first
/// `plaintext_length` bytes and is exactly [`aes_cbc_ciphertext_len`] long.
pub fn aes256_cbc_encrypt_in_place(key: &[u8; 32], iv: &[u8; 16], buffer: &mut [u8], plaintext_length: usize) {
    debug_assert_eq!(buffer.len(), aes_cbc_ciphertext_len(plaintext_length));
    let pad = (buffer.len() - plaintext_length) as u8;
    buffer[plaintext_length..].fill(pad);
    let cipher = Aes256::new(key.into());
    let (blocks, _) = aes::Block::slice_as_chunks_mut(buffer);
    let mut chain = *iv;
    for block in blocks {
        for (b, c) in block.iter_mut().zip(chain.iter()) {
            *b ^= c;
        }
        cipher.encrypt_block(block);
        chain.copy_from_slice(block);
    }
}

/// AES-256-CBC with PKCS#7 padding from `input` into `output`, which must hold exactly
/// [`aes_cbc_ciphertext_len`] bytes.
pub fn aes256_cbc_encrypt(key: &[u8; 32], iv: &[u8; 16], input: &[u8], output: &mut [u8]) {
    output[..input.len()].copy_from_slice(input);
    aes256_cbc_encrypt_in_place(key, iv, output, input.len())
}

/// AES-256-CBC decryption in place, then libolm's padding rule: the last byte says how many
/// bytes to drop, and is not otherwise checked. Returns the plaintext length, or `None` where
/// libolm fails (the padding is longer than the data) or would read out of bounds (an empty or
/// partial-block ciphertext).
pub fn aes256_cbc_decrypt_in_place(key: &[u8; 32], iv: &[u8; 16], data: &mut [u8]) -> Option<usize> {
    if data.is_empty() || !data.len().is_multiple_of(AES_BLOCK_LENGTH) {
        return None;
    }
    let cipher = Aes256::new(key.into());
    let (blocks, _) = aes::Block::slice_as_chunks_mut(data);
    // Decrypt up to 8 blocks at a time (AES-NI pipelines them), then undo the chaining.
    let mut prev = *iv;
    let mut i = 0;
    while i < blocks.len() {
        let end = (i + 8).min(blocks.len());
        let mut saved = [[0u8; 16]; 8];
        for (s, b) in saved.iter_mut().zip(blocks[i..end].iter()) {
            s.copy_from_slice(b);
        }
        cipher.decrypt_blocks(&mut blocks[i..end]);
        for (k, b) in blocks[i..end].iter_mut().enumerate() {
            let chain = if k == 0 { prev } else { saved[k - 1] };
            for (x, c) in b.iter_mut().zip(chain.iter()) {
                *x ^= c;
            }
        }
        prev = saved[end - i - 1];
        i = end;
    }
    // The padding only tells the plaintext's length, which the caller learns anyway.
    let padding = declassify(*data.last()?) as usize;
    data.len().checked_sub(padding)
}

/// The keys of libolm's "AES-SHA-256" cipher, derived from a secret with HKDF and a context
/// string: an AES-256 key, an HMAC-SHA-256 key and an IV.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct CipherKeys {
    pub aes_key: [u8; 32],
    pub mac_key: [u8; 32],
    pub iv: [u8; 16],
}

/// libolm's MACs are HMAC-SHA-256 truncated to 8 bytes.
pub const CIPHER_MAC_LENGTH: usize = 8;

impl CipherKeys {
    pub fn derive(secret: &[u8], info: &[u8]) -> Self {
        let mut okm = Zeroizing::new([0u8; 80]);
        hkdf_sha256(secret, None, info, okm.as_mut());
        let mut keys = Self { aes_key: [0; 32], mac_key: [0; 32], iv: [0; 16] };
        keys.aes_key.copy_from_slice(&okm[..32]);
        keys.mac_key.copy_from_slice(&okm[32..64]);
        keys.iv.copy_from_slice(&okm[64..]);
        keys
    }

    pub fn encrypt(&self, plaintext: &[u8], output: &mut [u8]) {
        aes256_cbc_encrypt(&self.aes_key, &self.iv, plaintext, output)
    }

    pub fn encrypt_in_place(&self, buffer: &mut [u8], plaintext_length: usize) {
        aes256_cbc_encrypt_in_place(&self.aes_key, &self.iv, buffer, plaintext_length)
    }

    pub fn decrypt_in_place(&self, data: &mut [u8]) -> Option<usize> {
        aes256_cbc_decrypt_in_place(&self.aes_key, &self.iv, data)
    }

    pub fn mac(&self, input: &[u8]) -> [u8; 32] {
        hmac_sha256(&self.mac_key, input)
    }

    /// Checks the truncated MAC of `input` in constant time.
    pub fn verify_mac(&self, input: &[u8], mac: &[u8]) -> bool {
        ct_eq(&self.mac(input)[..mac.len().min(32)], mac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Declassifying is a valgrind client request; outside valgrind it must change nothing,
    /// not even the flags a comparison left for a branch after it (SECURITY.md, finding 2).
    #[test]
    fn declassify_changes_nothing() {
        for v in [0u32, 1, 0xdead_beef, u32::MAX] {
            assert_eq!(declassify(v), v);
        }
        assert_eq!(declassify([7u8; 32]), [7u8; 32]);
        for (a, b) in [(1u64, 2u64), (2, 1), (u64::MAX, 0)] {
            let (a, b) = (std::hint::black_box(a), std::hint::black_box(b));
            let less = a < b;
            let a2 = declassify(a);
            assert_eq!(less, a2 < b);
        }
        assert!(ct_eq(b"same", b"same") && !ct_eq(b"same", b"diff") && !ct_eq(b"a", b"ab"));
    }

    #[test]
    fn rfc7748_x25519() {
        let alice = [
            0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2,
            0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5,
            0x1d, 0xb9, 0x2c, 0x2a,
        ];
        let pair = Curve25519KeyPair::from_private_key(&alice);
        assert_eq!(pair.public_key[..4], [0x85, 0x20, 0xf0, 0x09]);
        assert!(pair.shared_secret(&[0u8; 32]).is_none());
    }

    #[test]
    fn ed25519_sign_verify_and_malleability() {
        let pair = Ed25519KeyPair::from_seed(&[7u8; 32]);
        let sig = pair.sign(b"hello");
        assert!(ed25519_verify(&pair.public_key, b"hello", &sig));
        assert!(!ed25519_verify(&pair.public_key, b"hellp", &sig));
        // S + L: accepted by libolm, refused here.
        let mut malleated = sig;
        let l: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for i in 0..32 {
            let s = malleated[32 + i] as u16 + l[i] as u16 + carry;
            malleated[32 + i] = s as u8;
            carry = s >> 8;
        }
        assert!(!ed25519_verify(&pair.public_key, b"hello", &malleated));
    }

    #[test]
    fn cbc_round_trip_with_libolm_padding() {
        let keys = CipherKeys::derive(b"secret", b"info");
        for len in [0usize, 1, 15, 16, 17, 100, 200] {
            let pt: Vec<u8> = (0..len as u8).collect();
            let mut ct = vec![0u8; aes_cbc_ciphertext_len(len)];
            keys.encrypt(&pt, &mut ct);
            let n = keys.decrypt_in_place(&mut ct).unwrap();
            assert_eq!(&ct[..n], &pt[..]);
        }
        assert_eq!(keys.decrypt_in_place(&mut []), None);
        assert_eq!(keys.decrypt_in_place(&mut [0u8; 15]), None);
    }
}
