//! The differential targets (`diff_*`): one per attacker-reachable surface. Each runs the
//! input through libolm and through ours from identical starting objects (fixtures made by
//! both libraries from the same random bytes, checked identical when built) and fails on the
//! first difference that no [`Rule`] explains (see differential.rs).

use std::ffi::c_char;
use std::sync::OnceLock;

use olm::core::crypto::CIPHER_MAC_LENGTH;
use olm::core::olm::message::{Message, PreKeyMessage};

use crate::differential::*;
use crate::fixtures::random;
use crate::input::{join3, split3};

// --- Fixtures, made identically by both libraries -----------------------------------------

/// Starting objects (as pickles under [`PICKLE_KEY`]) and valid inputs. Built by each library
/// from the same random bytes; every pickle and message must come out byte-identical.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct World {
    /// Bob's account: one-time keys not yet removed, so pre-key messages to it still load.
    pub bob_account: Vec<u8>,
    pub alice_identity_curve: Vec<u8>,
    pub alice_identity_ed25519: Vec<u8>,
    /// Alice's outbound session: sent `prekey`, received nothing.
    pub alice_session: Vec<u8>,
    /// Bob's inbound session: received `prekey[0]`, sent `replies`.
    pub bob_session: Vec<u8>,
    pub prekey: Vec<Vec<u8>>,
    pub replies: Vec<Vec<u8>>,
    /// A message signed by Alice's account, and the signature.
    pub signed: Vec<u8>,
    pub signature: Vec<u8>,
    pub outbound: Vec<u8>,
    pub session_key: Vec<u8>,
    pub group_messages: Vec<Vec<u8>>,
    /// Inbound group sessions: initialised from `session_key`, and imported from an export at
    /// index 1.
    pub inbound: Vec<u8>,
    pub inbound_imported: Vec<u8>,
    pub export1: Vec<u8>,
    pub pk: Vec<u8>,
    pub pk_public: Vec<u8>,
    /// (ephemeral key, mac, ciphertext) to `pk_public`.
    pub pk_message: [Vec<u8>; 3],
    pub sas_public: Vec<u8>,
}

fn ok(out: usize, what: &str) -> usize {
    assert_ne!(out, usize::MAX, "fixture step failed: {what}");
    out
}

fn identity_keys(lib: &Lib, acc: &Obj) -> Vec<Vec<u8>> {
    let a = account(lib);
    // SAFETY: buffers sized by the library's length functions.
    unsafe {
        let mut json = vec![0u8; (a.olm_account_identity_keys_length)(acc.ptr)];
        let n = ok((a.olm_account_identity_keys)(acc.ptr, json.as_mut_ptr(), json.len()), "identity keys");
        json.truncate(n);
        difftest::harness::json_strings(&json, 43)
    }
}

