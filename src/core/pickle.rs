//! libolm's pickle format: big-endian integers, bytes and keys in a plain buffer, sealed with
//! the "Pickle" cipher (HKDF, AES-256-CBC, HMAC-SHA-256 truncated to 8 bytes) and base64.
//!
//! One codec serves every picklable object: each implements [`Pickle`], and [`seal`] and
//! [`open`] do the rest.

use zeroize::Zeroize;

use super::base64;
use super::crypto::{aes_cbc_ciphertext_len, declassify, CipherKeys, Curve25519KeyPair, Ed25519KeyPair, CIPHER_MAC_LENGTH};
use super::OlmError;

const PICKLE_INFO: &[u8] = b"Pickle";

/// Why reading a pickle failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnpickleError {
    /// The data ended early or held an impossible value. libolm reports CORRUPTED_PICKLE for
    /// this only when the object has no error recorded yet.
    Corrupted,
    /// A specific error that is always reported.
    Error(OlmError),
}

impl From<OlmError> for UnpickleError {
    fn from(e: OlmError) -> Self {
        UnpickleError::Error(e)
    }
}

/// Writes pickle fields into a buffer sized by [`Pickle::pickle_len`].
pub struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub fn bytes(&mut self, bytes: &[u8]) {
        self.buf[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
    }

    pub fn u32(&mut self, value: u32) {
        self.bytes(&value.to_be_bytes());
    }

    pub fn u8(&mut self, value: u8) {
        self.bytes(&[value]);
    }

    pub fn bool(&mut self, value: bool) {
        self.u8(value as u8);
    }

    pub fn curve25519_key_pair(&mut self, pair: &Curve25519KeyPair) {
        self.bytes(&pair.public_key);
        self.bytes(&pair.private_key);
    }

    pub fn ed25519_key_pair(&mut self, pair: &Ed25519KeyPair) {
        self.bytes(&pair.public_key);
        self.bytes(&pair.private_key);
    }

    pub fn position(&self) -> usize {
        self.pos
    }
}

/// Reads pickle fields; every read fails with [`UnpickleError::Corrupted`] past the end.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], UnpickleError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or(UnpickleError::Corrupted)?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], UnpickleError> {
        Ok(self.bytes(N)?.try_into().expect("length checked"))
    }

    // Integers and flags in a pickle are its structure (versions, counts, ids, indexes), not
    // key material: the constant-time check may see the parser branch on them.
    pub fn u32(&mut self) -> Result<u32, UnpickleError> {
        Ok(declassify(u32::from_be_bytes(self.array()?)))
    }

    pub fn u8(&mut self) -> Result<u8, UnpickleError> {
        Ok(declassify(self.bytes(1)?[0]))
    }

    /// A public key: stored beside secrets, but public by design.
    pub fn public_key<const N: usize>(&mut self) -> Result<[u8; N], UnpickleError> {
        Ok(declassify(self.array()?))
    }

    /// libolm reads any non-zero byte as true.
    pub fn bool(&mut self) -> Result<bool, UnpickleError> {
        Ok(self.u8()? != 0)
    }

    pub fn curve25519_key_pair(&mut self) -> Result<Curve25519KeyPair, UnpickleError> {
        Ok(Curve25519KeyPair { public_key: self.public_key()?, private_key: self.array()? })
    }

    pub fn ed25519_key_pair(&mut self) -> Result<Ed25519KeyPair, UnpickleError> {
        Ok(Ed25519KeyPair { public_key: self.public_key()?, private_key: self.array()? })
    }

    /// A list count as libolm writes it. libolm stops reading items silently at the end of the
    /// data, so a count larger than the data allows is only an error later; callers that store
    /// the items in fixed arrays refuse counts beyond their capacity (a pickle libolm never
    /// writes).
    pub fn count(&mut self, capacity: usize) -> Result<usize, UnpickleError> {
        let n = self.u32()? as usize;
        if n > capacity {
            return Err(UnpickleError::Corrupted);
        }
        Ok(n)
    }

    pub fn is_empty(&self) -> bool {
        self.pos == self.data.len()
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
}

/// An object with a libolm pickle layout.
pub trait Pickle: Sized {
    /// Length of the plain (unencrypted) pickle.
    fn pickle_len(&self) -> usize;
    /// Writes exactly `pickle_len()` bytes.
    fn write_pickle(&self, w: &mut Writer<'_>);
    /// Reads the object; the caller checks that nothing is left over.
    fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError>;
}

/// Length of the sealed (encrypted, base64) pickle of `raw_length` plain bytes.
pub const fn sealed_len(raw_length: usize) -> usize {
    base64::encoded_len(aes_cbc_ciphertext_len(raw_length) + CIPHER_MAC_LENGTH)
}

/// Pickles `object` under `key` into `output`, returning the pickle's length.
///
/// Works inside `output` alone, as libolm does: the plain pickle is written where the binary
/// pickle will end, encrypted in place, MACed, then base64-encoded forwards over itself, so no
/// plaintext key material is left behind and nothing is allocated.
pub fn seal<T: Pickle>(object: &T, key: &[u8], output: &mut [u8]) -> Result<usize, OlmError> {
    let raw_length = object.pickle_len();
    let out_length = sealed_len(raw_length);
    if output.len() < out_length {
        return Err(OlmError::OutputBufferTooSmall);
    }
    let ct_length = aes_cbc_ciphertext_len(raw_length);
    let binary_length = ct_length + CIPHER_MAC_LENGTH;
    let start = base64::in_place_offset(binary_length);
    let binary = &mut output[start..out_length];
    {
        let mut w = Writer::new(&mut binary[..raw_length]);
        object.write_pickle(&mut w);
        debug_assert_eq!(w.position(), raw_length);
    }
    let keys = CipherKeys::derive(key, PICKLE_INFO);
    keys.encrypt_in_place(&mut binary[..ct_length], raw_length);
    let mac = keys.mac(&binary[..ct_length]);
    binary[ct_length..].copy_from_slice(&mac[..CIPHER_MAC_LENGTH]);
    Ok(base64::encode_in_place(&mut output[..out_length], binary_length))
}

/// Wipes a borrowed buffer when dropped, whichever way the function returns.
struct WipeOnDrop<'a>(&'a mut [u8]);

