//! Short Authentication Strings: a Curve25519 key agreement whose secret yields the SAS bytes
//! and the MACs of the Matrix key-verification protocol, exactly as libolm computes them.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::base64;
use super::crypto::{hmac_sha256, hmac_sha256_init, Curve25519KeyPair, CURVE25519_KEY_LENGTH, SHA256_OUTPUT_LENGTH};
use super::OlmError;
use hmac::Mac;

/// Random bytes needed to create a SAS: our private key.
pub const SAS_RANDOM_LENGTH: usize = CURVE25519_KEY_LENGTH;
/// Length of our base64 public key.
pub const SAS_PUBLIC_KEY_LENGTH: usize = base64::encoded_len(CURVE25519_KEY_LENGTH);
/// Length of a base64 MAC.
pub const SAS_MAC_LENGTH: usize = base64::encoded_len(SHA256_OUTPUT_LENGTH);

/// The three MAC functions libolm offers. All are HMAC-SHA-256 under a key derived with HKDF
/// from the shared secret and the caller's info; they differ in the key length and in the
/// base64 of the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SasMac {
    /// `olm_sas_calculate_mac`: a 32-byte key, and libolm's historical base64, which encodes
    /// the MAC over itself and so reads bytes it has already overwritten. The Matrix
    /// "hkdf-hmac-sha256" method is defined by that output.
    Historical,
    /// `olm_sas_calculate_mac_fixed_base64`: a 32-byte key and correct base64.
    FixedBase64,
    /// `olm_sas_calculate_mac_long_kdf`: a 256-byte key (an old Riot's mistake) and the
    /// historical base64.
    LongKdf,
}

impl SasMac {
    fn key_length(self) -> usize {
        match self {
            SasMac::Historical | SasMac::FixedBase64 => 32,
            SasMac::LongKdf => 256,
        }
    }
}

/// An `OlmSAS`: our key pair and, once their key is set, the shared secret.
#[derive(Default, Zeroize, ZeroizeOnDrop)]
pub struct Sas {
    key_pair: Curve25519KeyPair,
    secret: [u8; CURVE25519_KEY_LENGTH],
    their_key_set: bool,
}

impl Sas {
    /// Takes the first 32 bytes of `random` as our private key and forgets their key.
    pub fn create(&mut self, random: &[u8]) -> Result<usize, OlmError> {
        let random: &[u8; SAS_RANDOM_LENGTH] = random
            .get(..SAS_RANDOM_LENGTH)
            .and_then(|r| r.try_into().ok())
            .ok_or(OlmError::NotEnoughRandom)?;
        *self = Sas {
            key_pair: Curve25519KeyPair::from_private_key(random),
            secret: [0; CURVE25519_KEY_LENGTH],
            their_key_set: false,
        };
        Ok(0)
    }

    /// Writes our base64 public key (all `A`s before [`create`](Self::create), as in libolm).
    pub fn public_key(&self, output: &mut [u8]) -> Result<usize, OlmError> {
        if output.len() < SAS_PUBLIC_KEY_LENGTH {
            return Err(OlmError::OutputBufferTooSmall);
        }
        base64::encode(&self.key_pair.public_key, output);
        Ok(0)
    }

    /// Takes their base64 public key and computes the shared secret.
    ///
    /// libolm decodes the whole input (in place) and uses the first 32 bytes, so any length of
    /// 43 characters or more that is not 1 mod 4 is accepted. The first 32 bytes depend only
    /// on the first 43 characters, which is all we decode, leaving the input intact.
    /// A low-order key (an all-zero secret) is refused with INVALID_BASE64, libolm's error for
    /// an unusable key, where libolm would use the public "secret" (a deliberate difference).
    pub fn set_their_key(&mut self, their_key: &[u8]) -> Result<usize, OlmError> {
        if their_key.len() < SAS_PUBLIC_KEY_LENGTH {
            return Err(OlmError::InputBufferTooSmall);
        }
        base64::decoded_len(their_key.len()).ok_or(OlmError::InvalidBase64)?;
        let key: [u8; CURVE25519_KEY_LENGTH] =
            base64::decode_array(&their_key[..SAS_PUBLIC_KEY_LENGTH]).ok_or(OlmError::InvalidBase64)?;
        let secret = self.key_pair.shared_secret(&key).ok_or(OlmError::InvalidBase64)?;
        self.secret = *secret;
        self.their_key_set = true;
        Ok(0)
    }

    pub fn is_their_key_set(&self) -> bool {
        self.their_key_set
    }

    fn secret(&self) -> Result<&[u8; CURVE25519_KEY_LENGTH], OlmError> {
        if self.their_key_set {
            Ok(&self.secret)
        } else {
            Err(OlmError::SasTheirKeyNotSet)
        }
    }

    /// Fills `output` with HKDF of the shared secret and `info`, for any output length.
    pub fn generate_bytes(&self, info: &[u8], output: &mut [u8]) -> Result<usize, OlmError> {
        hkdf_sha256_any_length(self.secret()?, info, output);
        Ok(0)
    }

