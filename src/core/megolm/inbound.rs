//! The receiving side of a Megolm session: the earliest ratchet state it knows, the latest
//! one it has used, and the sender's signing key.

use zeroize::{Zeroize, Zeroizing};

use super::message::{GroupMessage, PROTOCOL_VERSION, SIGNATURE_LENGTH};
use super::ratchet::{Ratchet, RATCHET_PICKLE_LENGTH};
use super::{encode_in_place, message_keys, read_key_body, write_key_body, write_session_id};
use super::{KEY_BODY_LENGTH, SESSION_EXPORT_RAW_LENGTH, SESSION_EXPORT_VERSION};
use super::{SESSION_KEY_RAW_LENGTH, SESSION_KEY_VERSION};
use crate::core::base64;
use crate::core::crypto::{Ed25519PublicKey, ED25519_PUBLIC_KEY_LENGTH};
use crate::core::pickle::{Pickle, Reader, UnpickleError, Writer};
use crate::core::OlmError;

const PICKLE_VERSION: u32 = 2;

/// Message indexes are compared modulo 2^32: an index is "after" a counter when it is less
/// than 2^31 steps ahead of it.
const INDEX_WINDOW: u32 = 1 << 31;

#[derive(Default)]
pub struct InboundGroupSession {
    /// The ratchet at the first index this session can decrypt.
    initial: Ratchet,
    /// The ratchet at the highest index decrypted (or exported) so far, kept to jump forwards
    /// from it cheaply.
    latest: Ratchet,
    signing_key: Ed25519PublicKey,
    /// Whether the session is known genuine: it came from a signed session key, or a message
    /// has decrypted with it.
    verified: bool,
}

/// Decodes a base64 key of exactly `N` raw bytes, with libolm's errors.
fn decode_key<const N: usize>(key: &[u8]) -> Result<Zeroizing<[u8; N]>, OlmError> {
    let length = base64::decoded_len(key.len()).ok_or(OlmError::InvalidBase64)?;
    if length != N {
        return Err(OlmError::BadSessionKey);
    }
    let mut raw = Zeroizing::new([0u8; N]);
    base64::decode(key, raw.as_mut()).ok_or(OlmError::InvalidBase64)?;
    Ok(raw)
}

fn body(raw: &[u8]) -> &[u8; KEY_BODY_LENGTH] {
    raw[..KEY_BODY_LENGTH].try_into().expect("keys start with the body")
}

impl InboundGroupSession {
    /// Starts from a signed session key (the sender's `olm_outbound_group_session_key`).
    /// On success the session is verified.
    pub fn init(&mut self, session_key: &[u8]) -> Result<(), OlmError> {
        let raw = decode_key::<SESSION_KEY_RAW_LENGTH>(session_key)?;
        let (ratchet, signing_key) = read_key_body(body(raw.as_ref()), SESSION_KEY_VERSION)?;
        let signing_key = Ed25519PublicKey::new(signing_key);
        let signature = raw[KEY_BODY_LENGTH..].try_into().expect("fixed layout");
        if !signing_key.verify(&raw[..KEY_BODY_LENGTH], signature) {
            return Err(OlmError::BadSignature);
        }
        self.start_from(ratchet, signing_key);
        self.verified = true;
        Ok(())
    }

    /// Starts from an unsigned export. Like libolm, this leaves the verified flag as it was.
    pub fn import(&mut self, export: &[u8]) -> Result<(), OlmError> {
        let raw = decode_key::<SESSION_EXPORT_RAW_LENGTH>(export)?;
        let (ratchet, signing_key) = read_key_body(&raw, SESSION_EXPORT_VERSION)?;
        self.start_from(ratchet, Ed25519PublicKey::new(signing_key));
        Ok(())
    }

    fn start_from(&mut self, ratchet: Ratchet, signing_key: Ed25519PublicKey) {
        self.initial = ratchet.clone();
        self.latest = ratchet;
        self.signing_key = signing_key;
    }

    pub fn session_id(&self, output: &mut [u8]) -> Result<usize, OlmError> {
        write_session_id(self.signing_key.as_bytes(), output)
    }

    pub fn first_known_index(&self) -> u32 {
        self.initial.counter()
    }

    pub fn is_verified(&self) -> bool {
        self.verified
    }

