//! pk.h: public-key encryption and decryption, and signing with a key from a seed.

use std::ffi::c_void;
use std::os::raw::c_char;

use super::error::OlmErrorCode;
use super::{call, clear, init, input, last_error, last_error_code, olm_object, output, query, size, unpickle, Object};
use crate::core::pickle;
use crate::core::OlmError;
use crate::core::pk::{
    ciphertext_len, max_plaintext_len, PkDecryption, PkEncryption, PkSigning, PK_ENCRYPT_RANDOM_LENGTH,
    PK_KEY_LENGTH, PK_MAC_LENGTH, PK_PRIVATE_KEY_LENGTH, PK_SIGNATURE_LENGTH, PK_SIGNING_PUBLIC_KEY_LENGTH,
    PK_SIGNING_SEED_LENGTH,
};

/// An object that encrypts messages to one recipient's public key.
pub struct OlmPkEncryption(Object<PkEncryption>);
olm_object!(OlmPkEncryption, PkEncryption);

/// An object holding a private key that decrypts messages sent to its public key.
pub struct OlmPkDecryption(Object<PkDecryption>);
olm_object!(OlmPkDecryption, PkDecryption);

/// An object holding an Ed25519 key that signs messages.
pub struct OlmPkSigning(Object<PkSigning>);
olm_object!(OlmPkSigning, PkSigning);

/// The size of an encryption object in bytes.
#[no_mangle]
pub extern "C" fn olm_pk_encryption_size() -> usize {
    size::<OlmPkEncryption>()
}

/// Initialise an encryption object using the supplied memory, which must be at least
/// olm_pk_encryption_size() bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_encryption(memory: *mut c_void) -> *mut OlmPkEncryption {
    init(memory)
}

/// A null terminated string describing the most recent error to happen to an encryption object.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_encryption_last_error(encryption: *const OlmPkEncryption) -> *const c_char {
    last_error(encryption)
}

/// An error code describing the most recent error to happen to an encryption object.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_encryption_last_error_code(encryption: *const OlmPkEncryption) -> OlmErrorCode {
    last_error_code(encryption)
}

/// Clears the memory used to back an encryption object.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_pk_encryption(encryption: *mut OlmPkEncryption) -> usize {
    clear(encryption)
}

/// Set the recipient's base64 public key (its first olm_pk_key_length() bytes are read). If the
/// key is shorter then olm_pk_encryption_last_error() will be "OLM_INPUT_BUFFER_TOO_SMALL".
#[no_mangle]
pub unsafe extern "C" fn olm_pk_encryption_set_recipient_key(
    encryption: *mut OlmPkEncryption,
    public_key: *const c_void,
    public_key_length: usize,
) -> usize {
    call(encryption, |e| e.set_recipient_key(input(public_key, public_key_length)))
}

/// The length of the base64 ciphertext of a plaintext of the given length.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_ciphertext_length(encryption: *const OlmPkEncryption, plaintext_length: usize) -> usize {
    let length = ciphertext_len(plaintext_length);
    query(encryption, length, |_| length)
}

/// The length of the base64 message authentication code.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_mac_length(encryption: *const OlmPkEncryption) -> usize {
    query(encryption, PK_MAC_LENGTH, |_| PK_MAC_LENGTH)
}

/// The length of a base64 public or ephemeral key.
#[no_mangle]
pub extern "C" fn olm_pk_key_length() -> usize {
    PK_KEY_LENGTH
}

/// The number of random bytes needed to encrypt a message.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_encrypt_random_length(encryption: *const OlmPkEncryption) -> usize {
    query(encryption, PK_ENCRYPT_RANDOM_LENGTH, |_| PK_ENCRYPT_RANDOM_LENGTH)
}

