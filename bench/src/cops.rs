//! The operations, written once against libolm's C ABI and run on both C libraries.
//!
//! Each function does its setup (untimed) and returns the step that is timed. Buffers are
//! allocated in the setup; a step copies inputs that libolm's API destroys (base64 decoded in
//! place) into scratch space, which both libraries pay equally.

use crate::capi::*;
use crate::sym;
use crate::{Rng, Step, KEY, PAYLOAD_1K, SIGNED_MESSAGE};

type R<T> = Result<T, Unavailable>;

fn ensure(condition: bool, what: &str) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(format!("unexpected result: {what}"))
    }
}

fn random(rng: &mut Rng, length: usize) -> Vec<u8> {
    let mut buffer = vec![0u8; length];
    rng.fill(&mut buffer);
    buffer
}

fn create_account(api: &Api, rng: &mut Rng) -> R<Object> {
    let account = new_account_object(api)?;
    let length = unsafe { sym!(api, olm_create_account_random_length)(account.ptr()) };
    let mut bytes = random(rng, length);
    let create = sym!(api, olm_create_account);
    account.check(unsafe { create(account.ptr(), bytes.as_mut_ptr(), length) }, "create account")?;
    Ok(account)
}

fn read_json(api_call: impl FnOnce(*mut u8, usize) -> usize, length: usize, object: &Object) -> R<serde_json::Value> {
    let mut buffer = vec![0u8; length];
    let n = object.check(api_call(buffer.as_mut_ptr(), length), "read keys")?;
    serde_json::from_slice(&buffer[..n]).map_err(|e| Unavailable::Failed(format!("keys JSON: {e}")))
}

/// The account's (curve25519, ed25519) identity keys, base64.
fn identity_keys(api: &Api, account: &Object) -> R<(String, String)> {
    let length = unsafe { sym!(api, olm_account_identity_keys_length)(account.ptr()) };
    let get = sym!(api, olm_account_identity_keys);
    let json = read_json(|p, n| unsafe { get(account.ptr(), p, n) }, length, account)?;
    let key = |name: &str| json[name].as_str().map(str::to_owned).ok_or_else(|| format!("no {name} key"));
    Ok((key("curve25519")?, key("ed25519")?))
}

/// A fresh fallback key of the account, base64.
fn fallback_key(api: &Api, account: &Object, rng: &mut Rng) -> R<String> {
    let length = unsafe { sym!(api, olm_account_generate_fallback_key_random_length)(account.ptr()) };
    let mut bytes = random(rng, length);
    let generate = sym!(api, olm_account_generate_fallback_key);
    account.check(unsafe { generate(account.ptr(), bytes.as_mut_ptr(), length) }, "generate fallback key")?;
    let length = unsafe { sym!(api, olm_account_fallback_key_length)(account.ptr()) };
    let get = sym!(api, olm_account_fallback_key);
    let json = read_json(|p, n| unsafe { get(account.ptr(), p, n) }, length, account)?;
    let key = json["curve25519"].as_object().and_then(|keys| keys.values().next()).and_then(|k| k.as_str());
    Ok(key.ok_or_else(|| "no fallback key".to_string())?.to_owned())
}

/// The Olm session calls a message exchange needs.
#[derive(Clone, Copy)]
struct SessionFns {
    message_type: unsafe extern "C" fn(CObj) -> usize,
    random_length: unsafe extern "C" fn(CObj) -> usize,
    message_length: unsafe extern "C" fn(CObj, usize) -> usize,
    encrypt: unsafe extern "C" fn(Obj, *const u8, usize, *mut u8, usize, *mut u8, usize) -> usize,
    decrypt: unsafe extern "C" fn(Obj, usize, *mut u8, usize, *mut u8, usize) -> usize,
}

impl SessionFns {
    fn new(api: &Api) -> R<Self> {
        Ok(SessionFns {
            message_type: sym!(api, olm_encrypt_message_type),
            random_length: sym!(api, olm_encrypt_random_length),
            message_length: sym!(api, olm_encrypt_message_length),
            encrypt: sym!(api, olm_encrypt),
            decrypt: sym!(api, olm_decrypt),
        })
    }

