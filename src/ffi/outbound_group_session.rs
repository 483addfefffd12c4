//! outbound_group_session.h: the sending side of a Megolm session.

use std::ffi::c_void;
use std::os::raw::c_char;

use super::error::OlmErrorCode;
use super::{
    call, clear, init, input, last_error, last_error_code, olm_object, output, query, size, unpickle, wipe, Object,
};
use crate::core::megolm::outbound::RANDOM_LENGTH;
use crate::core::megolm::{OutboundGroupSession, SESSION_ID_LENGTH, SESSION_KEY_LENGTH};
use crate::core::pickle::{self, Pickle};

/// An outbound Megolm session.
pub struct OlmOutboundGroupSession(Object<OutboundGroupSession>);
olm_object!(OlmOutboundGroupSession, OutboundGroupSession, false);

/// The number of bytes of memory an outbound group session needs.
#[no_mangle]
pub extern "C" fn olm_outbound_group_session_size() -> usize {
    size::<OlmOutboundGroupSession>()
}

/// Creates an empty outbound group session in `memory`, which must hold
/// olm_outbound_group_session_size() bytes, and returns its handle.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session(memory: *mut c_void) -> *mut OlmOutboundGroupSession {
    init(memory)
}

/// The name of the last error recorded on the session, as a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session_last_error(
    session: *const OlmOutboundGroupSession,
) -> *const c_char {
    last_error(session)
}

/// The code of the last error recorded on the session.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session_last_error_code(
    session: *const OlmOutboundGroupSession,
) -> OlmErrorCode {
    last_error_code(session)
}

/// Wipes the session's memory, leaving an empty session. Returns its size.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_outbound_group_session(session: *mut OlmOutboundGroupSession) -> usize {
    clear(session)
}

/// The length of the session's pickle.
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_outbound_group_session_length(session: *const OlmOutboundGroupSession) -> usize {
    query(session, 0, |s| pickle::sealed_len(s.pickle_len()))
}

/// Writes the session, encrypted with `key`, as base64 into `pickled`. Returns the pickle's
/// length, or olm_error() with OUTPUT_BUFFER_TOO_SMALL if `pickled` is shorter than
/// olm_pickle_outbound_group_session_length().
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_outbound_group_session(
    session: *mut OlmOutboundGroupSession,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    call(session, |s| pickle::seal(s, input(key, key_length), output(pickled, pickled_length)))
}

/// Replaces the session with the one pickled under `key`. Fails with BAD_ACCOUNT_KEY for a
/// wrong key or altered pickle, INVALID_BASE64, UNKNOWN_PICKLE_VERSION, CORRUPTED_PICKLE or
/// OLM_PICKLE_EXTRA_DATA, leaving the session as it was.
#[no_mangle]
pub unsafe extern "C" fn olm_unpickle_outbound_group_session(
    session: *mut OlmOutboundGroupSession,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    unpickle(session, pickled_length, || pickle::open(input(key, key_length), input(pickled, pickled_length)))
}

/// The number of random bytes olm_init_outbound_group_session() takes.
#[no_mangle]
pub unsafe extern "C" fn olm_init_outbound_group_session_random_length(
    session: *const OlmOutboundGroupSession,
) -> usize {
    query(session, RANDOM_LENGTH, |_| RANDOM_LENGTH)
}

/// Starts a new session at message index 0 from random bytes (the ratchet, then the signing
/// key's seed), which are wiped afterwards. Fails with NOT_ENOUGH_RANDOM.
#[no_mangle]
pub unsafe extern "C" fn olm_init_outbound_group_session(
    session: *mut OlmOutboundGroupSession,
    random: *mut u8,
    random_length: usize,
) -> usize {
    let result = call(session, |s| {
        *s = OutboundGroupSession::new(input(random as *const c_void, random_length))?;
        Ok(0)
    });
    wipe(random as *mut c_void, random_length);
    result
}

