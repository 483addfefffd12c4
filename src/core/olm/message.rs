//! The Olm message formats: a protobuf-like encoding of tagged fields after a version byte.
//!
//! A normal message is `version, ratchet key, counter, ciphertext` followed by an 8-byte MAC
//! over everything before it; a pre-key message is `version, one-time key, base key, identity
//! key, normal message`. Decoding borrows every field from the input (no allocation) and
//! reproduces libolm's lenient reader bit for bit: fields in any order, a repeated field
//! overrides the earlier one, unknown varint and length-delimited fields are skipped, an
//! over-long length leaves its field unset and ends the message, and a varint that runs to the
//! end of the data is taken as it stands.

use crate::core::fields::{bytes_field_len, varint_len, FieldReader, FieldWriter};

/// The Olm protocol version written in and required of every message.
pub const PROTOCOL_VERSION: u8 = 3;

/// Tags as libolm writes them: field number << 3 | wire type (0 varint, 2 length-delimited).
const RATCHET_KEY_TAG: u8 = 0o12;
const COUNTER_TAG: u8 = 0o20;
const CIPHERTEXT_TAG: u8 = 0o42;

const ONE_TIME_KEY_TAG: u8 = 0o12;
const BASE_KEY_TAG: u8 = 0o22;
const IDENTITY_KEY_TAG: u8 = 0o32;
const MESSAGE_TAG: u8 = 0o42;

/// A normal message as decoded, fields borrowed from the input. Missing fields are `None`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// 0 when the message is too short to hold one.
    pub version: u8,
    pub ratchet_key: Option<&'a [u8]>,
    pub counter: Option<u32>,
    pub ciphertext: Option<&'a [u8]>,
    /// The bytes the MAC covers, and the MAC (empty when the input is shorter than a MAC).
    pub authenticated: &'a [u8],
    pub mac: &'a [u8],
}

impl<'a> Message<'a> {
    pub fn decode(input: &'a [u8], mac_length: usize) -> Self {
        let mut message = Message::default();
        if input.len() < mac_length {
            return message;
        }
        let (authenticated, mac) = input.split_at(input.len() - mac_length);
        message.authenticated = authenticated;
        message.mac = mac;
        let mut reader = FieldReader::new(authenticated);
        let Some(version) = reader.version() else { return message };
        message.version = version;
        reader.read_all(|r| {
            r.bytes_field(RATCHET_KEY_TAG, &mut message.ratchet_key);
            r.varint_field(COUNTER_TAG, &mut message.counter);
            r.bytes_field(CIPHERTEXT_TAG, &mut message.ciphertext);
        });
        message
    }

    /// Length of an encoded message.
    pub const fn encoded_len(
        counter: u32,
        ratchet_key_length: usize,
        ciphertext_length: usize,
        mac_length: usize,
    ) -> usize {
        1 + bytes_field_len(ratchet_key_length)
            + 1
            + varint_len(counter as u64)
            + bytes_field_len(ciphertext_length)
            + mac_length
    }

    /// Writes the version, the ratchet key, the counter and the ciphertext's header into
    /// `output` and returns where the ciphertext goes. The MAC goes in the last bytes.
    pub fn encode_header(output: &mut [u8], ratchet_key: &[u8], counter: u32, ciphertext_length: usize) -> usize {
        let mut w = FieldWriter::new(output);
        w.byte(PROTOCOL_VERSION);
        w.bytes_field(RATCHET_KEY_TAG, ratchet_key);
        w.varint_field(COUNTER_TAG, counter);
        w.bytes_field_header(CIPHERTEXT_TAG, ciphertext_length)
    }
}

/// A pre-key message as decoded, fields borrowed from the input.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PreKeyMessage<'a> {
    pub version: u8,
    pub one_time_key: Option<&'a [u8]>,
    pub base_key: Option<&'a [u8]>,
    pub identity_key: Option<&'a [u8]>,
    pub message: Option<&'a [u8]>,
}

impl<'a> PreKeyMessage<'a> {
    pub fn decode(input: &'a [u8]) -> Self {
        let mut message = PreKeyMessage::default();
        let mut reader = FieldReader::new(input);
        let Some(version) = reader.version() else { return message };
        message.version = version;
        reader.read_all(|r| {
            r.bytes_field(ONE_TIME_KEY_TAG, &mut message.one_time_key);
            r.bytes_field(BASE_KEY_TAG, &mut message.base_key);
            r.bytes_field(IDENTITY_KEY_TAG, &mut message.identity_key);
            r.bytes_field(MESSAGE_TAG, &mut message.message);
        });
        message
    }

