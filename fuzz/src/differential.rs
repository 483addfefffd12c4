//! Differential fuzzing against libolm: the shared part of the `diff_*` targets.
//!
//! Every input runs through both libraries in one process: Debian's libolm
//! (/usr/lib/<multiarch>/libolm.so.3, difftest::REFERENCE, loaded by path with RTLD_LOCAL through difftest's
//! function tables) and ours, linked into the fuzz binary (the `olm` crate, built with
//! AddressSanitizer by cargo-fuzz). Both get the same bytes; the target fails on any
//! difference in return value, error code and string, output bytes, or state afterwards (both
//! objects pickled under one key), except where a deliberate difference (README, "Deliberate
//! differences from libolm") applies: each is a [`Rule`], recognised by a condition on the
//! input or on libolm's result that the harness computes itself, never by skipping a call.
//!
//! Start-up checks that the two copies cannot reach each other: our C symbols are not in the
//! process's global scope (so libolm's own references resolve inside libolm), libolm's
//! functions lie in libolm's file and ours in this binary, and the versions differ.

use std::cell::Cell;
use std::ffi::{c_void, CString};
use std::fmt::Debug;
use std::path::Path;
use std::sync::OnceLock;

use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::montgomery::MontgomeryPoint;
pub use difftest::api::{Account, Lib, Megolm, Pk, Sas, Session, Utility};
pub use difftest::harness::Obj;

/// Debian's libolm, the reference.
pub const REFERENCE: &str = difftest::REFERENCE;

/// Index of each library in the pairs below.
pub const LIBOLM: usize = 0;
pub const OURS: usize = 1;
pub const SIDES: [&str; 2] = ["libolm", "ours"];

/// The error codes the rules look for (libolm's OlmErrorCode).
pub const OUTPUT_BUFFER_TOO_SMALL: u32 = 2;
pub const BAD_MESSAGE_MAC: u32 = 5;
pub const BAD_MESSAGE_KEY_ID: u32 = 6;
pub const INVALID_BASE64: u32 = 7;
pub const CORRUPTED_PICKLE: u32 = 10;
pub const UNKNOWN_MESSAGE_INDEX: u32 = 12;
pub const BAD_SIGNATURE: u32 = 14;
pub const OLM_SAS_THEIR_KEY_NOT_SET: u32 = 16;

/// The pickle key of every object the differential targets pickle.
pub const PICKLE_KEY: &[u8] = b"differential fuzz pickle key";

static LIBS: OnceLock<[Lib; 2]> = OnceLock::new();

/// libolm and ours, loaded and checked once per process.
pub fn libs() -> &'static [Lib; 2] {
    LIBS.get_or_init(|| {
        let reference = Lib::open(Path::new(REFERENCE))
            .unwrap_or_else(|e| panic!("the differential targets need Debian's libolm3 (apt-get install libolm3): {e}"));
        if let Some((family, missing)) = reference.first_missing_family() {
            panic!("{REFERENCE} lacks the {family} family: {missing:?}");
        }
        let ours = Lib::linked();
        check_separation(&reference, &ours);
        [reference, ours]
    })
}

/// The file a function's code lies in (dladdr).
fn file_of(f: *const c_void) -> String {
    // SAFETY: dladdr only reads the loader's tables; info is plain data.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    if unsafe { libc::dladdr(f, &mut info) } == 0 || info.dli_fname.is_null() {
        return "<unknown>".to_string();
    }
    // SAFETY: dladdr's file name is a NUL-terminated string owned by the loader.
    unsafe { std::ffi::CStr::from_ptr(info.dli_fname) }.to_string_lossy().into_owned()
}

