//! Megolm, the group ratchet: one sender ([`OutboundGroupSession`]) encrypts and signs, any
//! number of receivers ([`InboundGroupSession`]) holding its session key decrypt.
//!
//! Both sides share the formats in this module: the session id (the sender's Ed25519 public
//! key), the message keys (the "MEGOLM_KEYS" cipher keyed with the ratchet), and the two ways
//! of handing a ratchet over:
//!
//! ```text
//! session key (v2): 0x02 | counter (BE u32) | ratchet (128) | signing key (32) | signature (64)
//! export      (v1): 0x01 | counter (BE u32) | ratchet (128) | signing key (32)
//! ```

pub mod inbound;
pub mod message;
pub mod outbound;
pub mod ratchet;

pub use inbound::InboundGroupSession;
pub use outbound::OutboundGroupSession;

use self::ratchet::{Ratchet, RATCHET_LENGTH};
use super::base64;
use super::crypto::{CipherKeys, ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH};
use super::pickle::Writer;
use super::OlmError;

/// HKDF info of the cipher that turns a ratchet state into message keys.
const MEGOLM_CIPHER_INFO: &[u8] = b"MEGOLM_KEYS";

const SESSION_KEY_VERSION: u8 = 2;
const SESSION_EXPORT_VERSION: u8 = 1;

/// What a session key and an export have in common: version, counter, ratchet, signing key.
const KEY_BODY_LENGTH: usize = 1 + 4 + RATCHET_LENGTH + ED25519_PUBLIC_KEY_LENGTH;
const SESSION_KEY_RAW_LENGTH: usize = KEY_BODY_LENGTH + ED25519_SIGNATURE_LENGTH;
const SESSION_EXPORT_RAW_LENGTH: usize = KEY_BODY_LENGTH;

/// Length of a base64 session key.
pub const SESSION_KEY_LENGTH: usize = base64::encoded_len(SESSION_KEY_RAW_LENGTH);
/// Length of a base64 session export.
pub const SESSION_EXPORT_LENGTH: usize = base64::encoded_len(SESSION_EXPORT_RAW_LENGTH);
/// Length of a base64 session id.
pub const SESSION_ID_LENGTH: usize = base64::encoded_len(ED25519_PUBLIC_KEY_LENGTH);

/// The keys that encrypt and authenticate the message at the ratchet's index.
fn message_keys(ratchet: &Ratchet) -> CipherKeys {
    CipherKeys::derive(ratchet.data(), MEGOLM_CIPHER_INFO)
}

/// The session id: the signing key in base64.
fn write_session_id(signing_key: &[u8; ED25519_PUBLIC_KEY_LENGTH], output: &mut [u8]) -> Result<usize, OlmError> {
    if output.len() < SESSION_ID_LENGTH {
        return Err(OlmError::OutputBufferTooSmall);
    }
    Ok(base64::encode(signing_key, output))
}

/// Fills `output` with the base64 of `raw_length` bytes that `fill` produces, the way libolm
/// does: the raw bytes are written where the encoding ends and encoded forwards over
/// themselves, so secrets are never copied anywhere else. Fails before `fill` runs if the
/// output is too small.
fn encode_in_place(
    output: &mut [u8],
    raw_length: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<(), OlmError>,
) -> Result<usize, OlmError> {
    let encoded_length = base64::encoded_len(raw_length);
    if output.len() < encoded_length {
        return Err(OlmError::OutputBufferTooSmall);
    }
    let output = &mut output[..encoded_length];
    fill(&mut output[base64::in_place_offset(raw_length)..])?;
    Ok(base64::encode_in_place(output, raw_length))
}

/// Writes the body of a session key or an export into `raw[..KEY_BODY_LENGTH]`.
fn write_key_body(raw: &mut [u8], version: u8, ratchet: &Ratchet, signing_key: &[u8; ED25519_PUBLIC_KEY_LENGTH]) {
    let mut w = Writer::new(&mut raw[..KEY_BODY_LENGTH]);
    w.u8(version);
    w.u32(ratchet.counter());
    w.bytes(ratchet.data());
    w.bytes(signing_key);
}

/// Reads the body of a session key or an export; a version other than `version` is
/// BAD_SESSION_KEY.
fn read_key_body(
    raw: &[u8; KEY_BODY_LENGTH],
    version: u8,
) -> Result<(Ratchet, [u8; ED25519_PUBLIC_KEY_LENGTH]), OlmError> {
    if raw[0] != version {
        return Err(OlmError::BadSessionKey);
    }
    let counter = u32::from_be_bytes([raw[1], raw[2], raw[3], raw[4]]);
    let (data, signing_key) = raw[5..].split_at(RATCHET_LENGTH);
    let data = data.try_into().expect("fixed layout");
    let signing_key = signing_key.try_into().expect("fixed layout");
    Ok((Ratchet::new(data, counter), signing_key))
}
