//! libolm's C API as the fuzz targets reach it: the exported symbols of the library, declared
//! from libolm's headers. Every handle is an opaque pointer. A family's block exists only once
//! the library exports that family (see build.rs).
#![allow(dead_code)]

use std::ffi::c_void;

pub type Handle = *mut c_void;
pub type Init = unsafe extern "C" fn(*mut c_void) -> Handle;

extern "C" {
    pub fn olm_error() -> usize;
    pub fn olm_utility_size() -> usize;
    pub fn olm_utility(memory: *mut c_void) -> Handle;
    pub fn olm_ed25519_verify(
        utility: Handle,
        key: *const c_void,
        key_length: usize,
        message: *const c_void,
        message_length: usize,
        signature: *mut c_void,
        signature_length: usize,
    ) -> usize;
    pub fn olm_sha256(utility: Handle, input: *const c_void, len: usize, out: *mut c_void, out_len: usize) -> usize;

    pub fn olm_account_size() -> usize;
    pub fn olm_account(memory: *mut c_void) -> Handle;
    pub fn olm_clear_account(account: Handle) -> usize;
    pub fn olm_create_account(account: Handle, random: *mut c_void, random_length: usize) -> usize;
    pub fn olm_account_identity_keys(account: Handle, out: *mut c_void, len: usize) -> usize;
    pub fn olm_account_generate_one_time_keys(account: Handle, n: usize, random: *mut c_void, len: usize) -> usize;
    pub fn olm_account_one_time_keys(account: Handle, out: *mut c_void, len: usize) -> usize;
    pub fn olm_account_generate_fallback_key(account: Handle, random: *mut c_void, len: usize) -> usize;
    pub fn olm_account_mark_keys_as_published(account: Handle) -> usize;
    pub fn olm_account_sign(account: Handle, msg: *const c_void, len: usize, out: *mut c_void, out_len: usize) -> usize;
    pub fn olm_pickle_account_length(account: Handle) -> usize;
    pub fn olm_pickle_account(account: Handle, key: *const c_void, kl: usize, out: *mut c_void, len: usize) -> usize;
    pub fn olm_unpickle_account(account: Handle, key: *const c_void, kl: usize, p: *mut c_void, len: usize) -> usize;
    pub fn olm_account_last_error_code(account: Handle) -> u32;
    pub fn olm_account_one_time_keys_length(account: Handle) -> usize;
    pub fn olm_account_identity_keys_length(account: Handle) -> usize;
}

#[cfg(has_session)]
extern "C" {
    pub fn olm_session_size() -> usize;
    pub fn olm_session(memory: *mut c_void) -> Handle;
    pub fn olm_create_outbound_session(
        session: Handle,
        account: Handle,
        their_identity_key: *const c_void,
        their_identity_key_length: usize,
        their_one_time_key: *const c_void,
        their_one_time_key_length: usize,
        random: *mut c_void,
        random_length: usize,
    ) -> usize;
    pub fn olm_create_outbound_session_random_length(session: Handle) -> usize;
    pub fn olm_create_inbound_session(session: Handle, account: Handle, msg: *mut c_void, len: usize) -> usize;
    pub fn olm_create_inbound_session_from(
        session: Handle,
        account: Handle,
        their_identity_key: *const c_void,
        their_identity_key_length: usize,
        msg: *mut c_void,
        len: usize,
    ) -> usize;
    pub fn olm_matches_inbound_session(session: Handle, msg: *mut c_void, len: usize) -> usize;
    pub fn olm_matches_inbound_session_from(
        session: Handle,
        their_identity_key: *const c_void,
        their_identity_key_length: usize,
        msg: *mut c_void,
        len: usize,
    ) -> usize;
    pub fn olm_remove_one_time_keys(account: Handle, session: Handle) -> usize;
    pub fn olm_encrypt_message_type(session: Handle) -> usize;
    pub fn olm_encrypt_random_length(session: Handle) -> usize;
    pub fn olm_encrypt_message_length(session: Handle, plaintext_length: usize) -> usize;
    pub fn olm_encrypt(
        session: Handle,
        plaintext: *const c_void,
        plaintext_length: usize,
        random: *mut c_void,
        random_length: usize,
        message: *mut c_void,
        message_length: usize,
    ) -> usize;
    pub fn olm_decrypt_max_plaintext_length(session: Handle, message_type: usize, msg: *mut c_void, len: usize) -> usize;
    pub fn olm_decrypt(
        session: Handle,
        message_type: usize,
        msg: *mut c_void,
        len: usize,
        plaintext: *mut c_void,
        max_plaintext_length: usize,
    ) -> usize;
    pub fn olm_session_describe(session: Handle, buf: *mut c_void, len: usize);
    pub fn olm_pickle_session_length(session: Handle) -> usize;
    pub fn olm_pickle_session(session: Handle, key: *const c_void, kl: usize, out: *mut c_void, len: usize) -> usize;
    pub fn olm_unpickle_session(session: Handle, key: *const c_void, kl: usize, p: *mut c_void, len: usize) -> usize;
    pub fn olm_session_last_error_code(session: Handle) -> u32;
}

