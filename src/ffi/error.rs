//! error.h: libolm's error codes.

use std::os::raw::c_char;

use crate::core::error::error_code_str_nul;
use crate::core::OlmError;

/// libolm's error codes, returned by the `*_last_error_code` functions.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OlmErrorCode {
    /// There wasn't an error
    OLM_SUCCESS = 0,
    /// Not enough entropy was supplied
    OLM_NOT_ENOUGH_RANDOM = 1,
    /// Supplied output buffer is too small
    OLM_OUTPUT_BUFFER_TOO_SMALL = 2,
    /// The message version is unsupported
    OLM_BAD_MESSAGE_VERSION = 3,
    /// The message couldn't be decoded
    OLM_BAD_MESSAGE_FORMAT = 4,
    /// The message couldn't be decrypted
    OLM_BAD_MESSAGE_MAC = 5,
    /// The message references an unknown key id
    OLM_BAD_MESSAGE_KEY_ID = 6,
    /// The input base64 was invalid
    OLM_INVALID_BASE64 = 7,
    /// The supplied account key is invalid
    OLM_BAD_ACCOUNT_KEY = 8,
    /// The pickled object is too new
    OLM_UNKNOWN_PICKLE_VERSION = 9,
    /// The pickled object couldn't be decoded
    OLM_CORRUPTED_PICKLE = 10,
    /// Attempt to initialise an inbound group session from an invalid session key
    OLM_BAD_SESSION_KEY = 11,
    /// Attempt to decode a message whose index is earlier than the earliest known session key
    OLM_UNKNOWN_MESSAGE_INDEX = 12,
    /// Attempt to unpickle an account which uses pickle version 1 (which did not save enough
    /// space for the Ed25519 key; the key should be considered compromised)
    OLM_BAD_LEGACY_ACCOUNT_PICKLE = 13,
    /// Received message had a bad signature
    OLM_BAD_SIGNATURE = 14,
    /// The input was too short
    OLM_INPUT_BUFFER_TOO_SMALL = 15,
    /// SAS doesn't have their key set
    OLM_SAS_THEIR_KEY_NOT_SET = 16,
    /// The pickled object was successfully decoded, but the unpickling still failed because it
    /// had some extraneous junk data at the end
    OLM_PICKLE_EXTRA_DATA = 17,
}

impl From<OlmError> for OlmErrorCode {
    fn from(e: OlmError) -> Self {
        use OlmErrorCode::*;
        match e {
            OlmError::NotEnoughRandom => OLM_NOT_ENOUGH_RANDOM,
            OlmError::OutputBufferTooSmall => OLM_OUTPUT_BUFFER_TOO_SMALL,
            OlmError::BadMessageVersion => OLM_BAD_MESSAGE_VERSION,
            OlmError::BadMessageFormat => OLM_BAD_MESSAGE_FORMAT,
            OlmError::BadMessageMac => OLM_BAD_MESSAGE_MAC,
            OlmError::BadMessageKeyId => OLM_BAD_MESSAGE_KEY_ID,
            OlmError::InvalidBase64 => OLM_INVALID_BASE64,
            OlmError::BadAccountKey => OLM_BAD_ACCOUNT_KEY,
            OlmError::UnknownPickleVersion => OLM_UNKNOWN_PICKLE_VERSION,
            OlmError::CorruptedPickle => OLM_CORRUPTED_PICKLE,
            OlmError::BadSessionKey => OLM_BAD_SESSION_KEY,
            OlmError::UnknownMessageIndex => OLM_UNKNOWN_MESSAGE_INDEX,
            OlmError::BadLegacyAccountPickle => OLM_BAD_LEGACY_ACCOUNT_PICKLE,
            OlmError::BadSignature => OLM_BAD_SIGNATURE,
            OlmError::InputBufferTooSmall => OLM_INPUT_BUFFER_TOO_SMALL,
            OlmError::SasTheirKeyNotSet => OLM_SAS_THEIR_KEY_NOT_SET,
            OlmError::PickleExtraData => OLM_PICKLE_EXTRA_DATA,
        }
    }
}

/// The NUL-terminated static string for an error code, as every `*_last_error` returns it.
pub(crate) fn error_string(code: u32) -> *const c_char {
    error_code_str_nul(code).as_ptr().cast()
}

/// An `enum OlmErrorCode` as C passes it in: any value of the underlying integer type, which a
/// Rust enum parameter could not soundly receive. The header spells it `enum OlmErrorCode`.
#[repr(transparent)]
pub struct OlmErrorCodeArg(u32);

/// The string for an error code; "UNKNOWN_ERROR" for values that are not libolm error codes.
#[no_mangle]
pub extern "C" fn _olm_error_to_string(error: OlmErrorCodeArg) -> *const c_char {
    error_string(error.0)
}
