//! olm.h, session part: Olm sessions (the Double Ratchet) between two accounts.

use std::ffi::c_void;
use std::os::raw::{c_char, c_int};

use super::account::OlmAccount;
use super::error::OlmErrorCode;
use super::{
    call, clear, init, input, last_error, last_error_code, olm_object, output, query, size, state_ref, wipe, Object,
};
use crate::core::account::Account;
use crate::core::olm::session::{
    decode_base64_in_place, decode_key, describe_length, Session, MESSAGE_TYPE_PRE_KEY, OUTBOUND_RANDOM_LENGTH, SESSION_ID_BASE64_LENGTH,
};
use crate::core::pickle::{self, Pickle};
use crate::core::OlmError;

/// The type of a pre-key message, sent until the session has received a message.
pub const OLM_MESSAGE_TYPE_PRE_KEY: usize = 0;
/// The type of a normal message.
pub const OLM_MESSAGE_TYPE_MESSAGE: usize = 1;

// The two constants are for olm.h (cbindgen reads them here); Rust code uses the core's. They
// must agree, which the compiler checks (and this use keeps them from counting as dead code).
const _: () = assert!(
    OLM_MESSAGE_TYPE_PRE_KEY == MESSAGE_TYPE_PRE_KEY
        && OLM_MESSAGE_TYPE_MESSAGE == crate::core::olm::session::MESSAGE_TYPE_MESSAGE
);

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
            Session::new_outbound(
                a.identity_curve25519(),
                &their_identity_key,
                &their_one_time_key,
                input(random, random_length),
            )
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
    create_inbound(session, account, None, one_time_key_message, message_length)
}

