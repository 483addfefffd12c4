//! olm.h, account part: identity keys, one-time keys, fallback keys, signing and pickles.

use std::ffi::c_void;
use std::os::raw::c_char;

use super::error::OlmErrorCode;
use super::{call, clear, init, input, last_error, last_error_code, olm_object, output, query, size, wipe, Object};
use crate::core::account::{Account, FALLBACK_KEY_RANDOM_LENGTH, MAX_ONE_TIME_KEYS, NEW_ACCOUNT_RANDOM_LENGTH, SIGNATURE_BASE64_LENGTH};
use crate::core::pickle::{self, Pickle};

/// An Olm account: a device's identity keys and its one-time and fallback keys.
pub struct OlmAccount(Object<Account>);
olm_object!(OlmAccount, Account);

/// The size of an account object in bytes.
#[no_mangle]
pub extern "C" fn olm_account_size() -> usize {
    size::<OlmAccount>()
}

/// Initialise an account object using the supplied memory. The supplied memory must be at
/// least olm_account_size() bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_account(memory: *mut c_void) -> *mut OlmAccount {
    init(memory)
}

/// A null terminated string describing the most recent error to happen to an account.
#[no_mangle]
pub unsafe extern "C" fn olm_account_last_error(account: *const OlmAccount) -> *const c_char {
    last_error(account)
}

/// An error code describing the most recent error to happen to an account.
#[no_mangle]
pub unsafe extern "C" fn olm_account_last_error_code(account: *const OlmAccount) -> OlmErrorCode {
    last_error_code(account)
}

/// Clears the memory used to back this account.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_account(account: *mut OlmAccount) -> usize {
    clear(account)
}

/// Returns the number of bytes needed to store an account.
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_account_length(account: *const OlmAccount) -> usize {
    query(account, 0, |a| pickle::sealed_len(a.pickle_len()))
}

/// Stores an account as a base64 string, encrypted with the supplied key. Returns the length
/// of the pickled account on success; "OUTPUT_BUFFER_TOO_SMALL" if the output is too small.
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_account(
    account: *mut OlmAccount,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    call(account, |a| pickle::seal(a, input(key, key_length), output(pickled, pickled_length)))
}

/// Loads an account from a pickled base64 string, decrypted with the supplied key. Errors:
/// "BAD_ACCOUNT_KEY" for a wrong key or changed data, "INVALID_BASE64", "CORRUPTED_PICKLE",
/// "UNKNOWN_PICKLE_VERSION", "BAD_LEGACY_ACCOUNT_PICKLE", "OLM_PICKLE_EXTRA_DATA". The input
/// buffer is left intact (libolm destroys it). On failure the account is unchanged.
#[no_mangle]
pub unsafe extern "C" fn olm_unpickle_account(
    account: *mut OlmAccount,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    let (key, pickled) = (input(key, key_length), input(pickled, pickled_length));
    super::unpickle(account, pickled_length, || pickle::open::<Account>(key, pickled))
}

/// The number of random bytes needed to create an account.
#[no_mangle]
pub unsafe extern "C" fn olm_create_account_random_length(account: *const OlmAccount) -> usize {
    query(account, NEW_ACCOUNT_RANDOM_LENGTH, |_| NEW_ACCOUNT_RANDOM_LENGTH)
}

/// Creates a new account. "NOT_ENOUGH_RANDOM" if there weren't enough random bytes. The random
/// buffer is wiped.
#[no_mangle]
pub unsafe extern "C" fn olm_create_account(account: *mut OlmAccount, random: *mut c_void, random_length: usize) -> usize {
    let result = call(account, |a| a.create(input(random, random_length)));
    wipe(random, random_length);
    result
}

/// The size of the output buffer needed to hold the identity keys.
#[no_mangle]
pub unsafe extern "C" fn olm_account_identity_keys_length(account: *const OlmAccount) -> usize {
    query(account, Account::IDENTITY_JSON_LENGTH, |_| Account::IDENTITY_JSON_LENGTH)
}

/// Writes the public parts of the identity keys for the account into the identity_keys
/// output buffer, as JSON. "OUTPUT_BUFFER_TOO_SMALL" if the buffer is too small.
#[no_mangle]
pub unsafe extern "C" fn olm_account_identity_keys(
    account: *mut OlmAccount,
    identity_keys: *mut c_void,
    identity_key_length: usize,
) -> usize {
    call(account, |a| a.identity_json(output(identity_keys, identity_key_length)))
}

/// The length of an ed25519 signature encoded as base64.
#[no_mangle]
pub unsafe extern "C" fn olm_account_signature_length(account: *const OlmAccount) -> usize {
    query(account, SIGNATURE_BASE64_LENGTH, |_| SIGNATURE_BASE64_LENGTH)
}

/// Signs a message with the ed25519 key for this account. "OUTPUT_BUFFER_TOO_SMALL" if the
/// signature buffer is too small.
#[no_mangle]
pub unsafe extern "C" fn olm_account_sign(
    account: *mut OlmAccount,
    message: *const c_void,
    message_length: usize,
    signature: *mut c_void,
    signature_length: usize,
) -> usize {
    call(account, |a| a.sign(input(message, message_length), output(signature, signature_length)))
}

