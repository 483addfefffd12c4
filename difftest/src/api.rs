//! libolm's C API as tables of function pointers, loaded from a library by path.
//!
//! Each family is loaded whole or not at all: a family our library does not export completely
//! yet is absent (its scenarios are skipped), and the names it lacks are reported.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::path::{Path, PathBuf};

use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};

type Obj = *mut c_void;
type CObj = *const c_void;
type In = *const u8;
type Out = *mut u8;

macro_rules! family {
    ($(#[$doc:meta])* $name:ident { $($f:ident : fn($($a:ty),*) $(-> $r:ty)?;)* }) => {
        $(#[$doc])*
        #[allow(non_snake_case)]
        pub struct $name { $(pub $f: unsafe extern "C" fn($($a),*) $(-> $r)?,)* }
        impl $name {
            /// Every C name of the family.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($f)),*];
            /// The family, or the names that `lib` does not export.
            fn load(lib: &Library) -> Result<Self, Vec<&'static str>> {
                let mut missing = Vec::new();
                $(
                    // SAFETY: the type is the prototype libolm's headers declare for this name.
                    let $f = unsafe {
                        lib.get::<unsafe extern "C" fn($($a),*) $(-> $r)?>(concat!(stringify!($f), "\0").as_bytes())
                    }.map(|s| *s).map_err(|_| missing.push(stringify!($f))).ok();
                )*
                if !missing.is_empty() {
                    return Err(missing);
                }
                Ok(Self { $($f: $f.unwrap(),)* })
            }
        }
    };
    // A family our library exports: also its table from the symbols linked into this binary.
    (@linked $(#[$doc:meta])* $name:ident { $($f:ident : fn($($a:ty),*) $(-> $r:ty)?;)* }) => {
        family!($(#[$doc])* $name { $($f : fn($($a),*) $(-> $r)?;)* });
        #[cfg(feature = "linked")]
        impl $name {
            /// The family as linked into this binary (the `olm` crate's C API, statically),
            /// for a process that links our library instead of loading it (the fuzz targets).
            pub fn linked() -> Self {
                extern "C" { $(fn $f($(_: $a),*) $(-> $r)?;)* }
                Self { $($f,)* }
            }
        }
    };
}

family!(
    @linked
    /// olm.h's utility part and error.h.
    Utility {
    olm_get_library_version: fn(*mut u8, *mut u8, *mut u8);
    olm_error: fn() -> usize;
    _olm_error_to_string: fn(u32) -> *const c_char;
    olm_utility_size: fn() -> usize;
    olm_utility: fn(*mut c_void) -> Obj;
    olm_utility_last_error: fn(CObj) -> *const c_char;
    olm_utility_last_error_code: fn(CObj) -> u32;
    olm_clear_utility: fn(Obj) -> usize;
    olm_sha256_length: fn(CObj) -> usize;
    olm_sha256: fn(Obj, In, usize, Out, usize) -> usize;
    olm_ed25519_verify: fn(Obj, In, usize, In, usize, Out, usize) -> usize;
});

family!(
    @linked
    /// olm.h's account part.
    Account {
    olm_account_size: fn() -> usize;
    olm_account: fn(*mut c_void) -> Obj;
    olm_account_last_error: fn(CObj) -> *const c_char;
    olm_account_last_error_code: fn(CObj) -> u32;
    olm_clear_account: fn(Obj) -> usize;
    olm_pickle_account_length: fn(CObj) -> usize;
    olm_pickle_account: fn(Obj, In, usize, Out, usize) -> usize;
    olm_unpickle_account: fn(Obj, In, usize, Out, usize) -> usize;
    olm_create_account_random_length: fn(CObj) -> usize;
    olm_create_account: fn(Obj, Out, usize) -> usize;
    olm_account_identity_keys_length: fn(CObj) -> usize;
    olm_account_identity_keys: fn(Obj, Out, usize) -> usize;
    olm_account_signature_length: fn(CObj) -> usize;
    olm_account_sign: fn(Obj, In, usize, Out, usize) -> usize;
    olm_account_one_time_keys_length: fn(CObj) -> usize;
    olm_account_one_time_keys: fn(Obj, Out, usize) -> usize;
    olm_account_mark_keys_as_published: fn(Obj) -> usize;
    olm_account_max_number_of_one_time_keys: fn(CObj) -> usize;
    olm_account_generate_one_time_keys_random_length: fn(CObj, usize) -> usize;
    olm_account_generate_one_time_keys: fn(Obj, usize, Out, usize) -> usize;
    olm_account_generate_fallback_key_random_length: fn(CObj) -> usize;
    olm_account_generate_fallback_key: fn(Obj, Out, usize) -> usize;
    olm_account_fallback_key_length: fn(CObj) -> usize;
    olm_account_fallback_key: fn(Obj, Out, usize) -> usize;
    olm_account_unpublished_fallback_key_length: fn(CObj) -> usize;
    olm_account_unpublished_fallback_key: fn(Obj, Out, usize) -> usize;
    olm_account_forget_old_fallback_key: fn(Obj);
});

family!(
    @linked
    /// olm.h's session part.
    Session {
    olm_session_size: fn() -> usize;
    olm_session: fn(*mut c_void) -> Obj;
    olm_session_last_error: fn(CObj) -> *const c_char;
    olm_session_last_error_code: fn(CObj) -> u32;
    olm_clear_session: fn(Obj) -> usize;
    olm_pickle_session_length: fn(CObj) -> usize;
    olm_pickle_session: fn(Obj, In, usize, Out, usize) -> usize;
    olm_unpickle_session: fn(Obj, In, usize, Out, usize) -> usize;
    olm_create_outbound_session_random_length: fn(CObj) -> usize;
    olm_create_outbound_session: fn(Obj, CObj, In, usize, In, usize, Out, usize) -> usize;
    olm_create_inbound_session: fn(Obj, Obj, Out, usize) -> usize;
    olm_create_inbound_session_from: fn(Obj, Obj, In, usize, Out, usize) -> usize;
    olm_session_id_length: fn(CObj) -> usize;
    olm_session_id: fn(Obj, Out, usize) -> usize;
    olm_session_has_received_message: fn(CObj) -> c_int;
    olm_session_describe: fn(Obj, *mut c_char, usize);
    olm_matches_inbound_session: fn(Obj, Out, usize) -> usize;
    olm_matches_inbound_session_from: fn(Obj, In, usize, Out, usize) -> usize;
    olm_remove_one_time_keys: fn(Obj, Obj) -> usize;
    olm_encrypt_message_type: fn(CObj) -> usize;
    olm_encrypt_random_length: fn(CObj) -> usize;
    olm_encrypt_message_length: fn(CObj, usize) -> usize;
    olm_encrypt: fn(Obj, In, usize, Out, usize, Out, usize) -> usize;
    olm_decrypt_max_plaintext_length: fn(Obj, usize, Out, usize) -> usize;
    olm_decrypt: fn(Obj, usize, Out, usize, Out, usize) -> usize;
});

family!(
    @linked
    /// outbound_group_session.h and inbound_group_session.h.
    Megolm {
    olm_outbound_group_session_size: fn() -> usize;
    olm_outbound_group_session: fn(*mut c_void) -> Obj;
    olm_outbound_group_session_last_error: fn(CObj) -> *const c_char;
    olm_outbound_group_session_last_error_code: fn(CObj) -> u32;
    olm_clear_outbound_group_session: fn(Obj) -> usize;
    olm_pickle_outbound_group_session_length: fn(CObj) -> usize;
    olm_pickle_outbound_group_session: fn(Obj, In, usize, Out, usize) -> usize;
    olm_unpickle_outbound_group_session: fn(Obj, In, usize, Out, usize) -> usize;
    olm_init_outbound_group_session_random_length: fn(CObj) -> usize;
    olm_init_outbound_group_session: fn(Obj, Out, usize) -> usize;
    olm_group_encrypt_message_length: fn(Obj, usize) -> usize;
    olm_group_encrypt: fn(Obj, In, usize, Out, usize) -> usize;
    olm_outbound_group_session_id_length: fn(CObj) -> usize;
    olm_outbound_group_session_id: fn(Obj, Out, usize) -> usize;
    olm_outbound_group_session_message_index: fn(Obj) -> u32;
    olm_outbound_group_session_key_length: fn(CObj) -> usize;
    olm_outbound_group_session_key: fn(Obj, Out, usize) -> usize;
    olm_inbound_group_session_size: fn() -> usize;
    olm_inbound_group_session: fn(*mut c_void) -> Obj;
    olm_inbound_group_session_last_error: fn(CObj) -> *const c_char;
    olm_inbound_group_session_last_error_code: fn(CObj) -> u32;
    olm_clear_inbound_group_session: fn(Obj) -> usize;
    olm_pickle_inbound_group_session_length: fn(CObj) -> usize;
    olm_pickle_inbound_group_session: fn(Obj, In, usize, Out, usize) -> usize;
    olm_unpickle_inbound_group_session: fn(Obj, In, usize, Out, usize) -> usize;
    olm_init_inbound_group_session: fn(Obj, In, usize) -> usize;
    olm_import_inbound_group_session: fn(Obj, In, usize) -> usize;
    olm_group_decrypt_max_plaintext_length: fn(Obj, Out, usize) -> usize;
    olm_group_decrypt: fn(Obj, Out, usize, Out, usize, *mut u32) -> usize;
    olm_inbound_group_session_id_length: fn(CObj) -> usize;
    olm_inbound_group_session_id: fn(Obj, Out, usize) -> usize;
    olm_inbound_group_session_first_known_index: fn(CObj) -> u32;
    olm_inbound_group_session_is_verified: fn(CObj) -> c_int;
    olm_export_inbound_group_session_length: fn(CObj) -> usize;
    olm_export_inbound_group_session: fn(Obj, Out, usize, u32) -> usize;
});

family!(
    @linked
    /// pk.h.
    Pk {
    olm_pk_encryption_size: fn() -> usize;
    olm_pk_encryption: fn(*mut c_void) -> Obj;
    olm_pk_encryption_last_error: fn(CObj) -> *const c_char;
    olm_pk_encryption_last_error_code: fn(CObj) -> u32;
    olm_clear_pk_encryption: fn(Obj) -> usize;
    olm_pk_encryption_set_recipient_key: fn(Obj, In, usize) -> usize;
    olm_pk_ciphertext_length: fn(CObj, usize) -> usize;
    olm_pk_mac_length: fn(CObj) -> usize;
    olm_pk_key_length: fn() -> usize;
    olm_pk_encrypt_random_length: fn(CObj) -> usize;
    olm_pk_encrypt: fn(Obj, In, usize, Out, usize, Out, usize, Out, usize, In, usize) -> usize;
    olm_pk_decryption_size: fn() -> usize;
    olm_pk_decryption: fn(*mut c_void) -> Obj;
    olm_pk_decryption_last_error: fn(CObj) -> *const c_char;
    olm_pk_decryption_last_error_code: fn(CObj) -> u32;
    olm_clear_pk_decryption: fn(Obj) -> usize;
    olm_pk_private_key_length: fn() -> usize;
    olm_pk_generate_key_random_length: fn() -> usize;
    olm_pk_key_from_private: fn(Obj, Out, usize, In, usize) -> usize;
    olm_pk_generate_key: fn(Obj, Out, usize, In, usize) -> usize;
    olm_pickle_pk_decryption_length: fn(CObj) -> usize;
    olm_pickle_pk_decryption: fn(Obj, In, usize, Out, usize) -> usize;
    olm_unpickle_pk_decryption: fn(Obj, In, usize, Out, usize, Out, usize) -> usize;
    olm_pk_max_plaintext_length: fn(CObj, usize) -> usize;
    olm_pk_decrypt: fn(Obj, In, usize, In, usize, Out, usize, Out, usize) -> usize;
    olm_pk_get_private_key: fn(Obj, Out, usize) -> usize;
    olm_pk_signing_size: fn() -> usize;
    olm_pk_signing: fn(*mut c_void) -> Obj;
    olm_pk_signing_last_error: fn(CObj) -> *const c_char;
    olm_pk_signing_last_error_code: fn(CObj) -> u32;
    olm_clear_pk_signing: fn(Obj) -> usize;
    olm_pk_signing_key_from_seed: fn(Obj, Out, usize, In, usize) -> usize;
    olm_pk_signing_seed_length: fn() -> usize;
    olm_pk_signing_public_key_length: fn() -> usize;
    olm_pk_signature_length: fn() -> usize;
    olm_pk_sign: fn(Obj, In, usize, Out, usize) -> usize;
});

family!(
    @linked
    /// sas.h.
    Sas {
    olm_sas_last_error: fn(CObj) -> *const c_char;
    olm_sas_last_error_code: fn(CObj) -> u32;
    olm_sas_size: fn() -> usize;
    olm_sas: fn(*mut c_void) -> Obj;
    olm_clear_sas: fn(Obj) -> usize;
    olm_create_sas_random_length: fn(CObj) -> usize;
    olm_create_sas: fn(Obj, Out, usize) -> usize;
    olm_sas_pubkey_length: fn(CObj) -> usize;
    olm_sas_get_pubkey: fn(Obj, Out, usize) -> usize;
    olm_sas_set_their_key: fn(Obj, Out, usize) -> usize;
    olm_sas_is_their_key_set: fn(CObj) -> c_int;
    olm_sas_generate_bytes: fn(Obj, In, usize, Out, usize) -> usize;
    olm_sas_mac_length: fn(CObj) -> usize;
    olm_sas_calculate_mac: fn(Obj, In, usize, In, usize, Out, usize) -> usize;
    olm_sas_calculate_mac_fixed_base64: fn(Obj, In, usize, In, usize, Out, usize) -> usize;
    olm_sas_calculate_mac_long_kdf: fn(Obj, In, usize, In, usize, Out, usize) -> usize;
});

family!(
    /// libolm's internal base64 codec, which Debian's build exports (not part of our API).
    Base64 {
    _olm_encode_base64_length: fn(usize) -> usize;
    _olm_encode_base64: fn(In, usize, Out) -> usize;
    _olm_decode_base64_length: fn(usize) -> usize;
    _olm_decode_base64: fn(In, usize, Out) -> usize;
});

/// A family that is loaded, or the names the library lacks.
pub type Loaded<T> = Result<T, Vec<&'static str>>;

/// One library, loaded privately (RTLD_LOCAL) from its own path.
pub struct Lib {
    pub path: PathBuf,
    pub utility: Loaded<Utility>,
    pub account: Loaded<Account>,
    pub session: Loaded<Session>,
    pub megolm: Loaded<Megolm>,
    pub pk: Loaded<Pk>,
    pub sas: Loaded<Sas>,
    pub base64: Loaded<Base64>,
    // Last, so that it is unloaded after the function tables are gone (None: linked in).
    _library: Option<Library>,
}

impl Lib {
    /// Loads the library at `path`. Two libraries with the same soname coexist as long as they
    /// are opened by distinct paths with RTLD_LOCAL: each lookup goes to its own handle.
    pub fn open(path: &Path) -> Result<Lib, String> {
        if !path.is_file() {
            return Err(format!("{}: no such file", path.display()));
        }
        // SAFETY: loading runs the library's initialisers, which for libolm (C++ statics) and
        // for ours (none) have no requirements.
        let library = unsafe { Library::open(Some(path), RTLD_NOW | RTLD_LOCAL) }
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Lib {
            path: path.to_path_buf(),
            utility: Utility::load(&library),
            account: Account::load(&library),
            session: Session::load(&library),
            megolm: Megolm::load(&library),
            pk: Pk::load(&library),
            sas: Sas::load(&library),
            base64: Base64::load(&library),
            _library: Some(library),
        })
    }

    /// Our library as linked into this binary (feature `linked`): every family but libolm's
    /// internal base64 codec, which we do not export.
    #[cfg(feature = "linked")]
    pub fn linked() -> Lib {
        Lib {
            path: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("<this binary>")),
            utility: Ok(Utility::linked()),
            account: Ok(Account::linked()),
            session: Ok(Session::linked()),
            megolm: Ok(Megolm::linked()),
            pk: Ok(Pk::linked()),
            sas: Ok(Sas::linked()),
            base64: Err(Base64::NAMES.to_vec()),
            _library: None,
        }
    }

    /// The first family (the utility family first) that the library lacks, with the names it
    /// lacks: the reference must have every family, libolm's internal base64 codec included.
    pub fn first_missing_family(&self) -> Option<(&'static str, &[&'static str])> {
        [
            ("utility", self.utility.as_ref().err()),
            ("account", self.account.as_ref().err()),
            ("session", self.session.as_ref().err()),
            ("megolm", self.megolm.as_ref().err()),
            ("pk", self.pk.as_ref().err()),
            ("sas", self.sas.as_ref().err()),
            ("base64", self.base64.as_ref().err()),
        ]
        .into_iter()
        .find_map(|(family, missing)| Some((family, missing?.as_slice())))
    }

    /// The utility family, which every library this harness drives must have.
    pub fn util(&self) -> &Utility {
        self.utility.as_ref().expect("utility family")
    }

    /// `olm_get_library_version`.
    pub fn version(&self) -> (u8, u8, u8) {
        let (mut a, mut b, mut c) = (0, 0, 0);
        // SAFETY: three valid out pointers.
        unsafe { (self.util().olm_get_library_version)(&mut a, &mut b, &mut c) };
        (a, b, c)
    }
}

/// A C string returned by a library (static error strings).
pub(crate) fn c_str(p: *const c_char) -> String {
    if p.is_null() {
        return "<null>".to_string();
    }
    // SAFETY: libolm's error strings are static and NUL-terminated.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}
