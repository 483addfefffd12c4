//! The Double Ratchet as libolm runs it: a root key, one sender chain, up to five receiver
//! chains and up to forty skipped message keys, all in fixed-size storage.
//!
//! Decryption works on copies until a message has been authenticated and decrypted, and only
//! then moves the ratchet on, so a message that fails leaves the ratchet exactly as it was.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::list::FixedList;
use super::message::{Message, PROTOCOL_VERSION};
use crate::core::crypto::{
    aes_cbc_ciphertext_len, hkdf_sha256, hmac_sha256, CipherKeys, Curve25519KeyPair, CIPHER_MAC_LENGTH,
    CURVE25519_KEY_LENGTH,
};
use crate::core::pickle::{Reader, UnpickleError, Writer};
use crate::core::OlmError;

pub const MAX_RECEIVER_CHAINS: usize = 5;
pub const MAX_SKIPPED_MESSAGE_KEYS: usize = 40;
/// The most chain steps a received message may ask for; more are refused as a bad MAC.
pub const MAX_MESSAGE_GAP: u32 = 2000;
/// Random bytes for a new ratchet key.
pub const RATCHET_KEY_RANDOM_LENGTH: usize = 32;

const ROOT_KDF_INFO: &[u8] = b"OLM_ROOT";
const RATCHET_KDF_INFO: &[u8] = b"OLM_RATCHET";
const CIPHER_KDF_INFO: &[u8] = b"OLM_KEYS";
const MESSAGE_KEY_SEED: &[u8] = &[0x01];
const CHAIN_KEY_SEED: &[u8] = &[0x02];

/// A chain key and its position in the chain.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct ChainKey {
    pub(super) index: u32,
    pub(super) key: [u8; 32],
}

impl ChainKey {
    fn advance(&mut self) {
        self.key = hmac_sha256(&self.key, CHAIN_KEY_SEED);
        self.index = self.index.wrapping_add(1);
    }

    fn message_key(&self) -> MessageKey {
        MessageKey { index: self.index, key: hmac_sha256(&self.key, MESSAGE_KEY_SEED) }
    }

    /// The message key for `counter`, computed on a copy; `None` when the chain is already
    /// past it or it lies more than [`MAX_MESSAGE_GAP`] steps ahead.
    fn message_key_at(&self, counter: u32) -> Option<MessageKey> {
        if counter < self.index || counter - self.index > MAX_MESSAGE_GAP {
            return None;
        }
        let mut chain = self.clone();
        while chain.index < counter {
            chain.advance();
        }
        Some(chain.message_key())
    }
}

/// The key of one message.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct MessageKey {
    pub(super) index: u32,
    pub(super) key: [u8; 32],
}

impl MessageKey {
    fn cipher_keys(&self) -> CipherKeys {
        CipherKeys::derive(&self.key, CIPHER_KDF_INFO)
    }
}

#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SenderChain {
    pub(super) ratchet_key: Curve25519KeyPair,
    pub(super) chain_key: ChainKey,
}

#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct ReceiverChain {
    pub(super) ratchet_key: [u8; 32],
    pub(super) chain_key: ChainKey,
}

#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SkippedMessageKey {
    pub(super) ratchet_key: [u8; 32],
    pub(super) message_key: MessageKey,
}

#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Ratchet {
    pub(super) root_key: [u8; 32],
    pub(super) sender_chain: Option<SenderChain>,
    /// Newest first.
    pub(super) receiver_chains: FixedList<ReceiverChain, MAX_RECEIVER_CHAINS>,
    /// Newest first.
    pub(super) skipped_message_keys: FixedList<SkippedMessageKey, MAX_SKIPPED_MESSAGE_KEYS>,
}

/// A Curve25519 key pair from 32 random bytes, without leaving a copy of them behind.
pub(super) fn key_pair_from_random(random: &[u8]) -> Curve25519KeyPair {
    let mut private_key = Zeroizing::new([0u8; 32]);
    private_key.copy_from_slice(random);
    Curve25519KeyPair::from_private_key(&private_key)
}

/// Splits 64 bytes of KDF output into a root key and the first key of a chain.
fn split_root_and_chain(derived: &[u8; 64]) -> ([u8; 32], ChainKey) {
    let mut root_key = [0u8; 32];
    let mut chain_key = ChainKey::default();
    root_key.copy_from_slice(&derived[..32]);
    chain_key.key.copy_from_slice(&derived[32..]);
    (root_key, chain_key)
}