/// The length of the base64 message that encrypts `plaintext_length` bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_group_encrypt_message_length(
    session: *mut OlmOutboundGroupSession,
    plaintext_length: usize,
) -> usize {
    query(session, 0, |s| s.encrypt_message_len(plaintext_length))
}

/// Encrypts and signs `plaintext` into a base64 message and moves to the next message index.
/// Returns the message's length, or olm_error() with OUTPUT_BUFFER_TOO_SMALL.
#[no_mangle]
pub unsafe extern "C" fn olm_group_encrypt(
    session: *mut OlmOutboundGroupSession,
    plaintext: *const u8,
    plaintext_length: usize,
    message: *mut u8,
    message_length: usize,
) -> usize {
    call(session, |s| {
        s.encrypt(input(plaintext as *const c_void, plaintext_length), output(message as *mut c_void, message_length))
    })
}

/// The length of the session id.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session_id_length(session: *const OlmOutboundGroupSession) -> usize {
    query(session, SESSION_ID_LENGTH, |_| SESSION_ID_LENGTH)
}

/// Writes the session id (the signing key, in base64) and returns its length, or olm_error()
/// with OUTPUT_BUFFER_TOO_SMALL.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session_id(
    session: *mut OlmOutboundGroupSession,
    id: *mut u8,
    id_length: usize,
) -> usize {
    call(session, |s| s.session_id(output(id as *mut c_void, id_length)))
}

/// The index the next message will have.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session_message_index(session: *mut OlmOutboundGroupSession) -> u32 {
    query(session, 0, |s| s.message_index())
}

/// The length of the session key.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session_key_length(session: *const OlmOutboundGroupSession) -> usize {
    query(session, SESSION_KEY_LENGTH, |_| SESSION_KEY_LENGTH)
}

/// Writes the signed base64 session key, with which receivers decrypt from the current
/// message index on, and returns its length, or olm_error() with OUTPUT_BUFFER_TOO_SMALL.
#[no_mangle]
pub unsafe extern "C" fn olm_outbound_group_session_key(
    session: *mut OlmOutboundGroupSession,
    key: *mut u8,
    key_length: usize,
) -> usize {
    call(session, |s| s.session_key(output(key as *mut c_void, key_length)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::ERROR;

    #[test]
    fn init_wipes_the_random_buffer_and_reports_errors() {
        unsafe {
            // Memory that is not aligned for the object.
            let mut memory = vec![0u8; olm_outbound_group_session_size() + 1];
            let session = olm_outbound_group_session(memory.as_mut_ptr().add(1) as *mut c_void);
            let needed = olm_init_outbound_group_session_random_length(session);
            let mut random = vec![7u8; needed];
            assert_eq!(olm_init_outbound_group_session(session, random.as_mut_ptr(), needed - 1), ERROR);
            assert_eq!(olm_outbound_group_session_last_error_code(session), OlmErrorCode::OLM_NOT_ENOUGH_RANDOM);
            random.fill(7);
            assert_eq!(olm_init_outbound_group_session(session, random.as_mut_ptr(), needed), 0);
            assert!(random.iter().all(|&b| b == 0));
            // Errors are sticky.
            assert_eq!(olm_outbound_group_session_last_error_code(session), OlmErrorCode::OLM_NOT_ENOUGH_RANDOM);

            let mut message = vec![0u8; olm_group_encrypt_message_length(session, 5)];
            assert_eq!(
                olm_group_encrypt(session, b"hello".as_ptr(), 5, message.as_mut_ptr(), message.len()),
                message.len()
            );
            assert_eq!(olm_outbound_group_session_message_index(session), 1);
            let mut id = [0u8; 42];
            assert_eq!(olm_outbound_group_session_id(session, id.as_mut_ptr(), id.len()), ERROR);
            assert_eq!(olm_outbound_group_session_last_error_code(session), OlmErrorCode::OLM_OUTPUT_BUFFER_TOO_SMALL);
            olm_clear_outbound_group_session(session);
            assert_eq!(olm_outbound_group_session_message_index(session), 0);
        }
    }
}
