//! PK encryption, decryption (with pickles) and signing. Inputs on which libolm itself reads
//! or writes out of bounds are given to our library only, asserting deliberate difference 2.

use crate::api::{Lib, Pk};
use crate::harness::{b64_decode, mutate, scratch, Obj, Out, Report};
use crate::scenarios::{both, offset, PICKLE_KEYS};

const F: &str = "pk";

struct Side<'a> {
    p: &'a Pk,
    enc: Obj,
    dec: Obj,
    sign: Obj,
}

// SAFETY (all calls below): live objects of the right kinds and buffers with their lengths.
impl<'a> Side<'a> {
    fn new(p: &'a Pk, offset: usize) -> Side<'a> {
        unsafe {
            Side {
                p,
                enc: Obj::new((p.olm_pk_encryption_size)(), offset, p.olm_pk_encryption, p.olm_pk_encryption_last_error, p.olm_pk_encryption_last_error_code),
                dec: Obj::new((p.olm_pk_decryption_size)(), offset, p.olm_pk_decryption, p.olm_pk_decryption_last_error, p.olm_pk_decryption_last_error_code),
                sign: Obj::new((p.olm_pk_signing_size)(), offset, p.olm_pk_signing, p.olm_pk_signing_last_error, p.olm_pk_signing_last_error_code),
            }
        }
    }

    fn constants(&mut self) -> Out {
        let p = self.p;
        let v = unsafe {
            [
                (p.olm_pk_key_length)(),
                (p.olm_pk_private_key_length)(),
                (p.olm_pk_generate_key_random_length)(),
                (p.olm_pk_signing_seed_length)(),
                (p.olm_pk_signing_public_key_length)(),
                (p.olm_pk_signature_length)(),
                (p.olm_pk_mac_length)(self.enc.ptr),
                (p.olm_pk_encrypt_random_length)(self.enc.ptr),
                (p.olm_pk_ciphertext_length)(self.enc.ptr, 0),
                (p.olm_pk_ciphertext_length)(self.enc.ptr, 15),
                (p.olm_pk_ciphertext_length)(self.enc.ptr, 16),
                (p.olm_pk_max_plaintext_length)(self.dec.ptr, 44),
                (p.olm_pk_max_plaintext_length)(self.dec.ptr, 0),
            ]
        };
        Out::ret(0).with(v.map(|x| (x as u64).to_le_bytes()).concat())
    }

    /// `olm_pk_key_from_private` (or `olm_pk_generate_key`): the public key written.
    fn key_from_private(&mut self, private: &[u8], pub_len: usize, generate: bool) -> Out {
        let mut public = vec![0u8; pub_len];
        let f = if generate { self.p.olm_pk_generate_key } else { self.p.olm_pk_key_from_private };
        let ret = unsafe { f(self.dec.ptr, public.as_mut_ptr(), public.len(), private.as_ptr(), private.len()) };
        Out::of(&self.dec, ret).with(public)
    }

    fn get_private_key(&mut self, len: usize) -> Out {
        let mut buf = vec![0u8; len];
        let ret = unsafe { (self.p.olm_pk_get_private_key)(self.dec.ptr, buf.as_mut_ptr(), buf.len()) };
        Out::of(&self.dec, ret).with(buf)
    }

    fn set_recipient(&mut self, key: &[u8]) -> Out {
        let ret = unsafe { (self.p.olm_pk_encryption_set_recipient_key)(self.enc.ptr, key.as_ptr(), key.len()) };
        Out::of(&self.enc, ret)
    }

    /// Encrypts: ciphertext, mac and ephemeral key (buffer lengths given).
    fn encrypt(&mut self, plaintext: &[u8], lens: [usize; 3], random: &[u8]) -> Out {
        let [mut c, mut m, mut e] = lens.map(|n| vec![0u8; n]);
        let ret = unsafe {
            (self.p.olm_pk_encrypt)(
                self.enc.ptr,
                plaintext.as_ptr(),
                plaintext.len(),
                c.as_mut_ptr(),
                c.len(),
                m.as_mut_ptr(),
                m.len(),
                e.as_mut_ptr(),
                e.len(),
                random.as_ptr(),
                random.len(),
            )
        };
        Out::of(&self.enc, ret).with(c).with(m).with(e)
    }

    fn decrypt(&mut self, ephemeral: &[u8], mac: &[u8], ciphertext: &[u8], len: Option<usize>) -> Out {
        let max = unsafe { (self.p.olm_pk_max_plaintext_length)(self.dec.ptr, ciphertext.len()) };
        let n = len.unwrap_or(if max == usize::MAX { 0 } else { max });
        let mut plaintext = vec![0u8; n];
        let mut c = scratch(ciphertext);
        let ret = unsafe {
            (self.p.olm_pk_decrypt)(
                self.dec.ptr,
                ephemeral.as_ptr(),
                ephemeral.len(),
                mac.as_ptr(),
                mac.len(),
                c.as_mut_ptr(),
                c.len(),
                plaintext.as_mut_ptr(),
                plaintext.len(),
            )
        };
        if ret != usize::MAX {
            plaintext.truncate(ret);
        }
        Out::of(&self.dec, ret).with(plaintext)
    }

    fn pickle(&mut self, key: &[u8]) -> Out {
        let mut buf = vec![0u8; unsafe { (self.p.olm_pickle_pk_decryption_length)(self.dec.ptr) }];
        let ret = unsafe { (self.p.olm_pickle_pk_decryption)(self.dec.ptr, key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len()) };
        Out::of(&self.dec, ret).with(buf)
    }

    /// Unpickles into a fresh decryption object, which replaces the current one on success.
    fn unpickle(&mut self, key: &[u8], pickled: &[u8], pub_len: Option<usize>, offset: usize) -> Out {
        let p = self.p;
        let fresh = Obj::new(unsafe { (p.olm_pk_decryption_size)() }, offset, p.olm_pk_decryption, p.olm_pk_decryption_last_error, p.olm_pk_decryption_last_error_code);
        let mut buf = scratch(pickled);
        let mut public = vec![0u8; pub_len.unwrap_or(0)];
        let public_ptr = if pub_len.is_some() { public.as_mut_ptr() } else { std::ptr::null_mut() };
        let ret = unsafe { (p.olm_unpickle_pk_decryption)(fresh.ptr, key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len(), public_ptr, public.len()) };
        let out = Out::of(&fresh, ret).with(public);
        if ret != usize::MAX {
            self.dec = fresh;
        }
        out
    }

    fn signing_key(&mut self, seed: &[u8], pub_len: usize) -> Out {
        let mut public = vec![0u8; pub_len];
        let ret = unsafe { (self.p.olm_pk_signing_key_from_seed)(self.sign.ptr, public.as_mut_ptr(), public.len(), seed.as_ptr(), seed.len()) };
        Out::of(&self.sign, ret).with(public)
    }

    fn sign(&mut self, message: &[u8], len: usize) -> Out {
        let mut sig = vec![0u8; len];
        let ret = unsafe { (self.p.olm_pk_sign)(self.sign.ptr, message.as_ptr(), message.len(), sig.as_mut_ptr(), sig.len()) };
        Out::of(&self.sign, ret).with(sig)
    }
}

/// Is `text` a ciphertext libolm can decrypt without reading out of bounds: base64 of a
/// non-empty multiple of 16 bytes?
fn safe_for_libolm(text: &[u8]) -> bool {
    matches!(text.len() % 4, 0 | 2 | 3) && {
        let n = 3 * (text.len() / 4) + (text.len() % 4).saturating_sub(1);
        n > 0 && n.is_multiple_of(16)
    }
}

/// A decryption object of our library with the same key, for the calls given to ours alone
/// (the main objects' sticky errors must stay comparable).
fn ours_probe<'a>(side: &Side<'a>, private: &[u8], offset: usize) -> Side<'a> {
    let mut probe = Side::new(side.p, offset);
    probe.key_from_private(private, 43, false);
    probe
}