    /// Encrypts into `out`; returns (message type, message length).
    fn encrypt(&self, session: &Object, rng: &mut Rng, plaintext: &[u8], out: &mut [u8]) -> Result<(usize, usize), String> {
        unsafe {
            let message_type = (self.message_type)(session.ptr());
            let random_length = (self.random_length)(session.ptr());
            let mut bytes = [0u8; 64];
            ensure(random_length <= bytes.len(), "encrypt random length")?;
            rng.fill(&mut bytes[..random_length]);
            let length = (self.message_length)(session.ptr(), plaintext.len());
            ensure(length <= out.len(), "message length")?;
            let written = (self.encrypt)(session.ptr(), plaintext.as_ptr(), plaintext.len(), bytes.as_mut_ptr(), random_length, out.as_mut_ptr(), length);
            Ok((message_type, session.check(written, "encrypt")?))
        }
    }

    /// Decrypts a copy of `message`; checks the plaintext length.
    fn decrypt(&self, session: &Object, message_type: usize, message: &[u8], scratch: &mut [u8], plaintext: &mut [u8], expected: usize) -> Result<(), String> {
        scratch[..message.len()].copy_from_slice(message);
        let n = unsafe { (self.decrypt)(session.ptr(), message_type, scratch.as_mut_ptr(), message.len(), plaintext.as_mut_ptr(), plaintext.len()) };
        ensure(session.check(n, "decrypt")? == expected, "plaintext length")
    }
}

/// Bob's account with a fallback key (reusable for any number of inbound sessions),
/// and his identity key and that fallback key.
struct Bob {
    account: Object,
    identity_key: String,
    fallback_key: String,
}

fn bob(api: &Api, rng: &mut Rng) -> R<Bob> {
    let account = create_account(api, rng)?;
    let (identity_key, _) = identity_keys(api, &account)?;
    let fallback_key = fallback_key(api, &account, rng)?;
    Ok(Bob { account, identity_key, fallback_key })
}

fn outbound_session(api: &Api, alice: &Object, bob: &Bob, rng: &mut Rng) -> R<Object> {
    let session = new_session_object(api)?;
    let length = unsafe { sym!(api, olm_create_outbound_session_random_length)(session.ptr()) };
    let mut bytes = random(rng, length);
    let create = sym!(api, olm_create_outbound_session);
    let (ik, fk) = (bob.identity_key.as_bytes(), bob.fallback_key.as_bytes());
    let r = unsafe { create(session.ptr(), alice.ptr(), ik.as_ptr(), ik.len(), fk.as_ptr(), fk.len(), bytes.as_mut_ptr(), length) };
    session.check(r, "create outbound session")?;
    Ok(session)
}

/// Two established sessions: Alice wrote first, Bob answered, so both have both chains.
fn session_pair(api: &Api, rng: &mut Rng) -> R<(Object, Object)> {
    let fns = SessionFns::new(api)?;
    let alice_account = create_account(api, rng)?;
    let bob = bob(api, rng)?;
    let alice = outbound_session(api, &alice_account, &bob, rng)?;
    let mut message = vec![0u8; 4096];
    let mut scratch = vec![0u8; 4096];
    let mut plaintext = vec![0u8; 4096];
    let (t, n) = fns.encrypt(&alice, rng, b"hello", &mut message)?;
    ensure(t == 0, "first message is a pre-key message")?;
    let bob_session = new_session_object(api)?;
    scratch[..n].copy_from_slice(&message[..n]);
    let inbound = sym!(api, olm_create_inbound_session);
    bob_session.check(unsafe { inbound(bob_session.ptr(), bob.account.ptr(), scratch.as_mut_ptr(), n) }, "create inbound session")?;
    fns.decrypt(&bob_session, t, &message[..n], &mut scratch, &mut plaintext, 5)?;
    let (t, n) = fns.encrypt(&bob_session, rng, b"hi", &mut message)?;
    fns.decrypt(&alice, t, &message[..n], &mut scratch, &mut plaintext, 2)?;
    Ok((alice, bob_session))
}