/// The size of the output buffer needed to hold the one time keys.
#[no_mangle]
pub unsafe extern "C" fn olm_account_one_time_keys_length(account: *const OlmAccount) -> usize {
    query(account, 0, |a| a.one_time_keys_json_length())
}

/// Writes the public parts of the unpublished one time keys for the account into the
/// one_time_keys output buffer, as JSON, newest first.
#[no_mangle]
pub unsafe extern "C" fn olm_account_one_time_keys(
    account: *mut OlmAccount,
    one_time_keys: *mut c_void,
    one_time_keys_length: usize,
) -> usize {
    call(account, |a| a.one_time_keys_json(output(one_time_keys, one_time_keys_length)))
}

/// Marks the current set of one time keys and fallback key as being published. Returns the
/// number of one-time keys that were marked.
#[no_mangle]
pub unsafe extern "C" fn olm_account_mark_keys_as_published(account: *mut OlmAccount) -> usize {
    call(account, |a| Ok(a.mark_keys_as_published()))
}

/// The largest number of one time keys this account can store.
#[no_mangle]
pub unsafe extern "C" fn olm_account_max_number_of_one_time_keys(account: *const OlmAccount) -> usize {
    query(account, MAX_ONE_TIME_KEYS, |_| MAX_ONE_TIME_KEYS)
}

/// The number of random bytes needed to generate a given number of new one time keys.
#[no_mangle]
pub unsafe extern "C" fn olm_account_generate_one_time_keys_random_length(
    account: *const OlmAccount,
    number_of_keys: usize,
) -> usize {
    let length = Account::generate_one_time_keys_random_length(number_of_keys);
    query(account, length, |_| length)
}

/// Generates a number of new one time keys. If the total number of keys stored by this account
/// exceeds max_number_of_one_time_keys() then the old keys are discarded. "NOT_ENOUGH_RANDOM"
/// if there weren't enough random bytes. The random buffer is wiped.
#[no_mangle]
pub unsafe extern "C" fn olm_account_generate_one_time_keys(
    account: *mut OlmAccount,
    number_of_keys: usize,
    random: *mut c_void,
    random_length: usize,
) -> usize {
    let result = call(account, |a| a.generate_one_time_keys(number_of_keys, input(random, random_length)));
    wipe(random, random_length);
    result
}

/// The number of random bytes needed to generate a fallback key.
#[no_mangle]
pub unsafe extern "C" fn olm_account_generate_fallback_key_random_length(account: *const OlmAccount) -> usize {
    query(account, FALLBACK_KEY_RANDOM_LENGTH, |_| FALLBACK_KEY_RANDOM_LENGTH)
}

/// Generates a new fallback key; the current one becomes the previous one.
/// "NOT_ENOUGH_RANDOM" if there weren't enough random bytes. The random buffer is wiped.
#[no_mangle]
pub unsafe extern "C" fn olm_account_generate_fallback_key(
    account: *mut OlmAccount,
    random: *mut c_void,
    random_length: usize,
) -> usize {
    let result = call(account, |a| a.generate_fallback_key(input(random, random_length)));
    wipe(random, random_length);
    result
}

/// The number of bytes needed to hold the fallback key as returned by olm_account_fallback_key.
#[no_mangle]
pub unsafe extern "C" fn olm_account_fallback_key_length(account: *const OlmAccount) -> usize {
    query(account, 0, |a| a.fallback_key_json_length())
}

/// Deprecated: use olm_account_unpublished_fallback_key instead. Writes the current fallback
/// key, published or not, as JSON.
#[no_mangle]
pub unsafe extern "C" fn olm_account_fallback_key(
    account: *mut OlmAccount,
    fallback_key: *mut c_void,
    fallback_key_size: usize,
) -> usize {
    call(account, |a| a.fallback_key_json(output(fallback_key, fallback_key_size)))
}

/// The number of bytes needed to hold the unpublished fallback key as returned by
/// olm_account_unpublished_fallback_key.
#[no_mangle]
pub unsafe extern "C" fn olm_account_unpublished_fallback_key_length(account: *const OlmAccount) -> usize {
    query(account, 0, |a| a.unpublished_fallback_key_json_length())
}

/// Writes the fallback key, if it has not been published yet, as JSON.
#[no_mangle]
pub unsafe extern "C" fn olm_account_unpublished_fallback_key(
    account: *mut OlmAccount,
    fallback_key: *mut c_void,
    fallback_key_size: usize,
) -> usize {
    call(account, |a| a.unpublished_fallback_key_json(output(fallback_key, fallback_key_size)))
}

/// Forget about the old fallback key. This should be called once you are reasonably certain
/// that you will not receive any more messages that use the old fallback key.
#[no_mangle]
pub unsafe extern "C" fn olm_account_forget_old_fallback_key(account: *mut OlmAccount) {
    call(account, |a| {
        a.forget_old_fallback_key();
        Ok(0)
    });
}
