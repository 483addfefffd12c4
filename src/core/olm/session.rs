//! An Olm session: the triple Diffie-Hellman handshake that starts it, its id, message
//! encryption and decryption over the ratchet, its description and its pickle.
//!
//! "Alice" creates the session outbound and sends pre-key messages until she hears back;
//! "Bob" creates it inbound from her first pre-key message with one of his one-time keys.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::message::{Message, PreKeyMessage};
use super::ratchet::{key_pair_from_random, Ratchet};
use crate::core::base64;
use crate::core::crypto::{self, sha256, Curve25519KeyPair, CIPHER_MAC_LENGTH, CURVE25519_KEY_LENGTH};
use crate::core::pickle::{Pickle, Reader, UnpickleError, Writer};
use crate::core::OlmError;

/// Message types, as `olm_encrypt_message_type` returns them and `olm_decrypt` takes them.
pub const MESSAGE_TYPE_PRE_KEY: usize = 0;
pub const MESSAGE_TYPE_MESSAGE: usize = 1;

/// Random bytes for a new outbound session: the base key and the first ratchet key.
pub const OUTBOUND_RANDOM_LENGTH: usize = 64;

/// Length of the base64 session id (SHA-256).
pub const SESSION_ID_BASE64_LENGTH: usize = base64::encoded_len(32);

const PICKLE_VERSION: u32 = 1;
/// Written by libolm's old "logging_enabled" branch: version 1 plus an unused chain index.
const PICKLE_VERSION_WITH_CHAIN_INDEX: u32 = 0x8000_0001;

/// Deliberate difference from libolm: an exchange with a small-order public key yields an
/// all-zero, public "secret". libolm builds a session on it anyway; we refuse. The key came
/// from the peer (their identity or one-time key, or a key in their pre-key message), so we
/// report libolm's error for a message key we cannot use.
const NON_CONTRIBUTORY_KEY: OlmError = OlmError::BadMessageKeyId;

/// The session's state. Fixed size, no heap; every secret is wiped on drop.
#[derive(Default, Zeroize, ZeroizeOnDrop)]
pub struct Session {
    received_message: bool,
    alice_identity_key: [u8; 32],
    alice_base_key: [u8; 32],
    bob_one_time_key: [u8; 32],
    ratchet: Ratchet,
}

/// The triple Diffie-Hellman secret, `None` if any exchange is non-contributory.
fn triple_dh(
    first: (&Curve25519KeyPair, &[u8; 32]),
    second: (&Curve25519KeyPair, &[u8; 32]),
    third: (&Curve25519KeyPair, &[u8; 32]),
) -> Option<Zeroizing<[u8; 96]>> {
    let mut secret = Zeroizing::new([0u8; 96]);
    for (chunk, (ours, theirs)) in secret.chunks_exact_mut(32).zip([first, second, third]) {
        chunk.copy_from_slice(ours.shared_secret(theirs)?.as_ref());
    }
    Some(secret)
}

/// A 32-byte key field of a decoded message.
fn key_field(field: Option<&[u8]>) -> Option<[u8; 32]> {
    field?.try_into().ok()
}

/// The fields of a pre-key message that a session needs, with libolm's checks: every key is
/// present and 32 bytes long, the inner message is present, and the identity key may be
/// missing only when the caller supplies it.
struct PreKeyFields<'a> {
    identity_key: Option<[u8; 32]>,
    base_key: [u8; 32],
    one_time_key: [u8; 32],
    message: &'a [u8],
}

impl<'a> PreKeyFields<'a> {
    fn parse(input: &'a [u8], have_their_identity_key: bool) -> Option<Self> {
        let m = PreKeyMessage::decode(input);
        let identity_key = match m.identity_key {
            Some(key) => Some(key.try_into().ok()?),
            None if have_their_identity_key => None,
            None => return None,
        };
        Some(PreKeyFields {
            identity_key,
            message: m.message?,
            base_key: key_field(m.base_key)?,
            one_time_key: key_field(m.one_time_key)?,
        })
    }
}

/// The inner (normal) message of a message of type `message_type`: anything but
/// [`MESSAGE_TYPE_MESSAGE`] is read as a pre-key message, as libolm does.
fn message_body(message_type: usize, message: &[u8]) -> Result<&[u8], OlmError> {
    if message_type == MESSAGE_TYPE_MESSAGE {
        Ok(message)
    } else {
        PreKeyMessage::decode(message).message.ok_or(OlmError::BadMessageFormat)
    }
}

/// Decodes a base64 message in place (as libolm does, so no copy is made) and returns the
/// bytes. Messages are public: the table decoder serves them.
pub fn decode_base64_in_place(buffer: &mut [u8]) -> Result<&[u8], OlmError> {
    let length = base64::decode_public_in_place(buffer).ok_or(OlmError::InvalidBase64)?;
    Ok(&buffer[..length])
}

/// A base64 key of exactly 32 bytes, as the session functions take them.
pub fn decode_key(key: &[u8]) -> Result<[u8; 32], OlmError> {
    base64::decode_array::<32>(key).ok_or(OlmError::InvalidBase64)
}

impl Session {
    /// Alice's side: a session to Bob from his identity key and one of his one-time keys.
    pub fn new_outbound(
        our_identity_key: &Curve25519KeyPair,
        their_identity_key: &[u8; 32],
        their_one_time_key: &[u8; 32],
        random: &[u8],
    ) -> Result<Self, OlmError> {
        if random.len() < OUTBOUND_RANDOM_LENGTH {
            return Err(OlmError::NotEnoughRandom);
        }
        let base_key = key_pair_from_random(&random[..32]);
        let ratchet_key = key_pair_from_random(&random[32..64]);
        let secret = triple_dh(
            (our_identity_key, their_one_time_key),
            (&base_key, their_identity_key),
            (&base_key, their_one_time_key),
        )
        .ok_or(NON_CONTRIBUTORY_KEY)?;
        Ok(Session {
            received_message: false,
            alice_identity_key: our_identity_key.public_key,
            alice_base_key: base_key.public_key,
            bob_one_time_key: *their_one_time_key,
            ratchet: Ratchet::initialise_as_alice(secret.as_ref(), ratchet_key),
        })
    }