    /// Writes the base64 MAC of `input` into `mac` with one of libolm's three methods.
    pub fn calculate_mac(&self, method: SasMac, input: &[u8], info: &[u8], mac: &mut [u8]) -> Result<usize, OlmError> {
        let mac = mac.get_mut(..SAS_MAC_LENGTH).ok_or(OlmError::OutputBufferTooSmall)?;
        let secret = self.secret()?;
        let mut key = Zeroizing::new([0u8; 256]);
        let key = &mut key[..method.key_length()];
        hkdf_sha256_any_length(secret, info, key);
        let raw = hmac_sha256(key, input);
        match method {
            SasMac::FixedBase64 => base64::encode(&raw, mac),
            SasMac::Historical | SasMac::LongKdf => historical_base64(&raw, mac),
        };
        Ok(0)
    }
}

/// libolm's base64 of a 32-byte MAC written at the start of its own output buffer.
///
/// Each group of three bytes is read, then its four characters are written over the buffer,
/// which is ahead of the reading position from the second group on: later groups read
/// characters, not MAC bytes. We replay that on a private copy with the same order of reads
/// and writes, so the result is libolm's, byte for byte, without libolm's aliasing.
fn historical_base64(raw: &[u8; SHA256_OUTPUT_LENGTH], output: &mut [u8]) -> usize {
    let mut buffer = [0u8; SAS_MAC_LENGTH];
    buffer[..SHA256_OUTPUT_LENGTH].copy_from_slice(raw);
    let mut group = 0;
    while 3 * group + 3 <= SHA256_OUTPUT_LENGTH {
        let read = [buffer[3 * group], buffer[3 * group + 1], buffer[3 * group + 2]];
        base64::encode(&read, &mut buffer[4 * group..4 * group + 4]);
        group += 1;
    }
    // 32 = 3 * 10 + 2: the last two bytes, long since overwritten, make three characters.
    let read = [buffer[3 * group], buffer[3 * group + 1]];
    base64::encode(&read, &mut buffer[4 * group..]);
    output[..SAS_MAC_LENGTH].copy_from_slice(&buffer);
    SAS_MAC_LENGTH
}

