"""What the suite runs against, and when a test must be skipped rather than run.

The suite runs on two routes (mk/40-python.mk): python-olm's package over our `_libolm` module, and
Debian's python3-olm with our library in place of the real one. OLM_LIBRARY names the library file
that must be the libolm mapped into the process (default: this repository's target/release/libolm.so).

Skips are keyed on facts about that library, never on a test's outcome:
- every test is skipped when the library lacks symbols that the `_libolm` extension module was
  linked against (Debian's module needs all of libolm's API before it can even load); `olm` is then
  None;
- `require(*families)` also skips when the library does not export a family python-olm calls
  (families land one by one; their tests come alive by themselves once exported).
"""

import functools
import importlib.util
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUR_LIBRARY = os.path.realpath(
    os.environ.get("OLM_LIBRARY", os.path.join(ROOT, "target", "release", "libolm.so")))

# The libolm functions python-olm's classes call, by family (from python-olm 3.2.16's olm/*.py).
FAMILIES = {
    "utility": ["olm_utility_size", "olm_utility", "olm_clear_utility", "olm_utility_last_error",
                "olm_sha256_length", "olm_sha256", "olm_ed25519_verify", "olm_error"],
    "account": [
        "olm_account_size", "olm_account", "olm_clear_account", "olm_account_last_error",
        "olm_create_account_random_length", "olm_create_account", "olm_pickle_account_length",
        "olm_pickle_account", "olm_unpickle_account", "olm_account_identity_keys_length",
        "olm_account_identity_keys", "olm_account_signature_length", "olm_account_sign",
        "olm_account_max_number_of_one_time_keys", "olm_account_mark_keys_as_published",
        "olm_account_generate_one_time_keys_random_length", "olm_account_generate_one_time_keys",
        "olm_account_one_time_keys_length", "olm_account_one_time_keys",
        "olm_account_generate_fallback_key_random_length", "olm_account_generate_fallback_key",
        "olm_account_forget_old_fallback_key", "olm_account_unpublished_fallback_key_length",
        "olm_account_unpublished_fallback_key"],
    "session": [
        "olm_session_size", "olm_session", "olm_clear_session", "olm_session_last_error",
        "olm_pickle_session_length", "olm_pickle_session", "olm_unpickle_session",
        "olm_create_outbound_session_random_length", "olm_create_outbound_session",
        "olm_create_inbound_session", "olm_create_inbound_session_from", "olm_session_id_length",
        "olm_session_id", "olm_matches_inbound_session", "olm_matches_inbound_session_from",
        "olm_remove_one_time_keys", "olm_encrypt_message_type", "olm_encrypt_random_length",
        "olm_encrypt_message_length", "olm_encrypt", "olm_decrypt_max_plaintext_length",
        "olm_decrypt", "olm_session_describe"],
    "megolm": [
        "olm_outbound_group_session_size", "olm_outbound_group_session",
        "olm_clear_outbound_group_session", "olm_outbound_group_session_last_error",
        "olm_pickle_outbound_group_session_length", "olm_pickle_outbound_group_session",
        "olm_unpickle_outbound_group_session", "olm_init_outbound_group_session_random_length",
        "olm_init_outbound_group_session", "olm_group_encrypt_message_length", "olm_group_encrypt",
        "olm_outbound_group_session_id_length", "olm_outbound_group_session_id",
        "olm_outbound_group_session_message_index", "olm_outbound_group_session_key_length",
        "olm_outbound_group_session_key", "olm_inbound_group_session_size",
        "olm_inbound_group_session", "olm_clear_inbound_group_session",
        "olm_inbound_group_session_last_error", "olm_pickle_inbound_group_session_length",
        "olm_pickle_inbound_group_session", "olm_unpickle_inbound_group_session",
        "olm_init_inbound_group_session", "olm_import_inbound_group_session",
        "olm_group_decrypt_max_plaintext_length", "olm_group_decrypt",
        "olm_inbound_group_session_id_length", "olm_inbound_group_session_id",
        "olm_inbound_group_session_first_known_index", "olm_export_inbound_group_session_length",
        "olm_export_inbound_group_session"],
    "pk": [
        "olm_pk_encryption_size", "olm_pk_encryption", "olm_clear_pk_encryption",
        "olm_pk_encryption_last_error", "olm_pk_encryption_set_recipient_key",
        "olm_pk_ciphertext_length", "olm_pk_mac_length", "olm_pk_key_length",
        "olm_pk_encrypt_random_length", "olm_pk_encrypt", "olm_pk_decryption_size",
        "olm_pk_decryption", "olm_clear_pk_decryption", "olm_pk_decryption_last_error",
        "olm_pk_private_key_length", "olm_pk_key_from_private", "olm_pickle_pk_decryption_length",
        "olm_pickle_pk_decryption", "olm_unpickle_pk_decryption", "olm_pk_max_plaintext_length",
        "olm_pk_decrypt", "olm_pk_signing_size", "olm_pk_signing", "olm_clear_pk_signing",
        "olm_pk_signing_last_error", "olm_pk_signing_seed_length",
        "olm_pk_signing_public_key_length", "olm_pk_signing_key_from_seed",
        "olm_pk_signature_length", "olm_pk_sign"],
    "sas": [
        "olm_sas_size", "olm_sas", "olm_clear_sas", "olm_sas_last_error",
        "olm_create_sas_random_length", "olm_create_sas", "olm_sas_pubkey_length",
        "olm_sas_get_pubkey", "olm_sas_set_their_key", "olm_sas_is_their_key_set",
        "olm_sas_generate_bytes", "olm_sas_mac_length", "olm_sas_calculate_mac",
        "olm_sas_calculate_mac_fixed_base64", "olm_sas_calculate_mac_long_kdf"],
}


