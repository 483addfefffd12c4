//! libolm's "pk" family: encryption to a Curve25519 public key (an ephemeral key agreement,
//! then the AES-SHA-256 cipher with an empty HKDF info string), the matching decryption key
//! with its pickle, and Ed25519 signing from a 32-byte seed.
//!
//! The MAC libolm sends with a pk message is HMAC-SHA-256 over the *empty string* under the
//! derived MAC key, not over the ciphertext: it authenticates the key agreement only. Matrix
//! key backups depend on exactly this, so it is reproduced on purpose.

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::base64;
use super::crypto::{
    aes_cbc_ciphertext_len, CipherKeys, Curve25519KeyPair, Ed25519KeyPair, AES_BLOCK_LENGTH,
    CIPHER_MAC_LENGTH, CURVE25519_KEY_LENGTH, ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH,
};
use super::pickle::{Pickle, Reader, UnpickleError, Writer};
use super::OlmError;

/// Length of a base64 Curve25519 public key (a recipient or an ephemeral key).
pub const PK_KEY_LENGTH: usize = base64::encoded_len(CURVE25519_KEY_LENGTH);
/// Length of a raw Curve25519 private key.
pub const PK_PRIVATE_KEY_LENGTH: usize = CURVE25519_KEY_LENGTH;
/// Random bytes consumed by one encryption: the ephemeral private key.
pub const PK_ENCRYPT_RANDOM_LENGTH: usize = CURVE25519_KEY_LENGTH;
/// Length of the base64 MAC of a pk message.
pub const PK_MAC_LENGTH: usize = base64::encoded_len(CIPHER_MAC_LENGTH);
/// Length of the seed of a signing key.
pub const PK_SIGNING_SEED_LENGTH: usize = 32;
/// Length of a base64 Ed25519 public key.
pub const PK_SIGNING_PUBLIC_KEY_LENGTH: usize = base64::encoded_len(ED25519_PUBLIC_KEY_LENGTH);
/// Length of a base64 Ed25519 signature.
pub const PK_SIGNATURE_LENGTH: usize = base64::encoded_len(ED25519_SIGNATURE_LENGTH);

/// The HKDF info string of the pk cipher: empty.
const PK_CIPHER_INFO: &[u8] = b"";
const PK_DECRYPTION_PICKLE_VERSION: u32 = 1;

/// What `olm_pk_encrypt` returns on success: libolm hands back the raw MAC length, not the
/// length of anything it wrote.
const PK_ENCRYPT_RESULT: usize = CIPHER_MAC_LENGTH;

/// The error for a recipient key whose key agreement has no secret (a low-order point, or no
/// key set at all, which is the all-zero point). libolm encrypts anyway, to a secret anyone
/// can compute; we refuse (a deliberate difference) with the error libolm uses for an unusable
/// key input.
const UNUSABLE_RECIPIENT_KEY: OlmError = OlmError::InvalidBase64;

/// libolm's `encode_base64_length`, with its wrap-around for absurd lengths, so that the
/// length queries answer exactly as libolm for every input and never panic.
const fn libolm_encoded_len(n: usize) -> usize {
    let m = n.wrapping_add(2);
    (4usize.wrapping_mul(m / 3)).wrapping_add(m % 3).wrapping_sub(2)
}

/// Length of the base64 ciphertext of `plaintext_length` bytes (`olm_pk_ciphertext_length`).
pub const fn ciphertext_len(plaintext_length: usize) -> usize {
    let padded = plaintext_length.wrapping_add(AES_BLOCK_LENGTH).wrapping_sub(plaintext_length % AES_BLOCK_LENGTH);
    libolm_encoded_len(padded)
}