/// HKDF-SHA-256 with a zero salt, as libolm computes it for any output length: its block
/// counter is one byte that wraps to 0 after 255 blocks where RFC 5869 would stop, and
/// `olm_sas_generate_bytes` lets the caller ask for that much.
fn hkdf_sha256_any_length(secret: &[u8], info: &[u8], output: &mut [u8]) {
    let prk = Zeroizing::new(hmac_sha256(&[0u8; SHA256_OUTPUT_LENGTH], secret));
    let mut block = Zeroizing::new([0u8; SHA256_OUTPUT_LENGTH]);
    let mut counter = 0u8;
    for (i, chunk) in output.chunks_mut(SHA256_OUTPUT_LENGTH).enumerate() {
        counter = counter.wrapping_add(1);
        let mut hmac = hmac_sha256_init(prk.as_ref());
        if i > 0 {
            hmac.update(block.as_ref());
        }
        hmac.update(info);
        hmac.update(&[counter]);
        block.copy_from_slice(&hmac.finalize().into_bytes());
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    //! Known answers generated with libolm 3.2 (libolm's own test keys).
    use super::*;
    use crate::core::crypto::sha256;

    const ALICE_PRIVATE: [u8; 32] = [
        0x77, 0x07, 0x6D, 0x0A, 0x73, 0x18, 0xA5, 0x7D, 0x3C, 0x16, 0xC1, 0x72, 0x51, 0xB2, 0x66, 0x45,
        0xDF, 0x4C, 0x2F, 0x87, 0xEB, 0xC0, 0x99, 0x2A, 0xB1, 0x77, 0xFB, 0xA5, 0x1D, 0xB9, 0x2C, 0x2A,
    ];
    const ALICE_PUBLIC: &[u8] = b"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo";
    const BOB_PUBLIC: &[u8] = b"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";
    const SAS_BYTES: [u8; 6] = [0x39, 0x87, 0xa8, 0x72, 0xe7, 0xb9];

    fn alice_with_bob() -> Sas {
        let mut sas = Sas::default();
        sas.create(&ALICE_PRIVATE).unwrap();
        assert_eq!(sas.set_their_key(BOB_PUBLIC), Ok(0));
        sas
    }

    fn mac(sas: &Sas, method: SasMac) -> Result<[u8; SAS_MAC_LENGTH], OlmError> {
        let mut out = [0u8; SAS_MAC_LENGTH];
        sas.calculate_mac(method, b"Hello world!", b"MAC", &mut out).map(|_| out)
    }

    #[test]
    fn known_answers() {
        let mut sas = Sas::default();
        let mut public = [0u8; SAS_PUBLIC_KEY_LENGTH];
        // Before creation the key is all zeros, as in libolm.
        sas.public_key(&mut public).unwrap();
        assert_eq!(public, [b'A'; SAS_PUBLIC_KEY_LENGTH]);
        sas.create(&ALICE_PRIVATE).unwrap();
        assert_eq!(sas.public_key(&mut public[..42]), Err(OlmError::OutputBufferTooSmall));
        sas.public_key(&mut public).unwrap();
        assert_eq!(&public[..], ALICE_PUBLIC);

        let sas = alice_with_bob();
        let mut bytes = [0u8; 6];
        sas.generate_bytes(b"SAS", &mut bytes).unwrap();
        assert_eq!(bytes, SAS_BYTES);
        assert_eq!(&mac(&sas, SasMac::Historical).unwrap()[..], b"2nSMTXM+TStTU3RUVTNSVVZUTlNWVlpVVGxOV1ZscFY");
        assert_eq!(&mac(&sas, SasMac::FixedBase64).unwrap()[..], b"2nSMU3M+FMBTCWQg5IoIUoEErFZOjniAZTdqNhf+Dmo");
        assert_eq!(&mac(&sas, SasMac::LongKdf).unwrap()[..], b"aYtxeF31MzG4ekc0ZWtjMFpXdGpNRnBYZEdwTlJuQlk");
    }

    #[test]
    fn generate_bytes_past_rfc5869_limit_wraps_the_counter_as_libolm() {
        let sas = alice_with_bob();
        let mut out = vec![0u8; 9000];
        sas.generate_bytes(b"SAS", &mut out).unwrap();
        assert_eq!(out[..6], SAS_BYTES);
        assert_eq!(out[8160..8170], [0x43, 0x1d, 0x2e, 0xee, 0xfc, 0x5e, 0x70, 0x1b, 0x2e, 0x15]);
        let digest = sha256(&out);
        let expected = "768a572c842873fb8c444295388e29e4d98d8457e89d7b3468a497b39f80db0f";
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
    }

    #[test]
    fn their_key_lengths() {
        let mut sas = Sas::default();
        sas.create(&ALICE_PRIVATE).unwrap();
        assert_eq!(sas.set_their_key(&BOB_PUBLIC[..42]), Err(OlmError::InputBufferTooSmall));
        assert!(!sas.is_their_key_set());
        let mut longer = BOB_PUBLIC.to_vec();
        longer.push(b'Q');
        assert_eq!(sas.set_their_key(&longer), Ok(0), "44 characters");
        let mut bytes = [0u8; 6];
        sas.generate_bytes(b"SAS", &mut bytes).unwrap();
        assert_eq!(bytes, SAS_BYTES, "44 characters: the 33rd byte is ignored");
        longer.push(b'Q');
        assert_eq!(sas.set_their_key(&longer), Err(OlmError::InvalidBase64), "45 characters");
        longer.extend_from_slice(b"!!!");
        assert_eq!(sas.set_their_key(&longer), Ok(0), "48 characters, garbage after the 43rd");
        sas.generate_bytes(b"SAS", &mut bytes).unwrap();
        assert_eq!(bytes, SAS_BYTES);
    }

    #[test]
    fn errors_and_reset() {
        let mut sas = Sas::default();
        assert_eq!(sas.create(&ALICE_PRIVATE[..31]), Err(OlmError::NotEnoughRandom));
        sas.create(&ALICE_PRIVATE).unwrap();
        let mut out = [0u8; SAS_MAC_LENGTH];
        assert_eq!(sas.generate_bytes(b"", &mut out), Err(OlmError::SasTheirKeyNotSet));
        for method in [SasMac::Historical, SasMac::FixedBase64, SasMac::LongKdf] {
            assert_eq!(mac(&sas, method), Err(OlmError::SasTheirKeyNotSet));
            // The buffer is checked first.
            assert_eq!(sas.calculate_mac(method, b"", b"", &mut out[..42]), Err(OlmError::OutputBufferTooSmall));
        }
        // A low-order key gives no secret: refused (a deliberate difference), flag unchanged.
        for key in [&b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"[..], b"4Ot6fDtBuK4WVuP68Z/EatoJjeucMrH9hmIFFl9JuAA"] {
            assert_eq!(sas.set_their_key(key), Err(OlmError::InvalidBase64));
            assert!(!sas.is_their_key_set());
        }
        let mut sas = alice_with_bob();
        assert!(sas.is_their_key_set());
        sas.create(&ALICE_PRIVATE).unwrap();
        assert!(!sas.is_their_key_set(), "creating again forgets their key");
        assert_eq!(sas.generate_bytes(b"", &mut out), Err(OlmError::SasTheirKeyNotSet));
    }

    #[test]
    fn historical_base64_replays_libolm_aliasing() {
        // Whatever the MAC, the first four characters are correct base64 and later ones differ.
        let raw: [u8; 32] = core::array::from_fn(|i| (i * 37 + 11) as u8);
        let (mut broken, mut correct) = ([0u8; SAS_MAC_LENGTH], [0u8; SAS_MAC_LENGTH]);
        historical_base64(&raw, &mut broken);
        base64::encode(&raw, &mut correct);
        assert_eq!(broken[..4], correct[..4]);
        assert_ne!(broken, correct);
    }
}