fn build_world(lib: &Lib) -> World {
    let (a, s, m, p, sa) = (account(lib), session(lib), megolm(lib), pk(lib), sas(lib));
    // SAFETY: every buffer is sized by the library's own length function, every object is
    // live and of its kind.
    unsafe {
        let new_account = |label: &str| {
            let acc = new_obj(lib, Kind::Account);
            let mut r = random(label, (a.olm_create_account_random_length)(acc.ptr));
            ok((a.olm_create_account)(acc.ptr, r.as_mut_ptr(), r.len()), "create account");
            acc
        };
        let alice = new_account("diff alice");
        let bob = new_account("diff bob");
        let mut r = random("diff bob otks", (a.olm_account_generate_one_time_keys_random_length)(bob.ptr, 2));
        ok((a.olm_account_generate_one_time_keys)(bob.ptr, 2, r.as_mut_ptr(), r.len()), "one-time keys");
        let mut r = random("diff bob fallback", (a.olm_account_generate_fallback_key_random_length)(bob.ptr));
        ok((a.olm_account_generate_fallback_key)(bob.ptr, r.as_mut_ptr(), r.len()), "fallback key");
        let alice_ids = identity_keys(lib, &alice);
        let bob_ids = identity_keys(lib, &bob);
        let mut otk_json = vec![0u8; (a.olm_account_one_time_keys_length)(bob.ptr)];
        let n = ok((a.olm_account_one_time_keys)(bob.ptr, otk_json.as_mut_ptr(), otk_json.len()), "one-time keys json");
        let bob_otk = difftest::harness::json_strings(&otk_json[..n], 43)[0].clone();

        let signed = b"a message Alice signed".to_vec();
        let mut signature = vec![0u8; (a.olm_account_signature_length)(alice.ptr)];
        ok((a.olm_account_sign)(alice.ptr, signed.as_ptr(), signed.len(), signature.as_mut_ptr(), signature.len()), "sign");

        let alice_s = new_obj(lib, Kind::Session);
        let mut r = random("diff outbound", (s.olm_create_outbound_session_random_length)(alice_s.ptr));
        ok(
            (s.olm_create_outbound_session)(
                alice_s.ptr,
                alice.ptr,
                bob_ids[0].as_ptr(),
                43,
                bob_otk.as_ptr(),
                43,
                r.as_mut_ptr(),
                r.len(),
            ),
            "outbound session",
        );
        let encrypt = |sess: &Obj, plaintext: &[u8], label: &str| -> Vec<u8> {
            let mut r = random(label, (s.olm_encrypt_random_length)(sess.ptr));
            let mut out = vec![0u8; (s.olm_encrypt_message_length)(sess.ptr, plaintext.len())];
            let n = ok((s.olm_encrypt)(sess.ptr, plaintext.as_ptr(), plaintext.len(), r.as_mut_ptr(), r.len(), out.as_mut_ptr(), out.len()), label);
            out.truncate(n);
            out
        };
        let prekey = vec![encrypt(&alice_s, b"first pre-key message", "diff m1"), encrypt(&alice_s, b"second", "diff m2")];
        let bob_s = new_obj(lib, Kind::Session);
        let mut m1 = prekey[0].clone();
        ok((s.olm_create_inbound_session)(bob_s.ptr, bob.ptr, m1.as_mut_ptr(), m1.len()), "inbound session");
        let mut m1 = prekey[0].clone();
        let mut plain = vec![0u8; 256];
        ok((s.olm_decrypt)(bob_s.ptr, 0, m1.as_mut_ptr(), m1.len(), plain.as_mut_ptr(), plain.len()), "decrypt m1");
        let replies = vec![encrypt(&bob_s, b"a reply", "diff r1"), encrypt(&bob_s, b"another reply, longer than a block", "diff r2")];

        let outbound = new_obj(lib, Kind::Outbound);
        let mut r = random("diff group", (m.olm_init_outbound_group_session_random_length)(outbound.ptr));
        ok((m.olm_init_outbound_group_session)(outbound.ptr, r.as_mut_ptr(), r.len()), "outbound group");
        let mut session_key = vec![0u8; (m.olm_outbound_group_session_key_length)(outbound.ptr)];
        ok((m.olm_outbound_group_session_key)(outbound.ptr, session_key.as_mut_ptr(), session_key.len()), "session key");
        let group_messages: Vec<Vec<u8>> = [&b"group message 0"[..], b"1", b"group message two, a little longer than a block"]
            .iter()
            .map(|p| {
                let mut out = vec![0u8; (m.olm_group_encrypt_message_length)(outbound.ptr, p.len())];
                let n = ok((m.olm_group_encrypt)(outbound.ptr, p.as_ptr(), p.len(), out.as_mut_ptr(), out.len()), "group encrypt");
                out.truncate(n);
                out
            })
            .collect();
        let inbound = new_obj(lib, Kind::Inbound);
        ok((m.olm_init_inbound_group_session)(inbound.ptr, session_key.as_ptr(), session_key.len()), "inbound group");
        let mut export1 = vec![0u8; (m.olm_export_inbound_group_session_length)(inbound.ptr)];
        ok((m.olm_export_inbound_group_session)(inbound.ptr, export1.as_mut_ptr(), export1.len(), 1), "export");
        let imported = new_obj(lib, Kind::Inbound);
        ok((m.olm_import_inbound_group_session)(imported.ptr, export1.as_ptr(), export1.len()), "import");

        let pk_dec = new_obj(lib, Kind::PkDecryption);
        let private = random("diff pk", (p.olm_pk_private_key_length)());
        let mut pk_public = vec![0u8; (p.olm_pk_key_length)()];
        ok((p.olm_pk_key_from_private)(pk_dec.ptr, pk_public.as_mut_ptr(), pk_public.len(), private.as_ptr(), private.len()), "pk key");
        let pk_message = pk_encrypt(lib, &pk_public, b"a key backup", "diff pk encrypt").expect("pk encrypt");

        let sas_obj = new_obj(lib, Kind::Sas);
        let mut r = random("diff sas other", (sa.olm_create_sas_random_length)(sas_obj.ptr));
        ok((sa.olm_create_sas)(sas_obj.ptr, r.as_mut_ptr(), r.len()), "sas");
        let mut sas_public = vec![0u8; (sa.olm_sas_pubkey_length)(sas_obj.ptr)];
        ok((sa.olm_sas_get_pubkey)(sas_obj.ptr, sas_public.as_mut_ptr(), sas_public.len()), "sas pubkey");

        World {
            bob_account: pickle(lib, Kind::Account, &bob),
            alice_identity_curve: alice_ids[0].clone(),
            alice_identity_ed25519: alice_ids[1].clone(),
            alice_session: pickle(lib, Kind::Session, &alice_s),
            bob_session: pickle(lib, Kind::Session, &bob_s),
            prekey,
            replies,
            signed,
            signature,
            outbound: pickle(lib, Kind::Outbound, &outbound),
            session_key,
            group_messages,
            inbound: pickle(lib, Kind::Inbound, &inbound),
            inbound_imported: pickle(lib, Kind::Inbound, &imported),
            export1,
            pk: pickle(lib, Kind::PkDecryption, &pk_dec),
            pk_public,
            pk_message,
            sas_public,
        }
    }
}

/// Encrypts to a pk recipient key: (ephemeral key, mac, ciphertext), or None when the library
/// refuses the key.
fn pk_encrypt(lib: &Lib, recipient: &[u8], plaintext: &[u8], label: &str) -> Option<[Vec<u8>; 3]> {
    let p = pk(lib);
    let enc = new_obj(lib, Kind::PkEncryption);
    // SAFETY: buffers sized by the library's length functions.
    unsafe {
        if (p.olm_pk_encryption_set_recipient_key)(enc.ptr, recipient.as_ptr(), recipient.len()) == usize::MAX {
            return None;
        }
        let mut ct = vec![0u8; (p.olm_pk_ciphertext_length)(enc.ptr, plaintext.len())];
        let mut mac = vec![0u8; (p.olm_pk_mac_length)(enc.ptr)];
        let mut eph = vec![0u8; (p.olm_pk_key_length)()];
        let mut r = random(label, (p.olm_pk_encrypt_random_length)(enc.ptr));
        let ret = (p.olm_pk_encrypt)(
            enc.ptr,
            plaintext.as_ptr(),
            plaintext.len(),
            ct.as_mut_ptr(),
            ct.len(),
            mac.as_mut_ptr(),
            mac.len(),
            eph.as_mut_ptr(),
            eph.len(),
            r.as_mut_ptr(),
            r.len(),
        );
        (ret != usize::MAX).then_some([eph, mac, ct])
    }
}

static WORLD: OnceLock<World> = OnceLock::new();

/// The fixtures, built by both libraries and checked identical.
pub fn world() -> &'static World {
    WORLD.get_or_init(|| {
        let [theirs, ours] = libs().each_ref().map(build_world);
        assert!(theirs == ours, "the fixtures differ between libolm and ours:\n  libolm {theirs:?}\n  ours {ours:?}");
        theirs
    })
}

// --- Helpers --------------------------------------------------------------------------------