/// Encrypt a plaintext for the recipient set with olm_pk_encryption_set_recipient_key(), writing
/// the base64 ciphertext, MAC and ephemeral public key, which all go to the recipient. Returns
/// olm_error() on failure: "OUTPUT_BUFFER_TOO_SMALL" if a buffer is too small (the mac buffer
/// needs olm_pk_mac_length() bytes), "NOT_ENOUGH_RANDOM" without enough random bytes, and
/// "INVALID_BASE64" if the recipient key is not usable (a low-order point, or none set).
#[no_mangle]
pub unsafe extern "C" fn olm_pk_encrypt(
    encryption: *mut OlmPkEncryption,
    plaintext: *const c_void,
    plaintext_length: usize,
    ciphertext: *mut c_void,
    ciphertext_length: usize,
    mac: *mut c_void,
    mac_length: usize,
    ephemeral_key: *mut c_void,
    ephemeral_key_size: usize,
    random: *const c_void,
    random_length: usize,
) -> usize {
    call(encryption, |e| {
        e.encrypt(
            input(plaintext, plaintext_length),
            output(ciphertext, ciphertext_length),
            output(mac, mac_length),
            output(ephemeral_key, ephemeral_key_size),
            input(random, random_length),
        )
    })
}

/// The size of a decryption object in bytes.
#[no_mangle]
pub extern "C" fn olm_pk_decryption_size() -> usize {
    size::<OlmPkDecryption>()
}

/// Initialise a decryption object using the supplied memory, which must be at least
/// olm_pk_decryption_size() bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_decryption(memory: *mut c_void) -> *mut OlmPkDecryption {
    init(memory)
}

/// A null terminated string describing the most recent error to happen to a decryption object.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_decryption_last_error(decryption: *const OlmPkDecryption) -> *const c_char {
    last_error(decryption)
}

/// An error code describing the most recent error to happen to a decryption object.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_decryption_last_error_code(decryption: *const OlmPkDecryption) -> OlmErrorCode {
    last_error_code(decryption)
}

/// Clears the memory used to back a decryption object.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_pk_decryption(decryption: *mut OlmPkDecryption) -> usize {
    clear(decryption)
}

/// The number of bytes of a raw private key.
#[no_mangle]
pub extern "C" fn olm_pk_private_key_length() -> usize {
    PK_PRIVATE_KEY_LENGTH
}

/// Deprecated: use olm_pk_private_key_length().
#[no_mangle]
pub extern "C" fn olm_pk_generate_key_random_length() -> usize {
    PK_PRIVATE_KEY_LENGTH
}

/// Set the key pair from a raw private key (as olm_pk_get_private_key() returns it) and write
/// the base64 public key to pubkey. Returns olm_error() on failure: "OUTPUT_BUFFER_TOO_SMALL"
/// if pubkey is too small, "OLM_INPUT_BUFFER_TOO_SMALL" if the private key is too short.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_key_from_private(
    decryption: *mut OlmPkDecryption,
    pubkey: *mut c_void,
    pubkey_length: usize,
    privkey: *const c_void,
    privkey_length: usize,
) -> usize {
    call(decryption, |d| d.set_private_key(output(pubkey, pubkey_length), input(privkey, privkey_length)))
}

/// Deprecated: use olm_pk_key_from_private().
#[no_mangle]
pub unsafe extern "C" fn olm_pk_generate_key(
    decryption: *mut OlmPkDecryption,
    pubkey: *mut c_void,
    pubkey_length: usize,
    privkey: *const c_void,
    privkey_length: usize,
) -> usize {
    olm_pk_key_from_private(decryption, pubkey, pubkey_length, privkey, privkey_length)
}

/// The number of bytes needed to pickle a decryption object.
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_pk_decryption_length(decryption: *const OlmPkDecryption) -> usize {
    query(decryption, crate::ffi::ERROR, |d| pickle::sealed_len(pickle::Pickle::pickle_len(d)))
}

/// Store a decryption object as a base64 string encrypted with the supplied key. Returns the
/// length of the pickle, or olm_error() with "OUTPUT_BUFFER_TOO_SMALL" if the buffer is
/// smaller than olm_pickle_pk_decryption_length().
#[no_mangle]
pub unsafe extern "C" fn olm_pickle_pk_decryption(
    decryption: *mut OlmPkDecryption,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
) -> usize {
    call(decryption, |d| pickle::seal(d, input(key, key_length), output(pickled, pickled_length)))
}