/// The plaintext buffer `olm_pk_decrypt` requires for a base64 ciphertext of
/// `ciphertext_length` characters: its decoded length, or `usize::MAX` for a length libolm
/// cannot decode (so the buffer check fails first, unless a caller claims `usize::MAX` bytes
/// and gets INVALID_BASE64 instead, both as in libolm).
pub const fn max_plaintext_len(ciphertext_length: usize) -> usize {
    if ciphertext_length % 4 == 1 {
        return usize::MAX;
    }
    let m = ciphertext_length.wrapping_add(2);
    (3usize.wrapping_mul(m / 4)).wrapping_add(m % 4).wrapping_sub(2)
}

/// Encodes the `raw_length` bytes that end `buffer` into its start.
///
/// This is where libolm leaves the base64 ciphertext of `olm_pk_encrypt`: the raw ciphertext
/// is written at the very end of the caller's buffer (however long), then encoded forwards,
/// so any bytes past the base64 keep the tail of the raw ciphertext. Each 48-byte chunk is
/// copied out before its 64 characters are written; the characters never reach a chunk not
/// yet read, because the raw bytes start at least `in_place_offset(raw_length)` in.
fn encode_from_tail(buffer: &mut [u8], raw_length: usize) -> usize {
    const CHUNK: usize = 48;
    let start = buffer.len() - raw_length;
    debug_assert!(start >= base64::in_place_offset(raw_length));
    let mut chunk = [0u8; CHUNK];
    let mut read = 0;
    let mut written = 0;
    while read < raw_length {
        let n = CHUNK.min(raw_length - read);
        chunk[..n].copy_from_slice(&buffer[start + read..start + read + n]);
        written += base64::encode(&chunk[..n], &mut buffer[written..]);
        read += n;
    }
    written
}

/// An `OlmPkEncryption`: the recipient's public key.
#[derive(Default)]
pub struct PkEncryption {
    recipient_key: [u8; CURVE25519_KEY_LENGTH],
}

impl PkEncryption {
    /// Sets the recipient from its base64 public key. As in libolm, only the first
    /// [`PK_KEY_LENGTH`] characters are read, and any characters decode (to garbage if they
    /// are not base64).
    pub fn set_recipient_key(&mut self, key: &[u8]) -> Result<usize, OlmError> {
        let key = key.get(..PK_KEY_LENGTH).ok_or(OlmError::InputBufferTooSmall)?;
        self.recipient_key = base64::decode_array(key).ok_or(OlmError::InvalidBase64)?;
        Ok(0)
    }

