"""PkEncryption, PkDecryption and PkSigning."""

import pytest

from harness import olm, require

pytestmark = require("utility", "pk")


@pytest.fixture
def decryption():
    return olm.PkDecryption()


def test_encrypt_then_decrypt(decryption):
    assert len(decryption.public_key) == 43
    encryption = olm.PkEncryption(decryption.public_key)
    for plaintext in ("hello", "", "ünïcödé ✓", "x" * 10000):
        message = encryption.encrypt(plaintext)
        assert (len(message.ephemeral_key), len(message.mac)) == (43, 11)
        assert decryption.decrypt(message) == plaintext


def test_each_message_has_a_fresh_ephemeral_key(decryption):
    encryption = olm.PkEncryption(decryption.public_key)
    assert encryption.encrypt("a").ephemeral_key != encryption.encrypt("a").ephemeral_key


def test_bad_messages_are_refused(decryption):
    message = olm.PkEncryption(decryption.public_key).encrypt("hello")
    cases = [
        (message.ephemeral_key, "A" * 11, message.ciphertext, "BAD_MESSAGE_MAC"),
        (message.ephemeral_key[:-3], message.mac, message.ciphertext, "INVALID_BASE64"),
        (message.ephemeral_key, message.mac[:-1], message.ciphertext, "INVALID_BASE64"),
        (olm.PkDecryption().public_key, message.mac, message.ciphertext, "BAD_MESSAGE_MAC"),
    ]
    for ephemeral_key, mac, ciphertext, error in cases:
        with pytest.raises(olm.PkDecryptionError, match=error):
            decryption.decrypt(olm.PkMessage(ephemeral_key, mac, ciphertext))
    assert decryption.decrypt(message) == "hello"


def test_a_changed_ciphertext_never_gives_the_plaintext(decryption):
    """libolm's MAC covers no ciphertext (key backups rely on that) and its padding is not checked,
    so a changed block decrypts to garbage or fails, depending on the garbage's last byte."""
    message = olm.PkEncryption(decryption.public_key).encrypt("hello")
    for position in range(0, 21):
        changed = list(message.ciphertext)
        changed[position] = "A" if changed[position] != "A" else "B"
        try:
            result = decryption.decrypt(olm.PkMessage(message.ephemeral_key, message.mac,
                                                      "".join(changed)))
        except olm.PkDecryptionError as error:
            assert str(error) == "BAD_MESSAGE_MAC"
        else:
            assert result != "hello"


def test_ciphertext_not_a_whole_number_of_blocks_is_refused(decryption):
    """Deliberate difference 2: libolm reads out of bounds (and may crash) on a ciphertext whose
    length is 0 or not a multiple of 16 bytes; we refuse it."""
    message = olm.PkEncryption(decryption.public_key).encrypt("hello")
    for ciphertext in ("AAAA", message.ciphertext[:-3], ""):
        with pytest.raises(olm.PkDecryptionError):
            decryption.decrypt(olm.PkMessage(message.ephemeral_key, message.mac, ciphertext))


def test_empty_recipient_key_is_refused():
    with pytest.raises(ValueError):
        olm.PkEncryption("")


@pytest.mark.parametrize("passphrase", ["", "a passphrase"])
def test_pickle_round_trip(decryption, passphrase):
    message = olm.PkEncryption(decryption.public_key).encrypt("kept")
    restored = olm.PkDecryption.from_pickle(decryption.pickle(passphrase), passphrase)
    assert restored.public_key == decryption.public_key
    assert restored.decrypt(message) == "kept"


def test_pickle_errors(decryption):
    pickle = decryption.pickle("right")
    with pytest.raises(olm.PkDecryptionError, match="BAD_ACCOUNT_KEY"):
        olm.PkDecryption.from_pickle(pickle, "wrong")
    with pytest.raises(olm.PkDecryptionError, match="BAD_ACCOUNT_KEY"):
        olm.PkDecryption.from_pickle(pickle[:len(pickle) // 2 // 4 * 4], "right")
    with pytest.raises(olm.PkDecryptionError, match="INVALID_BASE64"):
        olm.PkDecryption.from_pickle(pickle[:41], "right")
    with pytest.raises(ValueError):
        olm.PkDecryption.from_pickle(b"", "right")


def test_signing_verifies_and_is_deterministic():
    seed = olm.PkSigning.generate_seed()
    assert len(seed) == 32
    signing = olm.PkSigning(seed)
    for message in ("", "hi", "ünïcödé", "x" * 10000):
        signature = signing.sign(message)
        olm.ed25519_verify(signing.public_key, message, signature)
        assert olm.PkSigning(seed).sign(message) == signature
    with pytest.raises(olm.OlmVerifyError, match="BAD_MESSAGE_MAC"):
        olm.ed25519_verify(signing.public_key, "other", signing.sign("hi"))


def test_signing_seed_length():
    with pytest.raises(ValueError):
        olm.PkSigning(b"")
    with pytest.raises(olm.PkSigningError, match="OLM_INPUT_BUFFER_TOO_SMALL"):
        olm.PkSigning(b"x" * 31)
    # Only the first 32 bytes are the seed.
    assert olm.PkSigning(b"x" * 33).public_key == olm.PkSigning(b"x" * 32).public_key


def test_plaintext_that_is_not_utf8(decryption):
    encryption = olm.PkEncryption(decryption.public_key)
    assert decryption.decrypt(encryption.encrypt(b"\xedok")) == "\ufffdok"
    assert decryption.decrypt(encryption.encrypt(b"\xedok"), "ignore") == "ok"
    with pytest.raises(UnicodeDecodeError):
        decryption.decrypt(encryption.encrypt(b"\xed"), "strict")


def test_ephemeral_key_that_is_not_base64(decryption):
    message = olm.PkEncryption(decryption.public_key).encrypt("hello")
    message.ephemeral_key = "?"
    with pytest.raises(olm.PkDecryptionError, match="INVALID_BASE64"):
        decryption.decrypt(message)
