//! Accounts: creation, identity keys, one-time keys (beyond the maximum too), publishing,
//! fallback keys, signing, and pickles under several keys, loaded crosswise and damaged.

use crate::api::{Account, Lib};
use crate::harness::{mutate, scratch, Obj, Out, Report};
use crate::scenarios::{both, offset, PICKLE_KEYS};

const F: &str = "account";

/// One library's account object and the calls on it, each returning what must match.
pub struct Acct<'a> {
    pub a: &'a Account,
    pub obj: Obj,
    offset: usize,
}

/// A call writing into a fresh buffer of `len` bytes.
fn into_buf(obj: &Obj, len: usize, f: impl FnOnce(*mut u8, usize) -> usize) -> Out {
    let mut buf = vec![0u8; len];
    let ret = f(buf.as_mut_ptr(), buf.len());
    Out::of(obj, ret).with(buf)
}

impl<'a> Acct<'a> {
    pub fn new(a: &'a Account, offset: usize) -> Acct<'a> {
        // SAFETY: olm_account_size takes no arguments.
        let obj = Obj::new(unsafe { (a.olm_account_size)() }, offset, a.olm_account, a.olm_account_last_error, a.olm_account_last_error_code);
        Acct { a, obj, offset }
    }

    /// Replaces the object by a fresh one (as a caller does before unpickling).
    pub fn renew(&mut self) {
        *self = Acct::new(self.a, self.offset);
    }

    // SAFETY (all calls below): a live account object and buffers with their true lengths.

    pub fn len(&self, f: unsafe extern "C" fn(*const std::ffi::c_void) -> usize) -> Out {
        Out::ret(unsafe { f(self.obj.ptr) } as u64)
    }

    /// `olm_create_account`; the random buffer after the call is part of the outcome (libolm
    /// wipes it).
    pub fn create(&mut self, random: &[u8]) -> Out {
        let mut rnd = random.to_vec();
        let ret = unsafe { (self.a.olm_create_account)(self.obj.ptr, rnd.as_mut_ptr(), rnd.len()) };
        Out::of(&self.obj, ret).with_random(rnd)
    }

    pub fn identity_keys(&mut self, len: usize) -> Out {
        into_buf(&self.obj, len, |p, n| unsafe { (self.a.olm_account_identity_keys)(self.obj.ptr, p, n) })
    }

    pub fn one_time_keys(&mut self, len: usize) -> Out {
        into_buf(&self.obj, len, |p, n| unsafe { (self.a.olm_account_one_time_keys)(self.obj.ptr, p, n) })
    }

    pub fn generate_one_time_keys(&mut self, count: usize, random: &[u8]) -> Out {
        let mut rnd = random.to_vec();
        let ret = unsafe { (self.a.olm_account_generate_one_time_keys)(self.obj.ptr, count, rnd.as_mut_ptr(), rnd.len()) };
        Out::of(&self.obj, ret).with_random(rnd)
    }

    pub fn generate_fallback_key(&mut self, random: &[u8]) -> Out {
        let mut rnd = random.to_vec();
        let ret = unsafe { (self.a.olm_account_generate_fallback_key)(self.obj.ptr, rnd.as_mut_ptr(), rnd.len()) };
        Out::of(&self.obj, ret).with_random(rnd)
    }

    pub fn fallback_key(&mut self, len: usize) -> Out {
        into_buf(&self.obj, len, |p, n| unsafe { (self.a.olm_account_fallback_key)(self.obj.ptr, p, n) })
    }

    pub fn unpublished_fallback_key(&mut self, len: usize) -> Out {
        into_buf(&self.obj, len, |p, n| unsafe { (self.a.olm_account_unpublished_fallback_key)(self.obj.ptr, p, n) })
    }

    pub fn mark_published(&mut self) -> Out {
        Out::of(&self.obj, unsafe { (self.a.olm_account_mark_keys_as_published)(self.obj.ptr) })
    }

    pub fn forget_old_fallback_key(&mut self) -> Out {
        unsafe { (self.a.olm_account_forget_old_fallback_key)(self.obj.ptr) };
        Out::of(&self.obj, 0)
    }

    pub fn sign(&mut self, message: &[u8], len: usize) -> Out {
        into_buf(&self.obj, len, |p, n| unsafe { (self.a.olm_account_sign)(self.obj.ptr, message.as_ptr(), message.len(), p, n) })
    }

    pub fn pickle(&mut self, key: &[u8], len: usize) -> Out {
        into_buf(&self.obj, len, |p, n| unsafe { (self.a.olm_pickle_account)(self.obj.ptr, key.as_ptr(), key.len(), p, n) })
    }

    pub fn unpickle(&mut self, key: &[u8], pickled: &[u8]) -> Out {
        let mut buf = scratch(pickled);
        let ret = unsafe { (self.a.olm_unpickle_account)(self.obj.ptr, key.as_ptr(), key.len(), buf.as_mut_ptr(), buf.len()) };
        Out::of(&self.obj, ret)
    }

    /// The identity keys at their exact length.
    pub fn identity(&mut self) -> Out {
        let n = unsafe { (self.a.olm_account_identity_keys_length)(self.obj.ptr) };
        self.identity_keys(n)
    }

    /// The one-time keys JSON at its exact length.
    pub fn otks(&mut self) -> Out {
        let n = unsafe { (self.a.olm_account_one_time_keys_length)(self.obj.ptr) };
        self.one_time_keys(n)
    }

    /// Pickles at the exact length.
    pub fn pickled(&mut self, key: &[u8]) -> Out {
        let n = unsafe { (self.a.olm_pickle_account_length)(self.obj.ptr) };
        self.pickle(key, n)
    }
}

/// Pickles both accounts under `key` and loads each side's pickle into a fresh object on the
/// other side, then checks the state survived (identity keys, one-time keys, re-pickle).
pub fn pickle_crosswise(r: &mut Report, sides: &mut [Acct; 2], key: &[u8]) -> Option<()> {
    let pickled = r.step(F, "pickle", sides, |s| s.pickled(key))?.output();
    let sent = [pickled.clone(), pickled.clone()];
    r.stepi(F, "unpickle the other library's pickle", sides, |i, s| {
        s.renew();
        s.unpickle(key, &sent[1 - i])
    })?;
    r.step(F, "identity keys after unpickle", sides, |s| s.identity())?;
    r.step(F, "one-time keys after unpickle", sides, |s| s.otks())?;
    let again = r.step(F, "re-pickle", sides, |s| s.pickled(key))?.output();
    r.check(F, again == pickled, || "a re-pickle differs from the pickle it was loaded from".into());
    Some(())
}

/// A damaged pickle or a wrong key: both must refuse (or accept) it identically.
fn damaged_pickles(r: &mut Report, sides: &mut [Acct; 2], key: &[u8]) -> Option<()> {
    let pickled = r.step(F, "pickle", sides, |s| s.pickled(key))?.output();
    let [a, b] = [sides[0].a, sides[1].a];
    let mut probes = [Acct::new(a, 0), Acct::new(b, 3)];
    for _ in 0..3 {
        let bad = mutate(&mut r.rng, &pickled);
        if r.step(F, "unpickle damaged", &mut probes, |s| s.unpickle(key, &bad))?.failed() {
            continue;
        }
        r.step(F, "identity keys from damaged pickle", &mut probes, |s| s.identity())?;
        probes = [Acct::new(a, 0), Acct::new(b, 3)];
    }
    let wrong = if key.is_empty() { b"x".to_vec() } else { key[1..].to_vec() };
    r.step(F, "unpickle with a wrong key", &mut probes, |s| s.unpickle(&wrong, &pickled))?;
    let short = r.rng.below(8);
    r.step(F, "pickle into a short buffer", sides, |s| {
        let n = unsafe { (s.a.olm_pickle_account_length)(s.obj.ptr) };
        s.pickle(key, n - 1 - short)
    })?;
    Some(())
}

fn round(r: &mut Report, accounts: [&Account; 2], rounds_left: usize) -> Option<()> {
    let offsets = [offset(r, 0), offset(r, 1)];
    let mut sides = [Acct::new(accounts[0], offsets[0]), Acct::new(accounts[1], offsets[1])];
    r.step(F, "create_account_random_length", &mut sides, |s| s.len(s.a.olm_create_account_random_length))?;
    if r.rng.one_in(3) {
        let random = r.rng.bytes_below(64);
        r.step(F, "create_account, not enough random", &mut sides, |s| s.create(&random))?;
    }
    let random = { let len = 64 + r.rng.below(3) * 10; r.rng.bytes(len) };
    r.step(F, "create_account", &mut sides, |s| s.create(&random))?;
    r.step(F, "identity_keys_length", &mut sides, |s| s.len(s.a.olm_account_identity_keys_length))?;
    r.step(F, "identity_keys", &mut sides, |s| s.identity())?;
    let short = r.rng.below(116);
    r.step(F, "identity_keys, short buffer", &mut sides, |s| s.identity_keys(short))?;
    r.step(F, "max_number_of_one_time_keys", &mut sides, |s| s.len(s.a.olm_account_max_number_of_one_time_keys))?;
    r.step(F, "signature_length", &mut sides, |s| s.len(s.a.olm_account_signature_length))?;

    for _ in 0..12 + rounds_left % 7 {
        match r.rng.below(10) {
            0 | 1 => {
                // Mostly a few keys, sometimes more than the maximum (the oldest are dropped).
                let count = if r.rng.one_in(4) { r.rng.range(90, 130) } else { r.rng.range(0, 12) };
                let need = r.step(F, "generate_one_time_keys_random_length", &mut sides, |s| {
                    Out::ret(unsafe { (s.a.olm_account_generate_one_time_keys_random_length)(s.obj.ptr, count) } as u64)
                })?;
                let len = if r.rng.one_in(5) { r.rng.below(need.ret as usize + 1) } else { need.ret as usize };
                let random = r.rng.bytes(len);
                r.step(F, &format!("generate_one_time_keys({count})"), &mut sides, |s| s.generate_one_time_keys(count, &random))?;
            }
            2 => {
                r.step(F, "one_time_keys_length", &mut sides, |s| s.len(s.a.olm_account_one_time_keys_length))?;
                r.step(F, "one_time_keys", &mut sides, |s| s.otks())?;
            }
            3 => {
                let short = r.rng.below(40);
                r.step(F, "one_time_keys, short buffer", &mut sides, |s| s.one_time_keys(short))?;
            }
            4 => {
                r.step(F, "mark_keys_as_published", &mut sides, |s| s.mark_published())?;
            }
            5 => {
                r.step(F, "generate_fallback_key_random_length", &mut sides, |s| {
                    s.len(s.a.olm_account_generate_fallback_key_random_length)
                })?;
                let random = { let len = if r.rng.one_in(5) { r.rng.below(32) } else { 32 }; r.rng.bytes(len) };
                r.step(F, "generate_fallback_key", &mut sides, |s| s.generate_fallback_key(&random))?;
            }
            6 => {
                r.step(F, "fallback_key_length", &mut sides, |s| s.len(s.a.olm_account_fallback_key_length))?;
                r.step(F, "fallback_key", &mut sides, |s| {
                    let n = unsafe { (s.a.olm_account_fallback_key_length)(s.obj.ptr) };
                    s.fallback_key(n)
                })?;
                r.step(F, "unpublished_fallback_key_length", &mut sides, |s| {
                    s.len(s.a.olm_account_unpublished_fallback_key_length)
                })?;
                let extra = r.rng.below(3);
                r.step(F, "unpublished_fallback_key", &mut sides, |s| {
                    let n = unsafe { (s.a.olm_account_unpublished_fallback_key_length)(s.obj.ptr) };
                    s.unpublished_fallback_key(n + extra)
                })?;
                let short = r.rng.below(20);
                r.step(F, "fallback_key, short buffer", &mut sides, |s| s.fallback_key(short))?;
            }
            7 => {
                r.step(F, "forget_old_fallback_key", &mut sides, |s| s.forget_old_fallback_key())?;
            }
            8 => {
                let message = r.rng.bytes_in(0, 300);
                let len = if r.rng.one_in(4) { r.rng.below(86) } else { 86 };
                r.step(F, "sign", &mut sides, |s| s.sign(&message, len))?;
            }
            _ => {
                let key = *r.rng.pick(PICKLE_KEYS);
                if r.rng.one_in(2) {
                    pickle_crosswise(r, &mut sides, key)?;
                } else {
                    damaged_pickles(r, &mut sides, key)?;
                }
            }
        }
    }
    let key = *r.rng.pick(PICKLE_KEYS);
    pickle_crosswise(r, &mut sides, key)?;
    // Clearing leaves an empty object that reports no keys.
    r.step(F, "clear_account", &mut sides, |s| Out::ret((unsafe { (s.a.olm_clear_account)(s.obj.ptr) } > 0) as u64))?;
    r.step(F, "pickle a cleared account", &mut sides, |s| s.len(s.a.olm_pickle_account_length))?;
    Some(())
}

pub fn run(r: &mut Report, libs: [&Lib; 2], rounds: usize) {
    let Some(accounts) = both(r, F, libs, |l| &l.account) else { return };
    for i in 0..rounds {
        round(r, accounts, i);
    }
}
