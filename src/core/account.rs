//! A device's long-term identity: the Ed25519 and Curve25519 identity keys, the store of
//! one-time keys, and the fallback keys, with libolm's JSON and pickle formats.

use super::base64;
use super::crypto::{Curve25519KeyPair, Ed25519KeyPair, ED25519_SIGNATURE_LENGTH};
use super::pickle::{Pickle, Reader, UnpickleError, Writer};
use super::OlmError;

/// How many one-time keys an account keeps; generating more drops the oldest.
pub const MAX_ONE_TIME_KEYS: usize = 100;

const ED25519_RANDOM_LENGTH: usize = 32;
const CURVE25519_RANDOM_LENGTH: usize = 32;

/// Random bytes `olm_create_account` takes.
pub const NEW_ACCOUNT_RANDOM_LENGTH: usize = ED25519_RANDOM_LENGTH + CURVE25519_RANDOM_LENGTH;
/// Random bytes `olm_account_generate_fallback_key` takes.
pub const FALLBACK_KEY_RANDOM_LENGTH: usize = CURVE25519_RANDOM_LENGTH;
/// Length of a base64 signature.
pub const SIGNATURE_BASE64_LENGTH: usize = base64::encoded_len(ED25519_SIGNATURE_LENGTH);

/// The version we write. Version 1 kept only 32 bytes of the Ed25519 private key (such keys
/// count as compromised), version 2 had no fallback keys, version 3 did not store how many
/// fallback keys there are.
const ACCOUNT_PICKLE_VERSION: u32 = 4;

const KEY_JSON_CURVE25519: &[u8] = b"\"curve25519\":";
const KEY_JSON_ED25519: &[u8] = b"\"ed25519\":";

/// Length of a key id in the JSON: base64 of the big-endian u32.
const KEY_ID_BASE64_LENGTH: usize = base64::encoded_len(4);
const KEY_BASE64_LENGTH: usize = base64::encoded_len(32);
/// `"id":"key"` in the key JSON.
const KEY_ENTRY_LENGTH: usize = 1 + KEY_ID_BASE64_LENGTH + 3 + KEY_BASE64_LENGTH + 1;
/// `{"curve25519":"...","ed25519":"..."}`
const IDENTITY_JSON_LENGTH: usize =
    1 + KEY_JSON_CURVE25519.len() + 1 + KEY_BASE64_LENGTH + 2 + KEY_JSON_ED25519.len() + 1 + KEY_BASE64_LENGTH + 2;
/// `{"curve25519":{}}`
const EMPTY_KEYS_JSON_LENGTH: usize = 4 + KEY_JSON_CURVE25519.len();

/// A one-time or fallback key with its id and whether it was published.
#[derive(Clone, Default)]
pub struct OneTimeKey {
    pub id: u32,
    pub published: bool,
    pub key: Curve25519KeyPair,
}

impl OneTimeKey {
    fn write_pickle(&self, w: &mut Writer<'_>) {
        w.u32(self.id);
        w.bool(self.published);
        w.curve25519_key_pair(&self.key);
    }

    fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
        Ok(Self { id: r.u32()?, published: r.bool()?, key: r.curve25519_key_pair()? })
    }

    const PICKLE_LENGTH: usize = 4 + 1 + 64;
}

/// An Olm account. Fixed size: the one-time keys sit in an array, newest first.
#[derive(Clone)]
pub struct Account {
    ed25519: Ed25519KeyPair,
    curve25519: Curve25519KeyPair,
    one_time_keys: [OneTimeKey; MAX_ONE_TIME_KEYS],
    num_one_time_keys: usize,
    num_fallback_keys: u8,
    current_fallback_key: OneTimeKey,
    prev_fallback_key: OneTimeKey,
    next_one_time_key_id: u32,
    /// The identity keys JSON, written whenever the identity keys are set: they are public and
    /// fixed, so the JSON is a copy rather than two base64 encodings per call.
    identity_json: [u8; IDENTITY_JSON_LENGTH],
}