/// Load a decryption object from a pickle made with the supplied key, and write its base64
/// public key to pubkey unless pubkey is NULL. Returns olm_error() on failure:
/// "BAD_ACCOUNT_KEY" if the key does not match, "INVALID_BASE64" if the pickle is not base64,
/// "OUTPUT_BUFFER_TOO_SMALL" if pubkey is too small. The pickle buffer is left intact.
#[no_mangle]
pub unsafe extern "C" fn olm_unpickle_pk_decryption(
    decryption: *mut OlmPkDecryption,
    key: *const c_void,
    key_length: usize,
    pickled: *mut c_void,
    pickled_length: usize,
    pubkey: *mut c_void,
    pubkey_length: usize,
) -> usize {
    if !pubkey.is_null() && pubkey_length < PK_KEY_LENGTH {
        return call(decryption, |_| Err(OlmError::OutputBufferTooSmall));
    }
    unpickle(decryption, pickled_length, || {
        let state: PkDecryption = pickle::open(input(key, key_length), input(pickled, pickled_length))?;
        if !pubkey.is_null() {
            state.write_public_key(output(pubkey, pubkey_length));
        }
        Ok(state)
    })
}

/// The size of the plaintext buffer olm_pk_decrypt() needs for a ciphertext of the given length.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_max_plaintext_length(
    decryption: *const OlmPkDecryption,
    ciphertext_length: usize,
) -> usize {
    let length = max_plaintext_len(ciphertext_length);
    query(decryption, length, |_| length)
}

/// Decrypt a message made by olm_pk_encrypt(). Returns the plaintext length, or olm_error():
/// "OUTPUT_BUFFER_TOO_SMALL" if the plaintext buffer is too small, "INVALID_BASE64" if the
/// ephemeral key, MAC or ciphertext has a bad length, "BAD_MESSAGE_MAC" if the message does not
/// authenticate or decrypt. Unlike libolm, the ciphertext buffer is left intact; it may also be
/// the plaintext buffer.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_decrypt(
    decryption: *mut OlmPkDecryption,
    ephemeral_key: *const c_void,
    ephemeral_key_length: usize,
    mac: *const c_void,
    mac_length: usize,
    ciphertext: *mut c_void,
    ciphertext_length: usize,
    plaintext: *mut c_void,
    max_plaintext_length: usize,
) -> usize {
    let ephemeral_key = input(ephemeral_key, ephemeral_key_length);
    let mac = input(mac, mac_length);
    if !ciphertext.is_null() && ciphertext == plaintext {
        // One buffer serves both: never make two overlapping Rust slices of it.
        let buffer = output(ciphertext, ciphertext_length.max(max_plaintext_length));
        return call(decryption, |d| {
            d.decrypt_in_place(ephemeral_key, mac, buffer, ciphertext_length, max_plaintext_length)
        });
    }
    call(decryption, |d| {
        let ciphertext = input(ciphertext, ciphertext_length);
        d.decrypt_with_capacity(ephemeral_key, mac, ciphertext, output(plaintext, max_plaintext_length), max_plaintext_length)
    })
}

/// Copy the raw private key of a decryption object into private_key, returning its length, or
/// olm_error() with "OUTPUT_BUFFER_TOO_SMALL" if the buffer is smaller than
/// olm_pk_private_key_length().
#[no_mangle]
pub unsafe extern "C" fn olm_pk_get_private_key(
    decryption: *mut OlmPkDecryption,
    private_key: *mut c_void,
    private_key_length: usize,
) -> usize {
    call(decryption, |d| d.private_key(output(private_key, private_key_length)))
}

/// The size of a signing object in bytes.
#[no_mangle]
pub extern "C" fn olm_pk_signing_size() -> usize {
    size::<OlmPkSigning>()
}

/// Initialise a signing object using the supplied memory, which must be at least
/// olm_pk_signing_size() bytes.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_signing(memory: *mut c_void) -> *mut OlmPkSigning {
    init(memory)
}

/// A null terminated string describing the most recent error to happen to a signing object.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_signing_last_error(sign: *const OlmPkSigning) -> *const c_char {
    last_error(sign)
}

/// An error code describing the most recent error to happen to a signing object.
#[no_mangle]
pub unsafe extern "C" fn olm_pk_signing_last_error_code(sign: *const OlmPkSigning) -> OlmErrorCode {
    last_error_code(sign)
}

/// Clears the memory used to back a signing object.
#[no_mangle]
pub unsafe extern "C" fn olm_clear_pk_signing(sign: *mut OlmPkSigning) -> usize {
    clear(sign)
}

