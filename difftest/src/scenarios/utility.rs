//! The utility family: error strings, SHA-256, Ed25519 verification (with libolm's acceptance
//! of S+L asserted as our deliberate difference), buffer-size errors and sticky errors.

use crate::api::{c_str, Lib, Pk, Utility};
use crate::harness::{b64_decode, b64_encode, mutate, scratch, Obj, Out, Report, Rng};
use crate::scenarios::{both, offset};

const F: &str = "utility";

struct Side<'a> {
    u: &'a Utility,
    obj: Obj,
}

impl Side<'_> {
    /// A fresh object of the same library, for calls whose results differ on purpose (the
    /// sticky error of the main objects must stay comparable).
    fn probe(&self) -> Self {
        let u = self.u;
        Side { u, obj: Obj::new(unsafe { (u.olm_utility_size)() }, 1, u.olm_utility, u.olm_utility_last_error, u.olm_utility_last_error_code) }
    }

    fn sha256(&mut self, input: &[u8], out_len: usize) -> Out {
        let mut out = vec![0u8; out_len];
        // SAFETY: buffers with their lengths, a live utility object.
        let ret = unsafe { (self.u.olm_sha256)(self.obj.ptr, input.as_ptr(), input.len(), out.as_mut_ptr(), out.len()) };
        Out::of(&self.obj, ret).with(out)
    }

    fn verify(&mut self, key: &[u8], message: &[u8], signature: &[u8]) -> Out {
        let mut sig = scratch(signature);
        // SAFETY: as above; the signature is a copy libolm may decode in place.
        let ret = unsafe {
            (self.u.olm_ed25519_verify)(self.obj.ptr, key.as_ptr(), key.len(), message.as_ptr(), message.len(), sig.as_mut_ptr(), sig.len())
        };
        Out::of(&self.obj, ret)
    }
}

/// An Ed25519 key and signature made by libolm's pk signing (an oracle independent of us).
pub fn reference_sign(pk: &Pk, seed: &[u8; 32], message: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut memory = vec![0u64; unsafe { (pk.olm_pk_signing_size)() }.div_ceil(8)];
    // SAFETY: memory of the size libolm asks for; buffers of the lengths it reports.
    unsafe {
        let s = (pk.olm_pk_signing)(memory.as_mut_ptr().cast());
        let mut key = vec![0u8; (pk.olm_pk_signing_public_key_length)()];
        let r = (pk.olm_pk_signing_key_from_seed)(s, key.as_mut_ptr(), key.len(), seed.as_ptr(), seed.len());
        assert_ne!(r, usize::MAX, "libolm's pk signing failed");
        let mut sig = vec![0u8; (pk.olm_pk_signature_length)()];
        let r = (pk.olm_pk_sign)(s, message.as_ptr(), message.len(), sig.as_mut_ptr(), sig.len());
        assert_ne!(r, usize::MAX, "libolm's pk signing failed");
        (pk.olm_clear_pk_signing)(s);
        (key, sig)
    }
}

/// The group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0x10,
];

/// The signature with S replaced by S+L (which libolm accepts: CVE-2024-45193).
pub fn malleate(signature_b64: &[u8]) -> Vec<u8> {
    let mut raw = b64_decode(signature_b64).expect("a signature libolm wrote");
    let mut carry = 0u16;
    for (s, l) in raw[32..64].iter_mut().zip(L) {
        let v = *s as u16 + l as u16 + carry;
        *s = v as u8;
        carry = v >> 8;
    }
    b64_encode(&raw)
}

fn seed(rng: &mut Rng) -> [u8; 32] {
    let mut s = [0u8; 32];
    s.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
    s
}

