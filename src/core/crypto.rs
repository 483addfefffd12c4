//! Thin wrappers over the RustCrypto and dalek primitives, shaped the way libolm uses them.
//!
//! Every secret lives in a type that wipes itself on drop.

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit};
use aes::{Aes256Dec, Aes256Enc};
use curve25519_dalek::{EdwardsPoint, Scalar};
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
    crate::valgrind::declassify(&mut value);
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
        // Fixed-base multiplication with the precomputed Edwards basepoint table: the same
        // result as X25519(k, 9) (clamping included), about 4x faster than the ladder.
        let public_key = declassify(curve25519_dalek::MontgomeryPoint::mul_base_clamped(*private_key).to_bytes());
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

/// X25519 (RFC 7748). For a public key on the curve, via the Edwards form, where dalek's
/// constant-time variable-base multiplication uses AVX2 when the CPU has it (faster than the
/// Montgomery ladder, same result: clamping clears the cofactor either way and the u-coordinate
/// is the same for P and -P). A key on the twist, or u = -1, takes the ladder; which path runs
/// depends only on the public key.
fn x25519(private_key: &[u8; 32], their_public_key: &[u8; 32]) -> [u8; 32] {
    let point = curve25519_dalek::MontgomeryPoint(*their_public_key);
    match point.to_edwards(0) {
        Some(edwards) => edwards.mul_clamped(*private_key).to_montgomery().to_bytes(),
        None => point.mul_clamped(*private_key).to_bytes(),
    }
}

/// X25519 of a private key (any 32 bytes) and a public key; `None` for a non-contributory result.
pub fn shared_secret(private_key: &[u8; 32], their_public_key: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
    let secret = Zeroizing::new(x25519(private_key, their_public_key));
    // Whether the result is all zeros depends only on their (public) key.
    if declassify(bool::from(secret.ct_eq(&[0u8; 32]))) {
        None
    } else {
        Some(secret)
    }
}

/// The u-coordinates of the points of small order on Curve25519 and its twist, as X25519 reads
/// them (bit 255 ignored): 0 and 1 (also encoded non-canonically as p and p + 1), p - 1, and the
/// two of order 8. X25519 of one of these is zero for every private key, and of any other
/// u-coordinate never (a clamped scalar is a multiple of the cofactor and smaller than both
/// large prime orders), so this list decides exactly what [`shared_secret`] refuses.
const LOW_ORDER_U: [[u8; 32]; 7] = [
    [0; 32],
    {
        let mut u = [0u8; 32];
        u[0] = 1;
        u
    },
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09,
        0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
    ],
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44,
        0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57,
    ],
    p_plus(-1),
    p_plus(0),
    p_plus(1),
];

/// The little-endian encoding of p + `k` (p = 2^255 - 19), for small `k`.
const fn p_plus(k: i8) -> [u8; 32] {
    let mut u = [0xff; 32];
    u[0] = (0xed_i16 + k as i16) as u8;
    u[31] = 0x7f;
    u
}

/// Whether X25519 with `public_key` is non-contributory (zero) for every private key, found
/// without a scalar multiplication. The key is public, the answer too.
pub fn is_low_order(public_key: &[u8; 32]) -> bool {
    let mut u = *public_key;
    u[31] &= 0x7f;
    let mut found = subtle::Choice::from(0);
    for low in &LOW_ORDER_U {
        found |= u.ct_eq(low);
    }
    declassify(bool::from(found))
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

    /// RFC 8032 signing. The stored public key bytes are hashed as they are, as libolm does,
    /// so signing needs no point decompression (a field exponentiation per signature).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        // libolm signs with the stored scalar as it is (reduced mod L), not clamped as dalek's
        // ExpandedSecretKey would: the two agree for every generated key, but not for an unset
        // (all-zero) one, e.g. a pk signing object used before its seed is set.
        let mut scalar_bytes = Zeroizing::new([0u8; 32]);
        scalar_bytes.copy_from_slice(&self.private_key[..32]);
        let scalar = Zeroizing::new(Scalar::from_bytes_mod_order(*scalar_bytes));
        let hash_prefix = &self.private_key[32..];
        let nonce_hash: Zeroizing<[u8; 64]> =
            Zeroizing::new(Sha512::new().chain_update(hash_prefix).chain_update(message).finalize().into());
        let nonce = Zeroizing::new(Scalar::from_bytes_mod_order_wide(&nonce_hash));
        let commitment = EdwardsPoint::mul_base(&nonce).compress();
        let challenge: [u8; 64] = Sha512::new()
            .chain_update(commitment.as_bytes())
            .chain_update(self.public_key)
            .chain_update(message)
            .finalize()
            .into();
        let s = Scalar::from_bytes_mod_order_wide(&challenge) * *scalar + *nonce;
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(commitment.as_bytes());
        signature[32..].copy_from_slice(s.as_bytes());
        signature
    }
}

/// Strict Ed25519 verification: rejects S >= L, small-order keys and small-order R.
/// libolm accepts S + L (CVE-2024-45193); we do not, by design.
pub fn ed25519_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    Ed25519PublicKey::new(*public_key).verify(message, signature)
}