impl Default for Account {
    fn default() -> Self {
        let mut account = Self {
            ed25519: Ed25519KeyPair::default(),
            curve25519: Curve25519KeyPair::default(),
            one_time_keys: std::array::from_fn(|_| OneTimeKey::default()),
            num_one_time_keys: 0,
            num_fallback_keys: 0,
            current_fallback_key: OneTimeKey::default(),
            prev_fallback_key: OneTimeKey::default(),
            next_one_time_key_id: 0,
            identity_json: [0; IDENTITY_JSON_LENGTH],
        };
        account.write_identity_json();
        account
    }
}

/// Appends bytes to a JSON output buffer whose length was checked beforehand.
struct JsonWriter<'a> {
    out: &'a mut [u8],
    pos: usize,
}

impl JsonWriter<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.out[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
    }

    fn base64(&mut self, bytes: &[u8]) {
        self.pos += base64::encode(bytes, &mut self.out[self.pos..]);
    }

    /// `"id":"key"`
    fn key_entry(&mut self, key: &OneTimeKey) {
        self.raw(b"\"");
        self.base64(&key.id.to_be_bytes());
        self.raw(b"\":\"");
        self.base64(&key.key.public_key);
        self.raw(b"\"");
    }
}

impl Account {
    pub fn identity_curve25519(&self) -> &Curve25519KeyPair {
        &self.curve25519
    }

    pub fn identity_ed25519(&self) -> &Ed25519KeyPair {
        &self.ed25519
    }

    fn one_time_keys(&self) -> &[OneTimeKey] {
        &self.one_time_keys[..self.num_one_time_keys]
    }

    fn fallback_keys(&self) -> impl Iterator<Item = &OneTimeKey> {
        [&self.current_fallback_key, &self.prev_fallback_key]
            .into_iter()
            .take(self.num_fallback_keys as usize)
    }

    /// Creates the identity keys from 64 random bytes: Ed25519 from the first 32, Curve25519
    /// from the rest.
    pub fn create(&mut self, random: &[u8]) -> Result<usize, OlmError> {
        if random.len() < NEW_ACCOUNT_RANDOM_LENGTH {
            return Err(OlmError::NotEnoughRandom);
        }
        let (ed, rest) = random.split_at(ED25519_RANDOM_LENGTH);
        self.ed25519 = Ed25519KeyPair::from_seed(ed.try_into().expect("split at 32"));
        self.curve25519 = Curve25519KeyPair::from_private_key(rest[..32].try_into().expect("length checked"));
        self.write_identity_json();
        Ok(0)
    }

    pub const IDENTITY_JSON_LENGTH: usize = IDENTITY_JSON_LENGTH;

    /// `{"curve25519":"...","ed25519":"..."}`
    pub fn identity_json(&self, out: &mut [u8]) -> Result<usize, OlmError> {
        let out = out.get_mut(..IDENTITY_JSON_LENGTH).ok_or(OlmError::OutputBufferTooSmall)?;
        out.copy_from_slice(&self.identity_json);
        Ok(IDENTITY_JSON_LENGTH)
    }

    fn write_identity_json(&mut self) {
        let mut w = JsonWriter { out: &mut self.identity_json, pos: 0 };
        w.raw(b"{");
        w.raw(KEY_JSON_CURVE25519);
        w.raw(b"\"");
        w.base64(&self.curve25519.public_key);
        w.raw(b"\",");
        w.raw(KEY_JSON_ED25519);
        w.raw(b"\"");
        w.base64(&self.ed25519.public_key);
        w.raw(b"\"}");
        debug_assert_eq!(w.pos, IDENTITY_JSON_LENGTH);
    }

    /// Signs `message` with the Ed25519 identity key, writing the base64 signature.
    pub fn sign(&self, message: &[u8], out: &mut [u8]) -> Result<usize, OlmError> {
        if out.len() < SIGNATURE_BASE64_LENGTH {
            return Err(OlmError::OutputBufferTooSmall);
        }
        Ok(base64::encode(&self.ed25519.sign(message), out))
    }

    pub fn one_time_keys_json_length(&self) -> usize {
        let unpublished = self.one_time_keys().iter().filter(|k| !k.published).count();
        // An empty object needs its opening brace from outside the loop.
        EMPTY_KEYS_JSON_LENGTH + unpublished * (KEY_ENTRY_LENGTH + 1) - (unpublished > 0) as usize
    }