/// Set the signing key pair from a seed and write the base64 public key to pubkey. Returns
/// olm_error() on failure: "OUTPUT_BUFFER_TOO_SMALL" if pubkey is too small,
/// "OLM_INPUT_BUFFER_TOO_SMALL" if the seed is shorter than olm_pk_signing_seed_length().
#[no_mangle]
pub unsafe extern "C" fn olm_pk_signing_key_from_seed(
    sign: *mut OlmPkSigning,
    pubkey: *mut c_void,
    pubkey_length: usize,
    seed: *const c_void,
    seed_length: usize,
) -> usize {
    call(sign, |s| s.set_seed(output(pubkey, pubkey_length), input(seed, seed_length)))
}

/// The size of the seed of a signing key.
#[no_mangle]
pub extern "C" fn olm_pk_signing_seed_length() -> usize {
    PK_SIGNING_SEED_LENGTH
}

/// The size of the base64 public key of a signing object.
#[no_mangle]
pub extern "C" fn olm_pk_signing_public_key_length() -> usize {
    PK_SIGNING_PUBLIC_KEY_LENGTH
}

/// The size of a base64 signature.
#[no_mangle]
pub extern "C" fn olm_pk_signature_length() -> usize {
    PK_SIGNATURE_LENGTH
}

/// Sign a message, writing the base64 signature. Returns its length, or olm_error() with
/// "OUTPUT_BUFFER_TOO_SMALL" if the signature buffer is smaller than olm_pk_signature_length().
#[no_mangle]
pub unsafe extern "C" fn olm_pk_sign(
    sign: *mut OlmPkSigning,
    message: *const u8,
    message_length: usize,
    signature: *mut u8,
    signature_length: usize,
) -> usize {
    call(sign, |s| {
        s.sign(input(message as *const c_void, message_length), output(signature as *mut c_void, signature_length))
    })
}

#[cfg(test)]
mod tests {
    //! The C-level conventions around the core: errors recorded on the object, NULL outputs,
    //! one buffer as both ciphertext and plaintext. Pickle from libolm 3.2.
    use super::*;
    use crate::ffi::ERROR;
    use std::ptr::{null, null_mut};

    const ALICE_PICKLE: &[u8] = b"qx37WTQrjZLz5tId/uBX9B3/okqAbV1ofl9UnHKno1eipByCpXleAAlAZoJgYnCDOQZDQWzo3luTSfkF9pU1mOI\
                                  LCbbouubs6TVeDyPfgGD9i86J8irHjA";
    const ALICE_PUBLIC: &[u8] = b"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo";

    unsafe fn unpickle_alice(d: *mut OlmPkDecryption, pickle: &[u8], pubkey: *mut u8, pubkey_length: usize) -> usize {
        let mut copy = pickle.to_vec();
        olm_unpickle_pk_decryption(
            d,
            b"secret_key".as_ptr() as *const c_void,
            10,
            copy.as_mut_ptr() as *mut c_void,
            copy.len(),
            pubkey as *mut c_void,
            pubkey_length,
        )
    }