    /// Encrypts `plaintext` for the recipient with the ephemeral key `random`, writing the
    /// base64 ciphertext, MAC and ephemeral public key. Returns 8, as libolm does.
    ///
    /// libolm checks the MAC buffer against the raw MAC length (8) but writes its base64 (11):
    /// we require the 11 bytes we write (a deliberate difference; never write past a buffer).
    pub fn encrypt(
        &self,
        plaintext: &[u8],
        ciphertext: &mut [u8],
        mac: &mut [u8],
        ephemeral_key: &mut [u8],
        random: &[u8],
    ) -> Result<usize, OlmError> {
        if ciphertext.len() < ciphertext_len(plaintext.len())
            || mac.len() < PK_MAC_LENGTH
            || ephemeral_key.len() < PK_KEY_LENGTH
        {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let random: &[u8; PK_ENCRYPT_RANDOM_LENGTH] = random
            .get(..PK_ENCRYPT_RANDOM_LENGTH)
            .and_then(|r| r.try_into().ok())
            .ok_or(OlmError::NotEnoughRandom)?;
        let ephemeral = Curve25519KeyPair::from_private_key(random);
        let secret = ephemeral.shared_secret(&self.recipient_key).ok_or(UNUSABLE_RECIPIENT_KEY)?;
        let keys = CipherKeys::derive(secret.as_ref(), PK_CIPHER_INFO);

        let raw_length = aes_cbc_ciphertext_len(plaintext.len());
        let raw_start = ciphertext.len() - raw_length;
        keys.encrypt(plaintext, &mut ciphertext[raw_start..]);
        // libolm's MAC: over the empty string (see the module documentation).
        let raw_mac = keys.mac(&[]);
        base64::encode(&raw_mac[..CIPHER_MAC_LENGTH], mac);
        base64::encode(&ephemeral.public_key, ephemeral_key);
        encode_from_tail(ciphertext, raw_length);
        Ok(PK_ENCRYPT_RESULT)
    }
}

/// An `OlmPkDecryption`: a Curve25519 key pair.
#[derive(Default, Zeroize, ZeroizeOnDrop)]
pub struct PkDecryption {
    key_pair: Curve25519KeyPair,
}

/// A pk message whose key agreement and MAC check out, ready to decrypt.
struct Authenticated {
    keys: CipherKeys,
    raw_length: usize,
}

impl PkDecryption {
    /// Takes `private_key` (its first 32 bytes) as the key pair and writes the base64 public key.
    pub fn set_private_key(&mut self, public_key: &mut [u8], private_key: &[u8]) -> Result<usize, OlmError> {
        if public_key.len() < PK_KEY_LENGTH {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let private_key: &[u8; PK_PRIVATE_KEY_LENGTH] = private_key
            .get(..PK_PRIVATE_KEY_LENGTH)
            .and_then(|k| k.try_into().ok())
            .ok_or(OlmError::InputBufferTooSmall)?;
        self.key_pair = Curve25519KeyPair::from_private_key(private_key);
        self.write_public_key(public_key);
        Ok(0)
    }

    /// Writes the base64 public key; `output` holds at least [`PK_KEY_LENGTH`] bytes.
    pub fn write_public_key(&self, output: &mut [u8]) {
        base64::encode(&self.key_pair.public_key, output);
    }

    /// Copies out the raw private key, returning its length.
    pub fn private_key(&self, output: &mut [u8]) -> Result<usize, OlmError> {
        let output = output.get_mut(..PK_PRIVATE_KEY_LENGTH).ok_or(OlmError::OutputBufferTooSmall)?;
        output.copy_from_slice(&self.key_pair.private_key);
        Ok(PK_PRIVATE_KEY_LENGTH)
    }

    /// libolm's checks, in its order, then the key agreement and the MAC.
    fn authenticate(
        &self,
        ephemeral_key: &[u8],
        mac: &[u8],
        ciphertext_length: usize,
        plaintext_capacity: usize,
    ) -> Result<Authenticated, OlmError> {
        if plaintext_capacity < max_plaintext_len(ciphertext_length) {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let raw_length = match base64::decoded_len(ciphertext_length) {
            Some(n) if ephemeral_key.len() == PK_KEY_LENGTH && mac.len() == PK_MAC_LENGTH => n,
            _ => return Err(OlmError::InvalidBase64),
        };
        let ephemeral: [u8; CURVE25519_KEY_LENGTH] =
            base64::decode_array(ephemeral_key).ok_or(OlmError::InvalidBase64)?;
        let raw_mac: [u8; CIPHER_MAC_LENGTH] = base64::decode_array(mac).ok_or(OlmError::InvalidBase64)?;
        // A low-order ephemeral key gives a secret anyone can compute, so the MAC proves
        // nothing: refuse it as a bad MAC (a deliberate difference; libolm uses the secret).
        let secret = self.key_pair.shared_secret(&ephemeral).ok_or(OlmError::BadMessageMac)?;
        let keys = CipherKeys::derive(secret.as_ref(), PK_CIPHER_INFO);
        if !keys.verify_mac(&[], &raw_mac) {
            return Err(OlmError::BadMessageMac);
        }
        // libolm reads and writes out of bounds here (see `decrypt`); we stop before either.
        if raw_length == 0 || raw_length % AES_BLOCK_LENGTH != 0 {
            return Err(OlmError::BadMessageMac);
        }
        Ok(Authenticated { keys, raw_length })
    }

    /// Decrypts the base64 `ciphertext` into `plaintext`, returning the plaintext length.
    ///
    /// libolm decodes the caller's ciphertext in place; we decode into the plaintext buffer
    /// and leave the ciphertext intact. A decoded ciphertext that is empty or not whole AES
    /// blocks makes libolm read and write out of bounds; we fail with BAD_MESSAGE_MAC, the
    /// error libolm gives for every ciphertext it cannot decrypt (a deliberate difference).
    pub fn decrypt(
        &self,
        ephemeral_key: &[u8],
        mac: &[u8],
        ciphertext: &[u8],
        plaintext: &mut [u8],
    ) -> Result<usize, OlmError> {
        let capacity = plaintext.len();
        self.decrypt_with_capacity(ephemeral_key, mac, ciphertext, plaintext, capacity)
    }

    /// [`decrypt`](Self::decrypt) with the plaintext length the caller claimed, which the C
    /// API's slices clamp to `isize::MAX`: libolm checks the claim itself, and a claim of
    /// `usize::MAX` passes that check even for a ciphertext length it cannot decode (which
    /// then gives INVALID_BASE64).
    pub fn decrypt_with_capacity(
        &self,
        ephemeral_key: &[u8],
        mac: &[u8],
        ciphertext: &[u8],
        plaintext: &mut [u8],
        plaintext_capacity: usize,
    ) -> Result<usize, OlmError> {
        let auth = self.authenticate(ephemeral_key, mac, ciphertext.len(), plaintext_capacity)?;
        let raw = plaintext.get_mut(..auth.raw_length).ok_or(OlmError::OutputBufferTooSmall)?;
        base64::decode(ciphertext, raw).ok_or(OlmError::InvalidBase64)?;
        auth.keys.decrypt_in_place(raw).ok_or(OlmError::BadMessageMac)
    }

    /// [`decrypt`](Self::decrypt) for a caller that passes the same buffer as ciphertext and
    /// plaintext (which libolm supports): the base64 ciphertext is the first
    /// `ciphertext_length` bytes of `buffer`, and `plaintext_capacity` is the plaintext
    /// length the caller gave.
    pub fn decrypt_in_place(
        &self,
        ephemeral_key: &[u8],
        mac: &[u8],
        buffer: &mut [u8],
        ciphertext_length: usize,
        plaintext_capacity: usize,
    ) -> Result<usize, OlmError> {
        let auth = self.authenticate(ephemeral_key, mac, ciphertext_length, plaintext_capacity)?;
        let ciphertext = buffer.get_mut(..ciphertext_length).ok_or(OlmError::InvalidBase64)?;
        let raw_length = base64::decode_in_place(ciphertext).ok_or(OlmError::InvalidBase64)?;
        debug_assert_eq!(raw_length, auth.raw_length);
        auth.keys.decrypt_in_place(&mut ciphertext[..raw_length]).ok_or(OlmError::BadMessageMac)
    }
}

/// Pickle layout, version 1: the version, then the public and private keys.
impl Pickle for PkDecryption {
    fn pickle_len(&self) -> usize {
        4 + 2 * CURVE25519_KEY_LENGTH
    }

    fn write_pickle(&self, w: &mut Writer<'_>) {
        w.u32(PK_DECRYPTION_PICKLE_VERSION);
        w.curve25519_key_pair(&self.key_pair);
    }

    fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
        if r.u32()? != PK_DECRYPTION_PICKLE_VERSION {
            return Err(OlmError::UnknownPickleVersion.into());
        }
        Ok(Self { key_pair: r.curve25519_key_pair()? })
    }
}

/// An `OlmPkSigning`: an Ed25519 key pair.
#[derive(Default, Zeroize, ZeroizeOnDrop)]
pub struct PkSigning {
    key_pair: Ed25519KeyPair,
}

impl PkSigning {
    /// Derives the key pair from the first 32 bytes of `seed` and writes the base64 public key.
    pub fn set_seed(&mut self, public_key: &mut [u8], seed: &[u8]) -> Result<usize, OlmError> {
        if public_key.len() < PK_SIGNING_PUBLIC_KEY_LENGTH {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let seed: &[u8; PK_SIGNING_SEED_LENGTH] = seed
            .get(..PK_SIGNING_SEED_LENGTH)
            .and_then(|s| s.try_into().ok())
            .ok_or(OlmError::InputBufferTooSmall)?;
        self.key_pair = Ed25519KeyPair::from_seed(seed);
        base64::encode(&self.key_pair.public_key, public_key);
        Ok(0)
    }

    /// Signs `message`, writing the base64 signature; returns its length.
    pub fn sign(&self, message: &[u8], signature: &mut [u8]) -> Result<usize, OlmError> {
        let signature = signature.get_mut(..PK_SIGNATURE_LENGTH).ok_or(OlmError::OutputBufferTooSmall)?;
        let raw = self.key_pair.sign(message);
        // As libolm: the raw signature at the end of the base64's room, encoded over itself.
        signature[base64::in_place_offset(ED25519_SIGNATURE_LENGTH)..].copy_from_slice(&raw);
        Ok(base64::encode_in_place(signature, ED25519_SIGNATURE_LENGTH))
    }
}

#[cfg(test)]
mod tests {
    //! Known answers generated with libolm 3.2 (libolm's own test keys).
    use super::*;
    use crate::core::crypto::ed25519_verify;
    use crate::core::pickle;