    /// Bob's side: a session from Alice's first pre-key message. `one_time_key` finds the
    /// private half of the one-time (or fallback) key the message names.
    ///
    /// Errors come where libolm gives them. On failure libolm has sometimes already copied the
    /// message's keys into the session (after the identity-key check); we change nothing.
    pub fn new_inbound<'k>(
        our_identity_key: &Curve25519KeyPair,
        one_time_key: impl FnOnce(&[u8; 32]) -> Option<&'k Curve25519KeyPair>,
        their_identity_key: Option<&[u8; 32]>,
        message: &[u8],
    ) -> Result<Self, OlmError> {
        let fields = PreKeyFields::parse(message, their_identity_key.is_some()).ok_or(OlmError::BadMessageFormat)?;
        // libolm would read a missing identity key from a null pointer (a crash) when the caller
        // supplies one; we take the caller's.
        let alice_identity_key = match (fields.identity_key, their_identity_key) {
            (Some(in_message), Some(theirs)) if in_message != *theirs => return Err(OlmError::BadMessageKeyId),
            (Some(key), _) | (None, Some(&key)) => key,
            (None, None) => return Err(OlmError::BadMessageFormat),
        };
        let inner = Message::decode(fields.message, CIPHER_MAC_LENGTH);
        let their_ratchet_key = key_field(inner.ratchet_key).ok_or(OlmError::BadMessageFormat)?;
        let our_one_time_key = one_time_key(&fields.one_time_key).ok_or(OlmError::BadMessageKeyId)?;
        let secret = triple_dh(
            (our_one_time_key, &alice_identity_key),
            (our_identity_key, &fields.base_key),
            (our_one_time_key, &fields.base_key),
        )
        .ok_or(NON_CONTRIBUTORY_KEY)?;
        // A small-order ratchet key would make our first reply's chain non-contributory:
        // refuse the session now rather than fail on every later encryption. Which keys those
        // are is a short list; no scalar multiplication is needed to find out.
        if crypto::is_low_order(&their_ratchet_key) {
            return Err(NON_CONTRIBUTORY_KEY);
        }
        Ok(Session {
            received_message: false,
            alice_identity_key,
            alice_base_key: fields.base_key,
            bob_one_time_key: fields.one_time_key,
            ratchet: Ratchet::initialise_as_bob(secret.as_ref(), &their_ratchet_key),
        })
    }

    /// The session id: SHA-256 of Alice's identity key, her base key and Bob's one-time key.
    pub fn id(&self) -> [u8; 32] {
        let mut keys = [0u8; 96];
        keys[..32].copy_from_slice(&self.alice_identity_key);
        keys[32..64].copy_from_slice(&self.alice_base_key);
        keys[64..].copy_from_slice(&self.bob_one_time_key);
        sha256(&keys)
    }

    pub fn id_base64(&self, output: &mut [u8]) -> Result<usize, OlmError> {
        if output.len() < SESSION_ID_BASE64_LENGTH {
            return Err(OlmError::OutputBufferTooSmall);
        }
        Ok(base64::encode(&self.id(), output))
    }

    /// The one-time key of Bob's that the session was built on.
    pub fn bob_one_time_key(&self) -> &[u8; 32] {
        &self.bob_one_time_key
    }

    pub fn has_received_message(&self) -> bool {
        self.received_message
    }

    /// Whether a pre-key message belongs to this session (same keys, and the same sender
    /// identity key where the message or the caller names one).
    pub fn matches_inbound(&self, their_identity_key: Option<&[u8; 32]>, message: &[u8]) -> bool {
        let Some(fields) = PreKeyFields::parse(message, their_identity_key.is_some()) else { return false };
        fields.identity_key.is_none_or(|key| key == self.alice_identity_key)
            && their_identity_key.is_none_or(|key| *key == self.alice_identity_key)
            && fields.base_key == self.alice_base_key
            && fields.one_time_key == self.bob_one_time_key
    }

    /// Pre-key messages until the first message from the other side arrives.
    pub fn encrypt_message_type(&self) -> usize {
        if self.received_message {
            MESSAGE_TYPE_MESSAGE
        } else {
            MESSAGE_TYPE_PRE_KEY
        }
    }

    pub fn encrypt_random_length(&self) -> usize {
        self.ratchet.encrypt_random_length()
    }

    /// Length of the next (binary) message for `plaintext_length` bytes.
    pub fn encrypt_message_length(&self, plaintext_length: usize) -> usize {
        let body = self.ratchet.encrypt_output_length(plaintext_length);
        if self.received_message {
            body
        } else {
            PreKeyMessage::encoded_len(body)
        }
    }

    pub fn encrypt_message_length_base64(&self, plaintext_length: usize) -> usize {
        base64::encoded_len(self.encrypt_message_length(plaintext_length))
    }

    /// Encrypts into the start of `output` (binary); the message type is
    /// [`Self::encrypt_message_type`] as it was before the call.
    pub fn encrypt(&mut self, plaintext: &[u8], random: &[u8], output: &mut [u8]) -> Result<usize, OlmError> {
        let length = self.encrypt_message_length(plaintext.len());
        if output.len() < length {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let output = &mut output[..length];
        let body_at = if self.received_message {
            0
        } else {
            let body_length = self.ratchet.encrypt_output_length(plaintext.len());
            PreKeyMessage::encode_header(
                output,
                &self.bob_one_time_key,
                &self.alice_base_key,
                &self.alice_identity_key,
                body_length,
            )
        };
        self.ratchet.encrypt(plaintext, random, &mut output[body_at..])?;
        Ok(length)
    }

    /// Encrypts into `output` as base64, building the binary message in the tail of the same
    /// buffer and encoding it forwards, as libolm does.
    pub fn encrypt_base64(&mut self, plaintext: &[u8], random: &[u8], output: &mut [u8]) -> Result<usize, OlmError> {
        let raw_length = self.encrypt_message_length(plaintext.len());
        let encoded_length = base64::encoded_len(raw_length);
        if output.len() < encoded_length {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let output = &mut output[..encoded_length];
        self.encrypt(plaintext, random, &mut output[base64::in_place_offset(raw_length)..])?;
        Ok(base64::encode_in_place(output, raw_length))
    }

    /// An upper bound on the plaintext of a (binary) message.
    pub fn decrypt_max_plaintext_length(&self, message_type: usize, message: &[u8]) -> Result<usize, OlmError> {
        Ratchet::decrypt_max_plaintext_length(message_body(message_type, message)?)
    }

    /// Decrypts a (binary) message into `plaintext`. On failure the session is unchanged.
    pub fn decrypt(&mut self, message_type: usize, message: &[u8], plaintext: &mut [u8]) -> Result<usize, OlmError> {
        let length = self.ratchet.decrypt(message_body(message_type, message)?, plaintext)?;
        self.received_message = true;
        Ok(length)
    }

    /// libolm's one-line summary of the ratchet's chain and skipped-key indices, truncated to
    /// `buffer` exactly as libolm truncates it (see [`Description`]).
    pub fn describe(&self, buffer: &mut [u8]) {
        let mut d = Description::new(buffer);
        let ratchet = &self.ratchet;
        let _complete = (|| {
            let sender_index = ratchet.sender_chain.as_ref().map_or(0, |chain| chain.chain_key.index);
            d.piece(format_args!("sender chain index: {} ", sender_index as i32))?;
            d.piece(format_args!("receiver chain indices:"))?;
            for chain in ratchet.receiver_chains.iter() {
                d.piece(format_args!(" {}", chain.chain_key.index as i32))?;
            }
            d.piece(format_args!(" skipped message keys:"))?;
            for skipped in ratchet.skipped_message_keys.iter() {
                d.piece(format_args!(" {}", skipped.message_key.index as i32))?;
            }
            Some(())
        })();
    }
}

/// The part of a description buffer of `buffer_length` bytes that libolm uses: it takes the
/// length as a C `int`, so lengths of 2^31 and above wrap, and a negative one means nothing.
pub fn describe_length(buffer_length: usize) -> usize {
    usize::try_from(buffer_length as u32 as i32).unwrap_or(0)
}

/// libolm builds the description with a series of `snprintf` calls into what is left of the
/// buffer. Reproducing that exactly:
/// - the buffer length is taken as a C `int`, and nothing is written unless that is positive;
/// - a buffer of under 23 bytes gets only the terminating NUL;
/// - each piece is written as `snprintf` would (truncated, NUL-terminated);
/// - a piece that does not fit ends the text with `...` and a NUL in the last four bytes of
///   the buffer, except that a piece exactly one byte too long is truncated silently (`snprintf`
///   reports it as fitting) and the elision then comes with the next piece, if any.
///
/// Indices are printed with `%d`, so those of 2^31 and above come out negative.
struct Description<'a> {
    buffer: &'a mut [u8],
    pos: usize,
}

