//! olm.h, session part: Olm sessions (the Double Ratchet) between two accounts.

use std::ffi::c_void;
use std::os::raw::{c_char, c_int};

use super::account::OlmAccount;
use super::error::OlmErrorCode;
use super::{
    call, clear, init, input, last_error, last_error_code, olm_object, output, query, size, state_ref, wipe,
    Object,
};
use crate::core::account::Account;
use crate::core::olm::session::{
    decode_base64_in_place, decode_key, Session, MESSAGE_TYPE_PRE_KEY, OUTBOUND_RANDOM_LENGTH, SESSION_ID_BASE64_LENGTH,
};
use crate::core::pickle::{self, Pickle};
use crate::core::OlmError;

/// The type of a pre-key message, sent until the session has received a message.
pub const OLM_MESSAGE_TYPE_PRE_KEY: usize = 0;
/// The type of a normal message.
pub const OLM_MESSAGE_TYPE_MESSAGE: usize = 1;

/// An Olm session with one other device.
pub struct OlmSession(Object<Session>);
olm_object!(OlmSession, Session);

/// libolm dereferences a null account; we report it as an unusable account instead.
const NO_ACCOUNT: OlmError = OlmError::BadAccountKey;

unsafe fn account<'a>(account: *const OlmAccount) -> Result<&'a Account, OlmError> {
    state_ref(account).ok_or(NO_ACCOUNT)
}

/// The size of a session object in bytes.
#[no_mangle]
pub extern "C" fn olm_session_size() -> usize {
    size::<OlmSession>()
}

/// Initialise a session object using the supplied memory. The supplied memory must be at least
/// olm_session_size() bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_session(memory: *mut c_void) -> *mut OlmSession {
    init(memory)
}

/// A null terminated string describing the most recent error to happen to a session.
#[no_mangle]
pub unsafe extern "C" fn olm_session_last_error(session: *const OlmSession) -> *const c_char {
    last_error(session)
}

/// An error code describing the most recent error to happen to a session.
#[no_mangle]
pub unsafe extern "C" fn olm_session_last_error_code(session: *const OlmSession) -> OlmErrorCode {
    last_error_code(session)
}

/// Clears the memory used to back this session.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_session(session: *mut OlmSession) -> usize {
    clear(session)
}

/// Returns the number of bytes needed to store a session.
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_session_length(session: *const OlmSession) -> usize {
    query(session, 0, |s| pickle::sealed_len(s.pickle_len()))
}

/// Stores a session as a base64 string, encrypted with the supplied key. Returns the length of
/// the pickled session on success; "OUTPUT_BUFFER_TOO_SMALL" if the output is too small.
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_session(
    session: *mut OlmSession,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    call(session, |s| pickle::seal(s, input(key, key_length), output(pickled, pickled_length)))
}

/// Loads a session from a pickled base64 string, decrypted with the supplied key. Errors:
/// "BAD_ACCOUNT_KEY" for a wrong key or changed data, "INVALID_BASE64", "CORRUPTED_PICKLE",
/// "UNKNOWN_PICKLE_VERSION", "OLM_PICKLE_EXTRA_DATA". The input buffer is left intact (libolm
/// destroys it). On failure the session is unchanged.
#[no_mangle]
pub unsafe extern "C" fn olm_unpickle_session(
    session: *mut OlmSession,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    let (key, pickled) = (input(key, key_length), input(pickled, pickled_length));
    super::unpickle(session, pickled_length, || pickle::open::<Session>(key, pickled))
}

/// The number of random bytes needed to create an outbound session.
#[no_mangle]
pub unsafe extern "C" fn olm_create_outbound_session_random_length(session: *const OlmSession) -> usize {
    query(session, OUTBOUND_RANDOM_LENGTH, |_| OUTBOUND_RANDOM_LENGTH)
}

/// Creates a new out-bound session for sending messages to a given identity_key and
/// one_time_key. Returns olm_error() on failure. If the keys couldn't be decoded as base64 then
/// olm_session_last_error() will be "INVALID_BASE64". If there weren't enough random bytes then
/// olm_session_last_error() will be "NOT_ENOUGH_RANDOM". A key of small order (which would make
/// the shared secret public) is refused with "BAD_MESSAGE_KEY_ID", where libolm accepts it. The
/// random buffer is wiped once the keys have been decoded.
#[no_mangle]
pub unsafe extern "C" fn olm_create_outbound_session(
    session: *mut OlmSession,
    account: *const OlmAccount,
    their_identity_key: *const c_void,
    their_identity_key_length: usize,
    their_one_time_key: *const c_void,
    their_one_time_key_length: usize,
    random: *mut c_void,
    random_length: usize,
) -> usize {
    call(session, |s| {
        let their_identity_key = decode_key(input(their_identity_key, their_identity_key_length))?;
        let their_one_time_key = decode_key(input(their_one_time_key, their_one_time_key_length))?;
        let account = self::account(account);
        let created = account.and_then(|a| {
            Session::new_outbound(a.identity_curve25519(), &their_identity_key, &their_one_time_key, input(random, random_length))
        });
        wipe(random, random_length);
        *s = created?;
        Ok(0)
    })
}