fn same_file(a: &str, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Proves that each call reaches its own library and that neither copy can bind to the other.
fn check_separation(reference: &Lib, ours: &Lib) {
    // Our C API is linked into this executable but must not be exported from it: a symbol in
    // the global scope would take precedence over libolm's own definition in every reference
    // libolm makes to its own exported functions (ELF interposition), RTLD_LOCAL or not.
    let names = [Utility::NAMES, Account::NAMES, Session::NAMES, Megolm::NAMES, Pk::NAMES, Sas::NAMES];
    for name in names.iter().flat_map(|n| n.iter()) {
        let c = CString::new(*name).unwrap();
        // SAFETY: a lookup by name in the global scope.
        let global = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
        assert!(global.is_null(), "{name} is in the global symbol scope ({}): libolm could bind to it", file_of(global));
    }
    let exe = std::env::current_exe().expect("this executable's path");
    let probes: [(&str, [*const c_void; 2]); 6] = [
        ("olm_ed25519_verify", [reference.util().olm_ed25519_verify as *const c_void, ours.util().olm_ed25519_verify as *const c_void]),
        ("olm_unpickle_account", [account(reference).olm_unpickle_account as *const c_void, account(ours).olm_unpickle_account as *const c_void]),
        ("olm_decrypt", [session(reference).olm_decrypt as *const c_void, session(ours).olm_decrypt as *const c_void]),
        ("olm_group_decrypt", [megolm(reference).olm_group_decrypt as *const c_void, megolm(ours).olm_group_decrypt as *const c_void]),
        ("olm_pk_decrypt", [pk(reference).olm_pk_decrypt as *const c_void, pk(ours).olm_pk_decrypt as *const c_void]),
        ("olm_sas_set_their_key", [sas(reference).olm_sas_set_their_key as *const c_void, sas(ours).olm_sas_set_their_key as *const c_void]),
    ];
    for (name, [theirs, mine]) in probes {
        let (tf, of) = (file_of(theirs), file_of(mine));
        assert!(same_file(&tf, Path::new(REFERENCE)), "libolm's {name} lies in {tf}, not in {REFERENCE}");
        assert!(same_file(&of, &exe), "our {name} lies in {of}, not in this binary ({})", exe.display());
    }
    let (rv, ov) = (reference.version(), ours.version());
    assert!(rv.0 == 3 && ov == (3, 2, 16) && rv != ov, "versions: libolm {rv:?}, ours {ov:?}: not two distinct libraries");
}

pub fn account(lib: &Lib) -> &Account {
    lib.account.as_ref().expect("account family")
}
pub fn session(lib: &Lib) -> &Session {
    lib.session.as_ref().expect("session family")
}
pub fn megolm(lib: &Lib) -> &Megolm {
    lib.megolm.as_ref().expect("megolm family")
}
pub fn pk(lib: &Lib) -> &Pk {
    lib.pk.as_ref().expect("pk family")
}
pub fn sas(lib: &Lib) -> &Sas {
    lib.sas.as_ref().expect("sas family")
}

/// The object kinds the targets create, pickle and unpickle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Utility,
    Account,
    Session,
    Outbound,
    Inbound,
    PkDecryption,
    PkEncryption,
    Sas,
}

/// The kinds that have pickles, in the order of the unpickle target's selector.
pub const PICKLED: [Kind; 5] = [Kind::Account, Kind::Session, Kind::Outbound, Kind::Inbound, Kind::PkDecryption];

/// A fresh object of `kind` in memory of its own.
pub fn new_obj(lib: &Lib, kind: Kind) -> Obj {
    // SAFETY: the size functions take no argument; Obj::new initialises the memory it sized.
    unsafe {
        match kind {
            Kind::Utility => {
                let u = lib.util();
                Obj::new((u.olm_utility_size)(), 0, u.olm_utility, u.olm_utility_last_error, u.olm_utility_last_error_code)
            }
            Kind::Account => {
                let a = account(lib);
                Obj::new((a.olm_account_size)(), 0, a.olm_account, a.olm_account_last_error, a.olm_account_last_error_code)
            }
            Kind::Session => {
                let s = session(lib);
                Obj::new((s.olm_session_size)(), 0, s.olm_session, s.olm_session_last_error, s.olm_session_last_error_code)
            }
            Kind::Outbound => {
                let m = megolm(lib);
                Obj::new(
                    (m.olm_outbound_group_session_size)(),
                    0,
                    m.olm_outbound_group_session,
                    m.olm_outbound_group_session_last_error,
                    m.olm_outbound_group_session_last_error_code,
                )
            }
            Kind::Inbound => {
                let m = megolm(lib);
                Obj::new(
                    (m.olm_inbound_group_session_size)(),
                    0,
                    m.olm_inbound_group_session,
                    m.olm_inbound_group_session_last_error,
                    m.olm_inbound_group_session_last_error_code,
                )
            }
            Kind::PkDecryption => {
                let p = pk(lib);
                Obj::new((p.olm_pk_decryption_size)(), 0, p.olm_pk_decryption, p.olm_pk_decryption_last_error, p.olm_pk_decryption_last_error_code)
            }
            Kind::PkEncryption => {
                let p = pk(lib);
                Obj::new((p.olm_pk_encryption_size)(), 0, p.olm_pk_encryption, p.olm_pk_encryption_last_error, p.olm_pk_encryption_last_error_code)
            }
            Kind::Sas => {
                let s = sas(lib);
                Obj::new((s.olm_sas_size)(), 0, s.olm_sas, s.olm_sas_last_error, s.olm_sas_last_error_code)
            }
        }
    }
}