impl<'a> Description<'a> {
    const MIN_LENGTH: usize = 23;

    fn new(buffer: &'a mut [u8]) -> Self {
        let length = describe_length(buffer.len());
        let buffer = &mut buffer[..length];
        if let Some(first) = buffer.first_mut() {
            *first = 0;
        }
        Self { buffer, pos: 0 }
    }

    /// Writes one piece; `None` once the text has been cut short.
    fn piece(&mut self, args: core::fmt::Arguments<'_>) -> Option<()> {
        if self.buffer.len() < Self::MIN_LENGTH {
            return None;
        }
        let mut text = PieceBuffer::default();
        core::fmt::Write::write_fmt(&mut text, args).ok()?;
        let piece = text.as_bytes();
        let remaining = self.buffer.len() - self.pos;
        if remaining > 0 {
            let n = piece.len().min(remaining - 1);
            self.buffer[self.pos..self.pos + n].copy_from_slice(&piece[..n]);
            self.buffer[self.pos + n] = 0;
        }
        if piece.len() > remaining {
            let end = self.buffer.len() - 1;
            self.buffer[end - 3..end].copy_from_slice(b"...");
            self.buffer[end] = 0;
            return None;
        }
        self.pos += piece.len();
        Some(())
    }
}

/// A small stack buffer for one formatted piece of the description.
#[derive(Default)]
struct PieceBuffer {
    bytes: [u8; 32],
    len: usize,
}