pub fn account_create(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(1);
    let account = new_account_object(api)?;
    let init = sym!(api, olm_account);
    // Initialise the same memory each time, as a caller creating a new account would.
    let size = unsafe { sym!(api, olm_account_size)() };
    let mut memory = vec![0u8; size];
    let length = unsafe { sym!(api, olm_create_account_random_length)(account.ptr()) };
    let create = sym!(api, olm_create_account);
    let mut bytes = vec![0u8; length];
    Ok(Box::new(move || unsafe {
        let fresh = init(memory.as_mut_ptr());
        rng.fill(&mut bytes);
        ensure(create(fresh, bytes.as_mut_ptr(), length) != usize::MAX, "create account")
    }))
}

pub fn generate_one_time_keys(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(2);
    let account = create_account(api, &mut rng)?;
    let length = unsafe { sym!(api, olm_account_generate_one_time_keys_random_length)(account.ptr(), 100) };
    let generate = sym!(api, olm_account_generate_one_time_keys);
    let mut bytes = vec![0u8; length];
    Ok(Box::new(move || {
        rng.fill(&mut bytes);
        account.check(unsafe { generate(account.ptr(), 100, bytes.as_mut_ptr(), length) }, "generate one-time keys").map(drop)
    }))
}

pub fn identity_keys_json(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(3);
    let account = create_account(api, &mut rng)?;
    let length = unsafe { sym!(api, olm_account_identity_keys_length)(account.ptr()) };
    let get = sym!(api, olm_account_identity_keys);
    let mut out = vec![0u8; length];
    Ok(Box::new(move || account.check(unsafe { get(account.ptr(), out.as_mut_ptr(), length) }, "identity keys").map(drop)))
}

pub fn account_sign(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(4);
    let account = create_account(api, &mut rng)?;
    let length = unsafe { sym!(api, olm_account_signature_length)(account.ptr()) };
    let sign = sym!(api, olm_account_sign);
    let mut out = vec![0u8; length];
    let m = SIGNED_MESSAGE;
    Ok(Box::new(move || account.check(unsafe { sign(account.ptr(), m.as_ptr(), m.len(), out.as_mut_ptr(), length) }, "sign").map(drop)))
}

pub fn ed25519_verify(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(5);
    let account = create_account(api, &mut rng)?;
    let (_, ed25519) = identity_keys(api, &account)?;
    let length = unsafe { sym!(api, olm_account_signature_length)(account.ptr()) };
    let sign = sym!(api, olm_account_sign);
    let mut signature = vec![0u8; length];
    let m = SIGNED_MESSAGE;
    account.check(unsafe { sign(account.ptr(), m.as_ptr(), m.len(), signature.as_mut_ptr(), length) }, "sign")?;
    let utility = new_utility(api)?;
    let verify = sym!(api, olm_ed25519_verify);
    let mut scratch = signature.clone();
    Ok(Box::new(move || {
        scratch.copy_from_slice(&signature);
        let r = unsafe { verify(utility.ptr(), ed25519.as_ptr(), ed25519.len(), m.as_ptr(), m.len(), scratch.as_mut_ptr(), scratch.len()) };
        ensure(utility.check(r, "verify")? == 0, "signature verifies")
    }))
}

/// What a caller of session creation does: create the session, then encrypt the first (pre-key)
/// message. Timing creation alone compared unequal work: libolm (and we, byte for byte) make
/// the first sender chain's ratchet key pair at creation, vodozemac only when it encrypts.
pub fn outbound_session_create(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(6);
    let fns = SessionFns::new(api)?;
    let alice = create_account(api, &mut rng)?;
    let bob = bob(api, &mut rng)?;
    let session = new_session_object(api)?;
    let init = sym!(api, olm_session);
    let length = unsafe { sym!(api, olm_create_outbound_session_random_length)(session.ptr()) };
    let create = sym!(api, olm_create_outbound_session);
    let mut bytes = vec![0u8; length];
    let mut message = vec![0u8; 4096];
    Ok(Box::new(move || {
        unsafe { init(session.ptr() as *mut u8) };
        rng.fill(&mut bytes);
        let (ik, fk) = (bob.identity_key.as_bytes(), bob.fallback_key.as_bytes());
        let r = unsafe { create(session.ptr(), alice.ptr(), ik.as_ptr(), ik.len(), fk.as_ptr(), fk.len(), bytes.as_mut_ptr(), length) };
        session.check(r, "create outbound session")?;
        let (message_type, _) = fns.encrypt(&session, &mut rng, PAYLOAD_1K, &mut message)?;
        ensure(message_type == 0, "pre-key message")
    }))
}

