//! inbound_group_session.h: the receiving side of a Megolm session.

use std::ffi::c_void;
use std::os::raw::{c_char, c_int};

use super::error::OlmErrorCode;
use super::{call, clear, init, input, last_error, last_error_code, olm_object, output, query, size, unpickle, Object};
use crate::core::megolm::{InboundGroupSession, SESSION_EXPORT_LENGTH, SESSION_ID_LENGTH};
use crate::core::pickle::{self, Pickle};

/// An inbound Megolm session.
pub struct OlmInboundGroupSession(Object<InboundGroupSession>);
olm_object!(OlmInboundGroupSession, InboundGroupSession, false);

/// The number of bytes of memory an inbound group session needs.
#[no_mangle]
pub extern "C" fn olm_inbound_group_session_size() -> usize {
    size::<OlmInboundGroupSession>()
}

/// Creates an empty inbound group session in `memory`, which must hold
/// olm_inbound_group_session_size() bytes, and returns its handle.
#[no_mangle]
pub unsafe extern "C" fn olm_inbound_group_session(memory: *mut c_void) -> *mut OlmInboundGroupSession {
    init(memory)
}

/// The name of the last error recorded on the session, as a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn olm_inbound_group_session_last_error(session: *const OlmInboundGroupSession) -> *const c_char {
    last_error(session)
}

/// The code of the last error recorded on the session.
#[no_mangle]
pub unsafe extern "C" fn olm_inbound_group_session_last_error_code(
    session: *const OlmInboundGroupSession,
) -> OlmErrorCode {
    last_error_code(session)
}

/// Wipes the session's memory, leaving an empty session. Returns its size.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_inbound_group_session(session: *mut OlmInboundGroupSession) -> usize {
    clear(session)
}

/// The length of the session's pickle.
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_inbound_group_session_length(session: *const OlmInboundGroupSession) -> usize {
    query(session, 0, |s| pickle::sealed_len(s.pickle_len()))
}

