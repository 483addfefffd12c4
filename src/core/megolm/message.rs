//! The Megolm message format:
//!
//! ```text
//! version (3) | 0x08 varint(message index) | 0x12 varint(length) ciphertext | MAC (8) | signature (64)
//! ```
//!
//! The MAC covers everything before it; the Ed25519 signature covers everything before it,
//! MAC included. Fields are protobuf-style (tag, varint); unknown fields are skipped and a
//! repeated field overrides the earlier one, exactly as libolm reads them.

use crate::core::crypto::{CIPHER_MAC_LENGTH, ED25519_SIGNATURE_LENGTH};
use crate::core::fields::{bytes_field_len, varint_len, FieldReader, FieldWriter};

pub const PROTOCOL_VERSION: u8 = 3;
pub const MAC_LENGTH: usize = CIPHER_MAC_LENGTH;
pub const SIGNATURE_LENGTH: usize = ED25519_SIGNATURE_LENGTH;

const MESSAGE_INDEX_TAG: u8 = 0o10;
const CIPHERTEXT_TAG: u8 = 0o22;

/// Length of the binary message for a ciphertext of `ciphertext_length` bytes.
pub fn message_len(message_index: u32, ciphertext_length: usize) -> usize {
    1 + 1 + varint_len(message_index as u64) + bytes_field_len(ciphertext_length) + MAC_LENGTH + SIGNATURE_LENGTH
}

/// Writes the version, the message index and the ciphertext's tag and length at the start of
/// `out`, returning where the ciphertext goes.
pub fn write_header(out: &mut [u8], message_index: u32, ciphertext_length: usize) -> usize {
    let mut w = FieldWriter::new(out);
    w.byte(PROTOCOL_VERSION);
    w.varint_field(MESSAGE_INDEX_TAG, message_index);
    w.bytes_field_header(CIPHERTEXT_TAG, ciphertext_length)
}

/// A binary message as libolm reads it. Missing fields are `None`; a message too short for
/// its MAC and signature reads as version 0.
pub struct GroupMessage<'a> {
    pub version: u8,
    pub message_index: Option<u32>,
    pub ciphertext: Option<&'a [u8]>,
    /// Everything the signature covers (the message up to and including the MAC).
    pub signed: &'a [u8],
    /// The signature; empty when the message is too short to hold one.
    pub signature: &'a [u8],
}

impl<'a> GroupMessage<'a> {
    pub fn decode(input: &'a [u8]) -> Self {
        let mut message =
            GroupMessage { version: 0, message_index: None, ciphertext: None, signed: input, signature: &[] };
        let Some(body_length) = input.len().checked_sub(MAC_LENGTH + SIGNATURE_LENGTH) else {
            return message;
        };
        let (signed, signature) = input.split_at(body_length + MAC_LENGTH);
        message.signed = signed;
        message.signature = signature;
        let mut reader = FieldReader::new(&input[..body_length]);
        let Some(version) = reader.version() else { return message };
        message.version = version;
        reader.read_all(|r| {
            r.varint_field(MESSAGE_INDEX_TAG, &mut message.message_index);
            r.bytes_field(CIPHERTEXT_TAG, &mut message.ciphertext);
        });
        message
    }

    /// The part the MAC covers and the MAC itself.
    pub fn mac_parts(&self) -> Option<(&'a [u8], &'a [u8])> {
        let mac_start = self.signed.len().checked_sub(MAC_LENGTH)?;
        Some(self.signed.split_at(mac_start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index and ciphertext libolm reads from a body followed by a MAC and a signature.
    fn fields(body: &[u8]) -> (Option<u32>, Option<Vec<u8>>) {
        let mut m = body.to_vec();
        m.extend_from_slice(&[0xaa; MAC_LENGTH + SIGNATURE_LENGTH]);
        let decoded = GroupMessage::decode(&m);
        assert_eq!(decoded.version, body[0]);
        (decoded.message_index, decoded.ciphertext.map(<[u8]>::to_vec))
    }

    #[test]
    fn header_round_trip() {
        for (index, ct_len) in [(0u32, 16usize), (127, 0), (128, 300), (u32::MAX, 0x4000)] {
            let mut m = vec![0u8; message_len(index, ct_len)];
            let ct = write_header(&mut m, index, ct_len);
            assert_eq!(ct + ct_len + MAC_LENGTH + SIGNATURE_LENGTH, m.len());
            let decoded = GroupMessage::decode(&m);
            assert_eq!(decoded.version, PROTOCOL_VERSION);
            assert_eq!(decoded.message_index, Some(index));
            assert_eq!(decoded.ciphertext.map(|c| c.len()), Some(ct_len));
            assert_eq!(decoded.signed.len(), m.len() - SIGNATURE_LENGTH);
        }
    }

    #[test]
    fn lenient_like_libolm() {
        // Too short for the trailer, or nothing before it: version 0.
        assert_eq!(GroupMessage::decode(&[3; 71]).version, 0);
        assert_eq!(GroupMessage::decode(&[3; 72]).version, 0);
        // An unknown varint field, then the index written twice (the last one wins).
        assert_eq!(fields(&[3, 0x18, 0x85, 0x01, 8, 5, 8, 0x81, 0x01, 0x12, 1, 9]), (Some(129), Some(vec![9])));
        // An unknown length-delimited field is skipped.
        assert_eq!(fields(&[3, 0x1a, 2, 8, 8, 0x12, 0, 8, 7]), (Some(7), Some(vec![])));
        // A ciphertext longer than the data: no ciphertext.
        assert_eq!(fields(&[3, 8, 1, 0x12, 5, 9]), (Some(1), None));
        // An unterminated index varint runs to the end of the body.
        assert_eq!(fields(&[3, 8, 0x81, 0x82]), (Some(1 | 2 << 7), None));
        // Overlong varints keep libolm's low 32 bits.
        assert_eq!(fields(&[3, 8, 0xff, 0xff, 0xff, 0xff, 0x7f]), (Some(u32::MAX), None));
        // An unknown wire type stops the parse.
        assert_eq!(fields(&[3, 0x0b, 8, 1]), (None, None));
    }
}