    const ALICE_PRIVATE: [u8; 32] = [
        0x77, 0x07, 0x6D, 0x0A, 0x73, 0x18, 0xA5, 0x7D, 0x3C, 0x16, 0xC1, 0x72, 0x51, 0xB2, 0x66, 0x45,
        0xDF, 0x4C, 0x2F, 0x87, 0xEB, 0xC0, 0x99, 0x2A, 0xB1, 0x77, 0xFB, 0xA5, 0x1D, 0xB9, 0x2C, 0x2A,
    ];
    const ALICE_PUBLIC: &[u8] = b"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo";
    const BOB_PRIVATE: [u8; 32] = [
        0x5D, 0xAB, 0x08, 0x7E, 0x62, 0x4A, 0x8A, 0x4B, 0x79, 0xE1, 0x7F, 0x8B, 0x83, 0x80, 0x0E, 0xE6,
        0x6F, 0x3B, 0xB1, 0x29, 0x26, 0x18, 0xB6, 0xFD, 0x1C, 0x2F, 0x8B, 0x27, 0xFF, 0x88, 0xE0, 0xEB,
    ];
    const BOB_PUBLIC: &[u8] = b"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";
    /// HMAC-SHA-256 of the empty string under the Alice-Bob MAC key: the same for every message.
    const ALICE_BOB_MAC: &[u8] = b"zpzU6BkZcNI";
    /// Low-order Curve25519 points (u = 0, u = 1, a point of order 8): no shared secret.
    const LOW_ORDER: [&[u8]; 3] = [
        b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        b"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        b"4Ot6fDtBuK4WVuP68Z/EatoJjeucMrH9hmIFFl9JuAA",
    ];