pub fn inbound_session_create(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(7);
    let fns = SessionFns::new(api)?;
    let alice_account = create_account(api, &mut rng)?;
    let bob = bob(api, &mut rng)?;
    let alice = outbound_session(api, &alice_account, &bob, &mut rng)?;
    let mut message = vec![0u8; 4096];
    let (t, n) = fns.encrypt(&alice, &mut rng, PAYLOAD_1K, &mut message)?;
    message.truncate(n);
    let inbound = sym!(api, olm_create_inbound_session);
    let session = new_session_object(api)?;
    let init = sym!(api, olm_session);
    let mut scratch = vec![0u8; n];
    let mut plaintext = vec![0u8; n];
    Ok(Box::new(move || unsafe {
        init(session.ptr() as *mut u8);
        scratch.copy_from_slice(&message);
        session.check(inbound(session.ptr(), bob.account.ptr(), scratch.as_mut_ptr(), n), "create inbound session")?;
        fns.decrypt(&session, t, &message, &mut scratch, &mut plaintext, PAYLOAD_1K.len())
    }))
}

pub fn olm_one_direction(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(8);
    let fns = SessionFns::new(api)?;
    let (alice, bob) = session_pair(api, &mut rng)?;
    let (mut message, mut scratch, mut plaintext) = (vec![0u8; 4096], vec![0u8; 4096], vec![0u8; 4096]);
    Ok(Box::new(move || {
        let (t, n) = fns.encrypt(&alice, &mut rng, PAYLOAD_1K, &mut message)?;
        fns.decrypt(&bob, t, &message[..n], &mut scratch, &mut plaintext, PAYLOAD_1K.len())
    }))
}

pub fn olm_ping_pong(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(9);
    let fns = SessionFns::new(api)?;
    let (alice, bob) = session_pair(api, &mut rng)?;
    let (mut message, mut scratch, mut plaintext) = (vec![0u8; 4096], vec![0u8; 4096], vec![0u8; 4096]);
    let mut alice_turn = true;
    Ok(Box::new(move || {
        let (from, to) = if alice_turn { (&alice, &bob) } else { (&bob, &alice) };
        alice_turn = !alice_turn;
        let (t, n) = fns.encrypt(from, &mut rng, PAYLOAD_1K, &mut message)?;
        fns.decrypt(to, t, &message[..n], &mut scratch, &mut plaintext, PAYLOAD_1K.len())
    }))
}

fn outbound_group(api: &Api, rng: &mut Rng) -> R<Object> {
    let session = new_outbound_group(api)?;
    let length = unsafe { sym!(api, olm_init_outbound_group_session_random_length)(session.ptr()) };
    let mut bytes = random(rng, length);
    let init = sym!(api, olm_init_outbound_group_session);
    session.check(unsafe { init(session.ptr(), bytes.as_mut_ptr(), length) }, "init outbound group session")?;
    Ok(session)
}

fn inbound_group_from(api: &Api, outbound: &Object) -> R<Object> {
    let length = unsafe { sym!(api, olm_outbound_group_session_key_length)(outbound.ptr()) };
    let mut key = vec![0u8; length];
    let get = sym!(api, olm_outbound_group_session_key);
    let n = outbound.check(unsafe { get(outbound.ptr(), key.as_mut_ptr(), length) }, "session key")?;
    let inbound = new_inbound_group(api)?;
    let init = sym!(api, olm_init_inbound_group_session);
    inbound.check(unsafe { init(inbound.ptr(), key.as_ptr(), n) }, "init inbound group session")?;
    Ok(inbound)
}