/// An output buffer length from two selector bits and the library's bound (bounded, since
/// a bound can be olm_error() or huge): the bound, one short, half, or a few bytes more.
fn out_len(mode: u8, bound: usize) -> usize {
    let bound = if bound > 1 << 16 { 256 } else { bound };
    match mode & 3 {
        0 => bound,
        1 => bound.saturating_sub(1),
        2 => bound / 2,
        _ => bound + 7,
    }
}

fn with_selector(selector: u8, rest: &[u8]) -> Vec<u8> {
    let mut v = vec![selector];
    v.extend_from_slice(rest);
    v
}

fn b64(data: &[u8]) -> Vec<u8> {
    crate::mutate::base64_encode(data)
}

/// Runs `f` for libolm, then for ours.
fn both<T>(mut f: impl FnMut(usize, &'static Lib) -> T) -> [T; 2] {
    let libs = libs();
    [f(LIBOLM, &libs[LIBOLM]), f(OURS, &libs[OURS])]
}

/// The state step every trace ends with or records after a call.
const STATE: &str = "state (pickle) after";

// --- diff_ed25519_verify ---------------------------------------------------------------------

/// `[key_len, sig_len, key (base64), signature (base64), message]`
pub fn ed25519_verify(data: &[u8]) {
    let (key, sig, message) = split3(data, 63, 127);
    let traces = both(|_, lib| {
        let u = new_obj(lib, Kind::Utility);
        let mut s = sig.to_vec();
        // SAFETY: each pointer with its own length.
        let ret = unsafe { (lib.util().olm_ed25519_verify)(u.ptr, key.as_ptr(), key.len(), message.as_ptr(), message.len(), s.as_mut_ptr(), s.len()) };
        vec![("olm_ed25519_verify", Outcome::of(&u, ret))]
    });
    let Some(_) = compare(&traces) else { return };
    let (theirs, ours) = (&traces[LIBOLM][0].1, &traces[OURS][0].1);
    // Rule 1: libolm verified what strict verification refuses. libolm takes the key and the
    // signature as it decoded them (the same lengths it accepted).
    if !theirs.failed() && ours.failed_with(BAD_MESSAGE_MAC) {
        if let (Some(k), Some(s)) = (libolm_base64_decode(key), libolm_base64_decode(sig)) {
            if k.len() >= 32 && s.len() >= 64 && strict_ed25519_refuses(&k[..32], &s[..64]) {
                return excused(Rule::StrictEd25519);
            }
        }
    }
    fail("diff_ed25519_verify", data, &traces, 0);
}

pub fn ed25519_verify_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let raw = libolm_base64_decode(&w.signature).unwrap();
    let mut malleated = raw.clone();
    malleated[32..].copy_from_slice(&add_l(&raw[32..]));
    // The identity point as key and R, S = 0: valid for every message in libolm.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut small = identity.to_vec();
    small.extend_from_slice(&[0u8; 32]);
    vec![
        join3(&w.alice_identity_ed25519, &w.signature, &w.signed),
        join3(&w.alice_identity_ed25519, &b64(&malleated), &w.signed),
        join3(&b64(&identity), &b64(&small), b"any message"),
        join3(&w.alice_identity_ed25519, &w.signature, b"another message"),
    ]
}

// --- diff_sas_set_their_key ----------------------------------------------------------------

/// `[key_len, info_len, their key (base64), info, message to MAC]`: a fresh SAS (same random
/// on both) takes the key, then generates bytes and computes all three MACs.
pub fn sas_set_their_key(data: &[u8]) {
    let (key, info, message) = split3(data, 63, 63);
    let traces = both(|_, lib| {
        let s = sas(lib);
        let obj = new_obj(lib, Kind::Sas);
        let mut t = Trace::new();
        // SAFETY: every pointer with its own length; outputs sized by the library.
        unsafe {
            let mut r = random("diff sas", (s.olm_create_sas_random_length)(obj.ptr));
            (s.olm_create_sas)(obj.ptr, r.as_mut_ptr(), r.len());
            let mut k = key.to_vec();
            let ret = (s.olm_sas_set_their_key)(obj.ptr, k.as_mut_ptr(), k.len());
            t.push(("olm_sas_set_their_key", Outcome::of(&obj, ret)));
            t.push(("olm_sas_is_their_key_set", Outcome { ret: (s.olm_sas_is_their_key_set)(obj.ptr) as usize, ..Outcome::default() }));
            let mut bytes = [0u8; 6];
            let ret = (s.olm_sas_generate_bytes)(obj.ptr, info.as_ptr(), info.len(), bytes.as_mut_ptr(), bytes.len());
            t.push(("olm_sas_generate_bytes", Outcome::of(&obj, ret).with(bytes)));
            let mac_len = (s.olm_sas_mac_length)(obj.ptr);
            for (label, f) in [
                ("olm_sas_calculate_mac", s.olm_sas_calculate_mac),
                ("olm_sas_calculate_mac_fixed_base64", s.olm_sas_calculate_mac_fixed_base64),
                ("olm_sas_calculate_mac_long_kdf", s.olm_sas_calculate_mac_long_kdf),
            ] {
                let mut mac = vec![0u8; mac_len];
                let ret = f(obj.ptr, message.as_ptr(), message.len(), info.as_ptr(), info.len(), mac.as_mut_ptr(), mac.len());
                t.push((label, Outcome::of(&obj, ret).with(mac)));
            }
        }
        t
    });
    let Some((at, label)) = compare(&traces) else { return };
    // Rule 3: a low-order key (libolm uses the first 32 bytes it decodes) is refused by ours
    // as INVALID_BASE64, which leaves our key unset, so every later step must say so.
    if label == "olm_sas_set_their_key" {
        let (theirs, ours) = (&traces[LIBOLM][0].1, &traces[OURS][0].1);
        let decoded = libolm_base64_decode(key).unwrap_or_default();
        if !theirs.failed()
            && ours.failed_with(INVALID_BASE64)
            && decoded.len() >= 32
            && low_order_x25519(&decoded[..32])
            && traces[OURS][1].1.ret == 0
            && traces[OURS][2..].iter().all(|(_, o)| o.failed_with(OLM_SAS_THEIR_KEY_NOT_SET))
        {
            return excused(Rule::NonContributoryX25519);
        }
    }
    fail("diff_sas_set_their_key", data, &traces, at);
}

