"""sha256 and ed25519_verify, and their exception classes."""

import base64
import hashlib

import pytest

from harness import olm, require

pytestmark = require("utility")


def b64(data):
    return base64.b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize("text", ["", "abc", "It's a secret to everybody", "ünïcödé", "x" * 10000])
def test_sha256_is_unpadded_base64_of_the_digest(text):
    expected = b64(hashlib.sha256(text.encode()).digest())
    assert olm.sha256(text) == expected
    assert olm.sha256(text.encode()) == expected


def test_sha256_rejects_other_types():
    with pytest.raises(TypeError):
        olm.sha256(42)


# RFC 8032, section 7.1, tests 1 to 3.
RFC8032 = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


@pytest.mark.parametrize("key,message,signature", RFC8032)
def test_ed25519_verify_accepts_rfc8032_signatures(key, message, signature):
    key, message, signature = (bytes.fromhex(x) for x in (key, message, signature))
    olm.ed25519_verify(b64(key), message, b64(signature))
    olm.ed25519_verify(b64(key).encode(), message, b64(signature).encode())


def rfc8032_first():
    key, message, signature = (bytes.fromhex(x) for x in RFC8032[0])
    return key, message, signature


def test_ed25519_verify_rejects_another_message():
    key, message, signature = rfc8032_first()
    with pytest.raises(olm.OlmVerifyError, match="BAD_MESSAGE_MAC"):
        olm.ed25519_verify(b64(key), b"not the message", b64(signature))


@pytest.mark.parametrize("position", [0, 31, 32, 63])
def test_ed25519_verify_rejects_a_changed_signature(position):
    key, message, signature = rfc8032_first()
    changed = bytearray(signature)
    changed[position] ^= 0x01
    with pytest.raises(olm.OlmVerifyError, match="BAD_MESSAGE_MAC"):
        olm.ed25519_verify(b64(key), message, b64(bytes(changed)))


def test_ed25519_verify_rejects_another_key():
    _, message, signature = rfc8032_first()
    other_key = bytes.fromhex(RFC8032[1][0])
    with pytest.raises(olm.OlmVerifyError, match="BAD_MESSAGE_MAC"):
        olm.ed25519_verify(b64(other_key), message, b64(signature))


@pytest.mark.parametrize("cut", [1, 2, 10])
def test_ed25519_verify_rejects_a_truncated_key(cut):
    key, message, signature = rfc8032_first()
    with pytest.raises(olm.OlmVerifyError, match="INVALID_BASE64"):
        olm.ed25519_verify(b64(key)[:-cut], message, b64(signature))


@pytest.mark.parametrize("cut", [1, 2, 40])
def test_ed25519_verify_rejects_a_truncated_signature(cut):
    key, message, signature = rfc8032_first()
    with pytest.raises(olm.OlmVerifyError):
        olm.ed25519_verify(b64(key), message, b64(signature)[:-cut])


def test_ed25519_verify_rejects_s_plus_l():
    """Deliberate difference 1 (strict Ed25519): libolm accepts S+L (CVE-2024-45193); we refuse
    it with the error libolm gives for any invalid signature."""
    key, message, signature = rfc8032_first()
    group_order = 2**252 + 27742317777372353535851937790883648493
    s = int.from_bytes(signature[32:], "little") + group_order
    malleated = signature[:32] + s.to_bytes(32, "little")
    with pytest.raises(olm.OlmVerifyError, match="BAD_MESSAGE_MAC"):
        olm.ed25519_verify(b64(key), message, b64(malleated))


def test_ed25519_verify_rejects_other_types():
    key, message, signature = rfc8032_first()
    with pytest.raises(TypeError):
        olm.ed25519_verify(b64(key), 42, b64(signature))


def test_exception_classes_are_exceptions():
    for name in ("OlmVerifyError", "OlmHashError", "OlmAccountError", "OlmSessionError",
                 "OlmGroupSessionError", "PkEncryptionError", "PkDecryptionError",
                 "PkSigningError", "OlmSasError"):
        assert issubclass(getattr(olm, name), Exception)