pub fn megolm_encrypt(api: &'static Api, size: usize) -> R<Step> {
    let mut rng = Rng::new(10);
    let session = outbound_group(api, &mut rng)?;
    let plaintext = crate::payload(size);
    let message_length = sym!(api, olm_group_encrypt_message_length);
    let encrypt = sym!(api, olm_group_encrypt);
    // The length grows with the message index (a varint): ask for it each time, as callers do.
    let mut out = vec![0u8; unsafe { message_length(session.ptr(), size) } + 16];
    Ok(Box::new(move || {
        let length = unsafe { message_length(session.ptr(), size) };
        ensure(length <= out.len(), "group message length")?;
        let r = unsafe { encrypt(session.ptr(), plaintext.as_ptr(), size, out.as_mut_ptr(), length) };
        session.check(r, "group encrypt").map(drop)
    }))
}

pub fn megolm_decrypt(api: &'static Api, size: usize) -> R<Step> {
    let mut rng = Rng::new(11);
    let outbound = outbound_group(api, &mut rng)?;
    let inbound = inbound_group_from(api, &outbound)?;
    let plaintext = crate::payload(size);
    let length = unsafe { sym!(api, olm_group_encrypt_message_length)(outbound.ptr(), size) };
    let encrypt = sym!(api, olm_group_encrypt);
    let mut message = vec![0u8; length];
    let n = outbound.check(unsafe { encrypt(outbound.ptr(), plaintext.as_ptr(), size, message.as_mut_ptr(), length) }, "group encrypt")?;
    message.truncate(n);
    let decrypt = sym!(api, olm_group_decrypt);
    let mut scratch = message.clone();
    let mut out = vec![0u8; n];
    Ok(Box::new(move || {
        scratch.copy_from_slice(&message);
        let mut index = u32::MAX;
        let r = unsafe { decrypt(inbound.ptr(), scratch.as_mut_ptr(), n, out.as_mut_ptr(), out.len(), &mut index) };
        ensure(inbound.check(r, "group decrypt")? == size && index == 0, "group plaintext")
    }))
}

pub fn megolm_advance(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(12);
    let outbound = outbound_group(api, &mut rng)?;
    let inbound = inbound_group_from(api, &outbound)?;
    let length = unsafe { sym!(api, olm_export_inbound_group_session_length)(inbound.ptr()) };
    let export = sym!(api, olm_export_inbound_group_session);
    let mut out = vec![0u8; length];
    // Exporting at or past the latest ratchet advances (and so caches) it; an index below it is
    // reached from the initial ratchet (index 0) every time: ratchet to 2^21 once, then time 2^20.
    inbound.check(unsafe { export(inbound.ptr(), out.as_mut_ptr(), length, 1 << 21) }, "export at 2^21")?;
    Ok(Box::new(move || {
        let r = unsafe { export(inbound.ptr(), out.as_mut_ptr(), length, 1 << 20) };
        inbound.check(r, "export at 2^20").map(drop)
    }))
}

/// Pickles `object` once; the step pickles or unpickles it again.
fn pickle_steps(
    object: Object,
    fresh: Object,
    length: usize,
    pickle: unsafe extern "C" fn(Obj, *const u8, usize, *mut u8, usize) -> usize,
    unpickle: unsafe extern "C" fn(Obj, *const u8, usize, *mut u8, usize) -> usize,
    do_unpickle: bool,
) -> R<Step> {
    let mut pickled = vec![0u8; length];
    let n = object.check(unsafe { pickle(object.ptr(), KEY.as_ptr(), KEY.len(), pickled.as_mut_ptr(), length) }, "pickle")?;
    let mut scratch = pickled.clone();
    if do_unpickle {
        Ok(Box::new(move || {
            scratch.copy_from_slice(&pickled);
            let r = unsafe { unpickle(fresh.ptr(), KEY.as_ptr(), KEY.len(), scratch.as_mut_ptr(), n) };
            fresh.check(r, "unpickle").map(drop)
        }))
    } else {
        Ok(Box::new(move || {
            let r = unsafe { pickle(object.ptr(), KEY.as_ptr(), KEY.len(), scratch.as_mut_ptr(), length) };
            object.check(r, "pickle").map(drop)
        }))
    }
}