def dynamic_symbols(path, which):
    """Names in a shared object's dynamic symbol table: which is "defined" or "undefined"."""
    out = subprocess.run(["nm", "-D", "--%s-only" % which, path],
                         capture_output=True, text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


@functools.lru_cache(maxsize=None)
def exported():
    """The functions our library exports."""
    return frozenset(dynamic_symbols(OUR_LIBRARY, "defined"))


def missing_for_extension():
    """The libolm functions the `_libolm` module that `import olm` would load needs but our library
    does not export (empty when it can load)."""
    spec = importlib.util.find_spec("_libolm")
    if spec is None or spec.origin is None:
        pytest.fail("no _libolm module on this interpreter's path: run `make python-venv`")
    needed = {s for s in dynamic_symbols(spec.origin, "undefined") if "olm_" in s}
    return sorted(needed - exported())


def _load_olm():
    """python-olm's package and None, or None and why our library cannot back it."""
    missing = missing_for_extension()
    if missing:
        return None, ("%s lacks %d functions %s needs (%s, ...): not merged yet"
                      % (OUR_LIBRARY, len(missing), importlib.util.find_spec("_libolm").origin,
                         ", ".join(missing[:3])))
    import olm
    return olm, None


olm, OLM_UNAVAILABLE = _load_olm()


def require(*families):
    """A mark that skips a test (or, as `pytestmark`, a module) unless python-olm could be loaded
    over our library and the library exports every function of the families."""
    if OLM_UNAVAILABLE:
        return pytest.mark.skip(reason=OLM_UNAVAILABLE)
    missing = sorted(s for f in families for s in FAMILIES[f] if s not in exported())
    return pytest.mark.skipif(
        bool(missing), reason="our library does not export the %s family yet (%s, ...)"
        % ("+".join(families), ", ".join(missing[:3])))


def mapped_libolm_files():
    """Every libolm file mapped into this process, as (path, (device, inode))."""
    found = {}
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) < 6:
                continue
            path = fields[5].strip()
            if os.path.basename(path).startswith("libolm") and not path.endswith("(deleted)"):
                st = os.stat(path)
                found[path] = (st.st_dev, st.st_ino)
    return found
