//! The fuzz targets: each takes arbitrary bytes and drives one attacker-reachable entry point
//! of the C API, starting from a valid object (a byte copy of a fixture). A target fails only
//! by crashing, by a panic inside the library (libFuzzer's panic hook aborts before the C
//! boundary catches it) or by a broken invariant asserted here.
#![allow(unused_imports, unused_variables)]

use std::ffi::c_void;

use crate::api::*;
use crate::diff_targets as diff;
use crate::fixtures::{self, get, Obj, PICKLE_KEY};
use crate::input::{join3, split3};
use crate::mutate;

pub struct Target {
    pub name: &'static str,
    /// The library exports the family this target drives.
    pub available: bool,
    pub run: fn(&[u8]),
    pub seeds: fn() -> Vec<Vec<u8>>,
}

pub const TARGETS: &[Target] = &[
    Target { name: "ed25519_verify", available: true, run: ed25519_verify, seeds: ed25519_verify_seeds },
    Target { name: "unpickle", available: true, run: unpickle, seeds: unpickle_seeds },
    Target { name: "structured", available: true, run: structured, seeds: structured_seeds },
    Target { name: "olm_decrypt", available: cfg!(has_session), run: olm_decrypt, seeds: olm_decrypt_seeds },
    Target { name: "inbound_session", available: cfg!(has_session), run: inbound_session, seeds: inbound_session_seeds },
    Target {
        name: "group_decrypt",
        available: cfg!(all(has_inbound_group, has_outbound_group)),
        run: group_decrypt,
        seeds: group_decrypt_seeds,
    },
    Target {
        name: "group_session_key",
        available: cfg!(all(has_inbound_group, has_outbound_group)),
        run: group_session_key,
        seeds: group_session_key_seeds,
    },
    Target { name: "pk_decrypt", available: cfg!(has_pk), run: pk_decrypt, seeds: pk_decrypt_seeds },
    Target { name: "sas_set_their_key", available: cfg!(has_sas), run: sas_set_their_key, seeds: sas_set_their_key_seeds },
    // Differential: each input through libolm and ours (fuzz/src/diff_targets.rs).
    Target { name: "diff_olm_decrypt", available: true, run: diff::olm_decrypt, seeds: diff::olm_decrypt_seeds },
    Target { name: "diff_inbound_session", available: true, run: diff::inbound_session, seeds: diff::inbound_session_seeds },
    Target { name: "diff_group_decrypt", available: true, run: diff::group_decrypt, seeds: diff::group_decrypt_seeds },
    Target { name: "diff_group_session_key", available: true, run: diff::group_session_key, seeds: diff::group_session_key_seeds },
    Target { name: "diff_unpickle", available: true, run: diff::unpickle, seeds: diff::unpickle_seeds },
    Target { name: "diff_pk_decrypt", available: true, run: diff::pk_decrypt, seeds: diff::pk_decrypt_seeds },
    Target { name: "diff_sas_set_their_key", available: true, run: diff::sas_set_their_key, seeds: diff::sas_set_their_key_seeds },
    Target { name: "diff_ed25519_verify", available: true, run: diff::ed25519_verify, seeds: diff::ed25519_verify_seeds },
];

pub fn target(name: &str) -> &'static Target {
    TARGETS.iter().find(|t| t.name == name).expect("known target")
}

fn error() -> usize {
    unsafe { olm_error() }
}

// --- Ed25519 -------------------------------------------------------------------------------

/// `[key_len, sig_len, key (base64), signature (base64), message]`
pub fn ed25519_verify(data: &[u8]) {
    let (key, sig, message) = split3(data, 63, 127);
    let mut sig = sig.to_vec();
    let u = Obj::new(unsafe { olm_utility_size() }, olm_utility);
    let result = unsafe {
        olm_ed25519_verify(u.h, key.as_ptr().cast(), key.len(), message.as_ptr().cast(), message.len(), sig.as_mut_ptr().cast(), sig.len())
    };
    assert!(result == 0 || result == error());
}