pub fn account_pickle(api: &'static Api, do_unpickle: bool) -> R<Step> {
    let mut rng = Rng::new(13);
    let account = create_account(api, &mut rng)?;
    let length = unsafe { sym!(api, olm_account_generate_one_time_keys_random_length)(account.ptr(), 100) };
    let mut bytes = random(&mut rng, length);
    let generate = sym!(api, olm_account_generate_one_time_keys);
    account.check(unsafe { generate(account.ptr(), 100, bytes.as_mut_ptr(), length) }, "generate one-time keys")?;
    let length = unsafe { sym!(api, olm_pickle_account_length)(account.ptr()) };
    let fresh = new_account_object(api)?;
    pickle_steps(account, fresh, length, sym!(api, olm_pickle_account), sym!(api, olm_unpickle_account), do_unpickle)
}

pub fn session_pickle(api: &'static Api, do_unpickle: bool) -> R<Step> {
    let mut rng = Rng::new(14);
    let (alice, _bob) = session_pair(api, &mut rng)?;
    let length = unsafe { sym!(api, olm_pickle_session_length)(alice.ptr()) };
    let fresh = new_session_object(api)?;
    pickle_steps(alice, fresh, length, sym!(api, olm_pickle_session), sym!(api, olm_unpickle_session), do_unpickle)
}

/// A pk decryption object with a random key, and its public key (base64).
fn pk_decryption(api: &Api, rng: &mut Rng) -> R<(Object, Vec<u8>)> {
    let decryption = new_pk_decryption(api)?;
    let private = random(rng, 32);
    let mut public = vec![0u8; unsafe { sym!(api, olm_pk_key_length)() }];
    let from_private = sym!(api, olm_pk_key_from_private);
    let r = unsafe { from_private(decryption.ptr(), public.as_mut_ptr(), public.len(), private.as_ptr(), private.len()) };
    decryption.check(r, "pk key from private")?;
    Ok((decryption, public))
}

struct PkEncrypted {
    ciphertext: Vec<u8>,
    mac: Vec<u8>,
    ephemeral: Vec<u8>,
}

struct PkEncrypt {
    encryption: Object,
    encrypt: unsafe extern "C" fn(Obj, *const u8, usize, *mut u8, usize, *mut u8, usize, *mut u8, usize, *mut u8, usize) -> usize,
    random: Vec<u8>,
    out: PkEncrypted,
}

impl PkEncrypt {
    fn new(api: &Api, public: &[u8], size: usize) -> R<Self> {
        let encryption = new_pk_encryption(api)?;
        let set = sym!(api, olm_pk_encryption_set_recipient_key);
        encryption.check(unsafe { set(encryption.ptr(), public.as_ptr(), public.len()) }, "set recipient key")?;
        let ciphertext = vec![0u8; unsafe { sym!(api, olm_pk_ciphertext_length)(encryption.ptr(), size) }];
        let mac = vec![0u8; unsafe { sym!(api, olm_pk_mac_length)(encryption.ptr()) }];
        let ephemeral = vec![0u8; unsafe { sym!(api, olm_pk_key_length)() }];
        let random = vec![0u8; unsafe { sym!(api, olm_pk_encrypt_random_length)(encryption.ptr()) }];
        let encrypt = sym!(api, olm_pk_encrypt);
        Ok(PkEncrypt { encryption, encrypt, random, out: PkEncrypted { ciphertext, mac, ephemeral } })
    }

