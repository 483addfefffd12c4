//! Valid objects, messages and pickles made by the library itself from fixed random bytes:
//! the starting points of every target and the seeds of every corpus.
#![allow(dead_code)]

use std::ffi::c_void;
use std::sync::OnceLock;

use crate::api::*;

pub const PICKLE_KEY: &[u8] = b"fuzz pickle key";

/// An object in its own heap buffer, aligned generously so that two objects of one kind sit
/// at the same offset and a byte copy of one is a valid copy of the other (objects own no heap).
pub struct Obj {
    buf: Vec<u8>,
    offset: usize,
    pub h: Handle,
}

// The fixtures are built once and only read (copied) afterwards.
unsafe impl Send for Obj {}
unsafe impl Sync for Obj {}

impl Obj {
    pub fn new(size: usize, init: Init) -> Self {
        let mut buf = vec![0u8; size + 64];
        let offset = buf.as_ptr().align_offset(64);
        let h = unsafe { init(buf.as_mut_ptr().add(offset).cast()) };
        assert!(!h.is_null());
        Obj { buf, offset, h }
    }

    /// A byte copy of `template` (same kind).
    pub fn copy_of(template: &Obj) -> Self {
        let size = template.buf.len() - 64;
        let mut buf = vec![0u8; size + 64];
        let offset = buf.as_ptr().align_offset(64);
        buf[offset..offset + size].copy_from_slice(&template.buf[template.offset..template.offset + size]);
        let h = unsafe { buf.as_mut_ptr().add(offset + (template.h as usize - template.buf.as_ptr() as usize - template.offset)) };
        Obj { buf, offset, h: h.cast() }
    }
}

/// Deterministic "random" bytes: SHA-256 in counter mode over a label.
pub fn random(label: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 32);
    let mut i = 0u32;
    while out.len() < n {
        let mut input = label.as_bytes().to_vec();
        input.extend_from_slice(&i.to_be_bytes());
        out.extend_from_slice(&olm::core::crypto::sha256(&input));
        i += 1;
    }
    out.truncate(n);
    out
}

pub fn check(result: usize, what: &str) -> usize {
    assert_ne!(result, unsafe { olm_error() }, "fixture step failed: {what}");
    result
}

/// Extracts the value of the first `"key"` in a small JSON object written by libolm.
fn json_value<'a>(json: &'a [u8], key: &str) -> &'a [u8] {
    let needle = format!("\"{key}\":\"");
    let text = std::str::from_utf8(json).expect("libolm JSON is ASCII");
    let start = text.find(&needle).expect("key present") + needle.len();
    let end = start + text[start..].find('"').expect("closing quote");
    &json[start..end]
}

/// The first one-time key's base64 in `{"curve25519":{"id":"key",...}}`.
fn first_one_time_key(json: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(json).unwrap();
    let inner = &text[text.find("{\"").unwrap() + 1..];
    let inner = &inner[inner.find('{').unwrap()..];
    // {"AAAAAQ":"key"
    let parts: Vec<&str> = inner.split('"').collect();
    parts[3].as_bytes().to_vec()
}

pub struct Account {
    pub obj: Obj,
    pub curve25519: Vec<u8>,
    pub ed25519: Vec<u8>,
}

pub fn account(label: &str) -> Account {
    unsafe {
        let obj = Obj::new(olm_account_size(), olm_account);
        let mut r = random(label, 64);
        check(olm_create_account(obj.h, r.as_mut_ptr().cast(), r.len()), "create account");
        let mut r = random(&format!("{label} otk"), 32 * 5);
        check(olm_account_generate_one_time_keys(obj.h, 5, r.as_mut_ptr().cast(), r.len()), "otks");
        let mut r = random(&format!("{label} fallback"), 32);
        check(olm_account_generate_fallback_key(obj.h, r.as_mut_ptr().cast(), r.len()), "fallback");
        let mut ids = vec![0u8; olm_account_identity_keys_length(obj.h)];
        let n = check(olm_account_identity_keys(obj.h, ids.as_mut_ptr().cast(), ids.len()), "identity keys");
        ids.truncate(n);
        Account {
            curve25519: json_value(&ids, "curve25519").to_vec(),
            ed25519: json_value(&ids, "ed25519").to_vec(),
            obj,
        }
    }
}

