//! The same operations on vodozemac, doing the work a caller of the C API gets for one call:
//! inputs are parsed from base64 and outputs encoded to base64 where the C API does so.

use vodozemac::megolm::{GroupSession, InboundGroupSession, MegolmMessage, SessionConfig as MegolmConfig};
use vodozemac::olm::{Account, Message, OlmMessage, PreKeyMessage, Session, SessionConfig, SessionPickle};
use vodozemac::pk_encryption::{Message as PkMessage, PkDecryption, PkEncryption};
use vodozemac::sas::Sas;
use vodozemac::{base64_encode, Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature};

use crate::{Step, KEY, PAYLOAD_1K, SAS_INFO, SAS_INPUT, SIGNED_MESSAGE};

type R<T> = Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn ensure(condition: bool, what: &str) -> R<()> {
    if condition {
        Ok(())
    } else {
        Err(format!("unexpected result: {what}"))
    }
}

/// An Olm message as the C API hands it over: type and base64 body.
fn to_wire(message: &OlmMessage) -> (usize, String) {
    match message {
        OlmMessage::Normal(m) => (1, m.to_base64()),
        OlmMessage::PreKey(m) => (0, m.to_base64()),
    }
}

fn from_wire(message_type: usize, body: &str) -> R<OlmMessage> {
    Ok(match message_type {
        0 => OlmMessage::PreKey(PreKeyMessage::from_base64(body).map_err(err)?),
        _ => OlmMessage::Normal(Message::from_base64(body).map_err(err)?),
    })
}

fn exchange(from: &mut Session, to: &mut Session, plaintext: &[u8]) -> R<()> {
    let (t, body) = to_wire(&from.encrypt(plaintext).map_err(err)?);
    let decrypted = to.decrypt(&from_wire(t, &body)?).map_err(err)?;
    ensure(decrypted.len() == plaintext.len(), "plaintext length")
}

/// Bob with a fallback key (not consumed by inbound sessions, unlike one-time keys).
fn bob() -> (Account, Curve25519PublicKey) {
    let mut bob = Account::new();
    let fallback = bob.generate_fallback_key();
    let key = bob.fallback_key().into_values().next().or(fallback).expect("fallback key");
    (bob, key)
}

fn session_pair() -> R<(Session, Session)> {
    let alice_account = Account::new();
    let (mut bob_account, fallback) = bob();
    let mut alice = alice_account.create_outbound_session(SessionConfig::version_1(), bob_account.curve25519_key(), fallback).map_err(err)?;
    let OlmMessage::PreKey(first) = alice.encrypt(b"hello").map_err(err)? else { return Err("pre-key message expected".into()) };
    let mut bob = bob_account.create_inbound_session(SessionConfig::version_1(), alice_account.curve25519_key(), &first).map_err(err)?.session;
    exchange(&mut bob, &mut alice, b"hi")?;
    Ok((alice, bob))
}

pub fn account_create() -> R<Step> {
    Ok(Box::new(|| {
        std::hint::black_box(Account::new());
        Ok(())
    }))
}

pub fn generate_one_time_keys() -> R<Step> {
    let mut account = Account::new();
    Ok(Box::new(move || {
        std::hint::black_box(account.generate_one_time_keys(100));
        Ok(())
    }))
}

pub fn identity_keys_json() -> R<Step> {
    let account = Account::new();
    Ok(Box::new(move || {
        std::hint::black_box(serde_json::to_string(&account.identity_keys()).map_err(err)?);
        Ok(())
    }))
}

pub fn account_sign() -> R<Step> {
    let account = Account::new();
    Ok(Box::new(move || {
        std::hint::black_box(account.sign(SIGNED_MESSAGE).to_base64());
        Ok(())
    }))
}

pub fn ed25519_verify() -> R<Step> {
    let account = Account::new();
    let key = account.ed25519_key().to_base64();
    let signature = account.sign(SIGNED_MESSAGE).to_base64();
    Ok(Box::new(move || {
        let key = Ed25519PublicKey::from_base64(&key).map_err(err)?;
        let signature = Ed25519Signature::from_base64(&signature).map_err(err)?;
        key.verify(SIGNED_MESSAGE, &signature).map_err(err)
    }))
}

/// Create, then encrypt the first message (see the C version in cops.rs).
pub fn outbound_session_create() -> R<Step> {
    let alice = Account::new();
    let (bob, fallback) = bob();
    let (identity_key, fallback) = (bob.curve25519_key().to_base64(), fallback.to_base64());
    Ok(Box::new(move || {
        let ik = Curve25519PublicKey::from_base64(&identity_key).map_err(err)?;
        let fk = Curve25519PublicKey::from_base64(&fallback).map_err(err)?;
        let mut session = alice.create_outbound_session(SessionConfig::version_1(), ik, fk).map_err(err)?;
        let (t, body) = to_wire(&session.encrypt(PAYLOAD_1K).map_err(err)?);
        std::hint::black_box(body);
        ensure(t == 0, "pre-key message")
    }))
}

pub fn inbound_session_create() -> R<Step> {
    let alice_account = Account::new();
    let (mut bob, fallback) = bob();
    let mut alice = alice_account.create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), fallback).map_err(err)?;
    let (t, body) = to_wire(&alice.encrypt(PAYLOAD_1K).map_err(err)?);
    ensure(t == 0, "pre-key message")?;
    let alice_key = alice_account.curve25519_key().to_base64();
    Ok(Box::new(move || {
        let message = PreKeyMessage::from_base64(&body).map_err(err)?;
        let ik = Curve25519PublicKey::from_base64(&alice_key).map_err(err)?;
        let result = bob.create_inbound_session(SessionConfig::version_1(), ik, &message).map_err(err)?;
        ensure(result.plaintext.len() == PAYLOAD_1K.len(), "plaintext length")
    }))
}