/// An Ed25519 public key kept with its decompressed point, for keys that verify many
/// signatures (a Megolm sender's): decompression costs a field exponentiation, about a tenth of
/// a 1 KiB group message's decryption. Fixed size, no heap.
#[derive(Clone, Copy)]
pub struct Ed25519PublicKey {
    bytes: [u8; 32],
    /// `None` when the bytes are not a curve point: every signature then fails.
    point: Option<ed25519_dalek::VerifyingKey>,
}

impl Default for Ed25519PublicKey {
    /// The all-zero key, without decompressing it: it is a small-order point, which strict
    /// verification refuses anyway.
    fn default() -> Self {
        Self { bytes: [0; 32], point: None }
    }
}

impl Ed25519PublicKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self { bytes, point: ed25519_dalek::VerifyingKey::from_bytes(&bytes).ok() }
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Strict verification, as [`ed25519_verify`].
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let Some(key) = self.point else { return false };
        key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature)).is_ok()
    }
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
    // One call for the whole message: the backend (e.g. VAES's broadcast round keys) is set up
    // once, not once per block.
    let (blocks, _) = aes::Block::slice_as_chunks_mut(buffer);
    cbc::Encryptor::<Aes256Enc>::new(key.into(), iv.into()).encrypt_blocks(blocks);
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
    // One call for the whole message: the backend decrypts in its widest batches (64 blocks
    // with VAES-512, 8 with AES-NI), set up once.
    let (blocks, _) = aes::Block::slice_as_chunks_mut(data);
    cbc::Decryptor::<Aes256Dec>::new(key.into(), iv.into()).decrypt_blocks(blocks);
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
    fn low_order_list_is_what_x25519_refuses() {
        // The list holds the u-coordinates of the curve's 8-torsion...
        for point in curve25519_dalek::constants::EIGHT_TORSION {
            assert!(is_low_order(&point.to_montgomery().to_bytes()));
        }
        let private_keys = [[0x5a; 32], [0xff; 32], [0; 32], {
            let mut k = [0x13u8; 32];
            k[31] = 0x80;
            k
        }];
        // ... and every entry, with or without bit 255, gives a zero secret for any key.
        for low in LOW_ORDER_U {
            for high_bit in [0, 0x80] {
                let mut u = low;
                u[31] |= high_bit;
                assert!(is_low_order(&u));
                for k in &private_keys {
                    assert_eq!(x25519(k, &u), [0; 32]);
                    assert!(shared_secret(k, &u).is_none());
                }
            }
        }
        // Everything else gives a secret: the neighbours of each entry, and ordinary keys.
        for low in LOW_ORDER_U {
            for delta in [1u8, 2, 0x80] {
                let mut u = low;
                u[1] ^= delta;
                assert!(!is_low_order(&u));
                assert!(shared_secret(&private_keys[0], &u).is_some());
            }
        }
        for seed in 0u8..32 {
            let public = Curve25519KeyPair::from_private_key(&[seed; 32]).public_key;
            assert!(!is_low_order(&public));
        }
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
    fn rfc8032_ed25519_test_1() {
        let seed: [u8; 32] = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let pair = Ed25519KeyPair::from_seed(&seed);
        assert_eq!(pair.public_key, hex::<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
        let expected: [u8; 64] = hex(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        );
        assert_eq!(pair.sign(b""), expected);
    }

    #[test]
    fn fixed_base_public_key_matches_the_ladder() {
        for seed in 0u8..16 {
            let private_key = [seed.wrapping_mul(37) ^ 0xa5; 32];
            let ladder = x25519_dalek::x25519(private_key, x25519_dalek::X25519_BASEPOINT_BYTES);
            assert_eq!(Curve25519KeyPair::from_private_key(&private_key).public_key, ladder);
        }
    }

    #[test]
    fn x25519_matches_the_ladder_on_curve_twist_and_small_order_keys() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            let mut bytes = [0u8; 32];
            for b in bytes.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = seed as u8;
            }
            bytes
        };
        let mut special: Vec<[u8; 32]> = vec![[0; 32], [0xff; 32]];
        let mut one = [0u8; 32];
        one[0] = 1;
        special.push(one);
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        special.push(minus_one);
        for i in 0..300 {
            let private_key = next();
            let public_key = if i < special.len() { special[i] } else { next() };
            let ladder = x25519_dalek::x25519(private_key, public_key);
            assert_eq!(x25519(&private_key, &public_key), ladder, "public key {public_key:02x?}");
        }
    }

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn parsed_public_keys_verify_as_the_plain_function() {
        let pair = Ed25519KeyPair::from_seed(&[9u8; 32]);
        let sig = pair.sign(b"message");
        let key = Ed25519PublicKey::new(pair.public_key);
        assert!(key.verify(b"message", &sig));
        assert!(!key.verify(b"massage", &sig));
        // The default (all-zero, small-order) key verifies nothing, parsed or not.
        assert!(!Ed25519PublicKey::default().verify(b"message", &sig));
        assert!(!Ed25519PublicKey::new([0; 32]).verify(b"message", &sig));
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