fn ed25519_verify_seeds() -> Vec<Vec<u8>> {
    let f = get();
    let mut seeds = Vec::new();
    for message in [&b"message"[..], b"", b"{\"a\":1}"] {
        let mut sig = vec![0u8; 86];
        let n = unsafe { olm_account_sign(f.alice.obj.h, message.as_ptr().cast(), message.len(), sig.as_mut_ptr().cast(), sig.len()) };
        sig.truncate(n);
        seeds.push(join3(&f.alice.ed25519, &sig, message));
    }
    seeds
}

// --- Unpickling ----------------------------------------------------------------------------

/// The picklable kinds the library exports, with a valid pickle of each.
struct Kind {
    size: unsafe extern "C" fn() -> usize,
    init: Init,
    /// The `olm_unpickle_X` call; true on success.
    unpickle: fn(Handle, &mut [u8]) -> bool,
    pickle: fn(Handle) -> Vec<u8>,
    last_error_code: unsafe extern "C" fn(Handle) -> u32,
    valid: fn() -> Vec<u8>,
}

impl Kind {
    fn object(&self) -> Obj {
        Obj::new(unsafe { (self.size)() }, self.init)
    }

    /// Unpickles a copy of `pickle` into `obj`: a fresh pickle of the result, or the error code.
    fn load(&self, obj: &Obj, pickle: &[u8]) -> Result<Vec<u8>, u32> {
        if (self.unpickle)(obj.h, &mut pickle.to_vec()) {
            Ok((self.pickle)(obj.h))
        } else {
            Err(unsafe { (self.last_error_code)(obj.h) })
        }
    }
}

fn unpickle_with(
    unpickle: unsafe extern "C" fn(Handle, *const c_void, usize, *mut c_void, usize) -> usize,
    h: Handle,
    p: &mut [u8],
) -> bool {
    unsafe { unpickle(h, PICKLE_KEY.as_ptr().cast(), PICKLE_KEY.len(), p.as_mut_ptr().cast(), p.len()) != error() }
}

fn kinds() -> Vec<Kind> {
    #[allow(unused_mut)]
    let mut kinds = vec![Kind {
        size: olm_account_size,
        init: olm_account,
        unpickle: |h, p| unpickle_with(olm_unpickle_account, h, p),
        pickle: |h| fixtures::pickle_with(h, olm_pickle_account_length, olm_pickle_account),
        last_error_code: olm_account_last_error_code,
        valid: || get().account_pickle.clone(),
    }];
    #[cfg(has_session)]
    kinds.push(Kind {
        size: olm_session_size,
        init: olm_session,
        unpickle: |h, p| unpickle_with(olm_unpickle_session, h, p),
        pickle: |h| fixtures::pickle_with(h, olm_pickle_session_length, olm_pickle_session),
        last_error_code: olm_session_last_error_code,
        valid: || get().olm.session_pickle.clone(),
    });
    #[cfg(all(has_inbound_group, has_outbound_group))]
    kinds.push(Kind {
        size: olm_inbound_group_session_size,
        init: olm_inbound_group_session,
        unpickle: |h, p| unpickle_with(olm_unpickle_inbound_group_session, h, p),
        pickle: |h| fixtures::pickle_with(h, olm_pickle_inbound_group_session_length, olm_pickle_inbound_group_session),
        last_error_code: olm_inbound_group_session_last_error_code,
        valid: || get().group.inbound_pickle.clone(),
    });
    #[cfg(has_outbound_group)]
    kinds.push(Kind {
        size: olm_outbound_group_session_size,
        init: olm_outbound_group_session,
        unpickle: |h, p| unpickle_with(olm_unpickle_outbound_group_session, h, p),
        pickle: |h| fixtures::pickle_with(h, olm_pickle_outbound_group_session_length, olm_pickle_outbound_group_session),
        last_error_code: olm_outbound_group_session_last_error_code,
        valid: || get().outbound_group_pickle.clone(),
    });
    #[cfg(has_pk)]
    kinds.push(Kind {
        size: olm_pk_decryption_size,
        init: olm_pk_decryption,
        unpickle: |h, p| unsafe {
            let mut public = [0u8; 43];
            olm_unpickle_pk_decryption(
                h,
                PICKLE_KEY.as_ptr().cast(),
                PICKLE_KEY.len(),
                p.as_mut_ptr().cast(),
                p.len(),
                public.as_mut_ptr().cast(),
                public.len(),
            ) != error()
        },
        pickle: |h| fixtures::pickle_with(h, olm_pickle_pk_decryption_length, olm_pickle_pk_decryption),
        last_error_code: olm_pk_decryption_last_error_code,
        valid: || get().pk.pickle.clone(),
    });
    kinds
}

