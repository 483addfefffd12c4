//! The lockstep machinery: a seeded PRNG, objects in caller memory, call outcomes, and the
//! tally of checks per family.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void};

use crate::api::c_str;

/// xoshiro256** seeded through splitmix64: small, fast and the same on every machine.
pub struct Rng([u64; 4]);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (n > 0; the bias is negligible for the small ranges used here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    /// Random bytes, fewer than `n` of them.
    pub fn bytes_below(&mut self, n: usize) -> Vec<u8> {
        let len = self.below(n);
        self.bytes(len)
    }

    /// Random bytes, `lo..=hi` of them.
    pub fn bytes_in(&mut self, lo: usize, hi: usize) -> Vec<u8> {
        let len = self.range(lo, hi);
        self.bytes(len)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A copy of an input that libolm may overwrite (it decodes messages and pickles in place):
/// each call gets a fresh copy, and what the library leaves in it is never compared.
pub fn scratch(data: &[u8]) -> Vec<u8> {
    data.to_vec()
}

/// The ways a test input is damaged: every one must fail (or succeed) identically on both.
pub fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    match rng.below(6) {
        // Flip one bit.
        0 if !d.is_empty() => {
            let i = rng.below(d.len());
            d[i] ^= 1 << rng.below(8);
        }
        // Replace one character by another of the alphabet (still valid base64).
        1 if !d.is_empty() => {
            let i = rng.below(d.len());
            d[i] = *rng.pick(B64);
        }
        // Truncate.
        2 if !d.is_empty() => {
            let n = rng.below(d.len());
            d.truncate(n);
        }
        // Extend with base64 characters.
        3 => {
            for _ in 0..rng.range(1, 8) {
                d.push(*rng.pick(B64));
            }
        }
        // Drop one character from the middle.
        4 if d.len() > 1 => {
            let i = rng.below(d.len());
            d.remove(i);
        }
        // Re-encode: decode as base64, change one raw byte, encode again.
        _ => {
            if let Some(mut raw) = b64_decode(&d) {
                if !raw.is_empty() {
                    let i = rng.below(raw.len());
                    raw[i] ^= 1 << rng.below(8);
                }
                d = b64_encode(&raw);
            } else if !d.is_empty() {
                d.pop();
            }
        }
    }
    d
}

/// Plain unpadded base64, for building test inputs (never the code under test).
pub fn b64_encode(data: &[u8]) -> Vec<u8> {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    for c in data.chunks(3) {
        let v = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..=c.len() {
            out.push(B64[(v >> (18 - 6 * i)) as usize & 63]);
        }
    }
    out
}

/// Strict decoding of unpadded base64, for building test inputs.
pub fn b64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::new();
    for c in text.chunks(4) {
        let mut v = 0u32;
        for (i, &ch) in c.iter().enumerate() {
            v |= val(ch)? << (18 - 6 * i);
        }
        for i in 0..c.len() - 1 {
            out.push((v >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The strings of a given length in a JSON text (keys in identity-key and one-time-key JSON).
pub fn json_strings(json: &[u8], len: usize) -> Vec<Vec<u8>> {
    json.split(|&c| c == b'"').filter(|s| s.len() == len).map(|s| s.to_vec()).collect()
}

/// An object of one kind in memory this harness owns, as a C caller would hold it.
pub struct Obj {
    _memory: Vec<u64>,
    pub ptr: *mut c_void,
    last_error: unsafe extern "C" fn(*const c_void) -> *const c_char,
    last_error_code: unsafe extern "C" fn(*const c_void) -> u32,
}

impl Obj {
    /// Allocates `size` bytes and initialises the object at `offset` bytes past an 8-byte
    /// boundary (our library promises any address works; libolm's objects get aligned memory).
    pub fn new(
        size: usize,
        offset: usize,
        init: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
        last_error: unsafe extern "C" fn(*const c_void) -> *const c_char,
        last_error_code: unsafe extern "C" fn(*const c_void) -> u32,
    ) -> Obj {
        let mut memory = vec![0u64; (size + offset).div_ceil(8) + 1];
        // SAFETY: the memory holds `size` bytes from `offset` on.
        let ptr = unsafe { init((memory.as_mut_ptr() as *mut u8).add(offset) as *mut c_void) };
        assert!(!ptr.is_null(), "olm_X(memory) returned NULL");
        Obj { _memory: memory, ptr, last_error, last_error_code }
    }

    /// The object's last error: its code and its string.
    pub fn error(&self) -> (u32, String) {
        // SAFETY: a live object of the kind these functions belong to.
        unsafe { ((self.last_error_code)(self.ptr), c_str((self.last_error)(self.ptr))) }
    }
}

/// What a call did, in the terms that must be identical on both libraries.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Out {
    pub ret: u64,
    pub data: Vec<Vec<u8>>,
    /// The object's last error after the call (code, string); errors are sticky, so this is
    /// compared after successes too.
    pub error: Option<(u32, String)>,
    /// The caller's random buffer after the call (libolm wipes it in some calls).
    pub random: Option<Vec<u8>>,
}

impl Out {
    pub fn ret(ret: u64) -> Out {
        Out { ret, ..Out::default() }
    }

    /// The result of a call on `obj`, with the object's error state.
    pub fn of(obj: &Obj, ret: usize) -> Out {
        Out { ret: ret as u64, data: Vec::new(), error: Some(obj.error()), random: None }
    }

    pub fn with(mut self, data: impl Into<Vec<u8>>) -> Out {
        self.data.push(data.into());
        self
    }

    /// The random buffer as the call left it.
    pub fn with_random(mut self, random: Vec<u8>) -> Out {
        self.random = Some(random);
        self
    }

    pub fn failed(&self) -> bool {
        self.ret == usize::MAX as u64
    }

    pub fn code(&self) -> u32 {
        self.error.as_ref().map_or(0, |e| e.0)
    }

    /// The first output buffer, cut to the returned length.
    pub fn output(&self) -> Vec<u8> {
        let d = self.data.first().cloned().unwrap_or_default();
        if self.failed() {
            return d;
        }
        d[..(self.ret as usize).min(d.len())].to_vec()
    }
}

/// Checks counted per family.
#[derive(Default, Clone, Copy)]
pub struct Count {
    pub passed: u64,
    pub failed: u64,
}

/// The tally of one run.
pub struct Report {
    pub rng: Rng,
    pub counts: BTreeMap<&'static str, Count>,
    pub skipped: BTreeMap<&'static str, String>,
    /// How often each named rule for an architecture-dependent libolm answer was applied.
    pub rules: BTreeMap<&'static str, usize>,
    pub failures: Vec<String>,
    /// Set when "ours" is another copy of libolm (to check the scenarios themselves): then the
    /// deliberate differences are expected to be none, and the inputs on which libolm reads or
    /// writes out of bounds are not given to it.
    pub ours_is_libolm: bool,
}

/// Failures beyond this many are counted but not printed.
const MAX_PRINTED: usize = 40;

impl Report {
    pub fn new(seed: u64) -> Report {
        Report { rng: Rng::new(seed), counts: BTreeMap::new(), skipped: BTreeMap::new(), rules: BTreeMap::new(), failures: Vec::new(), ours_is_libolm: false }
    }

    /// Records one check.
    pub fn check(&mut self, family: &'static str, ok: bool, what: impl FnOnce() -> String) -> bool {
        let count = self.counts.entry(family).or_default();
        if ok {
            count.passed += 1;
        } else {
            count.failed += 1;
            if self.failures.len() < MAX_PRINTED {
                self.failures.push(format!("[{family}] {}", what()));
            }
        }
        ok
    }

    /// Checks that both libraries did the same; returns the common outcome, or `None` when
    /// they diverged (the scenario then stops, as everything after would differ too).
    pub fn same(&mut self, family: &'static str, label: &str, outs: [Out; 2]) -> Option<Out> {
        let [reference, mut ours] = outs;
        // A random buffer libolm wipes must be wiped; ours may wipe it where libolm does not.
        if let (Some(theirs), Some(mine)) = (&reference.random, &ours.random) {
            if theirs.iter().any(|&b| b != 0) && mine.iter().all(|&b| b == 0) {
                ours.random = Some(theirs.clone());
            }
        }
        let ok = reference == ours;
        self.check(family, ok, || format!("{label}: libolm {} / ours {}", show(&reference), show(&ours)));
        ok.then_some(reference)
    }

    /// Runs `f` on both sides (libolm's first) and checks that the outcomes are identical.
    pub fn step<S>(&mut self, family: &'static str, label: &str, sides: &mut [S; 2], mut f: impl FnMut(&mut S) -> Out) -> Option<Out> {
        let [a, b] = sides;
        let outs = [f(a), f(b)];
        self.same(family, label, outs)
    }

    /// As [`Report::step`], for steps that need to know the side (0 libolm, 1 ours), e.g. to
    /// hand one library what the other wrote.
    pub fn stepi<S>(&mut self, family: &'static str, label: &str, sides: &mut [S; 2], mut f: impl FnMut(usize, &mut S) -> Out) -> Option<Out> {
        let [a, b] = sides;
        let outs = [f(0, a), f(1, b)];
        self.same(family, label, outs)
    }

    /// Counts the applications of a named rule (reported, so a rule that never applies shows).
    pub fn rule(&mut self, name: &'static str, applied: usize) {
        *self.rules.entry(name).or_default() += applied;
    }

    /// A deliberate difference: `expected` must hold of (libolm's outcome, ours).
    pub fn differ<S>(
        &mut self,
        family: &'static str,
        label: &str,
        sides: &mut [S; 2],
        mut f: impl FnMut(&mut S) -> Out,
        expected: impl FnOnce(&Out, &Out) -> bool,
    ) -> bool {
        let [a, b] = sides;
        let (reference, ours) = (f(a), f(b));
        let ok = if self.ours_is_libolm { reference == ours } else { expected(&reference, &ours) };
        self.check(family, ok, || format!("{label} (deliberate difference): libolm {} / ours {}", show(&reference), show(&ours)))
    }

    pub fn skip(&mut self, family: &'static str, why: String) {
        self.skipped.insert(family, why);
    }

    pub fn total(&self) -> Count {
        self.counts.values().fold(Count::default(), |a, c| Count { passed: a.passed + c.passed, failed: a.failed + c.failed })
    }
}

fn show(o: &Out) -> String {
    let ret = if o.ret == usize::MAX as u64 { "olm_error()".to_string() } else { o.ret.to_string() };
    let data: Vec<String> = o.data.iter().map(|d| preview(d)).collect();
    let random = o.random.as_ref().map_or(String::new(), |r| format!(" random {}", preview(r)));
    match &o.error {
        Some((code, s)) => format!("ret {ret} err {code} {s} data [{}]{random}", data.join(", ")),
        None => format!("ret {ret} data [{}]{random}", data.join(", ")),
    }
}

fn preview(d: &[u8]) -> String {
    let text: String = d.iter().take(48).map(|&c| if (0x20..0x7f).contains(&c) { c as char } else { '.' }).collect();
    if d.len() > 48 {
        format!("{}b \"{text}...\"", d.len())
    } else {
        format!("{}b \"{text}\"", d.len())
    }
}
