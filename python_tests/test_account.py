"""Account: identity keys, signatures, one-time and fallback keys, pickles."""

import re

import pytest

from harness import olm, require

pytestmark = require("utility", "account")

KEY = re.compile(r"^[A-Za-z0-9+/]{43}$")


def test_identity_keys_are_two_distinct_base64_keys():
    keys = olm.Account().identity_keys
    assert sorted(keys) == ["curve25519", "ed25519"]
    assert all(KEY.match(k) for k in keys.values())
    assert keys != olm.Account().identity_keys


def test_signatures_verify_with_the_identity_key():
    account = olm.Account()
    for message in ("", "a message", "ünïcödé", b"bytes \x00\xff", "x" * 5000):
        signature = account.sign(message)
        assert len(signature) == 86
        olm.ed25519_verify(account.identity_keys["ed25519"], message, signature)
    with pytest.raises(olm.OlmVerifyError, match="BAD_MESSAGE_MAC"):
        olm.ed25519_verify(account.identity_keys["ed25519"], "other", account.sign("message"))


def test_signatures_are_deterministic():
    account = olm.Account()
    assert account.sign("message") == account.sign("message")


def test_one_time_keys_are_numbered_and_cleared_once_published():
    account = olm.Account()
    assert account.max_one_time_keys == 100
    assert account.one_time_keys == {"curve25519": {}}
    account.generate_one_time_keys(3)
    keys = account.one_time_keys["curve25519"]
    assert sorted(keys) == ["AAAAAQ", "AAAAAg", "AAAAAw"]
    assert all(KEY.match(k) for k in keys.values())
    account.mark_keys_as_published()
    assert account.one_time_keys == {"curve25519": {}}
    account.generate_one_time_keys(1)
    assert list(account.one_time_keys["curve25519"]) == ["AAAABA"]


def test_generating_past_the_maximum_keeps_the_newest_hundred():
    account = olm.Account()
    account.generate_one_time_keys(60)
    account.generate_one_time_keys(60)
    keys = account.one_time_keys["curve25519"]
    assert len(keys) == 100
    assert "AAAAAQ" not in keys and "AAAAeA" in keys  # key 1 dropped, key 120 kept


def test_generating_zero_one_time_keys_changes_nothing():
    account = olm.Account()
    account.generate_one_time_keys(0)
    assert account.one_time_keys == {"curve25519": {}}


def test_fallback_key_lifecycle():
    account = olm.Account()
    assert account.fallback_key == {"curve25519": {}}
    account.generate_fallback_key()
    first = account.fallback_key["curve25519"]
    assert len(first) == 1 and KEY.match(list(first.values())[0])
    account.generate_fallback_key()
    second = account.fallback_key["curve25519"]
    assert len(second) == 1 and second != first
    account.mark_keys_as_published()
    assert account.fallback_key == {"curve25519": {}}
    account.forget_old_fallback_key()
    assert account.fallback_key == {"curve25519": {}}


def test_fallback_and_one_time_key_ids_share_a_counter():
    account = olm.Account()
    account.generate_one_time_keys(2)
    account.generate_fallback_key()
    assert list(account.fallback_key["curve25519"]) == ["AAAAAw"]


@pytest.mark.parametrize("passphrase", ["", "a passphrase", "ünïcödé"])
def test_pickle_round_trip_keeps_every_key(passphrase):
    account = olm.Account()
    account.generate_one_time_keys(5)
    account.generate_fallback_key()
    pickle = account.pickle(passphrase) if passphrase else account.pickle()
    assert isinstance(pickle, bytes)
    restored = olm.Account.from_pickle(pickle, passphrase)
    assert restored.identity_keys == account.identity_keys
    assert restored.one_time_keys == account.one_time_keys
    assert restored.fallback_key == account.fallback_key
    assert restored.sign("m") == account.sign("m")
    assert restored.pickle(passphrase) == pickle


def test_pickles_are_encrypted_with_fresh_content_per_passphrase():
    account = olm.Account()
    assert account.pickle("one") != account.pickle("two")
    assert account.pickle("one") == account.pickle("one")


def test_wrong_passphrase_is_refused():
    pickle = olm.Account().pickle("right")
    with pytest.raises(olm.OlmAccountError, match="BAD_ACCOUNT_KEY"):
        olm.Account.from_pickle(pickle, "wrong")
    with pytest.raises(olm.OlmAccountError, match="BAD_ACCOUNT_KEY"):
        olm.Account.from_pickle(pickle)


def test_changed_pickle_is_refused():
    pickle = bytearray(olm.Account().pickle("key"))
    pickle[len(pickle) // 2] = ord("A") if pickle[len(pickle) // 2] != ord("A") else ord("B")
    with pytest.raises(olm.OlmAccountError, match="BAD_ACCOUNT_KEY"):
        olm.Account.from_pickle(bytes(pickle), "key")


@pytest.mark.parametrize("keep", [4, 8, 100])
def test_truncated_pickle_is_refused(keep):
    pickle = olm.Account().pickle("key")
    with pytest.raises(olm.OlmAccountError, match="BAD_ACCOUNT_KEY"):
        olm.Account.from_pickle(pickle[:keep], "key")


def test_pickle_of_impossible_base64_length_is_refused():
    pickle = olm.Account().pickle("key")
    with pytest.raises(olm.OlmAccountError, match="INVALID_BASE64"):
        olm.Account.from_pickle(pickle[:4 * 10 + 1], "key")


def test_empty_pickle_is_refused():
    with pytest.raises(ValueError):
        olm.Account.from_pickle(b"")


@pytest.mark.parametrize("pickle", [b"AAAA", b"A" * 32, b"!!!!"])
def test_garbage_pickle_fails_its_mac(pickle):
    with pytest.raises(olm.OlmAccountError) as caught:
        olm.Account.from_pickle(pickle, "key")
    assert str(caught.value) == "BAD_ACCOUNT_KEY"