pub fn sas_set_their_key_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let mut seeds = vec![
        join3(&w.sas_public, b"MATRIX_KEY_VERIFICATION_SAS", b"ed25519:DEVICE"),
        join3(&[&w.sas_public[..], b"A"].concat(), b"info", b"a message"),
        join3(&w.sas_public[..42], b"info", b"message"),
    ];
    for point in &LOW_ORDER_X25519 {
        seeds.push(join3(&b64(point), b"MATRIX_KEY_VERIFICATION_MAC", b"ed25519:DEVICE"));
    }
    seeds
}

// --- diff_pk_decrypt -------------------------------------------------------------------------

/// `[mode, eph_len, mac_len, ephemeral key, mac, ciphertext]`, all base64 as the API takes
/// them; the mode's low bits choose the plaintext buffer's length.
pub fn pk_decrypt(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let (eph, mac, ct) = split3(rest, 63, 31);
    let w = world();
    // Rule 2: libolm 3.2 reads past a ciphertext that is not whole AES blocks (or empty) once
    // the MAC (over the empty string) matches; it must not get such an input. Ours must refuse
    // it, and stay as it was. libolm's output-size check comes first and is safe, so inputs it
    // refuses there still go to both.
    let decoded = libolm_base64_decoded_length(ct.len());
    let bound = libolm_base64_decoded_length(ct.len());
    let buffer = out_len(mode, bound);
    if decoded != usize::MAX && (decoded == 0 || !decoded.is_multiple_of(16)) && (bound == usize::MAX || buffer >= bound) {
        let lib = &libs()[OURS];
        let obj = load(lib, Kind::PkDecryption, &w.pk);
        let mut c = ct.to_vec();
        let mut plain = vec![0u8; buffer];
        // SAFETY: every pointer with its own length.
        let ret = unsafe {
            (pk(lib).olm_pk_decrypt)(obj.ptr, eph.as_ptr(), eph.len(), mac.as_ptr(), mac.len(), c.as_mut_ptr(), c.len(), plain.as_mut_ptr(), plain.len())
        };
        let out = Outcome::of(&obj, ret);
        assert!(out.failed() && out.code() != 0, "diff_pk_decrypt: ours accepted a ciphertext of no whole block: {out:?}, input {}", hex(data));
        assert_eq!(pickle(lib, Kind::PkDecryption, &obj), pickle(lib, Kind::PkDecryption, &load(lib, Kind::PkDecryption, &w.pk)));
        return excused(Rule::NoOutOfBounds);
    }
    let traces = both(|_, lib| {
        let obj = load(lib, Kind::PkDecryption, &w.pk);
        let mut t = Trace::new();
        // SAFETY: every pointer with its own length.
        unsafe {
            let max = (pk(lib).olm_pk_max_plaintext_length)(obj.ptr, ct.len());
            t.push(("olm_pk_max_plaintext_length", Outcome { ret: max, ..Outcome::default() }));
            let mut c = ct.to_vec();
            let mut plain = vec![0u8; buffer];
            let ret = (pk(lib).olm_pk_decrypt)(obj.ptr, eph.as_ptr(), eph.len(), mac.as_ptr(), mac.len(), c.as_mut_ptr(), c.len(), plain.as_mut_ptr(), plain.len());
            let out = Outcome::of(&obj, ret);
            let written = if out.failed() { plain } else { plain[..ret.min(plain.len())].to_vec() };
            t.push(("olm_pk_decrypt", out.with(written)));
        }
        t.push((STATE, Outcome::default().with(pickle(lib, Kind::PkDecryption, &obj))));
        t
    });
    let Some((at, label)) = compare(&traces) else { return };
    // Rule 3: a low-order ephemeral key gives libolm the all-zero secret, which anyone can
    // compute; ours refuses it as a bad MAC.
    if label == "olm_pk_decrypt" {
        let (theirs, ours) = (&traces[LIBOLM][1].1, &traces[OURS][1].1);
        let key = libolm_base64_decode(eph).unwrap_or_default();
        if !theirs.failed() && ours.failed_with(BAD_MESSAGE_MAC) && key.len() >= 32 && low_order_x25519(&key[..32]) && traces[LIBOLM][2] == traces[OURS][2] {
            return excused(Rule::NonContributoryX25519);
        }
    }
    // Rule 5, for the output: the pk MAC covers the empty string, not the ciphertext, so a
    // damaged ciphertext passes it and fails only at the padding. libolm has then already
    // decrypted into the caller's buffer; ours writes the plaintext only on success.
    if label == "olm_pk_decrypt" {
        let (theirs, ours) = (&traces[LIBOLM][1].1, &traces[OURS][1].1);
        if theirs.failed()
            && (theirs.ret, &theirs.error) == (ours.ret, &ours.error)
            && ours.data[0].iter().all(|&b| b == 0)
            && traces[LIBOLM][2] == traces[OURS][2]
        {
            return excused(Rule::FailedCallChangesNothing);
        }
    }
    fail("diff_pk_decrypt", data, &traces, at);
}

/// A base64 ciphertext with a bit of its last block flipped.
fn damage_last_block(ct: &[u8]) -> Vec<u8> {
    let mut raw = libolm_base64_decode(ct).unwrap();
    let n = raw.len();
    raw[n - 1] ^= 0x40;
    b64(&raw)
}