fn round(r: &mut Report, sides: &mut [Side; 2], ours_offset: usize) -> Option<()> {
    r.step(F, "lengths", sides, |s| s.constants())?;
    let private = r.rng.bytes(32);
    if r.rng.one_in(3) {
        let short = r.rng.bytes_below(32);
        r.step(F, "key_from_private, short key", sides, |s| s.key_from_private(&short, 43, false))?;
        let small = r.rng.below(43);
        r.step(F, "key_from_private, short output", sides, |s| s.key_from_private(&private, small, false))?;
    }
    let generate = r.rng.one_in(2);
    let public = r.step(F, "key_from_private", sides, |s| s.key_from_private(&private, 43, generate))?.data[0].clone();
    let small = if r.rng.one_in(3) { r.rng.below(32) } else { 32 };
    r.step(F, "get_private_key", sides, |s| s.get_private_key(small))?;
    r.step(F, "set_recipient_key", sides, |s| s.set_recipient(&public))?;
    if r.rng.one_in(3) {
        let bad = r.rng.bytes_below(43);
        r.step(F, "set_recipient_key, short", sides, |s| s.set_recipient(&bad))?;
        r.step(F, "set_recipient_key", sides, |s| s.set_recipient(&public))?;
    }

    for _ in 0..8 {
        let plaintext = r.rng.bytes_in(0, 100);
        let random = r.rng.bytes(32);
        let clen = unsafe { (sides[0].p.olm_pk_ciphertext_length)(sides[0].enc.ptr, plaintext.len()) };
        if r.rng.one_in(5) {
            let lens = [r.rng.below(clen), 11, 43];
            r.step(F, "encrypt, short ciphertext buffer", sides, |s| s.encrypt(&plaintext, lens, &random))?;
            let short_random = &random[..r.rng.below(32)];
            r.step(F, "encrypt, not enough random", sides, |s| s.encrypt(&plaintext, [clen, 11, 43], short_random))?;
        }
        // libolm checks the mac buffer against 8 but writes 11 bytes: only 11 and more are safe
        // to give it. Ours must refuse 8..=10 (deliberate difference 2).
        let mac_len = r.rng.range(8, 10);
        if !r.ours_is_libolm {
            // On a recipient of its own, so that the main one's sticky error stays comparable.
            let mut probe = Side::new(sides[1].p, ours_offset);
            probe.set_recipient(&public);
            let out = probe.encrypt(&plaintext, [clen, mac_len, 43], &random);
            r.check(F, out.failed() && out.code() == 2, || format!("ours accepted a {mac_len}-byte mac buffer: {out:?}"));
        }
        let out = r.step(F, "encrypt", sides, |s| s.encrypt(&plaintext, [clen, 11, 43], &random))?;
        if out.failed() {
            continue;
        }
        let [c, m, e] = [out.data[0].clone(), out.data[1].clone(), out.data[2].clone()];
        let got = r.step(F, "decrypt", sides, |s| s.decrypt(&e, &m, &c, None))?;
        r.check(F, got.output() == plaintext, || "pk plaintext differs from what was encrypted".into());
        // Damage each part in turn.
        let bad_c = mutate(&mut r.rng, &c);
        if safe_for_libolm(&bad_c) {
            r.step(F, "decrypt a damaged ciphertext", sides, |s| s.decrypt(&e, &m, &bad_c, None))?;
        } else if !r.ours_is_libolm {
            let out = ours_probe(&sides[1], &private, ours_offset).decrypt(&e, &m, &bad_c, None);
            r.check(F, out.failed(), || format!("ours decrypted a ciphertext of unusable length: {out:?}"));
        }
        let bad_m = mutate(&mut r.rng, &m);
        r.step(F, "decrypt with a damaged mac", sides, |s| s.decrypt(&e, &bad_m, &c, None))?;
        let bad_e = mutate(&mut r.rng, &e);
        r.step(F, "decrypt with a damaged ephemeral key", sides, |s| s.decrypt(&bad_e, &m, &c, None))?;
        let small = Some(r.rng.below(plaintext.len() + 1));
        r.step(F, "decrypt, short output", sides, |s| s.decrypt(&e, &m, &c, small))?;
        let raw = b64_decode(&c).unwrap_or_default();
        r.check(F, raw.len().is_multiple_of(16) && !raw.is_empty(), || "pk ciphertext is not whole AES blocks".into());
    }
    // An empty ciphertext or one not of whole blocks: libolm reads out of bounds, we refuse.
    let unsafe_for_libolm: &[&[u8]] = if r.ours_is_libolm { &[] } else { &[b"", b"AAAA", b"AAAAAAAAAAAAAAAAAAAAAA"] };
    for &text in unsafe_for_libolm {
        let out = ours_probe(&sides[1], &private, ours_offset).decrypt(b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", b"AAAAAAAAAAA", text, Some(64));
        r.check(F, out.failed(), || format!("ours accepted a pk ciphertext of {} characters", text.len()));
    }

    // Pickles of the decryption object, loaded crosswise, with and without the public key out.
    let key = *r.rng.pick(PICKLE_KEYS);
    let pickled = r.step(F, "pickle", sides, |s| s.pickle(key))?.output();
    let bad = mutate(&mut r.rng, &pickled);
    let pub_len = *r.rng.pick(&[None, Some(43), Some(60)]);
    let mut probes = [Side::new(sides[0].p, 0), Side::new(sides[1].p, ours_offset)];
    r.step(F, "unpickle damaged", &mut probes, |s| s.unpickle(key, &bad, pub_len, 0))?;
    let wrong = [key, b"-"].concat();
    r.step(F, "unpickle with a wrong key", &mut probes, |s| s.unpickle(&wrong, &pickled, pub_len, 0))?;
    let sent = [pickled.clone(), pickled.clone()];
    r.stepi(F, "unpickle the other library's pickle", sides, |i, s| s.unpickle(key, &sent[1 - i], pub_len, if i == 0 { 0 } else { ours_offset }))?;
    r.step(F, "private key after unpickle", sides, |s| s.get_private_key(32))?;
    let again = r.step(F, "re-pickle", sides, |s| s.pickle(key))?.output();
    r.check(F, again == pickled, || "a pk re-pickle differs".into());

    // Signing.
    let seed = r.rng.bytes(32);
    if r.rng.one_in(3) {
        let short = r.rng.bytes_below(32);
        r.step(F, "signing key, short seed", sides, |s| s.signing_key(&short, 43))?;
        let small = r.rng.below(43);
        r.step(F, "signing key, short output", sides, |s| s.signing_key(&seed, small))?;
    }
    r.step(F, "signing_key_from_seed", sides, |s| s.signing_key(&seed, 43))?;
    for _ in 0..4 {
        let message = r.rng.bytes_in(0, 200);
        let len = if r.rng.one_in(4) { r.rng.below(86) } else { 86 };
        r.step(F, "pk_sign", sides, |s| s.sign(&message, len))?;
    }
    Some(())
}

pub fn run(r: &mut Report, libs: [&Lib; 2], rounds: usize) {
    let Some(p) = both(r, F, libs, |l| &l.pk) else { return };
    for _ in 0..rounds {
        let ours_offset = offset(r, 1);
        let mut sides = [Side::new(p[0], 0), Side::new(p[1], ours_offset)];
        round(r, &mut sides, ours_offset);
    }
}