pub fn pickle_with(
    h: Handle,
    length: unsafe extern "C" fn(Handle) -> usize,
    pickle: unsafe extern "C" fn(Handle, *const c_void, usize, *mut c_void, usize) -> usize,
) -> Vec<u8> {
    unsafe {
        let mut out = vec![0u8; length(h)];
        let n = check(pickle(h, PICKLE_KEY.as_ptr().cast(), PICKLE_KEY.len(), out.as_mut_ptr().cast(), out.len()), "pickle");
        out.truncate(n);
        out
    }
}

/// Everything the targets start from. Built once per process.
pub struct Fixtures {
    pub alice: Account,
    pub bob: Account,
    pub account_pickle: Vec<u8>,
    #[cfg(has_session)]
    pub olm: OlmFixtures,
    #[cfg(has_outbound_group)]
    pub outbound_group_pickle: Vec<u8>,
    #[cfg(all(has_inbound_group, has_outbound_group))]
    pub group: GroupFixtures,
    #[cfg(has_pk)]
    pub pk: PkFixtures,
    #[cfg(has_sas)]
    pub sas: SasFixtures,
}

pub fn get() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(build)
}

fn build() -> Fixtures {
    let alice = account("alice");
    let bob = account("bob");
    let account_pickle = pickle_with(bob.obj.h, olm_pickle_account_length, olm_pickle_account);
    #[cfg(has_session)]
    let olm = olm_fixtures(&alice, &bob);
    Fixtures {
        account_pickle,
        #[cfg(has_session)]
        olm,
        #[cfg(has_outbound_group)]
        outbound_group_pickle: outbound_group().1,
        #[cfg(all(has_inbound_group, has_outbound_group))]
        group: group_fixtures(),
        #[cfg(has_pk)]
        pk: pk_fixtures(),
        #[cfg(has_sas)]
        sas: sas_fixtures(),
        alice,
        bob,
    }
}

#[cfg(has_session)]
pub struct OlmFixtures {
    /// Bob's account before any session: the inbound-session targets start from it.
    pub bob_account: Obj,
    /// Alice's first (pre-key) message to Bob.
    pub pre_key_message: Vec<u8>,
    /// Bob's session after reading it and replying; Alice's later normal message to him.
    pub bob_session: Obj,
    pub normal_message: Vec<u8>,
    pub session_pickle: Vec<u8>,
}

#[cfg(has_session)]
pub fn encrypt(session: Handle, plaintext: &[u8], label: &str) -> (usize, Vec<u8>) {
    unsafe {
        let kind = olm_encrypt_message_type(session);
        let mut r = random(label, olm_encrypt_random_length(session));
        let mut msg = vec![0u8; olm_encrypt_message_length(session, plaintext.len())];
        let n = check(
            olm_encrypt(session, plaintext.as_ptr().cast(), plaintext.len(), r.as_mut_ptr().cast(), r.len(), msg.as_mut_ptr().cast(), msg.len()),
            "encrypt",
        );
        msg.truncate(n);
        (kind, msg)
    }
}

#[cfg(has_session)]
pub fn decrypt(session: Handle, kind: usize, msg: &[u8]) -> Vec<u8> {
    unsafe {
        let mut m = msg.to_vec();
        let max = check(olm_decrypt_max_plaintext_length(session, kind, m.as_mut_ptr().cast(), m.len()), "max plaintext");
        let mut out = vec![0u8; max];
        let mut m = msg.to_vec();
        let n = check(olm_decrypt(session, kind, m.as_mut_ptr().cast(), m.len(), out.as_mut_ptr().cast(), out.len()), "decrypt");
        out.truncate(n);
        out
    }
}