#[cfg(has_outbound_group)]
extern "C" {
    pub fn olm_outbound_group_session_size() -> usize;
    pub fn olm_outbound_group_session(memory: *mut c_void) -> Handle;
    pub fn olm_init_outbound_group_session(session: Handle, random: *mut u8, len: usize) -> usize;
    pub fn olm_init_outbound_group_session_random_length(session: Handle) -> usize;
    pub fn olm_group_encrypt_message_length(session: Handle, plaintext_length: usize) -> usize;
    pub fn olm_group_encrypt(session: Handle, plaintext: *const u8, pl: usize, message: *mut u8, ml: usize) -> usize;
    pub fn olm_outbound_group_session_key_length(session: Handle) -> usize;
    pub fn olm_outbound_group_session_key(session: Handle, key: *mut u8, len: usize) -> usize;
    pub fn olm_pickle_outbound_group_session_length(session: Handle) -> usize;
    pub fn olm_outbound_group_session_last_error_code(session: Handle) -> u32;
    pub fn olm_pickle_outbound_group_session(
        session: Handle,
        key: *const c_void,
        kl: usize,
        out: *mut c_void,
        len: usize,
    ) -> usize;
    pub fn olm_unpickle_outbound_group_session(
        session: Handle,
        key: *const c_void,
        kl: usize,
        p: *mut c_void,
        len: usize,
    ) -> usize;
}

#[cfg(has_inbound_group)]
extern "C" {
    pub fn olm_inbound_group_session_size() -> usize;
    pub fn olm_inbound_group_session(memory: *mut c_void) -> Handle;
    pub fn olm_init_inbound_group_session(session: Handle, key: *const u8, len: usize) -> usize;
    pub fn olm_import_inbound_group_session(session: Handle, key: *const u8, len: usize) -> usize;
    pub fn olm_group_decrypt_max_plaintext_length(session: Handle, msg: *mut u8, len: usize) -> usize;
    pub fn olm_group_decrypt(
        session: Handle,
        msg: *mut u8,
        len: usize,
        plaintext: *mut u8,
        max_plaintext_length: usize,
        message_index: *mut u32,
    ) -> usize;
    pub fn olm_export_inbound_group_session_length(session: Handle) -> usize;
    pub fn olm_export_inbound_group_session(session: Handle, key: *mut u8, len: usize, index: u32) -> usize;
    pub fn olm_inbound_group_session_first_known_index(session: Handle) -> u32;
    pub fn olm_pickle_inbound_group_session_length(session: Handle) -> usize;
    pub fn olm_inbound_group_session_last_error_code(session: Handle) -> u32;
    pub fn olm_pickle_inbound_group_session(
        session: Handle,
        key: *const c_void,
        kl: usize,
        out: *mut c_void,
        len: usize,
    ) -> usize;
    pub fn olm_unpickle_inbound_group_session(
        session: Handle,
        key: *const c_void,
        kl: usize,
        p: *mut c_void,
        len: usize,
    ) -> usize;
}