    fn run(&mut self, rng: &mut Rng, plaintext: &[u8]) -> Result<(), String> {
        rng.fill(&mut self.random);
        let o = &mut self.out;
        let r = unsafe {
            (self.encrypt)(
                self.encryption.ptr(),
                plaintext.as_ptr(),
                plaintext.len(),
                o.ciphertext.as_mut_ptr(),
                o.ciphertext.len(),
                o.mac.as_mut_ptr(),
                o.mac.len(),
                o.ephemeral.as_mut_ptr(),
                o.ephemeral.len(),
                self.random.as_mut_ptr(),
                self.random.len(),
            )
        };
        self.encryption.check(r, "pk encrypt").map(drop)
    }
}

pub fn pk_encrypt(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(15);
    let (_decryption, public) = pk_decryption(api, &mut rng)?;
    let mut encrypt = PkEncrypt::new(api, &public, PAYLOAD_1K.len())?;
    Ok(Box::new(move || encrypt.run(&mut rng, PAYLOAD_1K)))
}

pub fn pk_decrypt(api: &'static Api) -> R<Step> {
    let mut rng = Rng::new(16);
    let (decryption, public) = pk_decryption(api, &mut rng)?;
    let mut encrypt = PkEncrypt::new(api, &public, PAYLOAD_1K.len())?;
    encrypt.run(&mut rng, PAYLOAD_1K)?;
    let PkEncrypted { ciphertext, mac, ephemeral } = encrypt.out;
    let decrypt = sym!(api, olm_pk_decrypt);
    let max = unsafe { sym!(api, olm_pk_max_plaintext_length)(decryption.ptr(), ciphertext.len()) };
    let mut plaintext = vec![0u8; max];
    let mut scratch = ciphertext.clone();
    Ok(Box::new(move || {
        scratch.copy_from_slice(&ciphertext);
        let r = unsafe {
            decrypt(decryption.ptr(), ephemeral.as_ptr(), ephemeral.len(), mac.as_ptr(), mac.len(), scratch.as_mut_ptr(), scratch.len(), plaintext.as_mut_ptr(), max)
        };
        ensure(decryption.check(r, "pk decrypt")? == PAYLOAD_1K.len(), "pk plaintext length")
    }))
}

pub fn sas(api: &'static Api, their_key: &str) -> R<Step> {
    let mut rng = Rng::new(17);
    let sas = new_sas(api)?;
    let init = sym!(api, olm_sas);
    let create = sym!(api, olm_create_sas);
    let set_their_key = sym!(api, olm_sas_set_their_key);
    let calculate_mac = sym!(api, olm_sas_calculate_mac_fixed_base64);
    let mut bytes = vec![0u8; unsafe { sym!(api, olm_create_sas_random_length)(sas.ptr()) }];
    let mut mac = vec![0u8; unsafe { sym!(api, olm_sas_mac_length)(sas.ptr()) }];
    let their_key = their_key.as_bytes().to_vec();
    let mut scratch = their_key.clone();
    let (input, info) = (crate::SAS_INPUT.as_bytes(), crate::SAS_INFO.as_bytes());
    Ok(Box::new(move || unsafe {
        init(sas.ptr() as *mut u8);
        rng.fill(&mut bytes);
        sas.check(create(sas.ptr(), bytes.as_mut_ptr(), bytes.len()), "create sas")?;
        scratch.copy_from_slice(&their_key);
        sas.check(set_their_key(sas.ptr(), scratch.as_mut_ptr(), scratch.len()), "set their key")?;
        let r = calculate_mac(sas.ptr(), input.as_ptr(), input.len(), info.as_ptr(), info.len(), mac.as_mut_ptr(), mac.len());
        sas.check(r, "calculate mac").map(drop)
    }))
}

pub fn sha256(api: &'static Api) -> R<Step> {
    let utility = new_utility(api)?;
    let input = crate::payload(1 << 20);
    let length = unsafe { sym!(api, olm_sha256_length)(utility.ptr()) };
    let hash = sym!(api, olm_sha256);
    let mut out = vec![0u8; length];
    Ok(Box::new(move || {
        let r = unsafe { hash(utility.ptr(), input.as_ptr(), input.len(), out.as_mut_ptr(), length) };
        utility.check(r, "sha256").map(drop)
    }))
}