pub fn pk_decrypt_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let [eph, mac, ct] = &w.pk_message;
    let mut seeds = vec![
        with_selector(0, &join3(eph, mac, ct)),
        with_selector(1, &join3(eph, mac, ct)),
        with_selector(3, &join3(eph, mac, ct)),
        // The last block damaged: the MAC still matches, the padding does not (rule 5).
        with_selector(0, &join3(eph, mac, &damage_last_block(ct))),
        // Not whole blocks: rule 2.
        with_selector(0, &join3(eph, mac, b"AAAA")),
        with_selector(0, &join3(eph, mac, b"")),
    ];
    // A message whose ephemeral key is low order: encrypted (by libolm, which accepts a
    // low-order recipient) under the all-zero secret, which the decryptor then also gets.
    for (i, point) in LOW_ORDER_X25519.iter().enumerate() {
        let recipient = b64(&LOW_ORDER_X25519[(i + 1) % LOW_ORDER_X25519.len()]);
        let [_, mac, ct] = pk_encrypt(&libs()[LIBOLM], &recipient, b"under the all-zero secret", "diff pk low order").expect("libolm encrypts");
        seeds.push(with_selector(0, &join3(&b64(point), &mac, &ct)));
    }
    seeds
}

// --- diff_olm_decrypt ------------------------------------------------------------------------

/// The ratchet key a normal Olm message carries (field 1, 32 bytes), as libolm decodes it.
fn message_ratchet_key(raw: &[u8]) -> Option<&[u8]> {
    // version, then tag 0x0A, length 32, key.
    (raw.len() > 35 && raw[1] == 0x0a && raw[2] == 32).then(|| &raw[3..35])
}

/// The inner message of a pre-key message (field 4), as libolm decodes it.
fn prekey_inner(raw: &[u8]) -> Option<&[u8]> {
    let mut at = 1;
    while at + 2 <= raw.len() {
        let (tag, len) = (raw[at], raw[at + 1] as usize);
        if tag == 0x22 {
            return raw.get(at + 2..);
        }
        at += 2 + len;
    }
    None
}

/// `[mode, message]`: mode bit 0 picks Bob's established inbound session (0) or Alice's
/// outbound one (1), bits 1-2 the message type (0, 1, 2, 0), bits 3-4 the output length.
pub fn olm_decrypt(data: &[u8]) {
    let Some((&mode, message)) = data.split_first() else { return };
    let w = world();
    let fixture = if mode & 1 == 0 { &w.bob_session } else { &w.alice_session };
    let message_type = [0usize, 1, 2, 0][(mode >> 1) as usize & 3];
    let traces = both(|_, lib| {
        let s = session(lib);
        let obj = load(lib, Kind::Session, fixture);
        let mut t = Trace::new();
        // SAFETY: every pointer with its own length.
        unsafe {
            let mut m = message.to_vec();
            let max = (s.olm_decrypt_max_plaintext_length)(obj.ptr, message_type, m.as_mut_ptr(), m.len());
            t.push(("olm_decrypt_max_plaintext_length", Outcome::of(&obj, max)));
            let mut plain = vec![0u8; out_len(mode >> 3, max)];
            let mut m = message.to_vec();
            let ret = (s.olm_decrypt)(obj.ptr, message_type, m.as_mut_ptr(), m.len(), plain.as_mut_ptr(), plain.len());
            t.push(("olm_decrypt", Outcome::of(&obj, ret).with(plain)));
            let mut describe = vec![0u8; 600];
            (s.olm_session_describe)(obj.ptr, describe.as_mut_ptr() as *mut c_char, describe.len());
            t.push(("olm_session_describe", Outcome::default().with(describe)));
        }
        t.push((STATE, Outcome::default().with(pickle(lib, Kind::Session, &obj))));
        t
    });
    let Some((at, label)) = compare(&traces) else { return };
    // Rule 3: a message whose ratchet key is low order makes libolm derive its chain from the
    // all-zero secret; ours refuses it as a bad MAC (and stays as it was).
    if label == "olm_decrypt" {
        let (theirs, ours) = (&traces[LIBOLM][1].1, &traces[OURS][1].1);
        let raw = libolm_base64_decode(message).unwrap_or_default();
        let inner = if message_type == 0 { prekey_inner(&raw) } else { Some(&raw[..]) };
        let low = inner.and_then(message_ratchet_key).is_some_and(low_order_x25519);
        let unchanged = traces[OURS][3].1.data[0] == pickle(&libs()[OURS], Kind::Session, &load(&libs()[OURS], Kind::Session, fixture));
        if !theirs.failed() && ours.failed_with(BAD_MESSAGE_MAC) && low && unchanged {
            return excused(Rule::NonContributoryX25519);
        }
    }
    fail("diff_olm_decrypt", data, &traces, at);
}

pub fn olm_decrypt_seeds() -> Vec<Vec<u8>> {
    let w = world();
    vec![
        with_selector(0, &w.prekey[1]),
        with_selector(0, &w.prekey[0]),
        with_selector(0b01000, &w.prekey[1]),
        with_selector(1 | 2, &w.replies[0]),
        with_selector(1 | 2, &w.replies[1]),
        with_selector(1 | 2 | 0b10000, &w.replies[1]),
        with_selector(2, &w.replies[0]),
    ]
}

// --- diff_inbound_session --------------------------------------------------------------------