pub fn olm_one_direction() -> R<Step> {
    let (mut alice, mut bob) = session_pair()?;
    Ok(Box::new(move || exchange(&mut alice, &mut bob, PAYLOAD_1K)))
}

pub fn olm_ping_pong() -> R<Step> {
    let (mut alice, mut bob) = session_pair()?;
    let mut alice_turn = true;
    Ok(Box::new(move || {
        alice_turn = !alice_turn;
        if !alice_turn {
            exchange(&mut alice, &mut bob, PAYLOAD_1K)
        } else {
            exchange(&mut bob, &mut alice, PAYLOAD_1K)
        }
    }))
}

pub fn megolm_encrypt(size: usize) -> R<Step> {
    let mut session = GroupSession::new(MegolmConfig::version_1());
    let plaintext = crate::payload(size);
    Ok(Box::new(move || {
        std::hint::black_box(session.encrypt(&plaintext).to_base64());
        Ok(())
    }))
}

pub fn megolm_decrypt(size: usize) -> R<Step> {
    let mut outbound = GroupSession::new(MegolmConfig::version_1());
    let mut inbound = InboundGroupSession::new(&outbound.session_key(), MegolmConfig::version_1());
    let message = outbound.encrypt(crate::payload(size)).to_base64();
    Ok(Box::new(move || {
        let decrypted = inbound.decrypt(&MegolmMessage::from_base64(&message).map_err(err)?).map_err(err)?;
        ensure(decrypted.plaintext.len() == size && decrypted.message_index == 0, "group plaintext")
    }))
}

pub fn megolm_advance() -> R<Step> {
    let outbound = GroupSession::new(MegolmConfig::version_1());
    let key = InboundGroupSession::new(&outbound.session_key(), MegolmConfig::version_1()).export_at_first_known_index();
    // vodozemac keeps the last ratchet it reached, so a repeated export would be a cache hit:
    // each call starts from a fresh session at index 0 (import is a copy of the parsed key).
    Ok(Box::new(move || {
        let mut inbound = InboundGroupSession::import(&key, MegolmConfig::version_1());
        let exported = inbound.export_at(1 << 20).ok_or("export at 2^20")?;
        std::hint::black_box(exported.to_base64());
        Ok(())
    }))
}

/// Accounts pickle to and from libolm's own format, the same work as the C libraries do.
pub fn account_pickle(do_unpickle: bool) -> R<Step> {
    let mut account = Account::new();
    account.generate_one_time_keys(100);
    let pickled = account.to_libolm_pickle(&KEY).map_err(err)?;
    if do_unpickle {
        Ok(Box::new(move || {
            std::hint::black_box(Account::from_libolm_pickle(&pickled, &KEY).map_err(err)?);
            Ok(())
        }))
    } else {
        Ok(Box::new(move || {
            std::hint::black_box(account.to_libolm_pickle(&KEY).map_err(err)?);
            Ok(())
        }))
    }
}

/// vodozemac cannot write a session in libolm's format: this is its own (encrypted) format.
pub fn session_pickle(do_unpickle: bool) -> R<Step> {
    let (alice, _bob) = session_pair()?;
    let pickled = alice.pickle().encrypt(&KEY);
    if do_unpickle {
        Ok(Box::new(move || {
            let pickle = SessionPickle::from_encrypted(&pickled, &KEY).map_err(err)?;
            std::hint::black_box(Session::from_pickle(pickle));
            Ok(())
        }))
    } else {
        Ok(Box::new(move || {
            std::hint::black_box(alice.pickle().encrypt(&KEY));
            Ok(())
        }))
    }
}

fn pk_message(message: &PkMessage) -> (String, String, String) {
    (base64_encode(&message.ciphertext), base64_encode(&message.mac), message.ephemeral_key.to_base64())
}

pub fn pk_encrypt() -> R<Step> {
    let decryption = PkDecryption::new();
    let encryption = PkEncryption::from_key(decryption.public_key());
    Ok(Box::new(move || {
        std::hint::black_box(pk_message(&encryption.encrypt(PAYLOAD_1K).map_err(err)?));
        Ok(())
    }))
}

pub fn pk_decrypt() -> R<Step> {
    let decryption = PkDecryption::new();
    let encryption = PkEncryption::from_key(decryption.public_key());
    let (ciphertext, mac, ephemeral) = pk_message(&encryption.encrypt(PAYLOAD_1K).map_err(err)?);
    Ok(Box::new(move || {
        let message = PkMessage::from_base64(&ciphertext, &mac, &ephemeral).map_err(err)?;
        ensure(decryption.decrypt(&message).map_err(err)?.len() == PAYLOAD_1K.len(), "pk plaintext length")
    }))
}

pub fn sas(their_key: &str) -> R<Step> {
    let their_key = their_key.to_owned();
    Ok(Box::new(move || {
        let established = Sas::new().diffie_hellman_with_raw(&their_key).map_err(err)?;
        std::hint::black_box(established.calculate_mac(SAS_INPUT, SAS_INFO).to_base64());
        Ok(())
    }))
}

/// A SAS public key for the other side of every library's SAS step.
pub fn sas_peer_key() -> String {
    Sas::new().public_key().to_base64()
}
