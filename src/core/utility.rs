//! libolm's utility functions: SHA-256 and Ed25519 signature verification.

use super::base64;
use super::crypto::{ed25519_verify, sha256, ED25519_SIGNATURE_LENGTH};
use super::OlmError;

/// Length of the base64 SHA-256 digest.
pub const SHA256_BASE64_LENGTH: usize = base64::encoded_len(32);

/// Writes the unpadded base64 SHA-256 of `input` into `output`.
pub fn sha256_base64(input: &[u8], output: &mut [u8]) -> Result<usize, OlmError> {
    if output.len() < SHA256_BASE64_LENGTH {
        return Err(OlmError::OutputBufferTooSmall);
    }
    Ok(base64::encode(&sha256(input), output))
}

/// Verifies a base64 Ed25519 signature by a base64 public key, with libolm's errors:
/// INVALID_BASE64 for lengths that are not a key or base64 at all, BAD_MESSAGE_MAC for any
/// signature that does not verify.
pub fn verify_ed25519_base64(key: &[u8], message: &[u8], signature: &[u8]) -> Result<usize, OlmError> {
    let key: [u8; 32] = base64::decode_array(key).ok_or(OlmError::InvalidBase64)?;
    let sig_length = base64::decoded_len(signature.len()).ok_or(OlmError::InvalidBase64)?;
    if sig_length < ED25519_SIGNATURE_LENGTH {
        return Err(OlmError::BadMessageMac);
    }
    // libolm decodes the whole signature and uses its first 64 bytes, which come from the
    // first 88 characters (22 whole groups) alone.
    let mut decoded = [0u8; 66];
    let prefix = &signature[..signature.len().min(88)];
    base64::decode(prefix, &mut decoded).ok_or(OlmError::InvalidBase64)?;
    let sig: [u8; 64] = decoded[..64].try_into().expect("length checked");
    if ed25519_verify(&key, message, &sig) {
        Ok(0)
    } else {
        Err(OlmError::BadMessageMac)
    }
}