/// `[mode, (identity key, 43 bytes, when mode bit 1), pre-key message]`: mode bit 0 uses
/// `olm_create_inbound_session_from` with Alice's identity key (bit 1 clear) or the given one.
/// On success, both match the message, decrypt it and remove the one-time key.
pub fn inbound_session(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let w = world();
    let from = mode & 1 == 1;
    let (their_key, message) = if mode & 2 == 2 && rest.len() >= 43 { rest.split_at(43) } else { (&w.alice_identity_curve[..], rest) };
    let run = |lib: &Lib| {
        let s = session(lib);
        let acc = load(lib, Kind::Account, &w.bob_account);
        let obj = new_obj(lib, Kind::Session);
        let mut t = Trace::new();
        // SAFETY: every pointer with its own length.
        unsafe {
            let mut m = message.to_vec();
            let ret = if from {
                (s.olm_create_inbound_session_from)(obj.ptr, acc.ptr, their_key.as_ptr(), their_key.len(), m.as_mut_ptr(), m.len())
            } else {
                (s.olm_create_inbound_session)(obj.ptr, acc.ptr, m.as_mut_ptr(), m.len())
            };
            let created = Outcome::of(&obj, ret);
            let failed = created.failed();
            t.push(("olm_create_inbound_session", created));
            t.push((STATE, Outcome::default().with(pickle(lib, Kind::Session, &obj))));
            if failed {
                return t;
            }
            let mut m = message.to_vec();
            let ret = if from {
                (s.olm_matches_inbound_session_from)(obj.ptr, their_key.as_ptr(), their_key.len(), m.as_mut_ptr(), m.len())
            } else {
                (s.olm_matches_inbound_session)(obj.ptr, m.as_mut_ptr(), m.len())
            };
            t.push(("olm_matches_inbound_session", Outcome::of(&obj, ret)));
            let mut m = message.to_vec();
            let mut plain = vec![0u8; 512];
            let ret = (s.olm_decrypt)(obj.ptr, 0, m.as_mut_ptr(), m.len(), plain.as_mut_ptr(), plain.len());
            t.push(("olm_decrypt", Outcome::of(&obj, ret).with(plain)));
            let ret = (s.olm_remove_one_time_keys)(acc.ptr, obj.ptr);
            t.push(("olm_remove_one_time_keys", Outcome::of(&acc, ret)));
            t.push(("account state after", Outcome::default().with(pickle(lib, Kind::Account, &acc))));
            t.push(("session state after", Outcome::default().with(pickle(lib, Kind::Session, &obj))));
        }
        t
    };
    // Rule 2: given a caller's identity key, libolm compares it with the message's without
    // checking that the message has one, and reads through a null pointer (a crash) when it
    // has not. Such a message is not given to libolm; ours must survive it. The fields are
    // read from libolm's base64 decoding with our field decoder (which the difftest holds to
    // libolm's): were the two to disagree, libolm would crash here, not be skipped silently.
    if from {
        if let Some(raw) = libolm_base64_decode(message) {
            if PreKeyMessage::decode(&raw).identity_key.is_none() {
                run(&libs()[OURS]);
                return excused(Rule::NoOutOfBounds);
            }
        }
    }
    let traces = both(|_, lib| run(lib));
    let Some((at, label)) = compare(&traces) else { return };
    let fresh = pickle(&libs()[OURS], Kind::Session, &new_obj(&libs()[OURS], Kind::Session));
    let ours_unchanged = traces[OURS][1].1.data[0] == fresh;
    let (theirs, ours) = (&traces[LIBOLM][0].1, &traces[OURS][0].1);
    // Rule 5: both refused the message; libolm's session kept the keys it had copied.
    if label == STATE && theirs.failed() && ours_unchanged {
        return excused(Rule::FailedCallChangesNothing);
    }
    // Rule 3: libolm made a session from a low-order identity, base or ratchet key (read back
    // from the session libolm made); ours refuses with BAD_MESSAGE_KEY_ID and makes nothing.
    if label == "olm_create_inbound_session" && !theirs.failed() && ours.failed_with(BAD_MESSAGE_KEY_ID) && ours_unchanged {
        if let Some(plain) = open_pickle(&traces[LIBOLM][1].1.data[0]) {
            if inbound_session_keys(&plain).iter().any(|key| low_order_x25519(key)) {
                return excused(Rule::NonContributoryX25519);
            }
        }
    }
    fail("diff_inbound_session", data, &traces, at);
}

/// The peer's keys in a new inbound session's plain pickle (libolm's layout): Alice's identity
/// and base keys, and the ratchet key of the message's inner message, which starts the one
/// receiver chain. After the version (4 bytes) and the received flag: identity key, base key,
/// Bob's one-time key, root key, the sender chain count (0 yet), the receiver chain count (1),
/// then that chain's ratchet key.
fn inbound_session_keys(plain: &[u8]) -> Vec<&[u8]> {
    let mut keys = Vec::new();
    if plain.len() >= 69 {
        keys.extend([&plain[5..37], &plain[37..69]]);
    }
    if plain.len() >= 173 && plain[133..137] == 0u32.to_be_bytes() && plain[137..141] == 1u32.to_be_bytes() {
        keys.push(&plain[141..173]);
    }
    keys
}

/// Where the field `pick` chooses lies in `raw`, a decoded pre-key message, as found by the
/// library's own decoder (the difftest holds it to libolm's).
fn prekey_field(raw: &[u8], pick: for<'a> fn(&PreKeyMessage<'a>) -> Option<&'a [u8]>) -> std::ops::Range<usize> {
    let field = pick(&PreKeyMessage::decode(raw)).expect("a fixture message has the field");
    let start = field.as_ptr() as usize - raw.as_ptr() as usize;
    start..start + field.len()
}

/// A pre-key message with the 32-byte key `pick` chooses replaced, re-encoded.
fn replace_prekey_key(message: &[u8], pick: for<'a> fn(&PreKeyMessage<'a>) -> Option<&'a [u8]>, key: &[u8; 32]) -> Vec<u8> {
    let mut raw = libolm_base64_decode(message).unwrap();
    let at = prekey_field(&raw, pick);
    raw[at].copy_from_slice(key);
    b64(&raw)
}

/// A pre-key message whose identity-key field has an unknown tag (0x2A instead of 0x1A).
fn without_identity_key(message: &[u8]) -> Vec<u8> {
    let mut raw = libolm_base64_decode(message).unwrap();
    // tag, length (one byte for 32), key
    let tag = prekey_field(&raw, |m| m.identity_key).start - 2;
    raw[tag] = 0x2a;
    b64(&raw)
}

pub fn inbound_session_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let mut seeds = vec![
        with_selector(0, &w.prekey[0]),
        with_selector(1, &w.prekey[1]),
        with_selector(3, &[&w.alice_identity_curve[..], &w.prekey[0]].concat()),
        with_selector(3, &[&w.sas_public[..], &w.prekey[0]].concat()),
        with_selector(0, &w.replies[0]),
        // No identity key in the message (its tag changed to an unknown one), to `_from`.
        with_selector(1, &without_identity_key(&w.prekey[0])),
    ];
    for point in &LOW_ORDER_X25519[1..3] {
        seeds.push(with_selector(0, &replace_prekey_key(&w.prekey[0], |m| m.base_key, point)));
        seeds.push(with_selector(0, &replace_prekey_key(&w.prekey[0], |m| m.identity_key, point)));
        // The inner message's ratchet key.
        seeds.push(with_selector(0, &replace_prekey_key(&w.prekey[0], |m| Message::decode(m.message?, CIPHER_MAC_LENGTH).ratchet_key, point)));
    }
    seeds
}