#[cfg(has_pk)]
extern "C" {
    pub fn olm_pk_decryption_size() -> usize;
    pub fn olm_pk_decryption(memory: *mut c_void) -> Handle;
    pub fn olm_pk_key_from_private(d: Handle, pubkey: *mut c_void, pl: usize, private: *const c_void, len: usize) -> usize;
    pub fn olm_pk_max_plaintext_length(d: Handle, ciphertext_length: usize) -> usize;
    pub fn olm_pk_decrypt(
        d: Handle,
        ephemeral_key: *const c_void,
        ephemeral_key_length: usize,
        mac: *const c_void,
        mac_length: usize,
        ciphertext: *mut c_void,
        ciphertext_length: usize,
        plaintext: *mut c_void,
        max_plaintext_length: usize,
    ) -> usize;
    pub fn olm_pickle_pk_decryption_length(d: Handle) -> usize;
    pub fn olm_pk_decryption_last_error_code(d: Handle) -> u32;
    pub fn olm_pickle_pk_decryption(d: Handle, key: *const c_void, kl: usize, out: *mut c_void, len: usize) -> usize;
    pub fn olm_unpickle_pk_decryption(
        d: Handle,
        key: *const c_void,
        kl: usize,
        p: *mut c_void,
        len: usize,
        pubkey: *mut c_void,
        pubkey_length: usize,
    ) -> usize;
    pub fn olm_pk_encryption_size() -> usize;
    pub fn olm_pk_encryption(memory: *mut c_void) -> Handle;
    pub fn olm_pk_encryption_set_recipient_key(e: Handle, key: *const c_void, len: usize) -> usize;
    pub fn olm_pk_ciphertext_length(e: Handle, plaintext_length: usize) -> usize;
    pub fn olm_pk_mac_length(e: Handle) -> usize;
    pub fn olm_pk_key_length() -> usize;
    pub fn olm_pk_encrypt_random_length(e: Handle) -> usize;
    pub fn olm_pk_encrypt(
        e: Handle,
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
    ) -> usize;
}

#[cfg(has_sas)]
extern "C" {
    pub fn olm_sas_size() -> usize;
    pub fn olm_sas(memory: *mut c_void) -> Handle;
    pub fn olm_create_sas(sas: Handle, random: *mut c_void, len: usize) -> usize;
    pub fn olm_create_sas_random_length(sas: Handle) -> usize;
    pub fn olm_sas_pubkey_length(sas: Handle) -> usize;
    pub fn olm_sas_get_pubkey(sas: Handle, out: *mut c_void, len: usize) -> usize;
    pub fn olm_sas_set_their_key(sas: Handle, key: *mut c_void, len: usize) -> usize;
    pub fn olm_sas_generate_bytes(sas: Handle, info: *const c_void, il: usize, out: *mut c_void, ol: usize) -> usize;
    pub fn olm_sas_mac_length(sas: Handle) -> usize;
    pub fn olm_sas_calculate_mac(
        sas: Handle,
        input: *const c_void,
        il: usize,
        info: *const c_void,
        nl: usize,
        mac: *mut c_void,
        ml: usize,
    ) -> usize;
    pub fn olm_sas_calculate_mac_fixed_base64(
        sas: Handle,
        input: *const c_void,
        il: usize,
        info: *const c_void,
        nl: usize,
        mac: *mut c_void,
        ml: usize,
    ) -> usize;
    pub fn olm_sas_calculate_mac_long_kdf(
        sas: Handle,
        input: *const c_void,
        il: usize,
        info: *const c_void,
        nl: usize,
        mac: *mut c_void,
        ml: usize,
    ) -> usize;
}
