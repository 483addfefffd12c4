//! Interoperability with vodozemac: Olm sessions started from either side, Megolm in both
//! directions, and vodozemac loading our pickles through its libolm-pickle import. Each test
//! runs against Debian's libolm too, which proves the test itself, and against ours once the
//! families it needs are exported (until then it says it skipped ours).

use std::ffi::c_void;
use std::path::Path;

use difftest::api::{Account, Lib, Megolm, Session};
use difftest::harness::{json_strings, Rng};
use difftest::{our_library, REFERENCE};
use vodozemac::megolm::{GroupSession, InboundGroupSession, MegolmMessage, SessionConfig as MegolmConfig, SessionKey};
use vodozemac::olm::{Account as VAccount, Message, OlmMessage, PreKeyMessage, Session as VSession, SessionConfig};
use vodozemac::Curve25519PublicKey;

const ERR: usize = usize::MAX;

/// An object's handle (`.1`) and its memory (`.0`), kept alive together.
struct Mem(#[allow(dead_code)] Vec<u64>, *mut c_void);

fn object(size: usize, init: unsafe extern "C" fn(*mut c_void) -> *mut c_void) -> Mem {
    let mut m = vec![0u64; size.div_ceil(8) + 1];
    // SAFETY: memory of the size the library asks for.
    let p = unsafe { init(m.as_mut_ptr().cast()) };
    Mem(m, p)
}

/// The libraries to run against: Debian's always, ours when it has the families.
fn libraries(needs: impl Fn(&Lib) -> bool) -> Vec<Lib> {
    let mut libs = vec![Lib::open(Path::new(REFERENCE)).unwrap()];
    let ours = Lib::open(&our_library()).expect("run `cargo build --release` first");
    if needs(&ours) {
        libs.push(ours);
    } else {
        eprintln!("skipped for our library: the families are not exported yet");
    }
    libs
}

// SAFETY (all helpers below): live objects and buffers with their lengths.

fn create_account(a: &Account, rng: &mut Rng) -> Mem {
    let acc = object(unsafe { (a.olm_account_size)() }, a.olm_account);
    let mut random = rng.bytes(unsafe { (a.olm_create_account_random_length)(acc.1) });
    assert_ne!(unsafe { (a.olm_create_account)(acc.1, random.as_mut_ptr(), random.len()) }, ERR);
    acc
}

fn identity_curve25519(a: &Account, acc: &Mem) -> String {
    let mut buf = vec![0u8; unsafe { (a.olm_account_identity_keys_length)(acc.1) }];
    let n = unsafe { (a.olm_account_identity_keys)(acc.1, buf.as_mut_ptr(), buf.len()) };
    assert_ne!(n, ERR);
    String::from_utf8(json_strings(&buf[..n], 43)[0].clone()).unwrap()
}

fn one_time_key(a: &Account, acc: &Mem, rng: &mut Rng) -> String {
    let mut random = rng.bytes(unsafe { (a.olm_account_generate_one_time_keys_random_length)(acc.1, 1) });
    assert_ne!(unsafe { (a.olm_account_generate_one_time_keys)(acc.1, 1, random.as_mut_ptr(), random.len()) }, ERR);
    let mut buf = vec![0u8; unsafe { (a.olm_account_one_time_keys_length)(acc.1) }];
    let n = unsafe { (a.olm_account_one_time_keys)(acc.1, buf.as_mut_ptr(), buf.len()) };
    assert_ne!(n, ERR);
    String::from_utf8(json_strings(&buf[..n], 43)[0].clone()).unwrap()
}

fn pickle(f: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut u8, usize) -> usize, len: usize, obj: &Mem, key: &[u8]) -> String {
    let mut buf = vec![0u8; len];
    let n = unsafe { f(obj.1, key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len()) };
    assert_ne!(n, ERR);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

fn encrypt(s: &Session, sess: &Mem, plaintext: &[u8], rng: &mut Rng) -> (usize, String) {
    let kind = unsafe { (s.olm_encrypt_message_type)(sess.1) };
    let mut random = rng.bytes(unsafe { (s.olm_encrypt_random_length)(sess.1) });
    let mut out = vec![0u8; unsafe { (s.olm_encrypt_message_length)(sess.1, plaintext.len()) }];
    let n = unsafe { (s.olm_encrypt)(sess.1, plaintext.as_ptr(), plaintext.len(), random.as_mut_ptr(), random.len(), out.as_mut_ptr(), out.len()) };
    assert_ne!(n, ERR);
    (kind, String::from_utf8(out[..n].to_vec()).unwrap())
}

fn decrypt(s: &Session, sess: &Mem, kind: usize, message: &str) -> Vec<u8> {
    let mut copy = message.as_bytes().to_vec();
    let max = unsafe { (s.olm_decrypt_max_plaintext_length)(sess.1, kind, copy.as_mut_ptr(), copy.len()) };
    assert_ne!(max, ERR);
    let mut copy = message.as_bytes().to_vec();
    let mut out = vec![0u8; max];
    let n = unsafe { (s.olm_decrypt)(sess.1, kind, copy.as_mut_ptr(), copy.len(), out.as_mut_ptr(), out.len()) };
    assert_ne!(n, ERR, "olm_decrypt failed");
    out.truncate(n);
    out
}

fn to_vodozemac(kind: usize, text: &str) -> OlmMessage {
    match kind {
        0 => OlmMessage::from(PreKeyMessage::from_base64(text).unwrap()),
        _ => OlmMessage::from(Message::from_base64(text).unwrap()),
    }
}

fn from_vodozemac(m: &OlmMessage) -> (usize, String) {
    match m {
        OlmMessage::PreKey(p) => (0, p.to_base64()),
        OlmMessage::Normal(n) => (1, n.to_base64()),
    }
}

fn session_id(s: &Session, sess: &Mem) -> String {
    let mut buf = vec![0u8; unsafe { (s.olm_session_id_length)(sess.1) }];
    let n = unsafe { (s.olm_session_id)(sess.1, buf.as_mut_ptr(), buf.len()) };
    assert_ne!(n, ERR);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

fn has_olm(l: &Lib) -> bool {
    l.account.is_ok() && l.session.is_ok()
}

#[test]
fn olm_session_started_by_the_c_library() {
    for lib in libraries(has_olm) {
        let (a, s) = (lib.account.as_ref().unwrap(), lib.session.as_ref().unwrap());
        let mut rng = Rng::new(11);
        let alice = create_account(a, &mut rng);
        let mut bob = VAccount::new();
        bob.generate_one_time_keys(1);
        let otk = bob.one_time_keys().values().next().unwrap().to_base64();
        let bob_key = bob.curve25519_key().to_base64();
        let sess = object(unsafe { (s.olm_session_size)() }, s.olm_session);
        let mut random = rng.bytes(unsafe { (s.olm_create_outbound_session_random_length)(sess.1) });
        let r = unsafe {
            (s.olm_create_outbound_session)(sess.1, alice.1, bob_key.as_ptr(), 43, otk.as_ptr(), 43, random.as_mut_ptr(), random.len())
        };
        assert_ne!(r, ERR);
        let (kind, text) = encrypt(s, &sess, b"hello from C", &mut rng);
        assert_eq!(kind, 0);
        let OlmMessage::PreKey(pre_key) = to_vodozemac(kind, &text) else { panic!("not a pre-key message") };
        let alice_key = Curve25519PublicKey::from_base64(&identity_curve25519(a, &alice)).unwrap();
        let created = bob.create_inbound_session(SessionConfig::version_1(), alice_key, &pre_key).unwrap();
        assert_eq!(created.plaintext, b"hello from C");
        let mut vsess = created.session;
        assert_eq!(vsess.session_id(), session_id(s, &sess));
        // Both directions, with runs in the same direction.
        for round in 0..6 {
            for i in 0..(round % 3 + 1) {
                let text = format!("vodozemac {round} {i}");
                let (kind, m) = from_vodozemac(&vsess.encrypt(text.as_bytes()).unwrap());
                assert_eq!(decrypt(s, &sess, kind, &m), text.as_bytes(), "{}", lib.path.display());
            }
            for i in 0..(round % 2 + 1) {
                let text = format!("C {round} {i}");
                let (kind, m) = encrypt(s, &sess, text.as_bytes(), &mut rng);
                assert_eq!(vsess.decrypt(&to_vodozemac(kind, &m)).unwrap(), text.as_bytes());
            }
        }
    }
}

#[test]
fn olm_session_started_by_vodozemac() {
    for lib in libraries(has_olm) {
        let (a, s) = (lib.account.as_ref().unwrap(), lib.session.as_ref().unwrap());
        let mut rng = Rng::new(12);
        let bob = create_account(a, &mut rng);
        let otk = Curve25519PublicKey::from_base64(&one_time_key(a, &bob, &mut rng)).unwrap();
        let bob_key = Curve25519PublicKey::from_base64(&identity_curve25519(a, &bob)).unwrap();
        let alice = VAccount::new();
        let mut vsess = alice.create_outbound_session(SessionConfig::version_1(), bob_key, otk).unwrap();
        let (kind, text) = from_vodozemac(&vsess.encrypt(b"hello from vodozemac").unwrap());
        assert_eq!(kind, 0);
        let sess = object(unsafe { (s.olm_session_size)() }, s.olm_session);
        let mut copy = text.clone().into_bytes();
        assert_ne!(unsafe { (s.olm_create_inbound_session)(sess.1, bob.1, copy.as_mut_ptr(), copy.len()) }, ERR);
        assert_eq!(decrypt(s, &sess, kind, &text), b"hello from vodozemac");
        assert_eq!(vsess.session_id(), session_id(s, &sess));
        for round in 0..5 {
            let (kind, m) = encrypt(s, &sess, format!("reply {round}").as_bytes(), &mut rng);
            assert_eq!(vsess.decrypt(&to_vodozemac(kind, &m)).unwrap(), format!("reply {round}").as_bytes());
            let (kind, m) = from_vodozemac(&vsess.encrypt(format!("next {round}")).unwrap());
            assert_eq!(decrypt(s, &sess, kind, &m), format!("next {round}").as_bytes());
        }
    }
}

#[test]
fn vodozemac_loads_our_account_and_session_pickles() {
    for lib in libraries(has_olm) {
        let (a, s) = (lib.account.as_ref().unwrap(), lib.session.as_ref().unwrap());
        let mut rng = Rng::new(13);
        let key = b"a pickle key";
        let alice = create_account(a, &mut rng);
        one_time_key(a, &alice, &mut rng);
        let pickled = pickle(a.olm_pickle_account, unsafe { (a.olm_pickle_account_length)(alice.1) }, &alice, key);
        let restored = VAccount::from_libolm_pickle(&pickled, key).unwrap();
        assert_eq!(restored.curve25519_key().to_base64(), identity_curve25519(a, &alice));
        assert_eq!(restored.one_time_keys().len(), 1);

        // A session in the middle of a conversation continues in vodozemac.
        let mut bob = VAccount::new();
        bob.generate_one_time_keys(1);
        let otk = bob.one_time_keys().values().next().unwrap().to_base64();
        let bob_key = bob.curve25519_key().to_base64();
        let sess = object(unsafe { (s.olm_session_size)() }, s.olm_session);
        let mut random = rng.bytes(64);
        assert_ne!(
            unsafe { (s.olm_create_outbound_session)(sess.1, alice.1, bob_key.as_ptr(), 43, otk.as_ptr(), 43, random.as_mut_ptr(), 64) },
            ERR
        );
        let (kind, text) = encrypt(s, &sess, b"first", &mut rng);
        let OlmMessage::PreKey(pre_key) = to_vodozemac(kind, &text) else { panic!() };
        let alice_key = Curve25519PublicKey::from_base64(&identity_curve25519(a, &alice)).unwrap();
        let mut vbob = bob.create_inbound_session(SessionConfig::version_1(), alice_key, &pre_key).unwrap().session;
        let (kind, m) = from_vodozemac(&vbob.encrypt(b"reply").unwrap());
        assert_eq!(decrypt(s, &sess, kind, &m), b"reply");
        let pickled = pickle(s.olm_pickle_session, unsafe { (s.olm_pickle_session_length)(sess.1) }, &sess, key);
        let mut valice: VSession = VSession::from_libolm_pickle(&pickled, key).unwrap();
        assert_eq!(valice.session_id(), session_id(s, &sess));
        let (kind, m) = from_vodozemac(&vbob.encrypt(b"after the pickle").unwrap());
        assert_eq!(valice.decrypt(&to_vodozemac(kind, &m)).unwrap(), b"after the pickle");
        let m = valice.encrypt(b"from the restored session").unwrap();
        assert_eq!(vbob.decrypt(&m).unwrap(), b"from the restored session");
    }
}

fn group_encrypt(m: &Megolm, out: &Mem, plaintext: &[u8]) -> String {
    let mut buf = vec![0u8; unsafe { (m.olm_group_encrypt_message_length)(out.1, plaintext.len()) }];
    let n = unsafe { (m.olm_group_encrypt)(out.1, plaintext.as_ptr(), plaintext.len(), buf.as_mut_ptr(), buf.len()) };
    assert_ne!(n, ERR);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

fn group_decrypt(m: &Megolm, inb: &Mem, message: &str) -> (Vec<u8>, u32) {
    let mut copy = message.as_bytes().to_vec();
    let max = unsafe { (m.olm_group_decrypt_max_plaintext_length)(inb.1, copy.as_mut_ptr(), copy.len()) };
    assert_ne!(max, ERR);
    let mut copy = message.as_bytes().to_vec();
    let mut out = vec![0u8; max];
    let mut index = 0;
    let n = unsafe { (m.olm_group_decrypt)(inb.1, copy.as_mut_ptr(), copy.len(), out.as_mut_ptr(), out.len(), &mut index) };
    assert_ne!(n, ERR, "olm_group_decrypt failed");
    out.truncate(n);
    (out, index)
}

fn outbound(m: &Megolm, rng: &mut Rng) -> Mem {
    let out = object(unsafe { (m.olm_outbound_group_session_size)() }, m.olm_outbound_group_session);
    let mut random = rng.bytes(unsafe { (m.olm_init_outbound_group_session_random_length)(out.1) });
    assert_ne!(unsafe { (m.olm_init_outbound_group_session)(out.1, random.as_mut_ptr(), random.len()) }, ERR);
    out
}

fn outbound_key(m: &Megolm, out: &Mem) -> String {
    let mut buf = vec![0u8; unsafe { (m.olm_outbound_group_session_key_length)(out.1) }];
    let n = unsafe { (m.olm_outbound_group_session_key)(out.1, buf.as_mut_ptr(), buf.len()) };
    assert_ne!(n, ERR);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn megolm_in_both_directions_and_pickles() {
    for lib in libraries(|l| l.megolm.is_ok()) {
        let m = lib.megolm.as_ref().unwrap();
        let mut rng = Rng::new(14);
        let key = b"group pickle key";
        // C library -> vodozemac.
        let out = outbound(m, &mut rng);
        group_encrypt(m, &out, b"before the key is shared");
        let session_key = SessionKey::from_base64(&outbound_key(m, &out)).unwrap();
        let mut vin = InboundGroupSession::new(&session_key, MegolmConfig::version_1());
        for i in 1..6u32 {
            let text = group_encrypt(m, &out, format!("message {i}").as_bytes());
            let d = vin.decrypt(&MegolmMessage::from_base64(&text).unwrap()).unwrap();
            assert_eq!((d.plaintext, d.message_index), (format!("message {i}").into_bytes(), i));
        }
        // Our outbound pickle, loaded by vodozemac, continues the same session.
        let pickled = pickle(m.olm_pickle_outbound_group_session, unsafe { (m.olm_pickle_outbound_group_session_length)(out.1) }, &out, key);
        let mut vout = GroupSession::from_libolm_pickle(&pickled, key).unwrap();
        let d = vin.decrypt(&vout.encrypt(b"from the restored outbound")).unwrap();
        assert_eq!((d.plaintext.as_slice(), d.message_index), (&b"from the restored outbound"[..], 6));

        // vodozemac -> C library, then our inbound pickle loaded by vodozemac.
        let mut vgroup = GroupSession::new(MegolmConfig::version_1());
        vgroup.encrypt(b"skipped");
        let inb = object(unsafe { (m.olm_inbound_group_session_size)() }, m.olm_inbound_group_session);
        let k = vgroup.session_key().to_base64();
        assert_ne!(unsafe { (m.olm_init_inbound_group_session)(inb.1, k.as_ptr(), k.len()) }, ERR);
        assert_eq!(unsafe { (m.olm_inbound_group_session_first_known_index)(inb.1) }, 1);
        for i in 1..5u32 {
            let text = vgroup.encrypt(format!("v {i}")).to_base64();
            assert_eq!(group_decrypt(m, &inb, &text), (format!("v {i}").into_bytes(), i));
        }
        let pickled =
            pickle(m.olm_pickle_inbound_group_session, unsafe { (m.olm_pickle_inbound_group_session_length)(inb.1) }, &inb, key);
        let mut vin2 = InboundGroupSession::from_libolm_pickle(&pickled, key).unwrap();
        let d = vin2.decrypt(&vgroup.encrypt(b"after the pickle")).unwrap();
        assert_eq!((d.plaintext.as_slice(), d.message_index), (&b"after the pickle"[..], 5));
        // Exports at an index are imported by vodozemac.
        let mut export = vec![0u8; unsafe { (m.olm_export_inbound_group_session_length)(inb.1) }];
        let n = unsafe { (m.olm_export_inbound_group_session)(inb.1, export.as_mut_ptr(), export.len(), 3) };
        assert_ne!(n, ERR);
        let exported = vodozemac::megolm::ExportedSessionKey::from_base64(std::str::from_utf8(&export[..n]).unwrap()).unwrap();
        let vin3 = InboundGroupSession::import(&exported, MegolmConfig::version_1());
        assert_eq!(vin3.first_known_index(), 3);
    }
}