/// The root and first chain key from the session's initial shared secret.
fn initial_keys(shared_secret: &[u8]) -> ([u8; 32], ChainKey) {
    let mut derived = Zeroizing::new([0u8; 64]);
    hkdf_sha256(shared_secret, None, ROOT_KDF_INFO, derived.as_mut());
    split_root_and_chain(&derived)
}

/// A ratchet step: the next root key and a new chain from a Diffie-Hellman exchange of
/// ratchet keys. `None` when their key makes the exchange non-contributory (see
/// [`Curve25519KeyPair::shared_secret`]).
fn ratchet_step(
    root_key: &[u8; 32],
    ours: &Curve25519KeyPair,
    theirs: &[u8; 32],
) -> Option<(Zeroizing<[u8; 32]>, ChainKey)> {
    let secret = ours.shared_secret(theirs)?;
    let mut derived = Zeroizing::new([0u8; 64]);
    hkdf_sha256(secret.as_ref(), Some(root_key), RATCHET_KDF_INFO, derived.as_mut());
    let (root, chain) = split_root_and_chain(&derived);
    Some((Zeroizing::new(root), chain))
}

/// Checks the MAC of `message` under `key` and decrypts its ciphertext into `plaintext`
/// (which the caller has checked is long enough). `None` for a bad MAC or bad padding.
fn verify_and_decrypt(
    key: &MessageKey,
    message: &Message<'_>,
    ciphertext: &[u8],
    plaintext: &mut [u8],
) -> Option<usize> {
    let keys = key.cipher_keys();
    if !keys.verify_mac(message.authenticated, message.mac) {
        return None;
    }
    let out = &mut plaintext[..ciphertext.len()];
    out.copy_from_slice(ciphertext);
    keys.decrypt_in_place(out)
}

impl Ratchet {
    /// The ratchet of the session's initiator, who sends first.
    pub fn initialise_as_alice(shared_secret: &[u8], our_ratchet_key: Curve25519KeyPair) -> Self {
        let (root_key, chain_key) = initial_keys(shared_secret);
        let mut ratchet = Ratchet::default();
        ratchet.root_key = root_key;
        ratchet.sender_chain = Some(SenderChain { ratchet_key: our_ratchet_key, chain_key });
        ratchet
    }

    /// The ratchet of the session's responder, who first receives on Alice's ratchet key.
    pub fn initialise_as_bob(shared_secret: &[u8], their_ratchet_key: &[u8; 32]) -> Self {
        let (root_key, chain_key) = initial_keys(shared_secret);
        let mut ratchet = Ratchet::default();
        ratchet.root_key = root_key;
        ratchet.receiver_chains.insert_front(ReceiverChain { ratchet_key: *their_ratchet_key, chain_key });
        ratchet
    }

    /// Length of the next message for `plaintext_length` bytes.
    pub fn encrypt_output_length(&self, plaintext_length: usize) -> usize {
        let counter = self.sender_chain.as_ref().map_or(0, |chain| chain.chain_key.index);
        Message::encoded_len(
            counter,
            CURVE25519_KEY_LENGTH,
            aes_cbc_ciphertext_len(plaintext_length),
            CIPHER_MAC_LENGTH,
        )
    }

    /// 32 bytes when the next message starts a new sender chain, else none.
    pub fn encrypt_random_length(&self) -> usize {
        if self.sender_chain.is_none() {
            RATCHET_KEY_RANDOM_LENGTH
        } else {
            0
        }
    }