    fn alice() -> PkDecryption {
        let mut d = PkDecryption::default();
        let mut public = [0u8; PK_KEY_LENGTH];
        assert_eq!(d.set_private_key(&mut public, &ALICE_PRIVATE), Ok(0));
        assert_eq!(&public[..], ALICE_PUBLIC);
        d
    }

    fn to_alice() -> PkEncryption {
        let mut e = PkEncryption::default();
        assert_eq!(e.set_recipient_key(ALICE_PUBLIC), Ok(0));
        e
    }

    /// Encrypts to Alice with Bob's key as the ephemeral key, into exactly sized buffers.
    fn encrypt(plaintext: &[u8]) -> (Vec<u8>, [u8; PK_MAC_LENGTH], [u8; PK_KEY_LENGTH]) {
        let mut ct = vec![0u8; ciphertext_len(plaintext.len())];
        let (mut mac, mut eph) = ([0u8; PK_MAC_LENGTH], [0u8; PK_KEY_LENGTH]);
        assert_eq!(to_alice().encrypt(plaintext, &mut ct, &mut mac, &mut eph, &BOB_PRIVATE), Ok(8));
        (ct, mac, eph)
    }

    #[test]
    fn encryption_known_answers() {
        let cases: [(&[u8], &[u8]); 4] = [
            (b"This is a test", b"ntk49j/KozVFtSqJXhCejg"),
            (b"", b"UC8mxGUKffLJE0TCXn3gTg"),
            (b"0123456789abcdef", b"YdCN2otIZ8vuJfZYVssz2BxEyvasUhK5R5u7RnsxUTc"),
            (
                &[b'x'; 100],
                b"oewxB/IFKu2yXc+fBfPzY0SdBnEGb2zESVDI1JSeRGtjsMbz6QvO/K/7trrJCp1V13kVI5ctA2yRr3yVsgd7fBUa\
                  bejlpyGliBRsq031dszE4Tvl8ezaxlEID004ucbfjUL8S9Nencn5CEarqlx2QQ",
            ),
        ];
        let alice = alice();
        for (plaintext, expected) in cases {
            let (ct, mac, eph) = encrypt(plaintext);
            assert_eq!(&ct[..], expected);
            assert_eq!(&mac[..], ALICE_BOB_MAC);
            assert_eq!(&eph[..], BOB_PUBLIC);
            let mut out = vec![0u8; max_plaintext_len(ct.len())];
            let n = alice.decrypt(&eph, &mac, &ct, &mut out).unwrap();
            assert_eq!(&out[..n], plaintext);
        }
    }

