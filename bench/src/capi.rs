//! libolm's C ABI, loaded at run time from a given path, with every symbol optional so that
//! families our library does not export yet show up as "not exported" instead of failing.

use std::ffi::{c_char, c_void, CStr};
use std::path::Path;

use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};

pub type Obj = *mut c_void;
pub type CObj = *const c_void;
type LastError = unsafe extern "C" fn(CObj) -> *const c_char;

macro_rules! c_api {
    ($($name:ident : fn($($arg:ty),*) -> $ret:ty;)*) => {
        /// Function pointers into one loaded library; `None` where the symbol is absent.
        #[allow(non_snake_case)]
        pub struct Api {
            _library: Library,
            $(pub $name: Option<unsafe extern "C" fn($($arg),*) -> $ret>,)*
        }

        impl Api {
            /// Loads `path` privately (RTLD_LOCAL), so two libraries with the same SONAME and
            /// the same symbol names coexist in one process.
            pub fn load(path: &Path) -> Result<&'static Api, String> {
                // SAFETY: loading a libolm-compatible library runs no constructors we depend on;
                // the symbols are only called with the prototypes of libolm 3.2's headers.
                unsafe {
                    let library = Library::open(Some(path), RTLD_NOW | RTLD_LOCAL)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    $(let $name = library
                        .get::<unsafe extern "C" fn($($arg),*) -> $ret>(
                            concat!(stringify!($name), "\0").as_bytes())
                        .ok()
                        .map(|symbol| *symbol);)*
                    // The library stays loaded for the whole run; the pointers live as long.
                    Ok(Box::leak(Box::new(Api { _library: library, $($name,)* })))
                }
            }
        }
    };
}

c_api! {
    olm_get_library_version: fn(*mut u8, *mut u8, *mut u8) -> ();
    olm_account_size: fn() -> usize;
    olm_account: fn(*mut u8) -> Obj;
    olm_account_last_error: fn(CObj) -> *const c_char;
    olm_create_account_random_length: fn(CObj) -> usize;
    olm_create_account: fn(Obj, *mut u8, usize) -> usize;
    olm_account_identity_keys_length: fn(CObj) -> usize;
    olm_account_identity_keys: fn(Obj, *mut u8, usize) -> usize;
    olm_account_signature_length: fn(CObj) -> usize;
    olm_account_sign: fn(Obj, *const u8, usize, *mut u8, usize) -> usize;
    olm_account_generate_one_time_keys_random_length: fn(CObj, usize) -> usize;
    olm_account_generate_one_time_keys: fn(Obj, usize, *mut u8, usize) -> usize;
    olm_account_generate_fallback_key_random_length: fn(CObj) -> usize;
    olm_account_generate_fallback_key: fn(Obj, *mut u8, usize) -> usize;
    olm_account_fallback_key_length: fn(CObj) -> usize;
    olm_account_fallback_key: fn(Obj, *mut u8, usize) -> usize;
    olm_pickle_account_length: fn(CObj) -> usize;
    olm_pickle_account: fn(Obj, *const u8, usize, *mut u8, usize) -> usize;
    olm_unpickle_account: fn(Obj, *const u8, usize, *mut u8, usize) -> usize;

    olm_utility_size: fn() -> usize;
    olm_utility: fn(*mut u8) -> Obj;
    olm_utility_last_error: fn(CObj) -> *const c_char;
    olm_sha256_length: fn(CObj) -> usize;
    olm_sha256: fn(Obj, *const u8, usize, *mut u8, usize) -> usize;
    olm_ed25519_verify: fn(Obj, *const u8, usize, *const u8, usize, *mut u8, usize) -> usize;

    olm_session_size: fn() -> usize;
    olm_session: fn(*mut u8) -> Obj;
    olm_session_last_error: fn(CObj) -> *const c_char;
    olm_create_outbound_session_random_length: fn(CObj) -> usize;
    olm_create_outbound_session: fn(Obj, CObj, *const u8, usize, *const u8, usize, *mut u8, usize) -> usize;
    olm_create_inbound_session: fn(Obj, Obj, *mut u8, usize) -> usize;
    olm_encrypt_message_type: fn(CObj) -> usize;
    olm_encrypt_random_length: fn(CObj) -> usize;
    olm_encrypt_message_length: fn(CObj, usize) -> usize;
    olm_encrypt: fn(Obj, *const u8, usize, *mut u8, usize, *mut u8, usize) -> usize;
    olm_decrypt: fn(Obj, usize, *mut u8, usize, *mut u8, usize) -> usize;
    olm_pickle_session_length: fn(CObj) -> usize;
    olm_pickle_session: fn(Obj, *const u8, usize, *mut u8, usize) -> usize;
    olm_unpickle_session: fn(Obj, *const u8, usize, *mut u8, usize) -> usize;

    olm_outbound_group_session_size: fn() -> usize;
    olm_outbound_group_session: fn(*mut u8) -> Obj;
    olm_outbound_group_session_last_error: fn(CObj) -> *const c_char;
    olm_init_outbound_group_session_random_length: fn(CObj) -> usize;
    olm_init_outbound_group_session: fn(Obj, *mut u8, usize) -> usize;
    olm_group_encrypt_message_length: fn(Obj, usize) -> usize;
    olm_group_encrypt: fn(Obj, *const u8, usize, *mut u8, usize) -> usize;
    olm_outbound_group_session_key_length: fn(CObj) -> usize;
    olm_outbound_group_session_key: fn(Obj, *mut u8, usize) -> usize;
    olm_inbound_group_session_size: fn() -> usize;
    olm_inbound_group_session: fn(*mut u8) -> Obj;
    olm_inbound_group_session_last_error: fn(CObj) -> *const c_char;
    olm_init_inbound_group_session: fn(Obj, *const u8, usize) -> usize;
    olm_group_decrypt: fn(Obj, *mut u8, usize, *mut u8, usize, *mut u32) -> usize;
    olm_export_inbound_group_session_length: fn(CObj) -> usize;
    olm_export_inbound_group_session: fn(Obj, *mut u8, usize, u32) -> usize;

    olm_pk_encryption_size: fn() -> usize;
    olm_pk_encryption: fn(*mut u8) -> Obj;
    olm_pk_encryption_last_error: fn(CObj) -> *const c_char;
    olm_pk_encryption_set_recipient_key: fn(Obj, *const u8, usize) -> usize;
    olm_pk_ciphertext_length: fn(CObj, usize) -> usize;
    olm_pk_mac_length: fn(CObj) -> usize;
    olm_pk_key_length: fn() -> usize;
    olm_pk_encrypt_random_length: fn(CObj) -> usize;
    olm_pk_encrypt: fn(Obj, *const u8, usize, *mut u8, usize, *mut u8, usize, *mut u8, usize, *mut u8, usize) -> usize;
    olm_pk_decryption_size: fn() -> usize;
    olm_pk_decryption: fn(*mut u8) -> Obj;
    olm_pk_decryption_last_error: fn(CObj) -> *const c_char;
    olm_pk_key_from_private: fn(Obj, *mut u8, usize, *const u8, usize) -> usize;
    olm_pk_max_plaintext_length: fn(CObj, usize) -> usize;
    olm_pk_decrypt: fn(Obj, *const u8, usize, *const u8, usize, *mut u8, usize, *mut u8, usize) -> usize;

    olm_sas_size: fn() -> usize;
    olm_sas: fn(*mut u8) -> Obj;
    olm_sas_last_error: fn(CObj) -> *const c_char;
    olm_create_sas_random_length: fn(CObj) -> usize;
    olm_create_sas: fn(Obj, *mut u8, usize) -> usize;
    olm_sas_set_their_key: fn(Obj, *mut u8, usize) -> usize;
    olm_sas_mac_length: fn(CObj) -> usize;
    olm_sas_calculate_mac_fixed_base64: fn(Obj, *const u8, usize, *const u8, usize, *mut u8, usize) -> usize;
}

