//! olm.h, utility part: the utility object, SHA-256, Ed25519 verification, and library-wide
//! functions.

use std::ffi::c_void;
use std::os::raw::c_char;

use super::error::OlmErrorCode;
use super::{call, clear, init, last_error, last_error_code, olm_object, query, size, Object, ERROR};
use crate::core::utility::{sha256_base64, verify_ed25519_base64, SHA256_BASE64_LENGTH};

/// The utility object has no state of its own beyond its last error.
#[derive(Default)]
pub struct UtilityState;

/// Utility functions: SHA-256 and Ed25519 signature verification.
pub struct OlmUtility(Object<UtilityState>);
olm_object!(OlmUtility, UtilityState);

/// Get the version number of the library (the libolm release whose API this library matches).
#[no_mangle]
pub unsafe extern "C" fn olm_get_library_version(major: *mut u8, minor: *mut u8, patch: *mut u8) {
    let (a, b, c) = crate::LIBOLM_VERSION;
    if let Some(m) = major.as_mut() {
        *m = a;
    }
    if let Some(m) = minor.as_mut() {
        *m = b;
    }
    if let Some(m) = patch.as_mut() {
        *m = c;
    }
}

/// The value that all functions return if there is an error.
#[no_mangle]
pub extern "C" fn olm_error() -> usize {
    ERROR
}

/// The size of a utility object in bytes.
#[no_mangle]
pub extern "C" fn olm_utility_size() -> usize {
    size::<OlmUtility>()
}

/// Initialise a utility object using the supplied memory. The supplied memory must be at least
/// olm_utility_size() bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_utility(memory: *mut c_void) -> *mut OlmUtility {
    init(memory)
}

/// A null terminated string describing the most recent error to happen to a utility.
#[no_mangle]
pub unsafe extern "C" fn olm_utility_last_error(utility: *const OlmUtility) -> *const c_char {
    last_error(utility)
}

/// An error code describing the most recent error to happen to a utility.
#[no_mangle]
pub unsafe extern "C" fn olm_utility_last_error_code(utility: *const OlmUtility) -> OlmErrorCode {
    last_error_code(utility)
}

/// Clears the memory used to back this utility.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_utility(utility: *mut OlmUtility) -> usize {
    clear(utility)
}

/// The length of the buffer needed to hold the SHA-256 hash.
#[no_mangle]
pub unsafe extern "C" fn olm_sha256_length(utility: *const OlmUtility) -> usize {
    query(utility, SHA256_BASE64_LENGTH, |_| SHA256_BASE64_LENGTH)
}

/// Calculates the SHA-256 hash of the input and encodes it as base64. If the output buffer is
/// smaller than olm_sha256_length() then olm_utility_last_error() will be
/// "OUTPUT_BUFFER_TOO_SMALL".
#[no_mangle]
pub unsafe extern "C" fn olm_sha256(
    utility: *mut OlmUtility,
    input: *const c_void,
    input_length: usize,
    output: *mut c_void,
    output_length: usize,
) -> usize {
    call(utility, |_| sha256_base64(super::input(input, input_length), super::output(output, output_length)))
}

/// Verify an ed25519 signature. If the key was too small then olm_utility_last_error() will be
/// "INVALID_BASE64". If the signature was invalid then olm_utility_last_error() will be
/// "BAD_MESSAGE_MAC".
#[no_mangle]
pub unsafe extern "C" fn olm_ed25519_verify(
    utility: *mut OlmUtility,
    key: *const c_void,
    key_length: usize,
    message: *const c_void,
    message_length: usize,
    signature: *mut c_void,
    signature_length: usize,
) -> usize {
    call(utility, |_| {
        verify_ed25519_base64(
            super::input(key, key_length),
            super::input(message, message_length),
            super::input(signature, signature_length),
        )
    })
}