/// Unpickles `pickle` as `kind`, into a new object and into one already in use, and checks:
/// - pickling is stable: a pickle of the result unpickles and pickles again to the same text;
/// - the object in use ends as the new one does (README, deliberate differences 4 and 5): on
///   success its state is replaced, not merged into; on failure it gets the same error and
///   keeps its state.
fn unpickle_checked(kinds: &[Kind], index: usize, pickle: &[u8]) {
    let kind = &kinds[index];
    let fresh = kind.load(&kind.object(), pickle);
    if let Ok(first) = &fresh {
        let second = kind.load(&kind.object(), first).expect("a pickle the library wrote must load");
        assert_eq!(first, &second, "pickling is not stable");
    }
    let (template, before) = &in_use_templates()[index];
    let in_use = Obj::copy_of(template);
    match (kind.load(&in_use, pickle), fresh) {
        (Ok(into_in_use), Ok(into_new)) => assert_eq!(into_in_use, into_new, "unpickling merged into the object in use"),
        (Err(in_use_error), Err(new_error)) => {
            assert_eq!(in_use_error, new_error, "the object in use failed with another error");
            assert_eq!(&(kind.pickle)(in_use.h), before, "a failed unpickle changed the object in use");
        }
        (in_use_result, new_result) => panic!(
            "unpickling into the object in use gave {:?}, into a new one {:?}",
            in_use_result.map(|_| "success"),
            new_result.map(|_| "success")
        ),
    }
}

/// Per kind (in `kinds()` order), an object loaded from the kind's valid pickle, with its own
/// pickle of itself: the object in use that `unpickle_checked` copies (a byte copy, as objects
/// own no heap), built once rather than unpickled for every input.
fn in_use_templates() -> &'static [(Obj, Vec<u8>)] {
    static TEMPLATES: std::sync::OnceLock<Vec<(Obj, Vec<u8>)>> = std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        kinds()
            .iter()
            .map(|kind| {
                let obj = kind.object();
                let pickle = kind.load(&obj, &(kind.valid)()).expect("the fixture pickle loads");
                (obj, pickle)
            })
            .collect()
    })
}

/// `[kind, pickle text..]`
pub fn unpickle(data: &[u8]) {
    let Some((&selector, pickle)) = data.split_first() else { return };
    let kinds = kinds();
    unpickle_checked(&kinds, selector as usize % kinds.len(), pickle);
}

fn unpickle_seeds() -> Vec<Vec<u8>> {
    kinds()
        .iter()
        .enumerate()
        .flat_map(|(i, k)| {
            let valid = (k.valid)();
            let mut truncated = vec![i as u8];
            truncated.extend_from_slice(&valid[..valid.len() / 2]);
            let mut whole = vec![i as u8];
            whole.extend_from_slice(&valid);
            [whole, truncated]
        })
        .collect()
}

// --- Structure-aware: pickles and messages under edit programs ------------------------------