    /// Encrypts `plaintext` into the start of `output` as a normal message.
    pub fn encrypt(&mut self, plaintext: &[u8], random: &[u8], output: &mut [u8]) -> Result<usize, OlmError> {
        let output_length = self.encrypt_output_length(plaintext.len());
        if random.len() < self.encrypt_random_length() {
            return Err(OlmError::NotEnoughRandom);
        }
        if output.len() < output_length {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let sender = match &mut self.sender_chain {
            Some(sender) => sender,
            slot @ None => {
                let ratchet_key = key_pair_from_random(&random[..RATCHET_KEY_RANDOM_LENGTH]);
                // Deliberate difference: libolm derives a chain from an all-zero secret when
                // their ratchet key has small order (or when the session was never set up and
                // has no receiver chain). We refuse to send on such a chain and report it as a
                // key the message cannot use.
                let theirs = self.receiver_chains.get(0).ok_or(OlmError::BadMessageKeyId)?;
                let (root_key, chain_key) =
                    ratchet_step(&self.root_key, &ratchet_key, &theirs.ratchet_key).ok_or(OlmError::BadMessageKeyId)?;
                self.root_key = *root_key;
                slot.insert(SenderChain { ratchet_key, chain_key })
            }
        };
        let message_key = sender.chain_key.message_key();
        sender.chain_key.advance();

        let ciphertext_length = aes_cbc_ciphertext_len(plaintext.len());
        let output = &mut output[..output_length];
        let at = Message::encode_header(output, &sender.ratchet_key.public_key, message_key.index, ciphertext_length);
        let keys = message_key.cipher_keys();
        keys.encrypt(plaintext, &mut output[at..at + ciphertext_length]);
        let mac_at = output_length - CIPHER_MAC_LENGTH;
        let mac = keys.mac(&output[..mac_at]);
        output[mac_at..].copy_from_slice(&mac[..CIPHER_MAC_LENGTH]);
        Ok(output_length)
    }

    /// The most plaintext a message can hold: its ciphertext's length.
    pub fn decrypt_max_plaintext_length(input: &[u8]) -> Result<usize, OlmError> {
        let message = Message::decode(input, CIPHER_MAC_LENGTH);
        message.ciphertext.map(<[u8]>::len).ok_or(OlmError::BadMessageFormat)
    }

    /// Authenticates and decrypts a normal message into `plaintext`, then moves the ratchet on.
    pub fn decrypt(&mut self, input: &[u8], plaintext: &mut [u8]) -> Result<usize, OlmError> {
        let message = Message::decode(input, CIPHER_MAC_LENGTH);
        if message.version != PROTOCOL_VERSION {
            return Err(OlmError::BadMessageVersion);
        }
        let (Some(counter), Some(ratchet_key), Some(ciphertext)) =
            (message.counter, message.ratchet_key, message.ciphertext)
        else {
            return Err(OlmError::BadMessageFormat);
        };
        if plaintext.len() < ciphertext.len() {
            return Err(OlmError::OutputBufferTooSmall);
        }
        let ratchet_key: [u8; 32] = ratchet_key.try_into().map_err(|_| OlmError::BadMessageFormat)?;

        let chain = self.receiver_chains.iter().position(|chain| chain.ratchet_key == ratchet_key);
        match chain {
            None => self.decrypt_on_new_chain(&message, &ratchet_key, counter, ciphertext, plaintext),
            Some(i) => {
                let chain_key = &self.receiver_chains.get(i).ok_or(OlmError::BadMessageMac)?.chain_key;
                if chain_key.index > counter {
                    return self.decrypt_with_skipped_key(&message, &ratchet_key, counter, ciphertext, plaintext);
                }
                let key = chain_key.message_key_at(counter).ok_or(OlmError::BadMessageMac)?;
                let length =
                    verify_and_decrypt(&key, &message, ciphertext, plaintext).ok_or(OlmError::BadMessageMac)?;
                self.advance_receiver_chain(i, counter);
                Ok(length)
            }
        }
    }

    /// A message on a ratchet key we have not seen: the other side has ratcheted.
    fn decrypt_on_new_chain(
        &mut self,
        message: &Message<'_>,
        ratchet_key: &[u8; 32],
        counter: u32,
        ciphertext: &[u8],
        plaintext: &mut [u8],
    ) -> Result<usize, OlmError> {
        // They may only start a new chain after receiving one of ours, which we answer with
        // our current sender chain's key.
        let sender = self.sender_chain.as_ref().ok_or(OlmError::BadMessageMac)?;
        if counter > MAX_MESSAGE_GAP {
            return Err(OlmError::BadMessageMac);
        }
        // A small-order ratchet key (non-contributory exchange) fails like a bad MAC.
        let (root_key, chain_key) =
            ratchet_step(&self.root_key, &sender.ratchet_key, ratchet_key).ok_or(OlmError::BadMessageMac)?;
        let key = chain_key.message_key_at(counter).ok_or(OlmError::BadMessageMac)?;
        let length = verify_and_decrypt(&key, message, ciphertext, plaintext).ok_or(OlmError::BadMessageMac)?;

        self.root_key = *root_key;
        self.receiver_chains.insert_front(ReceiverChain { ratchet_key: *ratchet_key, chain_key });
        // Our next message starts a new sender chain with a fresh ratchet key.
        self.sender_chain = None;
        self.advance_receiver_chain(0, counter);
        Ok(length)
    }

    /// A message older than its chain's position: only a stored skipped key can open it.
    fn decrypt_with_skipped_key(
        &mut self,
        message: &Message<'_>,
        ratchet_key: &[u8; 32],
        counter: u32,
        ciphertext: &[u8],
        plaintext: &mut [u8],
    ) -> Result<usize, OlmError> {
        let opened = self.skipped_message_keys.iter().enumerate().find_map(|(i, skipped)| {
            let candidate = skipped.message_key.index == counter && skipped.ratchet_key == *ratchet_key;
            let length =
                candidate.then(|| verify_and_decrypt(&skipped.message_key, message, ciphertext, plaintext))??;
            Some((i, length))
        });
        let (i, length) = opened.ok_or(OlmError::BadMessageMac)?;
        // Each message key opens one message: a replay fails.
        self.skipped_message_keys.remove(i);
        Ok(length)
    }

    /// Moves receiver chain `i` past message `counter`, keeping the keys of the messages it
    /// skips (only the newest [`MAX_SKIPPED_MESSAGE_KEYS`] survive, so older ones are not
    /// even computed).
    fn advance_receiver_chain(&mut self, i: usize, counter: u32) {
        let Some(chain) = self.receiver_chains.get_mut(i) else { return };
        while chain.chain_key.index < counter {
            if counter - chain.chain_key.index <= MAX_SKIPPED_MESSAGE_KEYS as u32 {
                self.skipped_message_keys.insert_front(SkippedMessageKey {
                    ratchet_key: chain.ratchet_key,
                    message_key: chain.chain_key.message_key(),
                });
            }
            chain.chain_key.advance();
        }
        chain.chain_key.advance();
    }

    pub fn pickle_len(&self) -> usize {
        const COUNT: usize = 4;
        const SENDER: usize = 64 + 32 + 4;
        const RECEIVER: usize = 32 + 32 + 4;
        const SKIPPED: usize = 32 + 32 + 4;
        32 + COUNT
            + SENDER * self.sender_chain.iter().count()
            + COUNT
            + RECEIVER * self.receiver_chains.len()
            + COUNT
            + SKIPPED * self.skipped_message_keys.len()
    }

    pub fn write_pickle(&self, w: &mut Writer<'_>) {
        w.bytes(&self.root_key);
        w.u32(self.sender_chain.iter().count() as u32);
        if let Some(chain) = &self.sender_chain {
            w.curve25519_key_pair(&chain.ratchet_key);
            w.bytes(&chain.chain_key.key);
            w.u32(chain.chain_key.index);
        }
        w.u32(self.receiver_chains.len() as u32);
        for chain in self.receiver_chains.iter() {
            w.bytes(&chain.ratchet_key);
            w.bytes(&chain.chain_key.key);
            w.u32(chain.chain_key.index);
        }
        w.u32(self.skipped_message_keys.len() as u32);
        for skipped in self.skipped_message_keys.iter() {
            w.bytes(&skipped.ratchet_key);
            w.bytes(&skipped.message_key.key);
            w.u32(skipped.message_key.index);
        }
    }

    /// Reads the ratchet; `includes_chain_index` for pickles of version 0x80000001, which
    /// carry an extra (unused) index at the end.
    pub fn read_pickle(r: &mut Reader<'_>, includes_chain_index: bool) -> Result<Self, UnpickleError> {
        let mut ratchet = Ratchet::default();
        ratchet.root_key = r.array()?;
        // libolm stops reading a list's items silently at the end of the data.
        for _ in 0..r.count(1)? {
            if r.is_empty() {
                break;
            }
            let ratchet_key = r.curve25519_key_pair()?;
            let chain_key = ChainKey { key: r.array()?, index: r.u32()? };
            ratchet.sender_chain = Some(SenderChain { ratchet_key, chain_key });
        }
        for _ in 0..r.count(MAX_RECEIVER_CHAINS)? {
            if r.is_empty() {
                break;
            }
            let ratchet_key = r.public_key()?;
            let chain_key = ChainKey { key: r.array()?, index: r.u32()? };
            ratchet.receiver_chains.push_back(ReceiverChain { ratchet_key, chain_key });
        }
        for _ in 0..r.count(MAX_SKIPPED_MESSAGE_KEYS)? {
            if r.is_empty() {
                break;
            }
            let ratchet_key = r.public_key()?;
            let message_key = MessageKey { key: r.array()?, index: r.u32()? };
            ratchet.skipped_message_keys.push_back(SkippedMessageKey { ratchet_key, message_key });
        }
        if includes_chain_index {
            r.u32()?;
        }
        Ok(ratchet)
    }
}