// --- diff_group_decrypt ----------------------------------------------------------------------

/// `[mode, message]`: mode bit 0 picks the inbound session initialised from the session key
/// (0) or imported at index 1 (1); bits 1-2 the output length.
pub fn group_decrypt(data: &[u8]) {
    let Some((&mode, message)) = data.split_first() else { return };
    let w = world();
    let fixture = if mode & 1 == 0 { &w.inbound } else { &w.inbound_imported };
    let traces = both(|_, lib| {
        let m = megolm(lib);
        let obj = load(lib, Kind::Inbound, fixture);
        let mut t = Trace::new();
        // SAFETY: every pointer with its own length.
        unsafe {
            let mut msg = message.to_vec();
            let max = (m.olm_group_decrypt_max_plaintext_length)(obj.ptr, msg.as_mut_ptr(), msg.len());
            t.push(("olm_group_decrypt_max_plaintext_length", Outcome::of(&obj, max)));
            let mut plain = vec![0u8; out_len(mode >> 1, max)];
            let mut index = 0xdead_beef_u32;
            let mut msg = message.to_vec();
            let ret = (m.olm_group_decrypt)(obj.ptr, msg.as_mut_ptr(), msg.len(), plain.as_mut_ptr(), plain.len(), &mut index);
            t.push(("olm_group_decrypt", Outcome::of(&obj, ret).with(plain).with(index.to_be_bytes())));
            t.push((
                "first known index, verified",
                Outcome {
                    ret: (m.olm_inbound_group_session_first_known_index)(obj.ptr) as usize,
                    data: vec![vec![(m.olm_inbound_group_session_is_verified)(obj.ptr) as u8]],
                    ..Outcome::default()
                },
            ));
        }
        t.push((STATE, Outcome::default().with(pickle(lib, Kind::Inbound, &obj))));
        t
    });
    let Some((at, label)) = compare(&traces) else { return };
    // Rule 1: libolm accepted a signature strict verification refuses (S ≥ L, small-order R;
    // the signing key is the fixture's): it decrypted, or failed on what it checks only after
    // the signature (the output buffer, the message index, the MAC). Ours fails with
    // BAD_SIGNATURE before it touches the index or the ratchet, so our state is as before.
    if label == "olm_group_decrypt" {
        let (theirs, ours) = (&traces[LIBOLM][1].1, &traces[OURS][1].1);
        let raw = libolm_base64_decode(message).unwrap_or_default();
        let unchanged = traces[OURS][3].1.data[0] == pickle(&libs()[OURS], Kind::Inbound, &load(&libs()[OURS], Kind::Inbound, fixture));
        let past_signature = !theirs.failed()
            || [OUTPUT_BUFFER_TOO_SMALL, UNKNOWN_MESSAGE_INDEX, BAD_MESSAGE_MAC].iter().any(|&code| theirs.failed_with(code));
        if past_signature && ours.failed_with(BAD_SIGNATURE) && raw.len() >= 64 && unchanged {
            let signature = &raw[raw.len() - 64..];
            if scalar_not_reduced(&signature[32..]) || small_order_edwards(&signature[..32]) {
                return excused(Rule::StrictEd25519);
            }
        }
    }
    fail("diff_group_decrypt", data, &traces, at);
}

/// A Megolm message or session key with its signature's S replaced by S + L.
fn malleate_signature(text: &[u8]) -> Vec<u8> {
    let mut raw = libolm_base64_decode(text).unwrap();
    let n = raw.len();
    let s = add_l(&raw[n - 32..]);
    raw[n - 32..].copy_from_slice(&s);
    b64(&raw)
}

pub fn group_decrypt_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let g = &w.group_messages;
    vec![
        with_selector(0, &g[0]),
        with_selector(0, &g[2]),
        with_selector(1, &g[0]),
        with_selector(1, &g[1]),
        with_selector(0b010, &g[2]),
        with_selector(0b100, &g[1]),
        with_selector(0, &malleate_signature(&g[1])),
    ]
}

// --- diff_group_session_key ------------------------------------------------------------------

/// `[mode, key]`: mode bit 0: `olm_init_inbound_group_session` (0) or `_import_` (1) into a
/// fresh session; on success both export at the first known index and decrypt the fixture
/// message chosen by bits 1-2.
pub fn group_session_key(data: &[u8]) {
    let Some((&mode, key)) = data.split_first() else { return };
    let w = world();
    let import = mode & 1 == 1;
    let traces = both(|_, lib| {
        let m = megolm(lib);
        let obj = new_obj(lib, Kind::Inbound);
        let mut t = Trace::new();
        // SAFETY: every pointer with its own length.
        unsafe {
            let ret = if import {
                (m.olm_import_inbound_group_session)(obj.ptr, key.as_ptr(), key.len())
            } else {
                (m.olm_init_inbound_group_session)(obj.ptr, key.as_ptr(), key.len())
            };
            let out = Outcome::of(&obj, ret);
            let failed = out.failed();
            t.push(("init/import", out));
            t.push((STATE, Outcome::default().with(pickle(lib, Kind::Inbound, &obj))));
            if failed {
                return t;
            }
            let first = (m.olm_inbound_group_session_first_known_index)(obj.ptr);
            let mut export = vec![0u8; (m.olm_export_inbound_group_session_length)(obj.ptr)];
            let ret = (m.olm_export_inbound_group_session)(obj.ptr, export.as_mut_ptr(), export.len(), first);
            t.push(("olm_export_inbound_group_session", Outcome::of(&obj, ret).with(export)));
            let mut msg = w.group_messages[(mode as usize >> 1) % w.group_messages.len()].clone();
            let mut plain = vec![0u8; 256];
            let mut index = 0u32;
            let ret = (m.olm_group_decrypt)(obj.ptr, msg.as_mut_ptr(), msg.len(), plain.as_mut_ptr(), plain.len(), &mut index);
            t.push(("olm_group_decrypt", Outcome::of(&obj, ret).with(plain).with(index.to_be_bytes())));
        }
        t.push(("state after decrypt", Outcome::default().with(pickle(lib, Kind::Inbound, &obj))));
        t
    });
    let Some((at, label)) = compare(&traces) else { return };
    let fresh = pickle(&libs()[OURS], Kind::Inbound, &new_obj(&libs()[OURS], Kind::Inbound));
    let ours_unchanged = traces[OURS][1].1.data[0] == fresh;
    let (theirs, ours) = (&traces[LIBOLM][0].1, &traces[OURS][0].1);
    // Rule 5: both refused the key; libolm's session kept what it had read before the check.
    if label == STATE && theirs.failed() && ours_unchanged {
        return excused(Rule::FailedCallChangesNothing);
    }
    // Rule 1: libolm accepted a session key whose signature strict verification refuses. The
    // key is version (1), index (4), ratchet (128), signing key (32), signature (64).
    if label == "init/import" && !import && !theirs.failed() && ours.failed_with(BAD_SIGNATURE) && ours_unchanged {
        let raw = libolm_base64_decode(key).unwrap_or_default();
        if raw.len() >= 229 && strict_ed25519_refuses(&raw[133..165], &raw[165..229]) {
            return excused(Rule::StrictEd25519);
        }
    }
    fail("diff_group_session_key", data, &traces, at);
}