/// What one call did: its return value, the object's last error afterwards (sticky, so it is
/// compared after successes too) and any output bytes.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub ret: usize,
    pub error: (u32, String),
    pub data: Vec<Vec<u8>>,
}

impl Outcome {
    pub fn of(obj: &Obj, ret: usize) -> Outcome {
        Outcome { ret, error: obj.error(), data: Vec::new() }
    }
    pub fn with(mut self, data: impl Into<Vec<u8>>) -> Outcome {
        self.data.push(data.into());
        self
    }
    pub fn failed(&self) -> bool {
        self.ret == usize::MAX
    }
    pub fn code(&self) -> u32 {
        self.error.0
    }
    /// Failed with this error.
    pub fn failed_with(&self, code: u32) -> bool {
        self.failed() && self.code() == code
    }
}

impl Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ret = if self.failed() { "olm_error()".to_string() } else { self.ret.to_string() };
        write!(f, "ret {ret}, error {} {}", self.error.0, self.error.1)?;
        for d in &self.data {
            write!(f, ", {}b {}", d.len(), hex(&d[..d.len().min(96)]))?;
        }
        Ok(())
    }
}

pub fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// The steps one library went through on one input, by label.
pub type Trace = Vec<(&'static str, Outcome)>;

/// The first step at which the two traces differ.
pub fn first_difference(traces: &[Trace; 2]) -> Option<usize> {
    let [t, o] = traces;
    (0..t.len().max(o.len())).find(|&i| t.get(i) != o.get(i))
}

/// Fails the target: a difference that no deliberate-difference rule explains.
pub fn fail(target: &str, input: &[u8], traces: &[Trace; 2], at: usize) -> ! {
    let show = |side: usize| -> String {
        traces[side].iter().map(|(label, out)| format!("\n    {label}: {out:?}")).collect()
    };
    let label = traces[LIBOLM].get(at).or(traces[OURS].get(at)).map_or("?", |s| s.0);
    panic!(
        "{target}: libolm and ours differ at step {at} ({label}) on input {}\n  libolm:{}\n  ours:{}",
        if input.len() > 512 { format!("{}... ({} bytes)", hex(&input[..512]), input.len()) } else { hex(input) },
        show(LIBOLM),
        show(OURS)
    );
}

/// Compares the traces; returns the first difference's index, or None when they are identical.
pub fn compare(traces: &[Trace; 2]) -> Option<(usize, &'static str)> {
    first_difference(traces).map(|i| (i, traces[LIBOLM].get(i).or(traces[OURS].get(i)).map_or("?", |s| s.0)))
}

/// The step with this label on one side.
pub fn step<'a>(trace: &'a Trace, label: &str) -> Option<&'a Outcome> {
    trace.iter().find(|(l, _)| *l == label).map(|(_, o)| o)
}

// --- Deliberate differences ---------------------------------------------------------------

/// The deliberate differences of README.md ("Deliberate differences from libolm"), each with
/// the input condition under which it is recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// (README 1) Strict Ed25519: a signature with S ≥ L, or a small-order key or R, verifies in
    /// libolm and fails in ours with the error of a bad signature.
    StrictEd25519,
    /// (README 2) No out-of-bounds access: an input on which libolm reads past a buffer (a pk
    /// ciphertext of no whole AES block) is not given to libolm; ours must refuse it.
    NoOutOfBounds,
    /// (README 3) Non-contributory X25519 refused: a low-order public key, whose shared secret is all
    /// zero, is refused by ours where libolm uses it.
    NonContributoryX25519,
    /// (README 4) Pickles libolm never writes (a list count beyond capacity): ours refuses them with
    /// CORRUPTED_PICKLE where libolm loads them.
    PickleLibolmNeverWrites,
    /// (README 5) A failed call changes nothing: where both fail identically, ours is left as it was
    /// before the call while libolm may be half-written.
    FailedCallChangesNothing,
}

pub const RULES: [Rule; 5] =
    [Rule::StrictEd25519, Rule::NoOutOfBounds, Rule::NonContributoryX25519, Rule::PickleLibolmNeverWrites, Rule::FailedCallChangesNothing];

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::StrictEd25519 => "strict_ed25519",
            Rule::NoOutOfBounds => "no_out_of_bounds",
            Rule::NonContributoryX25519 => "non_contributory_x25519",
            Rule::PickleLibolmNeverWrites => "pickle_libolm_never_writes",
            Rule::FailedCallChangesNothing => "failed_call_changes_nothing",
        }
    }
}