    /// The ratchet at `index`, as libolm finds it: from the latest ratchet if the index is at
    /// or after it (moving the latest ratchet forwards), else from a copy of the initial one.
    fn ratchet_at(&mut self, index: u32) -> Result<Ratchet, OlmError> {
        if index.wrapping_sub(self.latest.counter()) < INDEX_WINDOW {
            self.latest.advance_to(index);
            Ok(self.latest.clone())
        } else if index.wrapping_sub(self.initial.counter()) >= INDEX_WINDOW {
            Err(OlmError::UnknownMessageIndex)
        } else {
            let mut ratchet = self.initial.clone();
            ratchet.advance_to(index);
            Ok(ratchet)
        }
    }

    /// The largest plaintext the base64 `message` can hold. Decodes the message in place.
    pub fn decrypt_max_plaintext_len(message: &mut [u8]) -> Result<usize, OlmError> {
        let length = base64::decode_public_in_place(message).ok_or(OlmError::InvalidBase64)?;
        let decoded = GroupMessage::decode(&message[..length]);
        if decoded.version != PROTOCOL_VERSION {
            return Err(OlmError::BadMessageVersion);
        }
        decoded.ciphertext.map(<[u8]>::len).ok_or(OlmError::BadMessageFormat)
    }

    /// Decrypts the base64 `message` (decoded in place) into `plaintext`, in libolm's order of
    /// checks. `message_index` is set as soon as the message parses, even if decryption then
    /// fails; a message that fails its MAC has already moved the latest ratchet forwards, as
    /// in libolm.
    pub fn decrypt(
        &mut self,
        message: &mut [u8],
        plaintext: &mut [u8],
        message_index: &mut Option<u32>,
    ) -> Result<usize, OlmError> {
        let length = base64::decode_public_in_place(message).ok_or(OlmError::InvalidBase64)?;
        let decoded = GroupMessage::decode(&message[..length]);
        if decoded.version != PROTOCOL_VERSION {
            return Err(OlmError::BadMessageVersion);
        }
        let (Some(index), Some(ciphertext)) = (decoded.message_index, decoded.ciphertext) else {
            return Err(OlmError::BadMessageFormat);
        };
        *message_index = Some(index);

        let signature: &[u8; SIGNATURE_LENGTH] =
            decoded.signature.try_into().map_err(|_| OlmError::BadMessageFormat)?;
        if !self.signing_key.verify(decoded.signed, signature) {
            return Err(OlmError::BadSignature);
        }
        let Some(output) = plaintext.get_mut(..ciphertext.len()) else {
            return Err(OlmError::OutputBufferTooSmall);
        };
        let keys = message_keys(&self.ratchet_at(index)?);
        let (authenticated, mac) = decoded.mac_parts().ok_or(OlmError::BadMessageFormat)?;
        if !keys.verify_mac(authenticated, mac) {
            return Err(OlmError::BadMessageMac);
        }
        output.copy_from_slice(ciphertext);
        let Some(plaintext_length) = keys.decrypt_in_place(output) else {
            output.zeroize();
            return Err(OlmError::BadMessageMac);
        };
        self.verified = true;
        Ok(plaintext_length)
    }

    /// Exports the session from `index` on (unsigned, version 1). An index ahead of the latest
    /// ratchet moves it forwards, as in libolm.
    pub fn export(&mut self, index: u32, output: &mut [u8]) -> Result<usize, OlmError> {
        encode_in_place(output, SESSION_EXPORT_RAW_LENGTH, |raw| {
            let ratchet = self.ratchet_at(index)?;
            write_key_body(raw, SESSION_EXPORT_VERSION, &ratchet, self.signing_key.as_bytes());
            Ok(())
        })
    }
}

impl Pickle for InboundGroupSession {
    fn pickle_len(&self) -> usize {
        4 + 2 * RATCHET_PICKLE_LENGTH + ED25519_PUBLIC_KEY_LENGTH + 1
    }

    fn write_pickle(&self, w: &mut Writer<'_>) {
        w.u32(PICKLE_VERSION);
        self.initial.write_pickle(w);
        self.latest.write_pickle(w);
        w.bytes(self.signing_key.as_bytes());
        w.bool(self.verified);
    }

    /// Reads versions 1 and 2; version 1 had no flag because every session was verified.
    fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
        let version = r.u32()?;
        if !(1..=PICKLE_VERSION).contains(&version) {
            return Err(OlmError::UnknownPickleVersion.into());
        }
        let initial = Ratchet::read_pickle(r)?;
        let latest = Ratchet::read_pickle(r)?;
        let signing_key = Ed25519PublicKey::new(r.public_key()?);
        let verified = if version == 1 { true } else { r.bool()? };
        Ok(Self { initial, latest, signing_key, verified })
    }
}