    /// `{"curve25519":{"id":"key",...}}` with the unpublished one-time keys, newest first.
    pub fn one_time_keys_json(&self, out: &mut [u8]) -> Result<usize, OlmError> {
        if out.len() < self.one_time_keys_json_length() {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let mut w = JsonWriter { out, pos: 0 };
        w.raw(b"{");
        w.raw(KEY_JSON_CURVE25519);
        let mut separator = b"{";
        for key in self.one_time_keys().iter().filter(|k| !k.published) {
            w.raw(separator);
            w.key_entry(key);
            separator = b",";
        }
        if separator == b"{" {
            w.raw(separator);
        }
        w.raw(b"}}");
        Ok(w.pos)
    }

    /// Marks every one-time key, and the current fallback key, as published; returns how many
    /// one-time keys were newly marked.
    pub fn mark_keys_as_published(&mut self) -> usize {
        let mut count = 0;
        for key in self.one_time_keys[..self.num_one_time_keys].iter_mut() {
            if !key.published {
                key.published = true;
                count += 1;
            }
        }
        self.current_fallback_key.published = true;
        count
    }

    /// Random bytes needed for `number_of_keys` one-time keys (libolm's arithmetic wraps).
    pub fn generate_one_time_keys_random_length(number_of_keys: usize) -> usize {
        number_of_keys.wrapping_mul(CURVE25519_RANDOM_LENGTH)
    }

    /// Generates one-time keys, 32 random bytes each; the newest go first and the oldest
    /// beyond the capacity are dropped.
    pub fn generate_one_time_keys(&mut self, number_of_keys: usize, random: &[u8]) -> Result<usize, OlmError> {
        let needed = number_of_keys.checked_mul(CURVE25519_RANDOM_LENGTH).ok_or(OlmError::NotEnoughRandom)?;
        if random.len() < needed {
            return Err(OlmError::NotEnoughRandom);
        }
        // Keys that would be pushed out again by later ones in this call are never made;
        // their ids are still used up, as in libolm.
        let kept = number_of_keys.min(MAX_ONE_TIME_KEYS);
        let skipped = number_of_keys - kept;
        self.next_one_time_key_id = self.next_one_time_key_id.wrapping_add(skipped as u32);
        for chunk in random[skipped * CURVE25519_RANDOM_LENGTH..needed].chunks_exact(CURVE25519_RANDOM_LENGTH) {
            self.next_one_time_key_id = self.next_one_time_key_id.wrapping_add(1);
            let key = OneTimeKey {
                id: self.next_one_time_key_id,
                published: false,
                key: Curve25519KeyPair::from_private_key(chunk.try_into().expect("chunks of 32")),
            };
            self.insert_newest(key);
        }
        Ok(number_of_keys)
    }

    fn insert_newest(&mut self, key: OneTimeKey) {
        if self.num_one_time_keys < MAX_ONE_TIME_KEYS {
            self.num_one_time_keys += 1;
        }
        self.one_time_keys[..self.num_one_time_keys].rotate_right(1);
        self.one_time_keys[0] = key;
    }

    /// Makes a new current fallback key; the current one becomes the previous one.
    pub fn generate_fallback_key(&mut self, random: &[u8]) -> Result<usize, OlmError> {
        if random.len() < FALLBACK_KEY_RANDOM_LENGTH {
            return Err(OlmError::NotEnoughRandom);
        }
        if self.num_fallback_keys < 2 {
            self.num_fallback_keys += 1;
        }
        self.next_one_time_key_id = self.next_one_time_key_id.wrapping_add(1);
        let key = OneTimeKey {
            id: self.next_one_time_key_id,
            published: false,
            key: Curve25519KeyPair::from_private_key(random[..32].try_into().expect("length checked")),
        };
        self.prev_fallback_key = std::mem::replace(&mut self.current_fallback_key, key);
        Ok(1)
    }

    fn fallback_json_length(&self, unpublished_only: bool) -> usize {
        match self.fallback_for_json(unpublished_only) {
            Some(_) => EMPTY_KEYS_JSON_LENGTH + KEY_ENTRY_LENGTH,
            None => EMPTY_KEYS_JSON_LENGTH,
        }
    }

    fn fallback_for_json(&self, unpublished_only: bool) -> Option<&OneTimeKey> {
        let key = &self.current_fallback_key;
        (self.num_fallback_keys >= 1 && !(unpublished_only && key.published)).then_some(key)
    }

    fn fallback_json(&self, unpublished_only: bool, out: &mut [u8]) -> Result<usize, OlmError> {
        if out.len() < self.fallback_json_length(unpublished_only) {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let mut w = JsonWriter { out, pos: 0 };
        w.raw(b"{");
        w.raw(KEY_JSON_CURVE25519);
        w.raw(b"{");
        if let Some(key) = self.fallback_for_json(unpublished_only) {
            w.key_entry(key);
        }
        w.raw(b"}}");
        Ok(w.pos)
    }

    /// Length of the current fallback key's JSON, published or not (deprecated in libolm).
    pub fn fallback_key_json_length(&self) -> usize {
        self.fallback_json_length(false)
    }

    pub fn fallback_key_json(&self, out: &mut [u8]) -> Result<usize, OlmError> {
        self.fallback_json(false, out)
    }

    pub fn unpublished_fallback_key_json_length(&self) -> usize {
        self.fallback_json_length(true)
    }

    pub fn unpublished_fallback_key_json(&self, out: &mut [u8]) -> Result<usize, OlmError> {
        self.fallback_json(true, out)
    }

    /// Forgets the previous fallback key, if there is one.
    pub fn forget_old_fallback_key(&mut self) {
        if self.num_fallback_keys >= 2 {
            self.num_fallback_keys = 1;
            self.prev_fallback_key = OneTimeKey::default();
        }
    }

    /// A one-time or fallback key by its public key, in libolm's lookup order.
    pub fn lookup_one_time_key(&self, public_key: &[u8; 32]) -> Option<&Curve25519KeyPair> {
        self.one_time_keys()
            .iter()
            .chain(self.fallback_keys())
            .find(|k| &k.key.public_key == public_key)
            .map(|k| &k.key)
    }

    /// Removes a one-time key and returns its id. A fallback key stays, but its id is returned
    /// all the same; `None` if the key is unknown.
    pub fn remove_one_time_key(&mut self, public_key: &[u8; 32]) -> Option<u32> {
        if let Some(i) = self.one_time_keys().iter().position(|k| &k.key.public_key == public_key) {
            let id = self.one_time_keys[i].id;
            self.one_time_keys[i..self.num_one_time_keys].rotate_left(1);
            self.num_one_time_keys -= 1;
            self.one_time_keys[self.num_one_time_keys] = OneTimeKey::default();
            return Some(id);
        }
        self.fallback_keys().find(|k| &k.key.public_key == public_key).map(|k| k.id)
    }
}

impl Pickle for Account {
    fn pickle_len(&self) -> usize {
        4 + 96
            + 64
            + 4
            + self.num_one_time_keys * OneTimeKey::PICKLE_LENGTH
            + 1
            + self.num_fallback_keys as usize * OneTimeKey::PICKLE_LENGTH
            + 4
    }

    fn write_pickle(&self, w: &mut Writer<'_>) {
        w.u32(ACCOUNT_PICKLE_VERSION);
        w.ed25519_key_pair(&self.ed25519);
        w.curve25519_key_pair(&self.curve25519);
        w.u32(self.num_one_time_keys as u32);
        for key in self.one_time_keys() {
            key.write_pickle(w);
        }
        w.u8(self.num_fallback_keys);
        for key in self.fallback_keys() {
            key.write_pickle(w);
        }
        w.u32(self.next_one_time_key_id);
    }

    fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
        let version = r.u32()?;
        match version {
            2..=4 => {}
            1 => return Err(OlmError::BadLegacyAccountPickle.into()),
            _ => return Err(OlmError::UnknownPickleVersion.into()),
        }
        let mut account = Account {
            ed25519: r.ed25519_key_pair()?,
            curve25519: r.curve25519_key_pair()?,
            ..Account::default()
        };
        account.write_identity_json();
        account.num_one_time_keys = r.count(MAX_ONE_TIME_KEYS)?;
        for slot in account.one_time_keys[..account.num_one_time_keys].iter_mut() {
            *slot = OneTimeKey::read_pickle(r)?;
        }
        match version {
            2 => {}
            3 => {
                // Version 3 always stored both fallback keys; how many were real is told by
                // their published flags.
                account.current_fallback_key = OneTimeKey::read_pickle(r)?;
                account.prev_fallback_key = OneTimeKey::read_pickle(r)?;
                account.num_fallback_keys = match (
                    account.current_fallback_key.published,
                    account.prev_fallback_key.published,
                ) {
                    (false, _) => 0,
                    (true, false) => 1,
                    (true, true) => 2,
                };
            }
            _ => {
                account.num_fallback_keys = r.u8()?;
                if account.num_fallback_keys >= 1 {
                    account.current_fallback_key = OneTimeKey::read_pickle(r)?;
                    if account.num_fallback_keys >= 2 {
                        account.prev_fallback_key = OneTimeKey::read_pickle(r)?;
                        if account.num_fallback_keys >= 3 {
                            return Err(OlmError::CorruptedPickle.into());
                        }
                    }
                }
            }
        }
        account.next_one_time_key_id = r.u32()?;
        Ok(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pickle::{open, seal, sealed_len};

    fn account() -> Account {
        let mut a = Account::default();
        let random: Vec<u8> = (0..64).collect();
        a.create(&random).unwrap();
        a
    }

    fn json(f: impl Fn(&mut [u8]) -> Result<usize, OlmError>, len: usize) -> String {
        let mut out = vec![0u8; len];
        assert_eq!(f(&mut out[..len - 1]), Err(OlmError::OutputBufferTooSmall));
        let n = f(&mut out).unwrap();
        assert_eq!(n, len);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_time_keys_newest_first_and_capped() {
        let mut a = account();
        assert_eq!(json(|o| a.one_time_keys_json(o), a.one_time_keys_json_length()), "{\"curve25519\":{}}");
        let random = vec![3u8; 32 * 102];
        assert_eq!(a.generate_one_time_keys(102, &random[..32 * 101]), Err(OlmError::NotEnoughRandom));
        assert_eq!(a.generate_one_time_keys(102, &random), Ok(102));
        assert_eq!(a.one_time_keys().len(), MAX_ONE_TIME_KEYS);
        assert_eq!(a.one_time_keys()[0].id, 102);
        assert_eq!(a.one_time_keys()[99].id, 3);
        let text = json(|o| a.one_time_keys_json(o), a.one_time_keys_json_length());
        assert!(text.starts_with("{\"curve25519\":{\"AAAAZg\":\""));
        assert_eq!(a.mark_keys_as_published(), 100);
        assert_eq!(a.mark_keys_as_published(), 0);
    }

    #[test]
    fn fallback_keys() {
        let mut a = account();
        assert_eq!(a.fallback_key_json_length(), 17);
        a.generate_fallback_key(&[9u8; 32]).unwrap();
        let text = json(|o| a.unpublished_fallback_key_json(o), a.unpublished_fallback_key_json_length());
        assert!(text.starts_with("{\"curve25519\":{\"AAAAAQ\":\""));
        a.mark_keys_as_published();
        assert_eq!(a.unpublished_fallback_key_json_length(), 17);
        assert_eq!(a.fallback_key_json_length(), 71);
        let fallback = a.current_fallback_key.key.public_key;
        assert_eq!(a.remove_one_time_key(&fallback), Some(1));
        assert!(a.lookup_one_time_key(&fallback).is_some());
    }

    #[test]
    fn pickle_round_trip() {
        let mut a = account();
        a.generate_one_time_keys(3, &[5u8; 96]).unwrap();
        a.generate_fallback_key(&[6u8; 32]).unwrap();
        a.generate_fallback_key(&[7u8; 32]).unwrap();
        let mut out = vec![0u8; sealed_len(a.pickle_len())];
        seal(&a, b"", &mut out).unwrap();
        let b: Account = open(b"", &out).unwrap();
        let mut again = vec![0u8; out.len()];
        seal(&b, b"", &mut again).unwrap();
        assert_eq!(out, again);
    }
}