thread_local! {
    /// How often each rule explained a difference on this thread (the replay tests check that
    /// the seeds exercise every rule).
    static HITS: [Cell<u64>; 5] = const { [const { Cell::new(0) }; 5] };
}

/// Records that `rule` explained a difference.
pub fn excused(rule: Rule) {
    HITS.with(|h| h[rule as usize].set(h[rule as usize].get() + 1));
}

/// Rule hits on this thread so far.
pub fn hits() -> [(Rule, u64); 5] {
    HITS.with(|h| RULES.map(|r| (r, h[r as usize].get())))
}

/// The group order of Ed25519, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0x10,
];

/// S ≥ L, for a little-endian scalar.
pub fn scalar_not_reduced(s: &[u8]) -> bool {
    for i in (0..32).rev() {
        if s[i] != L[i] {
            return s[i] > L[i];
        }
    }
    true
}

/// s + L (little-endian; the carry out of 256 bits is dropped): the malleated S.
pub fn add_l(s: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = s[i] as u16 + L[i] as u16 + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    out
}

/// An Edwards point encoding that decodes to a point of small order.
pub fn small_order_edwards(bytes: &[u8]) -> bool {
    let Ok(b) = <[u8; 32]>::try_from(bytes) else { return false };
    CompressedEdwardsY(b).decompress().is_some_and(|p| p.is_small_order())
}

/// The Ed25519 condition of rule 1 on a public key and a 64-byte signature (R ‖ S).
pub fn strict_ed25519_refuses(key: &[u8], signature: &[u8]) -> bool {
    signature.len() == 64 && (scalar_not_reduced(&signature[32..]) || small_order_edwards(&signature[..32]) || small_order_edwards(key))
}

/// A Curve25519 public key whose X25519 with any clamped scalar is all zero (low order).
pub fn low_order_x25519(bytes: &[u8]) -> bool {
    let Ok(u) = <[u8; 32]>::try_from(bytes) else { return false };
    MontgomeryPoint(u).mul_clamped([0x5a; 32]).0 == [0u8; 32]
}

/// libolm's own (lenient) base64 decoding, through its exported internal codec: what libolm
/// made of an input, independent of our decoder. None when libolm refuses the length.
pub fn libolm_base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let b = libs()[LIBOLM].base64.as_ref().expect("libolm's base64 codec");
    // SAFETY: the output is sized by libolm's own length function.
    unsafe {
        let n = (b._olm_decode_base64_length)(text.len());
        if n == usize::MAX {
            return None;
        }
        let mut out = vec![0u8; n];
        (b._olm_decode_base64)(text.as_ptr(), text.len(), out.as_mut_ptr());
        Some(out)
    }
}

pub fn libolm_base64_decoded_length(len: usize) -> usize {
    let b = libs()[LIBOLM].base64.as_ref().expect("libolm's base64 codec");
    // SAFETY: a pure function of a length.
    unsafe { (b._olm_decode_base64_length)(len) }
}

/// Curve25519 low-order points (u-coordinates): 0, 1, and the points of order 8, and their
/// non-canonical encodings u + p.
pub const LOW_ORDER_X25519: [[u8; 32]; 4] = [
    [0; 32],
    [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c,
        0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
    ],
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58,
        0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57,
    ],
];

// --- Pickles --------------------------------------------------------------------------------

/// Pickles `obj` of `kind` under [`PICKLE_KEY`]: its state, to compare. A pickle call that
/// fails is state too (its error).
pub fn pickle(lib: &Lib, kind: Kind, obj: &Obj) -> Vec<u8> {
    let (length, pickle) = match kind {
        Kind::Account => (account(lib).olm_pickle_account_length, account(lib).olm_pickle_account),
        Kind::Session => (session(lib).olm_pickle_session_length, session(lib).olm_pickle_session),
        Kind::Outbound => (megolm(lib).olm_pickle_outbound_group_session_length, megolm(lib).olm_pickle_outbound_group_session),
        Kind::Inbound => (megolm(lib).olm_pickle_inbound_group_session_length, megolm(lib).olm_pickle_inbound_group_session),
        Kind::PkDecryption => (pk(lib).olm_pickle_pk_decryption_length, pk(lib).olm_pickle_pk_decryption),
        other => panic!("{other:?} has no pickle"),
    };
    let k = PICKLE_KEY;
    // SAFETY: the buffer is as long as the library's own length function says.
    unsafe {
        let len = length(obj.ptr);
        let mut out = vec![0u8; len];
        let ret = pickle(obj.ptr, k.as_ptr(), k.len(), out.as_mut_ptr(), len);
        if ret != len {
            return format!("pickle failed: ret {ret}, error {:?}", obj.error()).into_bytes();
        }
        out
    }
}