    #[test]
    fn unpickle_with_and_without_a_public_key_output() {
        unsafe {
            let mut memory = vec![0u8; olm_pk_decryption_size()];
            let d = olm_pk_decryption(memory.as_mut_ptr() as *mut c_void);
            let mut public = [0u8; 43];
            assert_eq!(unpickle_alice(d, ALICE_PICKLE, public.as_mut_ptr(), 42), ERROR);
            assert_eq!(olm_pk_decryption_last_error_code(d), OlmErrorCode::OLM_OUTPUT_BUFFER_TOO_SMALL);
            assert_eq!(unpickle_alice(d, ALICE_PICKLE, null_mut(), 0), ALICE_PICKLE.len());
            assert_eq!(unpickle_alice(d, ALICE_PICKLE, public.as_mut_ptr(), 43), ALICE_PICKLE.len());
            assert_eq!(&public[..], ALICE_PUBLIC);
            // A truncated pickle keeps the earlier error (libolm only sets CORRUPTED_PICKLE on a
            // clean object).
            let short = {
                let mut raw = [0u8; 24];
                let keys = crate::core::crypto::CipherKeys::derive(b"secret_key", b"Pickle");
                keys.encrypt(&[0, 0, 0, 1, 9, 9], &mut raw[..16]);
                let mac = keys.mac(&raw[..16]);
                raw[16..24].copy_from_slice(&mac[..8]);
                let mut text = vec![0u8; 32];
                let n = crate::core::base64::encode(&raw[..24], &mut text);
                text.truncate(n);
                text
            };
            assert_eq!(unpickle_alice(d, &short, null_mut(), 0), ERROR);
            assert_eq!(olm_pk_decryption_last_error_code(d), OlmErrorCode::OLM_OUTPUT_BUFFER_TOO_SMALL);
            let mut fresh_memory = vec![0u8; olm_pk_decryption_size()];
            let fresh = olm_pk_decryption(fresh_memory.as_mut_ptr() as *mut c_void);
            assert_eq!(unpickle_alice(fresh, &short, null_mut(), 0), ERROR);
            assert_eq!(olm_pk_decryption_last_error_code(fresh), OlmErrorCode::OLM_CORRUPTED_PICKLE);
            // The failed unpickles left Alice's key in place.
            let mut private = [0u8; 32];
            assert_eq!(olm_pk_get_private_key(d, private.as_mut_ptr() as *mut c_void, 32), 32);
            assert_eq!(private[0], 0x77);
            assert_eq!(olm_clear_pk_decryption(d), olm_pk_decryption_size());
        }
    }

    #[test]
    fn decrypt_with_one_buffer_for_ciphertext_and_plaintext() {
        unsafe {
            let mut memory = vec![0u8; olm_pk_decryption_size()];
            let d = olm_pk_decryption(memory.as_mut_ptr() as *mut c_void);
            assert_eq!(unpickle_alice(d, ALICE_PICKLE, null_mut(), 0), ALICE_PICKLE.len());
            let ephemeral = b"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";
            let mac = b"zpzU6BkZcNI";
            let mut buffer = *b"ntk49j/KozVFtSqJXhCejg";
            let p = buffer.as_mut_ptr() as *mut c_void;
            let n = olm_pk_decrypt(d, ephemeral.as_ptr() as *const c_void, 43, mac.as_ptr() as *const c_void, 11, p, 22, p, 22);
            assert_eq!(n, 14);
            assert_eq!(&buffer[..14], b"This is a test");
            assert_eq!(olm_pk_decrypt(d, null(), 0, null(), 0, null_mut(), 0, null_mut(), 0), ERROR);
            assert_eq!(olm_pk_decryption_last_error_code(d), OlmErrorCode::OLM_INVALID_BASE64);
        }
    }

    #[test]
    fn encrypt_returns_the_mac_length_and_errors_are_sticky() {
        unsafe {
            let mut memory = vec![0u8; olm_pk_encryption_size()];
            let e = olm_pk_encryption(memory.as_mut_ptr() as *mut c_void);
            assert_eq!(olm_pk_encryption_set_recipient_key(e, ALICE_PUBLIC.as_ptr() as *const c_void, 42), ERROR);
            assert_eq!(olm_pk_encryption_last_error_code(e), OlmErrorCode::OLM_INPUT_BUFFER_TOO_SMALL);
            assert_eq!(olm_pk_encryption_set_recipient_key(e, ALICE_PUBLIC.as_ptr() as *const c_void, 43), 0);
            let (mut ct, mut mac, mut eph) = ([0u8; 22], [0u8; 11], [0u8; 43]);
            let random = [0x5au8; 32];
            let result = olm_pk_encrypt(
                e,
                b"hi".as_ptr() as *const c_void,
                2,
                ct.as_mut_ptr() as *mut c_void,
                22,
                mac.as_mut_ptr() as *mut c_void,
                11,
                eph.as_mut_ptr() as *mut c_void,
                43,
                random.as_ptr() as *const c_void,
                32,
            );
            assert_eq!(result, 8);
            assert_eq!(olm_pk_encryption_last_error_code(e), OlmErrorCode::OLM_INPUT_BUFFER_TOO_SMALL);
            assert_eq!(olm_pk_ciphertext_length(null(), 16), 43);
        }
    }
}