/// The valid starting points of the structured target.
/// A named starting point of the structured target and what it runs on an edit program.
type Base = (&'static str, fn(&[u8]));

fn bases() -> Vec<Base> {
    #[allow(unused_mut)]
    let mut bases: Vec<Base> = Vec::new();
    // Pickles: edit the plain bytes, then seal them again so that the MAC holds.
    for (i, _) in kinds().iter().enumerate() {
        let run: fn(&[u8]) = match i {
            0 => |p| edited_pickle(0, p),
            1 => |p| edited_pickle(1, p),
            2 => |p| edited_pickle(2, p),
            3 => |p| edited_pickle(3, p),
            _ => |p| edited_pickle(4, p),
        };
        bases.push(("pickle", run));
    }
    #[cfg(has_session)]
    {
        bases.push(("olm pre-key message to a new session", |p| {
            let f = get();
            let mut m = edited_message(&f.olm.pre_key_message, p);
            let account = Obj::copy_of(&f.olm.bob_account);
            let s = Obj::new(unsafe { olm_session_size() }, olm_session);
            let mut copy = m.clone();
            if unsafe { olm_create_inbound_session(s.h, account.h, m.as_mut_ptr().cast(), m.len()) } != error() {
                try_decrypt(s.h, 0, &mut copy);
            }
        }));
        bases.push(("olm pre-key message to the session", |p| {
            let f = get();
            let mut m = edited_message(&f.olm.pre_key_message, p);
            let s = Obj::copy_of(&f.olm.bob_session);
            try_decrypt(s.h, 0, &mut m);
        }));
        bases.push(("olm normal message", |p| {
            let f = get();
            let mut m = edited_message(&f.olm.normal_message, p);
            let s = Obj::copy_of(&f.olm.bob_session);
            try_decrypt(s.h, 1, &mut m);
        }));
    }
    #[cfg(all(has_inbound_group, has_outbound_group))]
    bases.push(("megolm message", |p| {
        let f = get();
        let mut m = edited_message(&f.group.messages[0], p);
        let s = Obj::copy_of(&f.group.inbound);
        try_group_decrypt(s.h, &mut m);
    }));
    #[cfg(all(has_inbound_group, has_outbound_group))]
    bases.push(("megolm session key", |p| {
        let f = get();
        let key = edited_message(&f.group.session_key, p);
        session_key(0, &key);
    }));
    #[cfg(all(has_inbound_group, has_outbound_group))]
    bases.push(("megolm exported key", |p| {
        let f = get();
        let key = edited_message(&f.group.exported_key, p);
        session_key(1, &key);
    }));
    bases
}

fn edited_pickle(kind: usize, program: &[u8]) {
    let kinds = kinds();
    let index = kind % kinds.len();
    let mut plain = mutate::open_pickle(PICKLE_KEY, &(kinds[index].valid)());
    mutate::apply(program, &mut plain);
    unpickle_checked(&kinds, index, &mutate::seal_pickle(PICKLE_KEY, &plain));
}

#[allow(dead_code)]
fn edited_message(valid: &[u8], program: &[u8]) -> Vec<u8> {
    let mut binary = mutate::base64_decode(valid).expect("valid base64");
    mutate::apply(program, &mut binary);
    mutate::base64_encode(&binary)
}

/// `[base, edit program..]`
pub fn structured(data: &[u8]) {
    let Some((&selector, program)) = data.split_first() else { return };
    let bases = bases();
    (bases[selector as usize % bases.len()].1)(program);
}

fn structured_seeds() -> Vec<Vec<u8>> {
    let n = bases().len();
    (0..n as u8).flat_map(|i| [vec![i], vec![i, 0, 0, 1], vec![i, 5, 0, 2, 2, 10, 0]]).collect()
}

// --- Olm sessions ----------------------------------------------------------------------------

#[cfg(has_session)]
fn try_decrypt(session: Handle, kind: usize, message: &mut [u8]) {
    unsafe {
        let mut copy = message.to_vec();
        let max = olm_decrypt_max_plaintext_length(session, kind, copy.as_mut_ptr().cast(), copy.len());
        if max == error() {
            return;
        }
        assert!(max <= message.len(), "plaintext bound larger than the message");
        let mut out = vec![0u8; max];
        let n = crate::api::olm_decrypt(session, kind, message.as_mut_ptr().cast(), message.len(), out.as_mut_ptr().cast(), out.len());
        assert!(n == error() || n <= max);
        let mut describe = [0u8; 600];
        olm_session_describe(session, describe.as_mut_ptr().cast(), describe.len());
    }
}

/// `[message type, message..]` to Bob's established session.
pub fn olm_decrypt(data: &[u8]) {
    #[cfg(has_session)]
    {
        let Some((&kind, message)) = data.split_first() else { return };
        let s = Obj::copy_of(&get().olm.bob_session);
        try_decrypt(s.h, (kind & 1) as usize, &mut message.to_vec());
    }
}

fn olm_decrypt_seeds() -> Vec<Vec<u8>> {
    #[cfg(has_session)]
    {
        let f = get();
        let mut pre = vec![0u8];
        pre.extend_from_slice(&f.olm.pre_key_message);
        let mut normal = vec![1u8];
        normal.extend_from_slice(&f.olm.normal_message);
        return vec![pre, normal];
    }
    #[cfg(not(has_session))]
    Vec::new()
}

/// `[mode, message..]`: creating a session from a pre-key message (with or without the
/// sender's identity key), or matching one against Bob's session.
pub fn inbound_session(data: &[u8]) {
    #[cfg(has_session)]
    unsafe {
        let Some((&mode, message)) = data.split_first() else { return };
        let f = get();
        let mut m = message.to_vec();
        let key = &f.alice.curve25519;
        match mode % 4 {
            0 | 1 => {
                let account = Obj::copy_of(&f.olm.bob_account);
                let s = Obj::new(olm_session_size(), olm_session);
                let r = if mode % 4 == 0 {
                    olm_create_inbound_session(s.h, account.h, m.as_mut_ptr().cast(), m.len())
                } else {
                    olm_create_inbound_session_from(s.h, account.h, key.as_ptr().cast(), key.len(), m.as_mut_ptr().cast(), m.len())
                };
                if r != error() {
                    try_decrypt(s.h, 0, &mut message.to_vec());
                    olm_remove_one_time_keys(account.h, s.h);
                }
            }
            2 => {
                let s = Obj::copy_of(&f.olm.bob_session);
                olm_matches_inbound_session(s.h, m.as_mut_ptr().cast(), m.len());
            }
            _ => {
                let s = Obj::copy_of(&f.olm.bob_session);
                olm_matches_inbound_session_from(s.h, key.as_ptr().cast(), key.len(), m.as_mut_ptr().cast(), m.len());
            }
        }
    }
}

fn inbound_session_seeds() -> Vec<Vec<u8>> {
    #[cfg(has_session)]
    {
        let f = get();
        return (0..4u8)
            .map(|mode| {
                let mut s = vec![mode];
                s.extend_from_slice(&f.olm.pre_key_message);
                s
            })
            .collect();
    }
    #[cfg(not(has_session))]
    Vec::new()
}

// --- Megolm ----------------------------------------------------------------------------------

#[cfg(all(has_inbound_group, has_outbound_group))]
fn try_group_decrypt(session: Handle, message: &mut [u8]) {
    unsafe {
        let mut copy = message.to_vec();
        let max = olm_group_decrypt_max_plaintext_length(session, copy.as_mut_ptr(), copy.len());
        if max == error() {
            return;
        }
        assert!(max <= message.len(), "plaintext bound larger than the message");
        let mut out = vec![0u8; max];
        let mut index = 0u32;
        let n = olm_group_decrypt(session, message.as_mut_ptr(), message.len(), out.as_mut_ptr(), out.len(), &mut index);
        assert!(n == error() || n <= max);
    }
}

/// A message to an inbound group session made from the outbound session's key.
pub fn group_decrypt(data: &[u8]) {
    #[cfg(all(has_inbound_group, has_outbound_group))]
    {
        let s = Obj::copy_of(&get().group.inbound);
        try_group_decrypt(s.h, &mut data.to_vec());
    }
}

fn group_decrypt_seeds() -> Vec<Vec<u8>> {
    #[cfg(all(has_inbound_group, has_outbound_group))]
    {
        return get().group.messages.clone();
    }
    #[cfg(not(all(has_inbound_group, has_outbound_group)))]
    Vec::new()
}

/// `mode` 0: `olm_init_inbound_group_session`, 1: `olm_import_inbound_group_session`; on
/// success, exports at the first known index, imports that, and decrypts a known message.
#[cfg(all(has_inbound_group, has_outbound_group))]
fn session_key(mode: u8, key: &[u8]) {
    unsafe {
        let s = Obj::new(olm_inbound_group_session_size(), olm_inbound_group_session);
        let r = if mode & 1 == 0 {
            olm_init_inbound_group_session(s.h, key.as_ptr(), key.len())
        } else {
            olm_import_inbound_group_session(s.h, key.as_ptr(), key.len())
        };
        if r == error() {
            return;
        }
        let index = olm_inbound_group_session_first_known_index(s.h);
        let mut exported = vec![0u8; olm_export_inbound_group_session_length(s.h)];
        let n = olm_export_inbound_group_session(s.h, exported.as_mut_ptr(), exported.len(), index);
        assert_ne!(n, error(), "exporting at the first known index must work");
        let t = Obj::new(olm_inbound_group_session_size(), olm_inbound_group_session);
        assert_ne!(olm_import_inbound_group_session(t.h, exported.as_ptr(), n), error(), "an export must import");
        try_group_decrypt(s.h, &mut get().group.messages[1].clone());
    }
}

/// `[mode, key..]`
pub fn group_session_key(data: &[u8]) {
    #[cfg(all(has_inbound_group, has_outbound_group))]
    {
        let Some((&mode, key)) = data.split_first() else { return };
        session_key(mode, key);
    }
}

fn group_session_key_seeds() -> Vec<Vec<u8>> {
    #[cfg(all(has_inbound_group, has_outbound_group))]
    {
        let g = &get().group;
        let mut init = vec![0u8];
        init.extend_from_slice(&g.session_key);
        let mut import = vec![1u8];
        import.extend_from_slice(&g.exported_key);
        return vec![init, import];
    }
    #[cfg(not(all(has_inbound_group, has_outbound_group)))]
    Vec::new()
}

// --- PK and SAS ------------------------------------------------------------------------------

/// `[ephemeral_len, mac_len, ephemeral key, mac, ciphertext..]`
pub fn pk_decrypt(data: &[u8]) {
    #[cfg(has_pk)]
    unsafe {
        let (eph, mac, ct) = split3(data, 63, 31);
        let d = Obj::copy_of(&get().pk.decryption);
        let mut ct = ct.to_vec();
        // libolm's bound is (size_t)-1 for some lengths: the output buffer stays small.
        let max = olm_pk_max_plaintext_length(d.h, ct.len()).min(ct.len() + 32);
        let mut out = vec![0u8; max];
        let n = olm_pk_decrypt(
            d.h,
            eph.as_ptr().cast(),
            eph.len(),
            mac.as_ptr().cast(),
            mac.len(),
            ct.as_mut_ptr().cast(),
            ct.len(),
            out.as_mut_ptr().cast(),
            out.len(),
        );
        assert!(n == error() || n <= max);
    }
}

fn pk_decrypt_seeds() -> Vec<Vec<u8>> {
    #[cfg(has_pk)]
    {
        return get().pk.messages.iter().map(|(e, m, c)| join3(e, m, c)).collect();
    }
    #[cfg(not(has_pk))]
    Vec::new()
}

/// `[key..]`; on success, every output that depends on the shared secret.
pub fn sas_set_their_key(data: &[u8]) {
    #[cfg(has_sas)]
    unsafe {
        let s = Obj::copy_of(&get().sas.sas);
        let mut key = data.to_vec();
        if olm_sas_set_their_key(s.h, key.as_mut_ptr().cast(), key.len()) == error() {
            return;
        }
        let mut out = [0u8; 64];
        assert_ne!(olm_sas_generate_bytes(s.h, b"info".as_ptr().cast(), 4, out.as_mut_ptr().cast(), 6), error());
        let mac_len = olm_sas_mac_length(s.h);
        let mut mac = vec![0u8; mac_len];
        for f in [olm_sas_calculate_mac, olm_sas_calculate_mac_fixed_base64, olm_sas_calculate_mac_long_kdf] {
            assert_ne!(f(s.h, data.as_ptr().cast(), data.len(), b"i".as_ptr().cast(), 1, mac.as_mut_ptr().cast(), mac_len), error());
        }
    }
}

fn sas_set_their_key_seeds() -> Vec<Vec<u8>> {
    #[cfg(has_sas)]
    {
        return vec![get().sas.their_key.clone()];
    }
    #[cfg(not(has_sas))]
    Vec::new()
}
