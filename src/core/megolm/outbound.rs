//! The sending side of a Megolm session: the ratchet and the key that signs every message.

use super::message::{self, MAC_LENGTH};
use super::ratchet::{Ratchet, RATCHET_LENGTH, RATCHET_PICKLE_LENGTH};
use super::{encode_in_place, message_keys, write_key_body, write_session_id};
use super::{KEY_BODY_LENGTH, SESSION_KEY_RAW_LENGTH, SESSION_KEY_VERSION};
use crate::core::base64;
use crate::core::crypto::{aes_cbc_ciphertext_len, Ed25519KeyPair};
use crate::core::pickle::{Pickle, Reader, UnpickleError, Writer};
use crate::core::OlmError;

const PICKLE_VERSION: u32 = 1;
const ED25519_SEED_LENGTH: usize = 32;

/// Random bytes a new session takes: the ratchet, then the signing key's seed.
pub const RANDOM_LENGTH: usize = RATCHET_LENGTH + ED25519_SEED_LENGTH;

#[derive(Default)]
pub struct OutboundGroupSession {
    ratchet: Ratchet,
    signing_key: Ed25519KeyPair,
}

impl OutboundGroupSession {
    /// A session at index 0 from `RANDOM_LENGTH` random bytes (extra bytes are ignored).
    pub fn new(random: &[u8]) -> Result<Self, OlmError> {
        let (ratchet, seed) = random.get(..RANDOM_LENGTH).ok_or(OlmError::NotEnoughRandom)?.split_at(RATCHET_LENGTH);
        Ok(Self {
            ratchet: Ratchet::new(ratchet.try_into().expect("split above"), 0),
            signing_key: Ed25519KeyPair::from_seed(seed.try_into().expect("split above")),
        })
    }

    /// The index of the next message.
    pub fn message_index(&self) -> u32 {
        self.ratchet.counter()
    }

    pub fn session_id(&self, output: &mut [u8]) -> Result<usize, OlmError> {
        write_session_id(&self.signing_key.public_key, output)
    }

    /// The signed session key that lets receivers decrypt from the current index on.
    pub fn session_key(&self, output: &mut [u8]) -> Result<usize, OlmError> {
        encode_in_place(output, SESSION_KEY_RAW_LENGTH, |raw| {
            write_key_body(raw, SESSION_KEY_VERSION, &self.ratchet, &self.signing_key.public_key);
            let signature = self.signing_key.sign(&raw[..KEY_BODY_LENGTH]);
            raw[KEY_BODY_LENGTH..].copy_from_slice(&signature);
            Ok(())
        })
    }

    fn raw_message_len(&self, plaintext_length: usize) -> usize {
        message::message_len(self.ratchet.counter(), aes_cbc_ciphertext_len(plaintext_length))
    }

    /// Length of the base64 message that encrypts `plaintext_length` bytes.
    pub fn encrypt_message_len(&self, plaintext_length: usize) -> usize {
        base64::encoded_len(self.raw_message_len(plaintext_length))
    }

    /// Encrypts `plaintext` with the current message key, advances the ratchet and signs the
    /// message, writing it in base64.
    pub fn encrypt(&mut self, plaintext: &[u8], output: &mut [u8]) -> Result<usize, OlmError> {
        let raw_length = self.raw_message_len(plaintext.len());
        encode_in_place(output, raw_length, |raw| {
            let ciphertext_length = aes_cbc_ciphertext_len(plaintext.len());
            let ciphertext_start = message::write_header(raw, self.ratchet.counter(), ciphertext_length);
            let mac_start = ciphertext_start + ciphertext_length;
            let signature_start = mac_start + MAC_LENGTH;
            let keys = message_keys(&self.ratchet);
            keys.encrypt(plaintext, &mut raw[ciphertext_start..mac_start]);
            let mac = keys.mac(&raw[..mac_start]);
            raw[mac_start..signature_start].copy_from_slice(&mac[..MAC_LENGTH]);
            self.ratchet.advance();
            let signature = self.signing_key.sign(&raw[..signature_start]);
            raw[signature_start..].copy_from_slice(&signature);
            Ok(())
        })
    }
}

impl Pickle for OutboundGroupSession {
    fn pickle_len(&self) -> usize {
        4 + RATCHET_PICKLE_LENGTH + 32 + 64
    }

    fn write_pickle(&self, w: &mut Writer<'_>) {
        w.u32(PICKLE_VERSION);
        self.ratchet.write_pickle(w);
        w.ed25519_key_pair(&self.signing_key);
    }

    fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
        if r.u32()? != PICKLE_VERSION {
            return Err(OlmError::UnknownPickleVersion.into());
        }
        Ok(Self { ratchet: Ratchet::read_pickle(r)?, signing_key: r.ed25519_key_pair()? })
    }
}