pub fn group_session_key_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let mut bad_signature = libolm_base64_decode(&w.session_key).unwrap();
    bad_signature[200] ^= 1;
    vec![
        with_selector(0, &w.session_key),
        with_selector(0b110, &w.session_key),
        with_selector(1, &w.export1),
        with_selector(0b011, &w.export1),
        with_selector(1, &w.session_key),
        with_selector(0, &w.export1),
        with_selector(0, &b64(&bad_signature)),
        with_selector(0, &malleate_signature(&w.session_key)),
    ]
}

// --- diff_unpickle ---------------------------------------------------------------------------

/// `[mode, body]`: mode picks the kind (account, session, outbound, inbound group session, pk
/// decryption: mode % 5) and whether the body is pickle text as is (bit 3 set) or the plain
/// bytes of a pickle, which the harness seals under the key so that they reach the parsers.
/// Both unpickle into fresh objects; then both states are pickled.
pub fn unpickle(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else { return };
    let kind = PICKLED[(mode & 7) as usize % PICKLED.len()];
    let (text, plain) = if mode & 8 == 0 { (seal_pickle(body), Some(body.to_vec())) } else { (body.to_vec(), open_pickle(body)) };
    let traces = both(|_, lib| {
        let obj = new_obj(lib, kind);
        vec![("unpickle", crate::differential::unpickle(lib, kind, &obj, &text)), (STATE, Outcome::default().with(pickle(lib, kind, &obj)))]
    });
    let Some((at, label)) = compare(&traces) else { return };
    let fresh = pickle(&libs()[OURS], kind, &new_obj(&libs()[OURS], kind));
    let ours_unchanged = traces[OURS][1].1.data[0] == fresh;
    let (theirs, ours) = (&traces[LIBOLM][0].1, &traces[OURS][0].1);
    // Rule 4: a list count beyond what libolm's lists hold; libolm reads on (dropping or
    // overwriting items, and may then load it or fail on something later, e.g. extra data),
    // ours refuses it at the count and stays empty.
    if label == "unpickle"
        && ours.failed_with(CORRUPTED_PICKLE)
        && ours_unchanged
        && plain.as_deref().is_some_and(|p| list_beyond_capacity(kind, p))
    {
        return excused(Rule::PickleLibolmNeverWrites);
    }
    // Rule 5: both refused the pickle; libolm's object kept what it had read.
    if label == STATE && theirs.failed() && ours_unchanged {
        return excused(Rule::FailedCallChangesNothing);
    }
    fail("diff_unpickle", data, &traces, at);
}

pub fn unpickle_seeds() -> Vec<Vec<u8>> {
    let w = world();
    let pickles = [&w.bob_account, &w.bob_session, &w.outbound, &w.inbound, &w.pk];
    let mut seeds = Vec::new();
    for (i, text) in pickles.iter().enumerate() {
        let plain = open_pickle(text).expect("a fixture pickle opens");
        seeds.push(with_selector(i as u8, &plain));
        seeds.push(with_selector(i as u8 | 8, text));
        // Cut short: fails after reading part of it.
        seeds.push(with_selector(i as u8, &plain[..plain.len() * 2 / 3]));
    }
    seeds.push(with_selector(1, &open_pickle(&w.alice_session).unwrap()));
    seeds.push(with_selector(3, &open_pickle(&w.inbound_imported).unwrap()));
    // Beyond capacity: 101 one-time keys (the items are the account's own key repeated), and
    // 6 receiver chains.
    let account = open_pickle(&w.bob_account).unwrap();
    let count_at = 4 + 96 + 64;
    let key = &account[count_at + 4..count_at + 4 + 69];
    let mut over = account[..count_at].to_vec();
    over.extend_from_slice(&101u32.to_be_bytes());
    for _ in 0..101 {
        over.extend_from_slice(key);
    }
    over.extend_from_slice(&account[count_at + 4 + 2 * 69..]);
    seeds.push(with_selector(0, &over));
    let session = open_pickle(&w.bob_session).unwrap();
    let sender_at = 4 + 1 + 96 + 32;
    let senders = u32::from_be_bytes(session[sender_at..sender_at + 4].try_into().unwrap()) as usize;
    let receivers_at = sender_at + 4 + senders * 100;
    let mut over = session[..receivers_at].to_vec();
    over.extend_from_slice(&6u32.to_be_bytes());
    for i in 0..6u8 {
        over.extend_from_slice(&[i; 68]);
    }
    over.extend_from_slice(&0u32.to_be_bytes());
    seeds.push(with_selector(1, &over));
    seeds
}