/// Unpickles `text` (a copy: libolm decrypts in place) into `obj` of `kind`. For a pk
/// decryption, the public key it writes is the outcome's data.
pub fn unpickle(lib: &Lib, kind: Kind, obj: &Obj, text: &[u8]) -> Outcome {
    let k = PICKLE_KEY;
    let mut t = text.to_vec();
    // SAFETY: every pointer is to a live buffer of the length passed with it.
    unsafe {
        let ret = match kind {
            Kind::Account => (account(lib).olm_unpickle_account)(obj.ptr, k.as_ptr(), k.len(), t.as_mut_ptr(), t.len()),
            Kind::Session => (session(lib).olm_unpickle_session)(obj.ptr, k.as_ptr(), k.len(), t.as_mut_ptr(), t.len()),
            Kind::Outbound => (megolm(lib).olm_unpickle_outbound_group_session)(obj.ptr, k.as_ptr(), k.len(), t.as_mut_ptr(), t.len()),
            Kind::Inbound => (megolm(lib).olm_unpickle_inbound_group_session)(obj.ptr, k.as_ptr(), k.len(), t.as_mut_ptr(), t.len()),
            Kind::PkDecryption => {
                let mut public = [0u8; 43];
                let ret = (pk(lib).olm_unpickle_pk_decryption)(obj.ptr, k.as_ptr(), k.len(), t.as_mut_ptr(), t.len(), public.as_mut_ptr(), 43);
                return Outcome::of(obj, ret).with(public);
            }
            other => panic!("{other:?} has no pickle"),
        };
        Outcome::of(obj, ret)
    }
}

/// A fresh object of `kind` loaded from `pickle` (which must load).
pub fn load(lib: &Lib, kind: Kind, text: &[u8]) -> Obj {
    let obj = new_obj(lib, kind);
    let out = unpickle(lib, kind, &obj, text);
    assert!(!out.failed(), "fixture pickle of {kind:?} does not load: {out:?}");
    obj
}

/// The plain bytes of a pickle under [`PICKLE_KEY`], if it is one (our envelope code, used
/// only to build inputs and to read list counts).
pub fn open_pickle(text: &[u8]) -> Option<Vec<u8>> {
    use olm::core::crypto::{CipherKeys, CIPHER_MAC_LENGTH};
    let mut binary = crate::mutate::base64_decode(text)?;
    if binary.len() < CIPHER_MAC_LENGTH {
        return None;
    }
    let ct_length = binary.len() - CIPHER_MAC_LENGTH;
    let keys = CipherKeys::derive(PICKLE_KEY, b"Pickle");
    let mac = keys.mac(&binary[..ct_length]);
    if mac[..CIPHER_MAC_LENGTH] != binary[ct_length..] {
        return None;
    }
    let n = keys.decrypt_in_place(&mut binary[..ct_length])?;
    binary.truncate(n);
    Some(binary)
}

pub fn seal_pickle(plain: &[u8]) -> Vec<u8> {
    crate::mutate::seal_pickle(PICKLE_KEY, plain)
}

fn be32(d: &[u8], at: usize) -> Option<usize> {
    d.get(at..at + 4).map(|b| u32::from_be_bytes(b.try_into().unwrap()) as usize)
}

/// Rule 4's condition: a list in the plain pickle claims more items than libolm's lists hold
/// (account: 100 one-time keys; session: 1 sender chain, 5 receiver chains, 40 skipped
/// message keys). Layouts as libolm writes them (big-endian counts).
pub fn list_beyond_capacity(kind: Kind, plain: &[u8]) -> bool {
    match kind {
        // version, Ed25519 pair (32 + 64), Curve25519 pair (32 + 32), then the key count.
        Kind::Account => be32(plain, 4 + 96 + 64).is_some_and(|n| n > 100),
        // version, received flag, three keys, root key; then the three lists.
        Kind::Session => {
            let mut at = 4 + 1 + 96 + 32;
            for (capacity, item) in [(1, 64 + 32 + 4), (5, 32 + 32 + 4), (40, 32 + 32 + 4)] {
                let Some(n) = be32(plain, at) else { return false };
                if n > capacity {
                    return true;
                }
                at += 4 + n * item;
            }
            false
        }
        _ => false,
    }
}