impl PieceBuffer {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl core::fmt::Write for PieceBuffer {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.bytes.get_mut(self.len..end).ok_or(core::fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl Pickle for Session {
    fn pickle_len(&self) -> usize {
        4 + 1 + 3 * CURVE25519_KEY_LENGTH + self.ratchet.pickle_len()
    }

    fn write_pickle(&self, w: &mut Writer<'_>) {
        w.u32(PICKLE_VERSION);
        w.bool(self.received_message);
        w.bytes(&self.alice_identity_key);
        w.bytes(&self.alice_base_key);
        w.bytes(&self.bob_one_time_key);
        self.ratchet.write_pickle(w);
    }

    fn read_pickle(r: &mut Reader<'_>) -> Result<Self, UnpickleError> {
        let includes_chain_index = match r.u32()? {
            PICKLE_VERSION => false,
            PICKLE_VERSION_WITH_CHAIN_INDEX => true,
            _ => return Err(OlmError::UnknownPickleVersion.into()),
        };
        Ok(Session {
            received_message: r.bool()?,
            alice_identity_key: r.public_key()?,
            alice_base_key: r.public_key()?,
            bob_one_time_key: r.public_key()?,
            ratchet: Ratchet::read_pickle(r, includes_chain_index)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pickle::{open, seal, sealed_len};

    /// `n` bytes counting up from `start`: the random input of the vectors below.
    fn counting(start: u8, n: usize) -> Vec<u8> {
        (0..n).map(|i| start.wrapping_add(i as u8)).collect()
    }

    fn key_pair(start: u8) -> Curve25519KeyPair {
        key_pair_from_random(&counting(start, 32))
    }

    fn b64(bytes: &[u8]) -> String {
        let mut out = vec![0u8; base64::encoded_len(bytes.len())];
        base64::encode(bytes, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn encrypt(session: &mut Session, plaintext: &[u8], random: &[u8]) -> (usize, Vec<u8>) {
        let kind = session.encrypt_message_type();
        let mut out = vec![0u8; session.encrypt_message_length_base64(plaintext.len())];
        let n = session.encrypt_base64(plaintext, random, &mut out).unwrap();
        assert_eq!(n, out.len());
        (kind, out)
    }

    fn decrypt(session: &mut Session, kind: usize, message: &[u8]) -> Result<Vec<u8>, OlmError> {
        let mut buffer = message.to_vec();
        let raw = decode_base64_in_place(&mut buffer)?;
        let mut plaintext = vec![0u8; session.decrypt_max_plaintext_length(kind, raw)?];
        let n = session.decrypt(kind, raw, &mut plaintext)?;
        Ok(plaintext[..n].to_vec())
    }

    fn describe(session: &Session, size: usize) -> String {
        let mut buffer = vec![0xaau8; size];
        session.describe(&mut buffer);
        let end = buffer.iter().position(|&b| b == 0).unwrap_or(size);
        String::from_utf8(buffer[..end].to_vec()).unwrap()
    }

    fn pickle(session: &Session, key: &[u8]) -> String {
        let mut out = vec![0u8; sealed_len(session.pickle_len())];
        seal(session, key, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    // Generated with libolm 3.2.13: accounts created from counting bytes 0x10.. (Alice) and
    // 0x50.. (Bob), Bob's one-time key from 0x90.., the outbound session from 0xa0.. (64
    // bytes), Bob's reply with random 0xc0.., pickles under "pickle key".
    const ALICE_IDENTITY: &str = "NOQtSvXvlKB6OoQgG4idTNGnQ8snsRtqEEOKj+uOWEc";
    const BOB_IDENTITY: &str = "I7e7jJGuAIcR+xKEZ4C83x4GX4Ib3+xJ9X58fc1MSCM";
    const BOB_ONE_TIME_KEY: &str = "n9etbc/0KY3T+W1bGyr5EKBTWxSI1/j6uzSamCiAthU";
    const SESSION_ID: &str = "jqcj8OB0z+O5qeduS5Uws26Gxkeo34WPC8FzpaLp1i8";
    const MESSAGE_1: &str = "Awogn9etbc/0KY3T+W1bGyr5EKBTWxSI1/j6uzSamCiAthUSIGBacl0qSt/usaKeF+3WIcG3WT7ozbxErGxKtuL4BdI8GiA05C1K9e+UoHo6hCAbiJ1M0adDyyexG2oQQ4qP645YRyI/Awog3CzKMejkO72R3/fkdcyjNH60eBB9W9dlq6SuSjDDXUQQACIQSGowkAwekC5951qkWAAzs+xt3dFa/uOi";
    const MESSAGE_2: &str = "Awog3CzKMejkO72R3/fkdcyjNH60eBB9W9dlq6SuSjDDXUQQACIQW/Dqfb8mJQgPXMwJc3TUjnf0xM6et/wO";
    const MESSAGE_3: &str = "Awogaz7mdGNYPL49wI/p0HZcJmb/UhDdUnydhwXkSSfIDVUQACIQjUf8x2Ck+IiRmWyo0ZwRe6PRLWayhzOs";
    const ALICE_PICKLE: &str = "ZlQSZlQTSUvoRMKtQcQK62elDmpesJ9hoMSGlNsh7VZuIpI3+Bxu2afT6UVGpW7ODXZrPMz2sTDM1qIeNP1EVTAnKiTdmwCQyqPfhqXlTKIofhQi5LV3lQeoaYnRlSRnl0Aw4al+rcIQE8KOWGZx0s0dmxQ8XcAI1qz4tDZC5j8rJ62cY7uTMiVQd5f2IHepD9Ziv9pYRmYrvYr12g6F56cORkFisgs09VDBO/DbvatNqZdeiUBTBOXGWzCEdDYC6aohxH24Tr4OhFLbVaklWlbngbX+wLfKGvbShsnEMU09JFcbKJQ2Lmj3wBjoeDc6RzjW4jVEbOCWoNxd1Hbaups4pFQ5/ja0pA14M+gF8zQqFvFv8pcesCcEJjCWmKdKAqXrvbb7nE6c5FYrZtniQqcViBEDnNp6NLVHifcCwzVH4bYE/DVjdA";
    const BOB_PICKLE: &str = "ZlQSZlQTSUvoRMKtQcQK62elDmpesJ9hoMSGlNsh7VZuIpI3+Bxu2afT6UVGpW7ODXZrPMz2sTDM1qIeNP1EVTAnKiTdmwCQyqPfhqXlTKIofhQi5LV3lQeoaYnRlSRn+bFcdJz8R1i6aRX1TmvmuHlPZk8fSYtikRli50sFJCYEP4xGfZE5bnTmFrIPfsptmav43881+RLpMR7nhIkPqlYhc9N6drEiGcQ+bU7cf60WdG9N3kKzsOpokdFDCuduDg4Q6yFuG0RP8weURzo4lpLbsXsB3ufVNyQkLhYIZsW5qb82FV5COD9tHDeHxs7eOAF88LmBt7Vk4jEkm5bHEi3srVcbY4jyc8gBRib7gezrna1fpv9vfrzJsXDLi7TQu24jb19pCTYWdcdTaEUskBsX+5nvejhNaTF9x+gOdvNrsBqnJWCQ9w";

    #[test]
    fn conversation_matches_libolm() {
        let alice_identity = key_pair(0x30);
        let bob_identity = key_pair(0x70);
        let bob_one_time = key_pair(0x90);
        assert_eq!(b64(&alice_identity.public_key), ALICE_IDENTITY);
        assert_eq!(b64(&bob_identity.public_key), BOB_IDENTITY);
        assert_eq!(b64(&bob_one_time.public_key), BOB_ONE_TIME_KEY);

        let mut alice = Session::new_outbound(
            &alice_identity,
            &bob_identity.public_key,
            &bob_one_time.public_key,
            &counting(0xa0, 64),
        )
        .unwrap();
        assert_eq!(b64(&alice.id()), SESSION_ID);
        assert_eq!(alice.encrypt_random_length(), 0);
        let (kind, m1) = encrypt(&mut alice, b"Hello, Bob", &[]);
        assert_eq!((kind, m1.as_slice()), (MESSAGE_TYPE_PRE_KEY, MESSAGE_1.as_bytes()));

        let mut raw = m1.clone();
        let raw = decode_base64_in_place(&mut raw).unwrap();
        let lookup = |key: &[u8; 32]| (*key == bob_one_time.public_key).then_some(&bob_one_time);
        let mut bob = Session::new_inbound(&bob_identity, lookup, None, raw).unwrap();
        assert!(bob.matches_inbound(None, raw));
        assert!(bob.matches_inbound(Some(&alice_identity.public_key), raw));
        assert!(!bob.matches_inbound(Some(&bob_identity.public_key), raw));
        assert_eq!(bob.id(), alice.id());
        assert_eq!(decrypt(&mut bob, kind, &m1).unwrap(), b"Hello, Bob");
        assert!(bob.has_received_message());

        assert_eq!(bob.encrypt_random_length(), 32);
        let (kind, m2) = encrypt(&mut bob, b"Hi Alice!", &counting(0xc0, 32));
        assert_eq!((kind, m2.as_slice()), (MESSAGE_TYPE_MESSAGE, MESSAGE_2.as_bytes()));
        assert_eq!(decrypt(&mut alice, kind, &m2).unwrap(), b"Hi Alice!");

        let (kind, m3) = encrypt(&mut alice, b"third", &counting(0xd0, 32));
        assert_eq!((kind, m3.as_slice()), (MESSAGE_TYPE_MESSAGE, MESSAGE_3.as_bytes()));

        assert_eq!(pickle(&alice, b"pickle key"), ALICE_PICKLE);
        assert_eq!(pickle(&bob, b"pickle key"), BOB_PICKLE);
        let expected = "sender chain index: 1 receiver chain indices: 1 skipped message keys:";
        assert_eq!(describe(&alice, 200), expected);
        assert_eq!(describe(&bob, 200), expected);

        // Unpickling gives back the same session.
        let mut bob2: Session = open(b"pickle key", BOB_PICKLE.as_bytes()).unwrap();
        assert_eq!(pickle(&bob2, b"pickle key"), BOB_PICKLE);
        assert_eq!(decrypt(&mut bob2, MESSAGE_TYPE_MESSAGE, &m3).unwrap(), b"third");
    }

    /// Bob's side after receiving out of order on two chains (libolm 3.2.13, pickle key "").
    const OUT_OF_ORDER_PICKLE: &str = "YjqodndAidP+RVhgVJAeANW5oUmYu/6tT1w1LA9V4i4GwGzxREAvlTOuuNNtS7ETXoSmxEqHUukxEFwSqliPKN/36GX7q1qFeVsKUSERQeet6nEsL92qL+QBCZvSuS2W5ZCYJnzrqnS69CEI/z53/AuQ0bq0Gydl4PIgR++dYID5z2cHlkU1XIQ3+n9tXQNC2+u2PlzlpPv5S0n0/jSPtosD+u960H3C8NsQcNJcNw5qdxxTnjbqP+dEdh1D0iSP/BC/o/HBW+DVjCCvbz0hlmtNrswHWvNbhIX/A0e5Tvho41zjnxjsDSRIcTWRamzeEd2RpwkE5Qt7PcNKkyMvsgYQPZ5BIS6ugkNbpghDqe7/ibrTS37tUFKj29rhNKoj6Z3qPUFxl7y/w7PN76UxhY+Ma1y+XNni0UAU/yUxYll+1CKQUqPo4HARReYtlW+3Key+o7C0fIIqh3V+J2i8GJMFPHmirKl9qRhlTtV5pAcK5S9fbKcQz4uUQnEdjt72EDflrR4KbysKh686siGnqYIeK+6fzlXeuVMDoSvlzDLF1IWdqc+yuq/CRv8BAYLbDclfK18VltrNTJAcEqICeF36dUdClKaqXNbBQc6T/dSdjWlpYYGKVkIuie1Qbqi3U2DEVm3kPAoeyvg3L1QHscFJ9RQHMkh/82McEAh6L9a4uU+0SbiECyMgmEZgeubNH51BUJZoZyLoB8Io6oFZuDU8ktw/qaWQwApBQDpAkskgKDUgRcgXCfo9x1SCBJCAlQZjZ50f4zdxbP08LjIPaRsNNc7Gx2Pso0tQDUt+qcjgNLVtCdBkpApBZ7r+NoR+9j3HBhrsKy7KT86H+aW1fEfPo2x4LFkOLjOCEb1OGlXNL8iNsWLa7Vd1qIAbt7/q5MZEenp94Wf1gB5fNlQDOYDl5UibYYm33mF/YYLhfGQ+m7PP469yO90FDreWGdvt5G97aylM6+M1mCTFhMjkfFiZ+O3V05LKNAAECUL/wuArP3i2mki0hcFJykPOJaZTtAVvEo6DGsKqiMLx4SrOwc61KlP+X3bTySqFZHTWVCHjfnFu7F79eDXC4IcTpFhvg+VN4yF6ycPvVcimwfF/S0qxLGiXTdr2VaJN/SRFas19WOD7uxE+aqmPBsd0PmF3PhYZgEe0PlSoTB4H5jGxaRtwBaiClsd1+MIFagRUlGkq6Bt2lopMUPQqDDpvheTS2jsT/9zpMbMuW5VPYH3f086l+J61XrPiuKHQWNv8mNVHTO320TUus4VUz+Udy0u+9gyhcg52dxkuvXC6iExRSiFO2HLj9R0wg67aOJjI4CVEw9YAbZXQ5fgc2MVHYlazNm4vJN4tI6qK9dYip8B6VJhYucGn3IN+VLRlpDfnrRz9gUAesZCyOA";

    #[test]
    fn describe_truncates_like_libolm() {
        let session: Session = open(b"", OUT_OF_ORDER_PICKLE.as_bytes()).unwrap();
        assert_eq!(pickle(&session, b""), OUT_OF_ORDER_PICKLE);
        let full = "sender chain index: 0 receiver chain indices: 2 13 skipped message keys: 0 11 10 9 8 6 5 4 2 1 0";
        // libolm 3.2.13's output for each buffer size.
        let cases: &[(usize, &str)] = &[
            (1, ""),
            (22, ""),
            (23, "sender chain index:..."),
            (24, "sender chain index: ..."),
            (25, "sender chain index: 0..."),
            (30, "sender chain index: 0 rece..."),
            (40, "sender chain index: 0 receiver chain..."),
            (49, "sender chain index: 0 receiver chain indices:..."),
            (50, "sender chain index: 0 receiver chain indices: ..."),
            (93, "sender chain index: 0 receiver chain indices: 2 13 skipped message keys: 0 11 10 9 8 6 5 ..."),
            (95, "sender chain index: 0 receiver chain indices: 2 13 skipped message keys: 0 11 10 9 8 6 5 4 ..."),
            // One byte short: snprintf truncates the last piece and nothing marks it.
            (96, "sender chain index: 0 receiver chain indices: 2 13 skipped message keys: 0 11 10 9 8 6 5 4 2 1 "),
            (97, full),
            (300, full),
        ];
        for &(size, expected) in cases {
            assert_eq!(describe(&session, size), expected, "buffer of {size}");
        }
        // Nothing is written past the buffer, nor into an empty one.
        let mut buffer = [0xaau8; 40];
        session.describe(&mut buffer[..30]);
        assert_eq!(buffer[29], 0);
        assert!(buffer[30..].iter().all(|&b| b == 0xaa));
        session.describe(&mut buffer[..0]);
        assert_eq!(buffer[0], b's');
        // libolm's int conversion of the length.
        assert_eq!(describe_length(30), 30);
        assert_eq!(describe_length((1 << 32) + 30), 30);
        assert_eq!(describe_length(1 << 31), 0);
        assert_eq!(describe_length(usize::MAX), 0);
    }

    #[test]
    fn reads_libolm_pickle_versions() {
        // libolm's tests/test_session.cpp: the same session as pickle versions 1 and 0x80000001.
        let v1 = concat!(
            "wkEpwMgiAqD7B1/Lw2cKYYDcUZVOd9QHes7ZroWxr/Rp/nWEAySgRsIu/a54YhO67rwitr",
            "Lpos7tFxxK9IZ7pKB1qrR1coVWIt78V9lp9WgmBAvxHBSY+tu1lkL/JjLi963/yFdPancZ",
            "+WHMVfaKlV3gWGpo7EfNK6qAOxI1Ea/eCsE2sYrsHEDvLLGlKAA9E56rmmoe2w6TKzsQjs",
            "ZM2/XT2eJ82EgMO9pL02iLElXWmGNv72Ut7DouR0pQIT50HIEEKcFxYcoTb3WCfJD76Coe",
            "sE4kx+TA6d45Xu1bwQNNkTGF+nCCu/GmKY+sECXbz9U6WhxG0YdF9Z4T8YkWYAgpKNS0FW",
            "RV"
        );
        let v2 = concat!(
            "m+DS/q34MXpw2xp50ZD0B7val1mlMpQXo0mx+VPje0weFYRRuuZQBdJgcFPEpi2MVSpA4c",
            "qgqHyj2/bU7/lz+BXkEBrCFVx0BJidxXfOLDW4TNtRhLS1YHJNGP8GvTg1+dCytBTLsCdm",
            "5f945Eq1U/pY3Cg96YTUufFP6EYrfRoDbAsRHc+h+wKKftQv+W44yUmRhcCemGHtpxk3UQ",
            "AMCI7EBv9BvveyZMy3p9qZ3xvFK34Hef+R7gjtFycz7Nk/4UF46sT3cTmUlXz9iFW4uz2F",
            "rTI1Wjym+l0DadsbSpHSUjmp9zt4qRP2UjwfZ5QNLv+cdObIfqFsiThGu/PlKigdF4SLHr",
            "nG"
        );
        let hex =
            |s: &str| -> [u8; 32] { core::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()) };
        let mut written = Vec::new();
        for pickled in [v1, v2] {
            let session: Session = open(b"secret_key", pickled.as_bytes()).unwrap();
            let r = &session.ratchet;
            assert_eq!(r.root_key, hex("49d640dc96b80176694af69fc4b8ca9fac49aecbd697d01fd8bee1ed2693b6c9"));
            let sender = r.sender_chain.as_ref().unwrap();
            assert_eq!(
                sender.ratchet_key.public_key,
                hex("f77a03eaa9b301fa7d2a5aa6b50286906de12cc96044f526dbbcb12839ad7003")
            );
            assert_eq!(
                sender.ratchet_key.private_key,
                hex("d945c6ed4c7c277117adf11fb133a7936d287afe97c0b3ac989644b4490d4f31")
            );
            assert_eq!(sender.chain_key.index, 0);
            assert_eq!((r.receiver_chains.len(), r.skipped_message_keys.len()), (0, 0));
            assert!(!session.received_message);
            assert_eq!(
                session.alice_identity_key,
                hex("7326b58623a3f7bd8da11a1bab51f432c02a7430241b326e9fc8916a21eb257e")
            );
            assert_eq!(session.alice_base_key, hex("0ab4b30bde20bd374ceccc72861660f0fd046f7516900796c3e5de41c598316c"));
            assert_eq!(
                session.bob_one_time_key,
                hex("585dba930b10d90d81702c715f4085d07c42b0cd2d676010bb6086c86c4cc618")
            );
            written.push(pickle(&session, b"secret_key"));
        }
        // Both are written back as version 1.
        assert_eq!(written[0], v1);
        assert_eq!(written[1], v1);
    }

    #[test]
    fn pickle_errors() {
        let session: Session = open(b"", OUT_OF_ORDER_PICKLE.as_bytes()).unwrap();
        let plain_length = session.pickle_len();
        let seal_plain = |plain: &[u8]| -> Result<Session, UnpickleError> {
            struct Raw<'a>(&'a [u8]);
            impl Pickle for Raw<'_> {
                fn pickle_len(&self) -> usize {
                    self.0.len()
                }
                fn write_pickle(&self, w: &mut Writer<'_>) {
                    w.bytes(self.0)
                }
                fn read_pickle(_: &mut Reader<'_>) -> Result<Self, UnpickleError> {
                    unreachable!()
                }
            }
            let mut out = vec![0u8; sealed_len(plain.len())];
            seal(&Raw(plain), b"k", &mut out).unwrap();
            open(b"k", &out)
        };
        let mut plain = vec![0u8; plain_length];
        session.write_pickle(&mut Writer::new(&mut plain));
        assert!(seal_plain(&plain).is_ok());
        let mut wrong_version = plain.clone();
        wrong_version[3] = 2;
        assert_eq!(seal_plain(&wrong_version).err(), Some(UnpickleError::Error(OlmError::UnknownPickleVersion)));
        assert_eq!(seal_plain(&plain[..plain_length - 1]).err(), Some(UnpickleError::Corrupted));
        let mut extra = plain.clone();
        extra.push(0);
        assert_eq!(seal_plain(&extra).err(), Some(UnpickleError::Error(OlmError::PickleExtraData)));
        // libolm stops reading a list at the end of the data: a pickle cut right after the
        // skipped-key count loads with no skipped keys.
        let skipped_keys = session.ratchet.skipped_message_keys.len();
        let cut = &plain[..plain_length - 68 * skipped_keys];
        let loaded = seal_plain(cut).unwrap();
        assert_eq!(loaded.ratchet.skipped_message_keys.len(), 0);
        // More items than fit: refused rather than overwriting the last, as libolm would.
        let mut too_many = cut.to_vec();
        let count_at = too_many.len() - 4;
        too_many[count_at..].copy_from_slice(&41u32.to_be_bytes());
        too_many.extend(std::iter::repeat_n(0u8, 68 * 41));
        assert_eq!(seal_plain(&too_many).err(), Some(UnpickleError::Corrupted));
    }

    #[test]
    fn libolm_decrypt_format_vectors() {
        // libolm's tests/test_olm_decrypt.cpp: a pickled session (key "") and pre-key
        // messages that must fail with BAD_MESSAGE_FORMAT.
        let pickled = concat!(
            "E0p44KO2y2pzp9FIjv0rud2wIvWDi2dx367kP4Fz/9JCMrH+aG369HGymkFtk0+PINTLB9lQRt",
            "ohea5d7G/UXQx3r5y4IWuyh1xaRnojEZQ9a5HRZSNtvmZ9NY1f1gutYa4UtcZcbvczN8b/5Bqg",
            "e16cPUH1v62JKLlhoAJwRkH1wU6fbyOudERg5gdXA971btR+Q2V8GKbVbO5fGKL5phmEPVXyMs",
            "rfjLdzQrgjOTxN8Pf6iuP+WFPvfnR9lDmNCFxJUVAdLIMnLuAdxf1TGcS+zzCzEE8btIZ99mHF",
            "dGvPXeH8qLeNZA"
        );
        let mut session: Session = open(b"", pickled.as_bytes()).unwrap();
        for hex in [
            "41776f",
            "7fff6f0101346d671201",
            "ee776f41496f674177804177778041776f6716670a677d6f670a67c2677d",
            "e9e9c9c1e9e9c9e9c9c1e9e9c9c1",
        ] {
            let message: Vec<u8> =
                (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
            assert_eq!(
                session.decrypt_max_plaintext_length(MESSAGE_TYPE_PRE_KEY, &message),
                Err(OlmError::BadMessageFormat)
            );
            assert_eq!(
                session.decrypt(MESSAGE_TYPE_PRE_KEY, &message, &mut [0u8; 64]),
                Err(OlmError::BadMessageFormat)
            );
        }
    }

    /// Alice and Bob after Alice's first message has set up Bob's side.
    fn pair() -> (Session, Session, Vec<u8>) {
        let alice_identity = key_pair(0x30);
        let bob_identity = key_pair(0x70);
        let bob_one_time = key_pair(0x90);
        let mut alice = Session::new_outbound(
            &alice_identity,
            &bob_identity.public_key,
            &bob_one_time.public_key,
            &counting(0xa0, 64),
        )
        .unwrap();
        let (_, first) = encrypt(&mut alice, b"first", &[]);
        let mut raw = first.clone();
        let raw = decode_base64_in_place(&mut raw).unwrap();
        let bob = Session::new_inbound(&bob_identity, |_| Some(&bob_one_time), None, raw).unwrap();
        (alice, bob, first)
    }

    fn snapshot(session: &Session) -> String {
        pickle(session, b"")
    }

    #[test]
    fn out_of_order_replay_and_limits() {
        let (mut alice, mut bob, first) = pair();
        let messages: Vec<Vec<u8>> =
            (1..=2001).map(|i| encrypt(&mut alice, format!("m{i}").as_bytes(), &[]).1).collect();
        let message = |i: usize| &messages[i - 1];

        // A gap of 2001 is refused, and the failure changes nothing.
        let before = snapshot(&bob);
        assert_eq!(decrypt(&mut bob, 0, message(2001)), Err(OlmError::BadMessageMac));
        assert_eq!(snapshot(&bob), before);
        // A gap of exactly 2000 is accepted; only the 40 newest skipped keys are kept.
        assert_eq!(decrypt(&mut bob, 0, message(2000)).unwrap(), b"m2000");
        assert_eq!(bob.ratchet.skipped_message_keys.len(), 40);
        assert_eq!(bob.ratchet.skipped_message_keys.get(0).unwrap().message_key.index, 1999);
        assert_eq!(bob.ratchet.skipped_message_keys.get(39).unwrap().message_key.index, 1960);
        // Out of order within the kept keys, once each.
        assert_eq!(decrypt(&mut bob, 0, message(1960)).unwrap(), b"m1960");
        assert_eq!(decrypt(&mut bob, 0, message(1999)).unwrap(), b"m1999");
        let before = snapshot(&bob);
        for old in [message(1960), message(1999), message(1959), message(2000), &first] {
            assert_eq!(decrypt(&mut bob, 0, old), Err(OlmError::BadMessageMac));
            assert_eq!(snapshot(&bob), before);
        }
        assert_eq!(decrypt(&mut bob, 0, message(2001)).unwrap(), b"m2001");

        // A tampered message fails and changes nothing.
        let (_, mut next) = encrypt(&mut alice, b"next", &[]);
        let last = next.len() - 2;
        next[last] = if next[last] == b'A' { b'B' } else { b'A' };
        let before = snapshot(&bob);
        assert_eq!(decrypt(&mut bob, 0, &next), Err(OlmError::BadMessageMac));
        assert_eq!(snapshot(&bob), before);
    }

    #[test]
    fn receiver_chains_are_capped() {
        let (mut alice, mut bob, first) = pair();
        assert!(decrypt(&mut bob, 0, &first).is_ok());
        for round in 0..7u8 {
            let (_, reply) = encrypt(&mut bob, b"ping", &counting(round, 32));
            assert!(decrypt(&mut alice, 1, &reply).is_ok());
            let (_, answer) = encrypt(&mut alice, b"pong", &counting(round.wrapping_add(100), 32));
            assert!(decrypt(&mut bob, 1, &answer).is_ok());
        }
        assert_eq!(bob.ratchet.receiver_chains.len(), 5);
        assert_eq!(alice.ratchet.receiver_chains.len(), 5);
    }

    #[test]
    fn decrypt_errors() {
        let (_, mut bob, first) = pair();
        let mut raw = first.clone();
        let raw = decode_base64_in_place(&mut raw).unwrap().to_vec();
        let inner = PreKeyMessage::decode(&raw).message.unwrap().to_vec();
        let mut small = [0u8; 4];
        assert_eq!(bob.decrypt(MESSAGE_TYPE_PRE_KEY, &raw, &mut small), Err(OlmError::OutputBufferTooSmall));
        let mut wrong_version = inner.clone();
        wrong_version[0] = 2;
        assert_eq!(bob.decrypt(MESSAGE_TYPE_MESSAGE, &wrong_version, &mut [0u8; 64]), Err(OlmError::BadMessageVersion));
        assert_eq!(bob.decrypt(MESSAGE_TYPE_MESSAGE, &inner[..7], &mut [0u8; 64]), Err(OlmError::BadMessageVersion));
        assert_eq!(bob.decrypt(MESSAGE_TYPE_MESSAGE, &inner[..20], &mut [0u8; 64]), Err(OlmError::BadMessageFormat));
        // Any type other than 1 is a pre-key message.
        let mut plaintext = [0u8; 64];
        assert_eq!(bob.decrypt(7, &raw, &mut plaintext), Ok(5));
        assert_eq!(&plaintext[..5], b"first");
        let mut buffer = *b"abcde";
        assert_eq!(decode_base64_in_place(&mut buffer), Err(OlmError::InvalidBase64));
    }

    #[test]
    fn encrypt_errors_leave_the_session_unchanged() {
        let (_, mut bob, first) = pair();
        assert!(decrypt(&mut bob, 0, &first).is_ok());
        let before = snapshot(&bob);
        let length = bob.encrypt_message_length_base64(3);
        let mut out = vec![0u8; length];
        assert_eq!(bob.encrypt_base64(b"abc", &[0u8; 31], &mut out), Err(OlmError::NotEnoughRandom));
        assert_eq!(bob.encrypt_base64(b"abc", &[0u8; 32], &mut out[..length - 1]), Err(OlmError::OutputBufferTooSmall));
        assert_eq!(snapshot(&bob), before);
        let mut id = [0u8; 42];
        assert_eq!(bob.id_base64(&mut id), Err(OlmError::OutputBufferTooSmall));
    }

    #[test]
    fn refuses_small_order_keys() {
        // The identity, the point of order 2 (0 is the identity encoded as x = 0 on the
        // Montgomery curve), and one of order 8.
        let small_order: [[u8; 32]; 3] = [
            [0; 32],
            {
                let mut k = [0u8; 32];
                k[0] = 1;
                k
            },
            hex32("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        ];
        let alice_identity = key_pair(0x30);
        let bob_identity = key_pair(0x70);
        let bob_one_time = key_pair(0x90);
        for bad in small_order {
            let random = counting(0xa0, 64);
            assert_eq!(
                Session::new_outbound(&alice_identity, &bad, &bob_one_time.public_key, &random).err(),
                Some(OlmError::BadMessageKeyId)
            );
            assert_eq!(
                Session::new_outbound(&alice_identity, &bob_identity.public_key, &bad, &random).err(),
                Some(OlmError::BadMessageKeyId)
            );
        }
        // Inbound: a pre-key message with a small-order identity, base or ratchet key.
        let (_, _, first) = pair();
        let mut raw = first.clone();
        let raw = decode_base64_in_place(&mut raw).unwrap().to_vec();
        let m = PreKeyMessage::decode(&raw);
        let inner = Message::decode(m.message.unwrap(), 8);
        for field in 0..3 {
            let mut keys = [m.identity_key.unwrap(), m.base_key.unwrap(), inner.ratchet_key.unwrap()];
            keys[field] = &small_order[2];
            let mut body = vec![0u8; inner.authenticated.len() + 8];
            let at =
                Message::encode_header(&mut body, keys[2], inner.counter.unwrap(), inner.ciphertext.unwrap().len());
            body[at..at + inner.ciphertext.unwrap().len()].copy_from_slice(inner.ciphertext.unwrap());
            let mut message = vec![0u8; PreKeyMessage::encoded_len(body.len())];
            let at = PreKeyMessage::encode_header(
                &mut message,
                &bob_one_time.public_key,
                keys[1].try_into().unwrap(),
                keys[0].try_into().unwrap(),
                body.len(),
            );
            message[at..].copy_from_slice(&body);
            assert_eq!(
                Session::new_inbound(&bob_identity, |_| Some(&bob_one_time), None, &message).err(),
                Some(OlmError::BadMessageKeyId),
                "field {field}"
            );
        }
        // A session never set up has no chain to send on.
        let mut empty = Session::default();
        assert_eq!(empty.encrypt(b"x", &[1u8; 32], &mut [0u8; 256]), Err(OlmError::BadMessageKeyId));
    }

    fn hex32(s: &str) -> [u8; 32] {
        core::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
    }

    #[test]
    fn inbound_checks() {
        let (_, _, first) = pair();
        let bob_identity = key_pair(0x70);
        let bob_one_time = key_pair(0x90);
        let alice_identity = key_pair(0x30);
        let mut raw = first.clone();
        let raw = decode_base64_in_place(&mut raw).unwrap().to_vec();
        assert_eq!(Session::new_inbound(&bob_identity, |_| None, None, &raw).err(), Some(OlmError::BadMessageKeyId));
        assert_eq!(
            Session::new_inbound(&bob_identity, |_| Some(&bob_one_time), Some(&bob_identity.public_key), &raw).err(),
            Some(OlmError::BadMessageKeyId)
        );
        assert!(Session::new_inbound(&bob_identity, |_| Some(&bob_one_time), Some(&alice_identity.public_key), &raw)
            .is_ok());
        assert_eq!(
            Session::new_inbound(&bob_identity, |_| Some(&bob_one_time), None, &raw[..40]).err(),
            Some(OlmError::BadMessageFormat)
        );
        assert_eq!(
            Session::new_outbound(&alice_identity, &[9; 32], &[9; 32], &[0u8; 63]).err(),
            Some(OlmError::NotEnoughRandom)
        );
    }
}