impl Drop for WipeOnDrop<'_> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The decoded pickle lengths [`open`] handles without a heap buffer.
const STACK_PICKLE_LENGTH: usize = 8192;

/// Decrypts a sealed pickle and reads the object from it.
pub fn open<T: Pickle>(key: &[u8], pickled: &[u8]) -> Result<T, UnpickleError> {
    let binary_length = base64::decoded_len(pickled.len()).ok_or(OlmError::InvalidBase64)?;
    // Every valid pickle fits on the stack (the largest, an account with 100 one-time keys, is
    // about 7 KiB); only an oversized input, bound to fail, takes the heap.
    // Only the part in use is wiped afterwards (wiping all 8 KiB would cost more than the rest).
    let mut on_stack = [0u8; STACK_PICKLE_LENGTH];
    let mut on_heap = Vec::new();
    let wiped = WipeOnDrop(if binary_length <= STACK_PICKLE_LENGTH {
        &mut on_stack[..binary_length]
    } else {
        on_heap.resize(binary_length, 0);
        &mut on_heap[..]
    });
    let binary = &mut *wiped.0;
    base64::decode(pickled, binary).ok_or(OlmError::InvalidBase64)?;
    // Any failure to authenticate or decrypt is libolm's BAD_ACCOUNT_KEY, for every object.
    let ct_length = binary_length.checked_sub(CIPHER_MAC_LENGTH).ok_or(OlmError::BadAccountKey)?;
    let keys = CipherKeys::derive(key, PICKLE_INFO);
    let (ciphertext, mac) = binary.split_at_mut(ct_length);
    if !keys.verify_mac(ciphertext, mac) {
        return Err(OlmError::BadAccountKey.into());
    }
    let raw_length = keys.decrypt_in_place(ciphertext).ok_or(OlmError::BadAccountKey)?;
    let mut reader = Reader::new(&ciphertext[..raw_length]);
    let object = T::read_pickle(&mut reader)?;
    if !reader.is_empty() {
        return Err(OlmError::PickleExtraData.into());
    }
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Sample {
        a: u32,
        b: bool,
        c: [u8; 5],
    }

    impl Pickle for Sample {
        fn pickle_len(&self) -> usize {
            10
        }
        fn write_pickle(&self, w: &mut Writer<'_>) {
            w.u32(self.a);
            w.bool(self.b);
            w.bytes(&self.c);
        }
        fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
            Ok(Sample { a: r.u32()?, b: r.bool()?, c: r.array()? })
        }
    }

    #[test]
    fn seal_and_open() {
        let s = Sample { a: 0xdead_beef, b: true, c: *b"hello" };
        let mut out = vec![0u8; sealed_len(10)];
        assert_eq!(seal(&s, b"key", &mut out[..5]), Err(OlmError::OutputBufferTooSmall));
        let n = seal(&s, b"key", &mut out).unwrap();
        assert_eq!(n, out.len());
        assert_eq!(open::<Sample>(b"key", &out), Ok(s));
        assert_eq!(open::<Sample>(b"kez", &out), Err(UnpickleError::Error(OlmError::BadAccountKey)));
        assert_eq!(open::<Sample>(b"key", &out[..5]), Err(UnpickleError::Error(OlmError::InvalidBase64)));
        assert_eq!(open::<Sample>(b"key", &out[..4]), Err(UnpickleError::Error(OlmError::BadAccountKey)));
    }

    /// Raw bytes, to seal pickles of any length.
    struct Filler(Vec<u8>);

    impl Pickle for Filler {
        fn pickle_len(&self) -> usize {
            self.0.len()
        }
        fn write_pickle(&self, w: &mut Writer<'_>) {
            w.bytes(&self.0);
        }
        fn read_pickle(_: &mut Reader<'_>) -> Result<Self, UnpickleError> {
            Err(UnpickleError::Corrupted)
        }
    }

    #[test]
    fn open_on_either_side_of_the_stack_buffer() {
        // A Sample followed by filler: opened as a Sample, the filler is extra data.
        for filler in [0usize, 100, STACK_PICKLE_LENGTH - 64, STACK_PICKLE_LENGTH, 3 * STACK_PICKLE_LENGTH] {
            let mut raw = vec![0xde, 0xad, 0xbe, 0xef, 1, b'h', b'e', b'l', b'l', b'o'];
            raw.resize(10 + filler, 7);
            let mut out = vec![0u8; sealed_len(raw.len())];
            seal(&Filler(raw), b"key", &mut out).unwrap();
            let expected = if filler == 0 {
                Ok(Sample { a: 0xdead_beef, b: true, c: *b"hello" })
            } else {
                Err(UnpickleError::Error(OlmError::PickleExtraData))
            };
            assert_eq!(open::<Sample>(b"key", &out), expected, "filler {filler}");
            assert_eq!(open::<Sample>(b"kez", &out), Err(UnpickleError::Error(OlmError::BadAccountKey)));
        }
    }
}