/// Why an operation cannot be prepared for a library.
pub enum Unavailable {
    /// The library does not export this symbol (yet).
    Missing(&'static str),
    /// Setting up failed: a real error, reported as a failure of the run.
    Failed(String),
}

impl From<String> for Unavailable {
    fn from(message: String) -> Self {
        Unavailable::Failed(message)
    }
}

/// The function pointer `$api.$name`, or `Unavailable::Missing`.
#[macro_export]
macro_rules! sym {
    ($api:expr, $name:ident) => {
        $api.$name.ok_or($crate::capi::Unavailable::Missing(stringify!($name)))?
    };
}

/// An object in caller-owned memory, as libolm's API wants it.
pub struct Object {
    _memory: Vec<u8>,
    // Private, read through ptr(): a closure that uses an object then captures all of it
    // (memory included), not just a copy of the pointer to memory that would be freed.
    ptr: Obj,
    last_error: LastError,
}

impl Object {
    pub fn ptr(&self) -> Obj {
        self.ptr
    }

    pub fn new(size: unsafe extern "C" fn() -> usize, init: unsafe extern "C" fn(*mut u8) -> Obj, last_error: LastError) -> Object {
        // SAFETY: size() and init() are libolm's constructors; the memory is as large as asked.
        unsafe {
            let mut memory = vec![0u8; size()];
            let ptr = init(memory.as_mut_ptr());
            Object { _memory: memory, ptr, last_error }
        }
    }

    /// `result`, or the object's last error when it is `olm_error()`.
    pub fn check(&self, result: usize, what: &str) -> Result<usize, String> {
        if result == usize::MAX {
            // SAFETY: last_error returns a static NUL-terminated string for a valid object.
            let message = unsafe { CStr::from_ptr((self.last_error)(self.ptr)) };
            Err(format!("{what}: {}", message.to_string_lossy()))
        } else {
            Ok(result)
        }
    }
}

macro_rules! object_kind {
    ($fn_name:ident, $size:ident, $init:ident, $err:ident) => {
        pub fn $fn_name(api: &Api) -> Result<Object, Unavailable> {
            Ok(Object::new(sym!(api, $size), sym!(api, $init), sym!(api, $err)))
        }
    };
}
object_kind!(new_account_object, olm_account_size, olm_account, olm_account_last_error);
object_kind!(new_session_object, olm_session_size, olm_session, olm_session_last_error);
object_kind!(new_utility, olm_utility_size, olm_utility, olm_utility_last_error);
object_kind!(new_outbound_group, olm_outbound_group_session_size, olm_outbound_group_session, olm_outbound_group_session_last_error);
object_kind!(new_inbound_group, olm_inbound_group_session_size, olm_inbound_group_session, olm_inbound_group_session_last_error);
object_kind!(new_pk_encryption, olm_pk_encryption_size, olm_pk_encryption, olm_pk_encryption_last_error);
object_kind!(new_pk_decryption, olm_pk_decryption_size, olm_pk_decryption, olm_pk_decryption_last_error);
object_kind!(new_sas, olm_sas_size, olm_sas, olm_sas_last_error);

pub fn version(api: &Api) -> String {
    let Some(get) = api.olm_get_library_version else { return "?".into() };
    let (mut major, mut minor, mut patch) = (0u8, 0u8, 0u8);
    // SAFETY: three valid out-pointers.
    unsafe { get(&mut major, &mut minor, &mut patch) };
    format!("{major}.{minor}.{patch}")
}