/// Both inbound constructors, with libolm's order of checks: the expected identity key, if
/// given, then the message's base64, then the account.
unsafe fn create_inbound(
    session: *mut OlmSession,
    account: *mut OlmAccount,
    their_identity_key: Option<&[u8]>,
    one_time_key_message: *mut c_void,
    message_length: usize,
) -> usize {
    call(session, |s| {
        let their_identity_key = their_identity_key.map(decode_key).transpose()?;
        let message = decode_base64_in_place(output(one_time_key_message, message_length))?;
        let account = self::account(account)?;
        *s = Session::new_inbound(
            account.identity_curve25519(),
            |k| account.lookup_one_time_key(k),
            their_identity_key.as_ref(),
            message,
        )?;
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
    let their_identity_key = input(their_identity_key, their_identity_key_length);
    create_inbound(session, account, Some(their_identity_key), one_time_key_message, message_length)
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
    // Only the part libolm would use is taken as a buffer, so that no length the caller passes
    // makes an oversized slice.
    query(session, (), |s| s.describe(output(buf as *mut c_void, describe_length(buflen))))
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
        let result = s.encrypt_base64(
            input(plaintext, plaintext_length),
            input(random, random_length),
            output(message, message_length),
        );
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
    call(session, |s| {
        s.decrypt_max_plaintext_length(message_type, decode_base64_in_place(output(message, message_length))?)
    })
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
    use super::super::account::{
        olm_account, olm_account_generate_one_time_keys, olm_account_last_error_code, olm_account_size,
        olm_create_account,
    };
    use super::*;

    fn counting(start: u8, n: usize) -> Vec<u8> {
        (0..n).map(|i| start.wrapping_add(i as u8)).collect()
    }

    /// An object in a Vec the size `olm_X_size()` asks for; the Vec must outlive the handle.
    fn memory(size: usize) -> Vec<u8> {
        vec![0u8; size]
    }

    unsafe fn account(memory: &mut [u8], random_start: u8) -> *mut OlmAccount {
        let account = olm_account(memory.as_mut_ptr().cast());
        let mut random = counting(random_start, 64);
        assert_eq!(olm_create_account(account, random.as_mut_ptr().cast(), 64), 0);
        account
    }

    unsafe fn error(session: *const OlmSession) -> OlmErrorCode {
        olm_session_last_error_code(session)
    }

    unsafe fn encrypt(session: *mut OlmSession, plaintext: &[u8], random: &mut [u8]) -> Result<Vec<u8>, OlmErrorCode> {
        let mut out = vec![0u8; olm_encrypt_message_length(session, plaintext.len())];
        let n = olm_encrypt(
            session,
            plaintext.as_ptr().cast(),
            plaintext.len(),
            random.as_mut_ptr().cast(),
            random.len(),
            out.as_mut_ptr().cast(),
            out.len(),
        );
        if n == usize::MAX {
            return Err(error(session));
        }
        out.truncate(n);
        Ok(out)
    }

    unsafe fn decrypt(session: *mut OlmSession, kind: usize, message: &[u8]) -> Result<Vec<u8>, OlmErrorCode> {
        let mut copy = message.to_vec();
        let max = olm_decrypt_max_plaintext_length(session, kind, copy.as_mut_ptr().cast(), copy.len());
        if max == usize::MAX {
            return Err(error(session));
        }
        let mut copy = message.to_vec();
        let mut plaintext = vec![0u8; max];
        let n = olm_decrypt(session, kind, copy.as_mut_ptr().cast(), copy.len(), plaintext.as_mut_ptr().cast(), max);
        if n == usize::MAX {
            return Err(error(session));
        }
        plaintext.truncate(n);
        Ok(plaintext)
    }

    // From libolm 3.2.13, with the random bytes used below (see the core session tests).
    const BOB_IDENTITY: &[u8] = b"I7e7jJGuAIcR+xKEZ4C83x4GX4Ib3+xJ9X58fc1MSCM";
    const BOB_ONE_TIME_KEY: &[u8] = b"n9etbc/0KY3T+W1bGyr5EKBTWxSI1/j6uzSamCiAthU";
    const ALICE_IDENTITY: &[u8] = b"NOQtSvXvlKB6OoQgG4idTNGnQ8snsRtqEEOKj+uOWEc";
    const SESSION_ID: &[u8] = b"jqcj8OB0z+O5qeduS5Uws26Gxkeo34WPC8FzpaLp1i8";
    const MESSAGE_1: &[u8] = b"Awogn9etbc/0KY3T+W1bGyr5EKBTWxSI1/j6uzSamCiAthUSIGBacl0qSt/usaKeF+3WIcG3WT7ozbxErGxKtuL4BdI8GiA05C1K9e+UoHo6hCAbiJ1M0adDyyexG2oQQ4qP645YRyI/Awog3CzKMejkO72R3/fkdcyjNH60eBB9W9dlq6SuSjDDXUQQACIQSGowkAwekC5951qkWAAzs+xt3dFa/uOi";
    const MESSAGE_2: &[u8] = b"Awog3CzKMejkO72R3/fkdcyjNH60eBB9W9dlq6SuSjDDXUQQACIQW/Dqfb8mJQgPXMwJc3TUjnf0xM6et/wO";

    #[test]
    fn conversation_through_the_c_api() {
        unsafe {
            let (mut alice_memory, mut bob_memory) = (memory(olm_account_size()), memory(olm_account_size()));
            let alice_account = account(&mut alice_memory, 0x10);
            let bob_account = account(&mut bob_memory, 0x50);
            let mut random = counting(0x90, 32);
            assert_eq!(olm_account_generate_one_time_keys(bob_account, 1, random.as_mut_ptr().cast(), 32), 1);

            let mut alice_memory = memory(olm_session_size() + 3);
            let alice = olm_session(alice_memory.as_mut_ptr().add(3).cast());
            assert_eq!(olm_create_outbound_session_random_length(alice), 64);

            // Bad key lengths: INVALID_BASE64, and the random bytes are left alone.
            let mut random = counting(0xa0, 64);
            let outbound = |key: &[u8], random: &mut [u8]| {
                olm_create_outbound_session(
                    alice,
                    alice_account,
                    BOB_IDENTITY.as_ptr().cast(),
                    BOB_IDENTITY.len(),
                    key.as_ptr().cast(),
                    key.len(),
                    random.as_mut_ptr().cast(),
                    random.len(),
                )
            };
            assert_eq!(outbound(&BOB_ONE_TIME_KEY[..42], &mut random), usize::MAX);
            assert_eq!(error(alice), OlmErrorCode::OLM_INVALID_BASE64);
            assert_eq!(random, counting(0xa0, 64));
            // Too little random: NOT_ENOUGH_RANDOM, and what there was is wiped.
            assert_eq!(outbound(BOB_ONE_TIME_KEY, &mut random[..63]), usize::MAX);
            assert_eq!(error(alice), OlmErrorCode::OLM_NOT_ENOUGH_RANDOM);
            assert!(random[..63].iter().all(|&b| b == 0));
            let mut random = counting(0xa0, 64);
            assert_eq!(outbound(BOB_ONE_TIME_KEY, &mut random), 0);
            assert!(random.iter().all(|&b| b == 0));

            let mut id = [0u8; 43];
            assert_eq!(olm_session_id(alice, id.as_mut_ptr().cast(), 42), usize::MAX);
            assert_eq!(olm_session_id(alice, id.as_mut_ptr().cast(), 43), 43);
            assert_eq!(&id[..], SESSION_ID);
            assert_eq!(olm_encrypt_message_type(alice), OLM_MESSAGE_TYPE_PRE_KEY);

            // An output buffer one byte short: the random buffer is not touched.
            let mut random = [7u8; 4];
            let length = olm_encrypt_message_length(alice, 10);
            let mut out = vec![0u8; length];
            let short = olm_encrypt(
                alice,
                b"Hello, Bob".as_ptr().cast(),
                10,
                random.as_mut_ptr().cast(),
                4,
                out.as_mut_ptr().cast(),
                length - 1,
            );
            assert_eq!((short, error(alice)), (usize::MAX, OlmErrorCode::OLM_OUTPUT_BUFFER_TOO_SMALL));
            assert_eq!(random, [7u8; 4]);
            assert_eq!(encrypt(alice, b"Hello, Bob", &mut random).unwrap(), MESSAGE_1);
            assert_eq!(random, [0u8; 4]);

            let mut bob_memory = memory(olm_session_size());
            let bob = olm_session(bob_memory.as_mut_ptr().cast());
            let mut message = MESSAGE_1.to_vec();
            let wrong = olm_create_inbound_session_from(
                bob,
                bob_account,
                BOB_IDENTITY.as_ptr().cast(),
                BOB_IDENTITY.len(),
                message.as_mut_ptr().cast(),
                message.len(),
            );
            assert_eq!((wrong, error(bob)), (usize::MAX, OlmErrorCode::OLM_BAD_MESSAGE_KEY_ID));
            let mut message = MESSAGE_1.to_vec();
            let created = olm_create_inbound_session_from(
                bob,
                bob_account,
                ALICE_IDENTITY.as_ptr().cast(),
                ALICE_IDENTITY.len(),
                message.as_mut_ptr().cast(),
                message.len(),
            );
            assert_eq!(created, 0);
            let mut message = MESSAGE_1.to_vec();
            assert_eq!(olm_matches_inbound_session(bob, message.as_mut_ptr().cast(), message.len()), 1);
            let mut message = MESSAGE_1.to_vec();
            let matches = olm_matches_inbound_session_from(
                bob,
                BOB_IDENTITY.as_ptr().cast(),
                BOB_IDENTITY.len(),
                message.as_mut_ptr().cast(),
                message.len(),
            );
            assert_eq!(matches, 0);
            let mut message = b"abcde".to_vec();
            assert_eq!(olm_matches_inbound_session(bob, message.as_mut_ptr().cast(), 5), usize::MAX);
            assert_eq!(error(bob), OlmErrorCode::OLM_INVALID_BASE64);

            assert_eq!(olm_session_has_received_message(bob), 0);
            assert_eq!(decrypt(bob, OLM_MESSAGE_TYPE_PRE_KEY, MESSAGE_1).unwrap(), b"Hello, Bob");
            assert_eq!(olm_session_has_received_message(bob), 1);
            assert_eq!(decrypt(bob, OLM_MESSAGE_TYPE_PRE_KEY, MESSAGE_1), Err(OlmErrorCode::OLM_BAD_MESSAGE_MAC));

            // The one-time key goes once; then the account reports BAD_MESSAGE_KEY_ID.
            assert_eq!(olm_remove_one_time_keys(bob_account, bob), 1);
            assert_eq!(olm_remove_one_time_keys(bob_account, bob), usize::MAX);
            assert_eq!(olm_account_last_error_code(bob_account), OlmErrorCode::OLM_BAD_MESSAGE_KEY_ID);

            assert_eq!(olm_encrypt_random_length(bob), 32);
            let mut random = counting(0xc0, 32);
            assert_eq!(encrypt(bob, b"Hi Alice!", &mut random).unwrap(), MESSAGE_2);
            assert_eq!(random, [0u8; 32]);
            assert_eq!(decrypt(alice, OLM_MESSAGE_TYPE_MESSAGE, MESSAGE_2).unwrap(), b"Hi Alice!");

            let mut description = [0xaau8; 80];
            olm_session_describe(bob, description.as_mut_ptr().cast(), 30);
            assert_eq!(&description[..30], b"sender chain index: 1 rece...\0");
            assert_eq!(description[30], 0xaa);

            // Pickle round trip; a wrong key fails with BAD_ACCOUNT_KEY and changes nothing.
            let mut pickled = vec![0u8; olm_pickle_session_length(bob)];
            let n = olm_pickle_session(bob, b"key".as_ptr().cast(), 3, pickled.as_mut_ptr().cast(), pickled.len());
            assert_eq!(n, pickled.len());
            let mut copy_memory = memory(olm_session_size());
            let copy = olm_session(copy_memory.as_mut_ptr().cast());
            let bad = olm_unpickle_session(copy, b"kez".as_ptr().cast(), 3, pickled.as_mut_ptr().cast(), n);
            assert_eq!((bad, error(copy)), (usize::MAX, OlmErrorCode::OLM_BAD_ACCOUNT_KEY));
            assert_eq!(olm_unpickle_session(copy, b"key".as_ptr().cast(), 3, pickled.as_mut_ptr().cast(), n), n);
            let mut id = [0u8; 43];
            olm_session_id(copy, id.as_mut_ptr().cast(), 43);
            assert_eq!(&id[..], SESSION_ID);

            assert_eq!(olm_clear_session(copy), olm_session_size());
            assert_eq!(olm_session_has_received_message(copy), 0);
        }
    }
}
