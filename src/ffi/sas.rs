//! sas.h: Short Authentication String verification.

use std::ffi::c_void;
use std::os::raw::{c_char, c_int};

use super::error::OlmErrorCode;
use super::{call, clear, init, input, last_error, last_error_code, olm_object, output, query, size, Object};
use crate::core::sas::{Sas, SasMac, SAS_MAC_LENGTH, SAS_PUBLIC_KEY_LENGTH, SAS_RANDOM_LENGTH};

/// The state of one Short Authentication String verification: our key pair and the secret
/// shared with the other party.
pub struct OlmSAS(Object<Sas>);
olm_object!(OlmSAS, Sas);

/// A null terminated string describing the most recent error to happen to an SAS object.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_last_error(sas: *const OlmSAS) -> *const c_char {
    last_error(sas)
}

/// An error code describing the most recent error to happen to an SAS object.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_last_error_code(sas: *const OlmSAS) -> OlmErrorCode {
    last_error_code(sas)
}

/// The size of an SAS object in bytes.
#[no_mangle]
pub extern "C" fn olm_sas_size() -> usize {
    size::<OlmSAS>()
}

/// Initialise an SAS object using the supplied memory, which must be at least olm_sas_size()
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_sas(memory: *mut c_void) -> *mut OlmSAS {
    init(memory)
}

/// Clears the memory used to back an SAS object.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_sas(sas: *mut OlmSAS) -> usize {
    clear(sas)
}

/// The number of random bytes needed to create an SAS object.
#[no_mangle]
pub unsafe extern "C" fn olm_create_sas_random_length(sas: *const OlmSAS) -> usize {
    query(sas, SAS_RANDOM_LENGTH, |_| SAS_RANDOM_LENGTH)
}

/// Create our key pair from random bytes, forgetting any key of the other party. Returns
/// olm_error() with "NOT_ENOUGH_RANDOM" if there are fewer than olm_create_sas_random_length()
/// bytes. The random buffer is left as it is.
#[no_mangle]
pub unsafe extern "C" fn olm_create_sas(sas: *mut OlmSAS, random: *mut c_void, random_length: usize) -> usize {
    call(sas, |s| s.create(input(random, random_length)))
}

/// The size of a base64 public key.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_pubkey_length(sas: *const OlmSAS) -> usize {
    query(sas, SAS_PUBLIC_KEY_LENGTH, |_| SAS_PUBLIC_KEY_LENGTH)
}

/// Write our base64 public key. Returns olm_error() with "OUTPUT_BUFFER_TOO_SMALL" if the buffer
/// is smaller than olm_sas_pubkey_length().
#[no_mangle]
pub unsafe extern "C" fn olm_sas_get_pubkey(sas: *mut OlmSAS, pubkey: *mut c_void, pubkey_length: usize) -> usize {
    call(sas, |s| s.public_key(output(pubkey, pubkey_length)))
}

/// Set the other party's base64 public key. Returns olm_error() on failure:
/// "OLM_INPUT_BUFFER_TOO_SMALL" if it is shorter than olm_sas_pubkey_length(), "INVALID_BASE64"
/// if it is not base64 of a usable key. The buffer is left intact.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_set_their_key(sas: *mut OlmSAS, their_key: *mut c_void, their_key_length: usize) -> usize {
    call(sas, |s| s.set_their_key(input(their_key, their_key_length)))
}

/// Whether the other party's key is set: 1 if so, 0 if not.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_is_their_key_set(sas: *const OlmSAS) -> c_int {
    query(sas, 0, |s| s.is_their_key_set() as c_int)
}

/// Fill output with bytes derived from the shared secret and info, for the short
/// authentication string. Returns olm_error() with "OLM_SAS_THEIR_KEY_NOT_SET" if the other
/// party's key is not set.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_generate_bytes(
    sas: *mut OlmSAS,
    info: *const c_void,
    info_length: usize,
    output: *mut c_void,
    output_length: usize,
) -> usize {
    call(sas, |s| s.generate_bytes(input(info, info_length), super::output(output, output_length)))
}

/// The size of a base64 MAC.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_mac_length(sas: *const OlmSAS) -> usize {
    query(sas, SAS_MAC_LENGTH, |_| SAS_MAC_LENGTH)
}

/// One body for the three MAC functions (which take libolm's arguments, hence their number).
#[allow(clippy::too_many_arguments)]
unsafe fn calculate_mac(
    sas: *mut OlmSAS,
    method: SasMac,
    message: *const c_void,
    message_length: usize,
    info: *const c_void,
    info_length: usize,
    mac: *mut c_void,
    mac_length: usize,
) -> usize {
    call(sas, |s| s.calculate_mac(method, input(message, message_length), input(info, info_length), output(mac, mac_length)))
}

/// Write the base64 MAC of input under a key derived from the shared secret and info, with
/// libolm's historical base64 (the Matrix "hkdf-hmac-sha256" method). Returns olm_error():
/// "OUTPUT_BUFFER_TOO_SMALL" if mac is smaller than olm_sas_mac_length(),
/// "OLM_SAS_THEIR_KEY_NOT_SET" if the other party's key is not set.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_calculate_mac(
    sas: *mut OlmSAS,
    input: *const c_void,
    input_length: usize,
    info: *const c_void,
    info_length: usize,
    mac: *mut c_void,
    mac_length: usize,
) -> usize {
    calculate_mac(sas, SasMac::Historical, input, input_length, info, info_length, mac, mac_length)
}

/// As olm_sas_calculate_mac(), with standard base64 (the Matrix "hkdf-hmac-sha256.v2" method).
#[no_mangle]
pub unsafe extern "C" fn olm_sas_calculate_mac_fixed_base64(
    sas: *mut OlmSAS,
    input: *const c_void,
    input_length: usize,
    info: *const c_void,
    info_length: usize,
    mac: *mut c_void,
    mac_length: usize,
) -> usize {
    calculate_mac(sas, SasMac::FixedBase64, input, input_length, info, info_length, mac, mac_length)
}

/// As olm_sas_calculate_mac(), with a 256-byte derived key, for compatibility with an old Riot.
#[no_mangle]
pub unsafe extern "C" fn olm_sas_calculate_mac_long_kdf(
    sas: *mut OlmSAS,
    input: *const c_void,
    input_length: usize,
    info: *const c_void,
    info_length: usize,
    mac: *mut c_void,
    mac_length: usize,
) -> usize {
    calculate_mac(sas, SasMac::LongKdf, input, input_length, info, info_length, mac, mac_length)
}