    #[test]
    fn a_longer_ciphertext_buffer_keeps_the_raw_tail_as_libolm() {
        let mut ct = [0u8; 27];
        let (mut mac, mut eph) = ([0u8; PK_MAC_LENGTH], [0u8; PK_KEY_LENGTH]);
        to_alice().encrypt(b"This is a test", &mut ct, &mut mac, &mut eph, &BOB_PRIVATE).unwrap();
        assert_eq!(&ct[..22], b"ntk49j/KozVFtSqJXhCejg");
        assert_eq!(&ct[22..], [0x89, 0x5e, 0x10, 0x9e, 0x8e]);
    }

    #[test]
    fn encryption_errors() {
        let e = to_alice();
        let (mut ct, mut mac, mut eph) = ([0u8; 22], [0u8; 11], [0u8; 43]);
        let too_small = Err(OlmError::OutputBufferTooSmall);
        assert_eq!(e.encrypt(b"x", &mut ct[..21], &mut mac, &mut eph, &BOB_PRIVATE), too_small);
        assert_eq!(e.encrypt(b"x", &mut ct, &mut mac, &mut eph[..42], &BOB_PRIVATE), too_small);
        // libolm accepts 8 to 10 bytes and writes 11; we refuse (deliberate difference).
        for n in 0..PK_MAC_LENGTH {
            assert_eq!(e.encrypt(b"x", &mut ct, &mut mac[..n], &mut eph, &BOB_PRIVATE), too_small);
        }
        assert_eq!(e.encrypt(b"x", &mut ct, &mut mac, &mut eph, &BOB_PRIVATE[..31]), Err(OlmError::NotEnoughRandom));
        // No recipient yet, or a low-order one: no secret, refused (deliberate difference).
        let unset = PkEncryption::default();
        assert_eq!(unset.encrypt(b"x", &mut ct, &mut mac, &mut eph, &BOB_PRIVATE), Err(OlmError::InvalidBase64));
        for key in LOW_ORDER {
            let mut e = PkEncryption::default();
            e.set_recipient_key(key).unwrap();
            assert_eq!(e.encrypt(b"x", &mut ct, &mut mac, &mut eph, &BOB_PRIVATE), Err(OlmError::InvalidBase64));
        }
        let mut e = PkEncryption::default();
        assert_eq!(e.set_recipient_key(&ALICE_PUBLIC[..42]), Err(OlmError::InputBufferTooSmall));
        // Only the first 43 characters are read.
        let mut longer = ALICE_PUBLIC.to_vec();
        longer.extend_from_slice(b"!!");
        assert_eq!(e.set_recipient_key(&longer), Ok(0));
        assert_eq!(e.recipient_key, to_alice().recipient_key);
    }