#[cfg(has_session)]
fn olm_fixtures(alice: &Account, bob: &Account) -> OlmFixtures {
    unsafe {
        let bob_account = Obj::copy_of(&bob.obj);
        let mut otks = vec![0u8; olm_account_one_time_keys_length(bob.obj.h)];
        let n = check(olm_account_one_time_keys(bob.obj.h, otks.as_mut_ptr().cast(), otks.len()), "otks json");
        let otk = first_one_time_key(&otks[..n]);
        let a = Obj::new(olm_session_size(), olm_session);
        let mut r = random("outbound", olm_create_outbound_session_random_length(a.h));
        check(
            olm_create_outbound_session(
                a.h,
                alice.obj.h,
                bob.curve25519.as_ptr().cast(),
                bob.curve25519.len(),
                otk.as_ptr().cast(),
                otk.len(),
                r.as_mut_ptr().cast(),
                r.len(),
            ),
            "outbound session",
        );
        let (kind, pre_key_message) = encrypt(a.h, b"first message", "enc 1");
        assert_eq!(kind, 0);
        let b = Obj::new(olm_session_size(), olm_session);
        let mut m = pre_key_message.clone();
        let acct = Obj::copy_of(&bob.obj);
        check(olm_create_inbound_session(b.h, acct.h, m.as_mut_ptr().cast(), m.len()), "inbound session");
        assert_eq!(decrypt(b.h, 0, &pre_key_message), b"first message");
        let (kind, reply) = encrypt(b.h, b"reply", "enc 2");
        assert_eq!(kind, 1);
        assert_eq!(decrypt(a.h, 1, &reply), b"reply");
        let (kind, normal_message) = encrypt(a.h, b"second message", "enc 3");
        assert_eq!(kind, 1);
        let session_pickle = pickle_with(b.h, olm_pickle_session_length, olm_pickle_session);
        OlmFixtures { bob_account, pre_key_message, bob_session: b, normal_message, session_pickle }
    }
}

#[cfg(has_outbound_group)]
pub fn outbound_group() -> (Obj, Vec<u8>) {
    unsafe {
        let o = Obj::new(olm_outbound_group_session_size(), olm_outbound_group_session);
        let mut r = random("megolm", olm_init_outbound_group_session_random_length(o.h));
        check(olm_init_outbound_group_session(o.h, r.as_mut_ptr(), r.len()), "init outbound group");
        let pickle = pickle_with(o.h, olm_pickle_outbound_group_session_length, olm_pickle_outbound_group_session);
        (o, pickle)
    }
}

#[cfg(has_outbound_group)]
pub fn group_encrypt(o: Handle, plaintext: &[u8]) -> Vec<u8> {
    unsafe {
        let mut msg = vec![0u8; olm_group_encrypt_message_length(o, plaintext.len())];
        let n = check(olm_group_encrypt(o, plaintext.as_ptr(), plaintext.len(), msg.as_mut_ptr(), msg.len()), "group encrypt");
        msg.truncate(n);
        msg
    }
}

#[cfg(all(has_inbound_group, has_outbound_group))]
pub struct GroupFixtures {
    pub session_key: Vec<u8>,
    pub exported_key: Vec<u8>,
    pub inbound: Obj,
    pub messages: Vec<Vec<u8>>,
    pub inbound_pickle: Vec<u8>,
}