/// Create a new in-bound session for sending/receiving messages from an incoming PRE_KEY
/// message. Returns olm_error() on failure. If the base64 couldn't be decoded then
/// olm_session_last_error will be "INVALID_BASE64". If the message couldn't be decoded then olm_session_last_error() will be "BAD_MESSAGE_FORMAT". If the
/// message refers to an unknown one time key then olm_session_last_error() will be
/// "BAD_MESSAGE_KEY_ID". The message buffer is decoded in place (destroyed), as in libolm.
#[no_mangle]
pub unsafe extern "C" fn olm_create_inbound_session(
    session: *mut OlmSession,
    account: *mut OlmAccount,
    one_time_key_message: *mut c_void,
    message_length: usize,
) -> usize {
    call(session, |s| {
        let message = decode_base64_in_place(output(one_time_key_message, message_length))?;
        let account = self::account(account)?;
        *s = Session::new_inbound(account.identity_curve25519(), |k| account.lookup_one_time_key(k), None, message)?;
        Ok(0)
    })
}

/// Same as olm_create_inbound_session, but ensures that the identity key in the pre-key message
/// matches the expected identity key, supplied via the their_identity_key parameter. Fails
/// early if there is no match ("BAD_MESSAGE_KEY_ID").
#[no_mangle]
pub unsafe extern "C" fn olm_create_inbound_session_from(
    session: *mut OlmSession,
    account: *mut OlmAccount,
    their_identity_key: *const c_void,
    their_identity_key_length: usize,
    one_time_key_message: *mut c_void,
    message_length: usize,
) -> usize {
    call(session, |s| {
        let their_identity_key = decode_key(input(their_identity_key, their_identity_key_length))?;
        let message = decode_base64_in_place(output(one_time_key_message, message_length))?;
        let account = self::account(account)?;
        *s = Session::new_inbound(
            account.identity_curve25519(),
            |k| account.lookup_one_time_key(k),
            Some(&their_identity_key),
            message,
        )?;
        Ok(0)
    })
}

/// The length of the buffer needed to return the id for this session.
#[no_mangle]
pub unsafe extern "C" fn olm_session_id_length(session: *const OlmSession) -> usize {
    query(session, SESSION_ID_BASE64_LENGTH, |_| SESSION_ID_BASE64_LENGTH)
}

/// An identifier for this session. Will be the same for both ends of the conversation. If the
/// id buffer is too small then olm_session_last_error() will be "OUTPUT_BUFFER_TOO_SMALL".
#[no_mangle]
pub unsafe extern "C" fn olm_session_id(session: *mut OlmSession, id: *mut c_void, id_length: usize) -> usize {
    call(session, |s| s.id_base64(output(id, id_length)))
}

/// Whether the session has received a message (1) or not (0).
#[no_mangle]
pub unsafe extern "C" fn olm_session_has_received_message(session: *const OlmSession) -> c_int {
    query(session, 0, |s| s.has_received_message() as c_int)
}

/// Write a null-terminated string describing the internal state of an olm session to the
/// buffer provided for debugging and logging purposes. If the buffer is not large enough to
/// hold the entire string, it will be truncated and will end with "...". A buffer length of 600
/// will be enough to hold any output.
#[no_mangle]
pub unsafe extern "C" fn olm_session_describe(session: *mut OlmSession, buf: *mut c_char, buflen: usize) {
    query(session, (), |s| s.describe(output(buf as *mut c_void, buflen)))
}

/// Checks if the PRE_KEY message is for this in-bound session. This can happen if multiple
/// messages are sent to this account before this account sends a message in reply. The
/// one_time_key_message buffer is destroyed. Returns 1 if the session matches. Returns 0 if the
/// session does not match. Returns olm_error() on failure ("INVALID_BASE64").
#[no_mangle]
pub unsafe extern "C" fn olm_matches_inbound_session(
    session: *mut OlmSession,
    one_time_key_message: *mut c_void,
    message_length: usize,
) -> usize {
    call(session, |s| {
        let message = decode_base64_in_place(output(one_time_key_message, message_length))?;
        Ok(s.matches_inbound(None, message) as usize)
    })
}

/// Checks if the PRE_KEY message is for this in-bound session, and was sent from the given
/// identity key. The one_time_key_message buffer is destroyed. Returns 1 if the session
/// matches, 0 if it does not, olm_error() on failure ("INVALID_BASE64").
#[no_mangle]
pub unsafe extern "C" fn olm_matches_inbound_session_from(
    session: *mut OlmSession,
    their_identity_key: *const c_void,
    their_identity_key_length: usize,
    one_time_key_message: *mut c_void,
    message_length: usize,
) -> usize {
    call(session, |s| {
        let their_identity_key = decode_key(input(their_identity_key, their_identity_key_length))?;
        let message = decode_base64_in_place(output(one_time_key_message, message_length))?;
        Ok(s.matches_inbound(Some(&their_identity_key), message) as usize)
    })
}