pub fn run(r: &mut Report, libs: [&Lib; 2], rounds: usize) {
    let Some(u) = both(r, F, libs, |l| &l.utility) else { return };
    let pk = libs[0].pk.as_ref().expect("the reference has pk signing");
    let offsets = [offset(r, 0), offset(r, 1)];
    let mut sides = [0, 1].map(|i| Side {
        u: u[i],
        // SAFETY: olm_utility_size takes no arguments.
        obj: Obj::new(unsafe { (u[i].olm_utility_size)() }, offsets[i], u[i].olm_utility, u[i].olm_utility_last_error, u[i].olm_utility_last_error_code),
    });

    // Library-wide functions.
    r.step(F, "olm_error", &mut sides, |s| Out::ret(unsafe { (s.u.olm_error)() } as u64));
    for code in (0..=20u32).chain([99, u32::MAX]) {
        r.step(F, &format!("_olm_error_to_string({code})"), &mut sides, |s| {
            Out::ret(0).with(c_str(unsafe { (s.u._olm_error_to_string)(code) }))
        });
    }
    r.step(F, "fresh last_error", &mut sides, |s| Out::of(&s.obj, 0));
    r.step(F, "sha256_length", &mut sides, |s| Out::ret(unsafe { (s.u.olm_sha256_length)(s.obj.ptr) } as u64));

    // SHA-256: random inputs, exact and short output buffers.
    r.step(F, "sha256 of nothing", &mut sides, |s| s.sha256(b"", 43));
    for i in 0..rounds * 20 {
        let input = { let len = if r.rng.one_in(10) { 0 } else { r.rng.range(1, 300) }; r.rng.bytes(len) };
        let out_len = if i % 5 == 0 { r.rng.below(43) } else { r.rng.range(43, 50) };
        r.step(F, &format!("sha256 of {} bytes into {out_len}", input.len()), &mut sides, |s| s.sha256(&input, out_len));
    }

    // Ed25519: valid, damaged, truncated and malleated signatures; bad keys.
    for _ in 0..rounds * 4 {
        let message = r.rng.bytes_in(0, 200);
        let (key, sig) = reference_sign(pk, &seed(&mut r.rng), &message);
        if let Some(o) = r.step(F, "verify valid", &mut sides, |s| s.verify(&key, &message, &sig)) {
            r.check(F, o.ret == 0, || "libolm refuses a signature it made".into());
        }
        let bad_msg = mutate(&mut r.rng, &message);
        r.step(F, "verify other message", &mut sides, |s| s.verify(&key, &bad_msg, &sig));
        let bad_sig = mutate(&mut r.rng, &sig);
        r.step(F, "verify damaged signature", &mut sides, |s| s.verify(&key, &message, &bad_sig));
        let short = &sig[..r.rng.below(sig.len())];
        r.step(F, "verify truncated signature", &mut sides, |s| s.verify(&key, &message, short));
        let bad_key = mutate(&mut r.rng, &key);
        r.step(F, "verify damaged key", &mut sides, |s| s.verify(&bad_key, &message, &sig));
        let garbage = r.rng.bytes_in(0, 90);
        r.step(F, "verify garbage signature", &mut sides, |s| s.verify(&key, &message, &garbage));
        // Deliberate difference 1: libolm accepts S+L, we refuse it as any invalid signature.
        let malleated = malleate(&sig);
        r.differ(F, "verify S+L", &mut sides, |s| s.probe().verify(&key, &message, &malleated), |theirs, ours| {
            theirs.ret == 0 && ours.failed() && ours.code() == 5 && ours.error.as_ref().is_some_and(|e| e.1 == "BAD_MESSAGE_MAC")
        });
    }
    // A small-order key (the identity point) with R = identity and S = 0 verifies any message
    // in libolm; strict verification refuses it (deliberate difference 1).
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let key = b64_encode(&identity);
    let mut raw_sig = [0u8; 64];
    raw_sig[0] = 1;
    let sig = b64_encode(&raw_sig);
    r.differ(F, "verify small-order key", &mut sides, |s| s.probe().verify(&key, b"any message", &sig), |theirs, ours| {
        theirs.ret == 0 && ours.failed() && ours.code() == 5
    });

    // Errors are sticky, and clearing resets them.
    r.step(F, "sha256 too small", &mut sides, |s| s.sha256(b"x", 10));
    r.step(F, "error kept after success", &mut sides, |s| s.sha256(b"x", 43));
    r.step(F, "clear", &mut sides, |s| Out::ret(0).with(if unsafe { (s.u.olm_clear_utility)(s.obj.ptr) } > 0 { "ok" } else { "0" }));
    r.step(F, "error after clear", &mut sides, |s| Out::of(&s.obj, 0));
    r.step(F, "sha256 after clear", &mut sides, |s| s.sha256(b"abc", 43));
}
