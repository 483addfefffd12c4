//! Structure-aware mutation: the fuzz input is a program of small edits applied to the binary
//! form of a valid message or pickle, which is then re-encoded (and, for pickles, re-encrypted
//! and re-MACed under the known key) so that the edits reach the parsers behind base64 and the
//! pickle MAC instead of dying there.

use olm::core::base64;
use olm::core::crypto::{aes_cbc_ciphertext_len, CipherKeys, CIPHER_MAC_LENGTH};

/// Applies the edits in `program` (3 bytes each: operation, position, value) to `data`.
pub fn apply(program: &[u8], data: &mut Vec<u8>) {
    for edit in program.chunks_exact(3) {
        let (op, pos, value) = (edit[0], edit[1] as usize, edit[2]);
        // Positions cover the whole buffer: small values near the start, large near the end.
        let pos = if data.is_empty() { 0 } else if op & 0x80 != 0 { data.len() - 1 - pos % data.len() } else { pos % data.len() };
        match op % 8 {
            0 if !data.is_empty() => data[pos] = value,
            1 => data.insert(pos.min(data.len()), value),
            2 if !data.is_empty() => {
                data.remove(pos);
            }
            3 => data.truncate(pos),
            4 if !data.is_empty() => data[pos] ^= 1 << (value % 8),
            // A big-endian u32 with a small or extreme value (versions, counts, indexes).
            5 if data.len() >= pos + 4 => {
                let v = match value >> 6 {
                    0 => (value & 0x3f) as u32,
                    1 => u32::MAX - (value & 0x3f) as u32,
                    2 => 0x8000_0000 + (value & 0x3f) as u32,
                    _ => 1 << (value & 31),
                };
                data[pos..pos + 4].copy_from_slice(&v.to_be_bytes());
            }
            // A varint of several bytes (message counters and lengths).
            6 => {
                let bytes = [0x80 | value, 0x80 | value.rotate_left(3), value & 0x7f];
                for (k, b) in bytes.iter().enumerate() {
                    data.insert((pos + k).min(data.len()), *b);
                }
            }
            // Duplicate a slice (repeated fields, longer keys).
            7 if !data.is_empty() => {
                let len = (value as usize % 40 + 1).min(data.len() - pos);
                let slice = data[pos..pos + len].to_vec();
                data.splice(pos..pos, slice);
            }
            _ => {}
        }
        if data.len() > 1 << 16 {
            data.truncate(1 << 16);
        }
    }
}

pub fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; base64::decoded_len(text.len())?];
    base64::decode(text, &mut out)?;
    Some(out)
}

pub fn base64_encode(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; base64::encoded_len(data.len())];
    base64::encode(data, &mut out);
    out
}

/// The plain bytes inside a pickle sealed under `key` (the library's envelope, undone).
pub fn open_pickle(key: &[u8], pickle: &[u8]) -> Vec<u8> {
    let mut binary = base64_decode(pickle).expect("valid pickle");
    let ct_length = binary.len() - CIPHER_MAC_LENGTH;
    let keys = CipherKeys::derive(key, b"Pickle");
    let n = keys.decrypt_in_place(&mut binary[..ct_length]).expect("valid pickle");
    binary.truncate(n);
    binary
}

/// Seals plain pickle bytes under `key` as the library does: a pickle it will authenticate.
pub fn seal_pickle(key: &[u8], plain: &[u8]) -> Vec<u8> {
    let keys = CipherKeys::derive(key, b"Pickle");
    let mut binary = vec![0u8; aes_cbc_ciphertext_len(plain.len())];
    keys.encrypt(plain, &mut binary);
    let mac = keys.mac(&binary);
    binary.extend_from_slice(&mac[..CIPHER_MAC_LENGTH]);
    base64_encode(&binary)
}