#[cfg(all(has_inbound_group, has_outbound_group))]
fn group_fixtures() -> GroupFixtures {
    unsafe {
        let (o, _) = outbound_group();
        let mut session_key = vec![0u8; olm_outbound_group_session_key_length(o.h)];
        let n = check(olm_outbound_group_session_key(o.h, session_key.as_mut_ptr(), session_key.len()), "session key");
        session_key.truncate(n);
        let messages = vec![group_encrypt(o.h, b"group one"), group_encrypt(o.h, b"group two"), group_encrypt(o.h, b"")];
        let inbound = Obj::new(olm_inbound_group_session_size(), olm_inbound_group_session);
        check(olm_init_inbound_group_session(inbound.h, session_key.as_ptr(), session_key.len()), "init inbound");
        let mut exported_key = vec![0u8; olm_export_inbound_group_session_length(inbound.h)];
        let n = check(olm_export_inbound_group_session(inbound.h, exported_key.as_mut_ptr(), exported_key.len(), 0), "export");
        exported_key.truncate(n);
        let inbound_pickle = pickle_with(inbound.h, olm_pickle_inbound_group_session_length, olm_pickle_inbound_group_session);
        GroupFixtures { session_key, exported_key, inbound, messages, inbound_pickle }
    }
}

#[cfg(has_pk)]
pub struct PkFixtures {
    pub decryption: Obj,
    pub pickle: Vec<u8>,
    /// (ephemeral key, mac, ciphertext)
    pub messages: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>,
}

#[cfg(has_pk)]
fn pk_fixtures() -> PkFixtures {
    unsafe {
        let d = Obj::new(olm_pk_decryption_size(), olm_pk_decryption);
        let private = random("pk private", 32);
        let mut public = vec![0u8; olm_pk_key_length()];
        check(olm_pk_key_from_private(d.h, public.as_mut_ptr().cast(), public.len(), private.as_ptr().cast(), 32), "pk key");
        let e = Obj::new(olm_pk_encryption_size(), olm_pk_encryption);
        check(olm_pk_encryption_set_recipient_key(e.h, public.as_ptr().cast(), public.len()), "recipient");
        let mut messages = Vec::new();
        for (i, plaintext) in [&b"pk message"[..], b"", &[7u8; 40]].iter().enumerate() {
            let mut ct = vec![0u8; olm_pk_ciphertext_length(e.h, plaintext.len())];
            // libolm writes 11 bytes of base64 MAC whatever it checks; give it room.
            let mut mac = vec![0u8; olm_pk_mac_length(e.h) + 8];
            let mut eph = vec![0u8; olm_pk_key_length()];
            let r = random(&format!("pk {i}"), olm_pk_encrypt_random_length(e.h));
            check(
                olm_pk_encrypt(
                    e.h,
                    plaintext.as_ptr().cast(),
                    plaintext.len(),
                    ct.as_mut_ptr().cast(),
                    ct.len(),
                    mac.as_mut_ptr().cast(),
                    mac.len(),
                    eph.as_mut_ptr().cast(),
                    eph.len(),
                    r.as_ptr().cast(),
                    r.len(),
                ),
                "pk encrypt",
            );
            mac.truncate(olm_pk_mac_length(e.h));
            messages.push((eph, mac, ct));
        }
        let pickle = pickle_with(d.h, olm_pickle_pk_decryption_length, olm_pickle_pk_decryption);
        PkFixtures { decryption: d, pickle, messages }
    }
}

#[cfg(has_sas)]
pub struct SasFixtures {
    pub sas: Obj,
    pub their_key: Vec<u8>,
}

#[cfg(has_sas)]
fn sas_fixtures() -> SasFixtures {
    unsafe {
        let make = |label: &str| {
            let s = Obj::new(olm_sas_size(), olm_sas);
            let mut r = random(label, olm_create_sas_random_length(s.h));
            check(olm_create_sas(s.h, r.as_mut_ptr().cast(), r.len()), "create sas");
            let mut key = vec![0u8; olm_sas_pubkey_length(s.h)];
            check(olm_sas_get_pubkey(s.h, key.as_mut_ptr().cast(), key.len()), "sas pubkey");
            (s, key)
        };
        let (sas, _) = make("sas a");
        let (_, their_key) = make("sas b");
        SasFixtures { sas, their_key }
    }
}