/// Writes the session, encrypted with `key`, as base64 into `pickled`. Returns the pickle's
/// length, or olm_error() with OUTPUT_BUFFER_TOO_SMALL if `pickled` is shorter than
/// olm_pickle_inbound_group_session_length().
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_inbound_group_session(
    session: *mut OlmInboundGroupSession,
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
pub unsafe extern "C" fn olm_unpickle_inbound_group_session(
    session: *mut OlmInboundGroupSession,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    unpickle(session, pickled_length, || pickle::open(input(key, key_length), input(pickled, pickled_length)))
}

/// Starts the session from a base64 session key made by olm_outbound_group_session_key().
/// Fails with INVALID_BASE64, BAD_SESSION_KEY (wrong length or version) or BAD_SIGNATURE.
/// The key buffer is left as it was.
#[no_mangle]
pub unsafe extern "C" fn olm_init_inbound_group_session(
    session: *mut OlmInboundGroupSession,
    session_key: *const u8,
    session_key_length: usize,
) -> usize {
    call(session, |s| s.init(input(session_key as *const c_void, session_key_length)).map(|()| 0))
}

/// Starts the session from a base64 export made by olm_export_inbound_group_session(). The
/// session is then unverified until a message decrypts. Fails with INVALID_BASE64 or
/// BAD_SESSION_KEY. The key buffer is left as it was.
#[no_mangle]
pub unsafe extern "C" fn olm_import_inbound_group_session(
    session: *mut OlmInboundGroupSession,
    session_key: *const u8,
    session_key_length: usize,
) -> usize {
    call(session, |s| s.import(input(session_key as *const c_void, session_key_length)).map(|()| 0))
}

/// An upper bound on the plaintext length of a base64 message. The message buffer is
/// overwritten with the decoded message.
#[no_mangle]
pub unsafe extern "C" fn olm_group_decrypt_max_plaintext_length(
    session: *mut OlmInboundGroupSession,
    message: *mut u8,
    message_length: usize,
) -> usize {
    call(session, |_| InboundGroupSession::decrypt_max_plaintext_len(output(message as *mut c_void, message_length)))
}

/// Decrypts a base64 message into `plaintext` and returns the plaintext's length. The message
/// buffer is overwritten with the decoded message. `message_index`, if not NULL, receives the
/// message's index as soon as the message parses, even if decryption then fails.
///
/// Errors: INVALID_BASE64, BAD_MESSAGE_VERSION, BAD_MESSAGE_FORMAT, BAD_SIGNATURE,
/// OUTPUT_BUFFER_TOO_SMALL, UNKNOWN_MESSAGE_INDEX (before the first known index),
/// BAD_MESSAGE_MAC.
#[no_mangle]
pub unsafe extern "C" fn olm_group_decrypt(
    session: *mut OlmInboundGroupSession,
    message: *mut u8,
    message_length: usize,
    plaintext: *mut u8,
    max_plaintext_length: usize,
    message_index: *mut u32,
) -> usize {
    let mut index = None;
    let result = call(session, |s| {
        s.decrypt(
            output(message as *mut c_void, message_length),
            output(plaintext as *mut c_void, max_plaintext_length),
            &mut index,
        )
    });
    if let (Some(index), Some(out)) = (index, message_index.as_mut()) {
        *out = index;
    }
    result
}

/// The length of the session id.
#[no_mangle]
pub unsafe extern "C" fn olm_inbound_group_session_id_length(session: *const OlmInboundGroupSession) -> usize {
    query(session, SESSION_ID_LENGTH, |_| SESSION_ID_LENGTH)
}

/// Writes the session id (the sender's signing key, in base64) and returns its length, or
/// olm_error() with OUTPUT_BUFFER_TOO_SMALL.
#[no_mangle]
pub unsafe extern "C" fn olm_inbound_group_session_id(
    session: *mut OlmInboundGroupSession,
    id: *mut u8,
    id_length: usize,
) -> usize {
    call(session, |s| s.session_id(output(id as *mut c_void, id_length)))
}

/// The first message index the session can decrypt.
#[no_mangle]
pub unsafe extern "C" fn olm_inbound_group_session_first_known_index(session: *const OlmInboundGroupSession) -> u32 {
    query(session, 0, |s| s.first_known_index())
}

/// 1 if the session is known genuine (it came from a signed session key, or a message has
/// decrypted with it), else 0.
#[no_mangle]
pub unsafe extern "C" fn olm_inbound_group_session_is_verified(session: *const OlmInboundGroupSession) -> c_int {
    query(session, 0, |s| s.is_verified() as c_int)
}

/// The length of a session export.
#[no_mangle]
pub unsafe extern "C" fn olm_export_inbound_group_session_length(session: *const OlmInboundGroupSession) -> usize {
    query(session, SESSION_EXPORT_LENGTH, |_| SESSION_EXPORT_LENGTH)
}

/// Exports the session from `message_index` on, in base64, and returns the export's length.
/// Fails with OUTPUT_BUFFER_TOO_SMALL, or UNKNOWN_MESSAGE_INDEX for an index before the first
/// known one.
#[no_mangle]
pub unsafe extern "C" fn olm_export_inbound_group_session(
    session: *mut OlmInboundGroupSession,
    key: *mut u8,
    key_length: usize,
    message_index: u32,
) -> usize {
    call(session, |s| s.export(message_index, output(key as *mut c_void, key_length)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pickle::{Reader, UnpickleError, Writer};
    use crate::ffi::outbound_group_session::*;
    use crate::ffi::ERROR;

    unsafe fn new_inbound(memory: &mut Vec<u8>) -> *mut OlmInboundGroupSession {
        *memory = vec![0u8; olm_inbound_group_session_size()];
        olm_inbound_group_session(memory.as_mut_ptr() as *mut c_void)
    }

    #[test]
    fn key_buffers_survive_and_the_index_is_written_on_failure() {
        unsafe {
            let mut out_memory = vec![0u8; olm_outbound_group_session_size()];
            let outbound = olm_outbound_group_session(out_memory.as_mut_ptr() as *mut c_void);
            let mut random = [3u8; 160];
            olm_init_outbound_group_session(outbound, random.as_mut_ptr(), random.len());
            let mut key = vec![0u8; olm_outbound_group_session_key_length(outbound)];
            olm_outbound_group_session_key(outbound, key.as_mut_ptr(), key.len());
            let mut message = vec![0u8; olm_group_encrypt_message_length(outbound, 2)];
            olm_group_encrypt(outbound, b"hi".as_ptr(), 2, message.as_mut_ptr(), message.len());

            let mut memory = Vec::new();
            let session = new_inbound(&mut memory);
            let key_copy = key.clone();
            assert_eq!(olm_init_inbound_group_session(session, key.as_ptr(), key.len()), 0);
            assert_eq!(key, key_copy);
            assert_eq!(olm_inbound_group_session_is_verified(session), 1);

            let mut export = vec![0u8; olm_export_inbound_group_session_length(session)];
            assert_eq!(olm_export_inbound_group_session(session, export.as_mut_ptr(), export.len(), 1), export.len());
            let mut imported_memory = Vec::new();
            let imported = new_inbound(&mut imported_memory);
            let export_copy = export.clone();
            assert_eq!(olm_import_inbound_group_session(imported, export.as_ptr(), export.len()), 0);
            assert_eq!(export, export_copy);
            assert_eq!(olm_inbound_group_session_is_verified(imported), 0);
            assert_eq!(olm_inbound_group_session_first_known_index(imported), 1);

            let mut index = 99u32;
            let mut plaintext = [0u8; 64];
            let mut copy = message.clone();
            let r = olm_group_decrypt(imported, copy.as_mut_ptr(), copy.len(), plaintext.as_mut_ptr(), 64, &mut index);
            assert_eq!(r, ERROR);
            assert_eq!(olm_inbound_group_session_last_error_code(imported), OlmErrorCode::OLM_UNKNOWN_MESSAGE_INDEX);
            assert_eq!(index, 0);

            let mut copy = message.clone();
            let r = olm_group_decrypt(
                session,
                copy.as_mut_ptr(),
                copy.len(),
                plaintext.as_mut_ptr(),
                64,
                std::ptr::null_mut(),
            );
            assert_eq!(&plaintext[..r], b"hi");
        }
    }

    /// A plain pickle of a few bytes, to seal truncated group-session pickles.
    struct Truncated(&'static [u8]);
    impl Pickle for Truncated {
        fn pickle_len(&self) -> usize {
            self.0.len()
        }
        fn write_pickle(&self, w: &mut Writer<'_>) {
            w.bytes(self.0)
        }
        fn read_pickle(_: &mut Reader<'_>) -> Result<Self, UnpickleError> {
            unreachable!()
        }
    }

    #[test]
    fn truncated_pickles_are_corrupted_whatever_the_earlier_error() {
        unsafe {
            let mut memory = Vec::new();
            let session = new_inbound(&mut memory);
            let mut pickled = vec![0u8; pickle::sealed_len(2)];
            pickle::seal(&Truncated(&[0, 0]), b"key", &mut pickled).unwrap();
            let len = pickled.len();
            let p = pickled.as_mut_ptr() as *mut c_void;
            assert_eq!(olm_unpickle_inbound_group_session(session, b"kez".as_ptr() as *const c_void, 3, p, len), ERROR);
            assert_eq!(olm_inbound_group_session_last_error_code(session), OlmErrorCode::OLM_BAD_ACCOUNT_KEY);
            assert_eq!(olm_unpickle_inbound_group_session(session, b"key".as_ptr() as *const c_void, 3, p, len), ERROR);
            assert_eq!(olm_inbound_group_session_last_error_code(session), OlmErrorCode::OLM_CORRUPTED_PICKLE);

            let mut out_memory = vec![0u8; olm_outbound_group_session_size()];
            let outbound = olm_outbound_group_session(out_memory.as_mut_ptr() as *mut c_void);
            assert_eq!(
                olm_unpickle_outbound_group_session(outbound, b"kez".as_ptr() as *const c_void, 3, p, len),
                ERROR
            );
            assert_eq!(
                olm_unpickle_outbound_group_session(outbound, b"key".as_ptr() as *const c_void, 3, p, len),
                ERROR
            );
            assert_eq!(olm_outbound_group_session_last_error_code(outbound), OlmErrorCode::OLM_CORRUPTED_PICKLE);
        }
    }
}