    #[test]
    fn decryption_errors() {
        let alice = alice();
        let (ct, mac, eph) = encrypt(b"This is a test");
        let mut out = [0u8; 64];
        let decrypt = |eph: &[u8], mac: &[u8], ct: &[u8], out: &mut [u8]| alice.decrypt(eph, mac, ct, out);
        assert_eq!(decrypt(&eph, &mac, &ct, &mut out[..15]), Err(OlmError::OutputBufferTooSmall));
        // A length of 1 mod 4 needs a buffer of usize::MAX bytes, so the buffer is always too small.
        assert_eq!(max_plaintext_len(21), usize::MAX);
        assert_eq!(decrypt(&eph, &mac, b"AAAAAAAAAAAAAAAAAAAAA", &mut out), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(decrypt(&eph[..42], &mac, &ct, &mut out), Err(OlmError::InvalidBase64));
        assert_eq!(decrypt(&mac, &mac, &ct, &mut out), Err(OlmError::InvalidBase64));
        assert_eq!(decrypt(&eph, &mac[..10], &ct, &mut out), Err(OlmError::InvalidBase64));
        let mut bad_mac = mac;
        bad_mac[0] = b'A';
        assert_eq!(decrypt(&eph, &bad_mac, &ct, &mut out), Err(OlmError::BadMessageMac));
        for key in LOW_ORDER {
            assert_eq!(decrypt(key, &mac, &ct, &mut out), Err(OlmError::BadMessageMac));
        }
        // Empty or partial-block ciphertexts: libolm reads out of bounds; we refuse, untouched.
        let mut untouched = [0u8; 32];
        for bad in [&b""[..], &ct[..20], b"AAAAAAAAAAAAAAAAAAAAAAAA"] {
            assert_eq!(decrypt(&eph, &mac, bad, &mut untouched), Err(OlmError::BadMessageMac));
            assert_eq!(untouched, [0u8; 32]);
        }
        // The MAC does not cover the ciphertext: a changed one decrypts to garbage, and fails
        // only when its padding byte is impossible.
        let mut changed = ct.clone();
        changed[21] = b'/';
        assert_eq!(decrypt(&eph, &mac, &changed, &mut out), Err(OlmError::BadMessageMac));
    }

    #[test]
    fn decrypt_in_place_matches_decrypt() {
        let alice = alice();
        let (ct, mac, eph) = encrypt(b"This is a test");
        let mut buffer = ct.clone();
        let n = alice.decrypt_in_place(&eph, &mac, &mut buffer, ct.len(), ct.len()).unwrap();
        assert_eq!(&buffer[..n], b"This is a test");
        let mut buffer = ct.clone();
        assert_eq!(alice.decrypt_in_place(&eph, &mac, &mut buffer, ct.len(), 15), Err(OlmError::OutputBufferTooSmall));
    }

    #[test]
    fn lengths_as_libolm_including_wrap_around() {
        let cases = [
            (0, 22, 0),
            (1, 22, usize::MAX),
            (15, 22, 11),
            (16, 43, 12),
            (17, 43, usize::MAX),
            (usize::MAX, 0, usize::MAX),
            (usize::MAX - 1, 0, usize::MAX - 1),
            (usize::MAX - 15, 0, 13835058055282163700),
            (usize::MAX - 16, 6148914691236517184, 13835058055282163699),
        ];
        for (n, ct, pt) in cases {
            assert_eq!((ciphertext_len(n), max_plaintext_len(n)), (ct, pt), "{n}");
        }
        assert_eq!((PK_KEY_LENGTH, PK_MAC_LENGTH, PK_SIGNATURE_LENGTH), (43, 11, 86));
    }

    #[test]
    fn private_key_and_pickle_known_answer() {
        let alice = alice();
        let mut private = [0u8; 33];
        assert_eq!(alice.private_key(&mut private[..31]), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(alice.private_key(&mut private), Ok(32));
        assert_eq!(private[..32], ALICE_PRIVATE);

        let expected: &[u8] = b"qx37WTQrjZLz5tId/uBX9B3/okqAbV1ofl9UnHKno1eipByCpXleAAlAZoJgYnCDOQZDQWzo3luTSfkF9pU1mOI\
                                LCbbouubs6TVeDyPfgGD9i86J8irHjA";
        let mut pickled = vec![0u8; pickle::sealed_len(alice.pickle_len())];
        assert_eq!(pickle::seal(&alice, b"secret_key", &mut pickled), Ok(118));
        assert_eq!(&pickled[..], expected);
        let loaded: PkDecryption = pickle::open(b"secret_key", expected).unwrap();
        assert_eq!(loaded.key_pair.private_key, ALICE_PRIVATE);
        let mut public = [0u8; PK_KEY_LENGTH];
        loaded.write_public_key(&mut public);
        assert_eq!(&public[..], ALICE_PUBLIC);
        assert!(matches!(
            pickle::open::<PkDecryption>(b"wrong", expected),
            Err(UnpickleError::Error(OlmError::BadAccountKey))
        ));
    }

    #[test]
    fn set_private_key_errors() {
        let mut d = PkDecryption::default();
        let mut public = [0u8; PK_KEY_LENGTH];
        assert_eq!(d.set_private_key(&mut public[..42], &ALICE_PRIVATE), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(d.set_private_key(&mut public, &ALICE_PRIVATE[..31]), Err(OlmError::InputBufferTooSmall));
        assert_eq!(d.key_pair.private_key, [0u8; 32]);
    }

    #[test]
    fn signing_known_answers() {
        let seed: Vec<u8> = (0..32).collect();
        let mut s = PkSigning::default();
        let mut public = [0u8; PK_SIGNING_PUBLIC_KEY_LENGTH];
        assert_eq!(s.set_seed(&mut public[..42], &seed), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(s.set_seed(&mut public, &seed[..31]), Err(OlmError::InputBufferTooSmall));
        assert_eq!(s.set_seed(&mut public, &seed), Ok(0));
        assert_eq!(&public[..], b"A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg");
        let mut signature = [0u8; 90];
        assert_eq!(s.sign(b"Hello world!", &mut signature[..85]), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(s.sign(b"Hello world!", &mut signature), Ok(86));
        let expected: &[u8] =
            b"B+IIJ8oKqKR27PUk7MwjdPoYK9mrQz4whq+PXM/7PnX/bv8WP+8a1W/L7gT8a/pOIs/n1PAv5pVRrqo0IoyDAQ";
        assert_eq!(&signature[..86], expected);
        assert_eq!(signature[86..], [0u8; 4]);
        let raw: [u8; 64] = base64::decode_array(expected).unwrap();
        assert!(ed25519_verify(&s.key_pair.public_key, b"Hello world!", &raw));
        // Before a seed is set, libolm signs with the all-zero key as it is.
        let mut signature = [0u8; 86];
        PkSigning::default().sign(b"Hello world!", &mut signature).unwrap();
        assert_eq!(
            &signature[..],
            b"aSc5lTq7JGDv/nVgMwH5Y2TritxpMY+kEhTxbUL0+weKVi+ZuXccj/XvokckLW3q+ikR856cOpKM7aUBYNGVDg"
        );
    }
}