/// Removes the one time keys that the session used from the account. Returns olm_error() on
/// failure. If the account doesn't have any matching one time keys then
/// olm_account_last_error() will be "BAD_MESSAGE_KEY_ID". A fallback key is not removed (its id
/// is returned).
#[no_mangle]
pub unsafe extern "C" fn olm_remove_one_time_keys(account: *mut OlmAccount, session: *mut OlmSession) -> usize {
    let one_time_key = state_ref(session).map(|s| *s.bob_one_time_key());
    call(account, |a| {
        let id = one_time_key.and_then(|key| a.remove_one_time_key(&key));
        id.map(|id| id as usize).ok_or(OlmError::BadMessageKeyId)
    })
}

/// The type of the next message that olm_encrypt() will return. Returns OLM_MESSAGE_TYPE_PRE_KEY
/// if the message will be a PRE_KEY message. Returns OLM_MESSAGE_TYPE_MESSAGE if the message
/// will be a normal message.
#[no_mangle]
pub unsafe extern "C" fn olm_encrypt_message_type(session: *const OlmSession) -> usize {
    query(session, MESSAGE_TYPE_PRE_KEY, |s| s.encrypt_message_type())
}

/// The number of random bytes needed to encrypt the next message.
#[no_mangle]
pub unsafe extern "C" fn olm_encrypt_random_length(session: *const OlmSession) -> usize {
    query(session, 0, |s| s.encrypt_random_length())
}

/// The size of the next message in bytes for the given number of plain-text bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_encrypt_message_length(session: *const OlmSession, plaintext_length: usize) -> usize {
    query(session, 0, |s| s.encrypt_message_length_base64(plaintext_length))
}

/// Encrypts a message using the session. Returns the length of the message in bytes on
/// success. Writes the message as base64 into the message buffer. Returns olm_error() on
/// failure. If the message buffer is too small then olm_session_last_error() will be
/// "OUTPUT_BUFFER_TOO_SMALL". If there weren't enough random bytes then
/// olm_session_last_error() will be "NOT_ENOUGH_RANDOM". The random buffer is wiped once the
/// message buffer has been found large enough, even if encryption then fails, as in libolm.
#[no_mangle]
pub unsafe extern "C" fn olm_encrypt(
    session: *mut OlmSession,
    plaintext: *const c_void,
    plaintext_length: usize,
    random: *mut c_void,
    random_length: usize,
    message: *mut c_void,
    message_length: usize,
) -> usize {
    call(session, |s| {
        let result = s.encrypt_base64(input(plaintext, plaintext_length), input(random, random_length), output(message, message_length));
        // libolm checks the output buffer before it touches the random bytes; a buffer that
        // is too small is the only error reported before that point.
        if result != Err(OlmError::OutputBufferTooSmall) {
            wipe(random, random_length);
        }
        result
    })
}

/// The maximum number of bytes of plain-text a given message could decode to. The actual size
/// could be different due to padding. The input message buffer is destroyed. Returns
/// olm_error() on failure ("INVALID_BASE64", "BAD_MESSAGE_FORMAT").
#[no_mangle]
pub unsafe extern "C" fn olm_decrypt_max_plaintext_length(
    session: *mut OlmSession,
    message_type: usize,
    message: *mut c_void,
    message_length: usize,
) -> usize {
    call(session, |s| s.decrypt_max_plaintext_length(message_type, decode_base64_in_place(output(message, message_length))?))
}

/// Decrypts a message using the session. The input message buffer is destroyed. Returns the
/// length of the plain-text on success. Returns olm_error() on failure: "OUTPUT_BUFFER_TOO_SMALL",
/// "INVALID_BASE64", "BAD_MESSAGE_VERSION", "BAD_MESSAGE_FORMAT" or "BAD_MESSAGE_MAC". A failed
/// decryption leaves the session unchanged.
#[no_mangle]
pub unsafe extern "C" fn olm_decrypt(
    session: *mut OlmSession,
    message_type: usize,
    message: *mut c_void,
    message_length: usize,
    plaintext: *mut c_void,
    max_plaintext_length: usize,
) -> usize {
    call(session, |s| {
        let message = decode_base64_in_place(output(message, message_length))?;
        s.decrypt(message_type, message, output(plaintext, max_plaintext_length))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_type_constants_match_the_core() {
        assert_eq!(OLM_MESSAGE_TYPE_PRE_KEY, crate::core::olm::session::MESSAGE_TYPE_PRE_KEY);
        assert_eq!(OLM_MESSAGE_TYPE_MESSAGE, crate::core::olm::session::MESSAGE_TYPE_MESSAGE);
    }
}
