"""Fixtures shared by the suite (see harness.py for what it runs against and when it skips)."""

import hashlib

import pytest

from harness import olm

OLM_MODULES_TAKING_RANDOM = ("account", "session", "group_session", "pk", "sas")


class ByteStream:
    """Reproducible stand-in for the operating system's random bytes: SHA-256 in counter mode."""

    def __init__(self, seed):
        self.seed = seed
        self.counter = 0
        self.pending = b""

    def __call__(self, length):
        while len(self.pending) < length:
            self.pending += hashlib.sha256(b"%s/%d" % (self.seed, self.counter)).digest()
            self.counter += 1
        out, self.pending = self.pending[:length], self.pending[length:]
        return out


@pytest.fixture
def fixed_random(monkeypatch):
    """Make every python-olm class draw its random bytes from one reproducible stream, so that
    outputs can be compared with those the real libolm gave for the same bytes."""
    stream = ByteStream(b"olm-rs python_tests")
    import importlib
    for name in OLM_MODULES_TAKING_RANDOM:
        module = importlib.import_module("olm." + name)
        monkeypatch.setattr(module, "URANDOM", stream)
    return stream


@pytest.fixture
def alice_and_bob():
    """Two accounts with an established Olm session: Alice's outbound, Bob's inbound, after
    Bob decrypted Alice's first (pre-key) message."""
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(1)
    one_time_key = list(bob.one_time_keys["curve25519"].values())[0]
    outbound = olm.OutboundSession(alice, bob.identity_keys["curve25519"], one_time_key)
    first = outbound.encrypt("hello bob")
    inbound = olm.InboundSession(bob, first)
    assert inbound.decrypt(first) == "hello bob"
    bob.remove_one_time_keys(inbound)
    return alice, bob, outbound, inbound


def pytest_terminal_summary(terminalreporter):
    """Say once which library ran, and why everything was skipped if it was."""
    from harness import OLM_UNAVAILABLE, OUR_LIBRARY
    terminalreporter.write_line("libolm under test: %s" % OUR_LIBRARY)
    if OLM_UNAVAILABLE:
        terminalreporter.write_line("every test skipped: %s" % OLM_UNAVAILABLE)