    /// Length of a pre-key message with three 32-byte keys around a message of `message_length`.
    pub const fn encoded_len(message_length: usize) -> usize {
        1 + 3 * bytes_field_len(32) + bytes_field_len(message_length)
    }

    /// Writes the version, the keys and the inner message's header; returns where the inner
    /// message goes.
    pub fn encode_header(
        output: &mut [u8],
        one_time_key: &[u8; 32],
        base_key: &[u8; 32],
        identity_key: &[u8; 32],
        message_length: usize,
    ) -> usize {
        let mut w = FieldWriter::new(output);
        w.byte(PROTOCOL_VERSION);
        w.bytes_field(ONE_TIME_KEY_TAG, one_time_key);
        w.bytes_field(BASE_KEY_TAG, base_key);
        w.bytes_field(IDENTITY_KEY_TAG, identity_key);
        w.bytes_field_header(MESSAGE_TAG, message_length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // libolm's own message test vectors (tests/test_message.cpp).
    const MESSAGE1: &[u8] = b"\x03\x10\x01\n\nratchetkey\"\nciphertexthmacsha2";
    const MESSAGE2: &[u8] = b"\x03\n\nratchetkey\x10\x01\"\nciphertexthmacsha2";

    #[test]
    fn decodes_fields_in_any_order() {
        for input in [MESSAGE1, MESSAGE2] {
            let m = Message::decode(input, 8);
            assert_eq!(m.version, 3);
            assert_eq!(m.counter, Some(1));
            assert_eq!(m.ratchet_key, Some(&b"ratchetkey"[..]));
            assert_eq!(m.ciphertext, Some(&b"ciphertext"[..]));
            assert_eq!(m.mac, b"hmacsha2");
            assert_eq!(m.authenticated.len(), 27);
        }
    }

    #[test]
    fn encodes_like_libolm() {
        assert_eq!(Message::encoded_len(1, 10, 10, 8), 35);
        let mut out = [0u8; 35];
        let ct = Message::encode_header(&mut out, b"ratchetkey", 1, 10);
        out[ct..ct + 10].copy_from_slice(b"ciphertext");
        out[27..].copy_from_slice(b"hmacsha2");
        assert_eq!(&out[..], MESSAGE2);
    }

    #[test]
    fn lenient_decoding() {
        // Shorter than a MAC: nothing at all.
        assert_eq!(Message::decode(b"\x03\x10", 8), Message::default());
        // An unterminated varint runs to the end; a counter tag at the very end reads as 0.
        let m = Message::decode(b"\x03\x10\xff\xffMACMACMA", 8);
        assert_eq!(m.counter, Some(0x3fff));
        assert_eq!(Message::decode(b"\x03\x10MACMACMA", 8).counter, Some(0));
        // Counters wrap to 32 bits.
        let m = Message::decode(b"\x03\x10\xff\xff\xff\xff\x7fMACMACMA", 8);
        assert_eq!(m.counter, Some(u32::MAX));
        let m = Message::decode(b"\x03\x10\x80\x80\x80\x80\x10MACMACMA", 8);
        assert_eq!(m.counter, Some(0));
        // A length past the end leaves the field unset and ends the message.
        let m = Message::decode(b"\x03\x10\x05\"\x09abc\x0a\x01xMACMACMA", 8);
        assert_eq!((m.counter, m.ciphertext, m.ratchet_key), (Some(5), None, None));
        // Unknown varint (tag 0x08) and length-delimited (0x2a) fields are skipped; a later
        // field overrides an earlier one; wire type 1 ends the message.
        let m = Message::decode(b"\x03\x08\x96\x01\x2a\x02zz\x10\x01\x10\x02\x09\x10\x03MACMACMA", 8);
        assert_eq!(m.counter, Some(2));
    }

    #[test]
    fn pre_key_round_trip() {
        let len = PreKeyMessage::encoded_len(5);
        let mut out = vec![0u8; len];
        let at = PreKeyMessage::encode_header(&mut out, &[1; 32], &[2; 32], &[3; 32], 5);
        out[at..].copy_from_slice(b"inner");
        let m = PreKeyMessage::decode(&out);
        assert_eq!(m.version, 3);
        assert_eq!(m.one_time_key, Some(&[1u8; 32][..]));
        assert_eq!(m.base_key, Some(&[2u8; 32][..]));
        assert_eq!(m.identity_key, Some(&[3u8; 32][..]));
        assert_eq!(m.message, Some(&b"inner"[..]));
        assert_eq!(PreKeyMessage::decode(&[]), PreKeyMessage::default());
    }
}
