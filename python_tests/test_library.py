"""Which libolm the process runs on, and python-olm's README examples on it."""

import ast
import os
import re
import sysconfig

import pytest

from harness import FAMILIES, OUR_LIBRARY, exported, mapped_libolm_files, require

pytestmark = require("utility")


@pytest.fixture
def _libolm():
    """The CFFI module python-olm runs on (loaded by `import olm`)."""
    import _libolm
    return _libolm

# Debian's libolm of this architecture, in the multiarch directory Python was built for.
_MULTIARCH = sysconfig.get_config_var("MULTIARCH")
SYSTEM_LIBOLM = "/usr/lib/%s/libolm.so.3" % _MULTIARCH if _MULTIARCH else None


def test_the_mapped_libolm_is_ours(_libolm):
    mapped = mapped_libolm_files()
    ours = os.stat(OUR_LIBRARY)
    assert list(mapped.values()) == [(ours.st_dev, ours.st_ino)], (
        "libolm files mapped: %s; expected only %s (via %s)"
        % (sorted(mapped), OUR_LIBRARY, _libolm.__file__))


def test_the_real_libolm_is_not_mapped():
    if not SYSTEM_LIBOLM or not os.path.exists(SYSTEM_LIBOLM):
        pytest.skip("no system libolm on this machine to tell apart")
    real = os.stat(SYSTEM_LIBOLM)
    assert (real.st_dev, real.st_ino) not in mapped_libolm_files().values()


def test_library_version_is_the_release_we_replace(_libolm):
    parts = [_libolm.ffi.new("uint8_t *") for _ in range(3)]
    _libolm.lib.olm_get_library_version(*parts)
    assert [p[0] for p in parts] == [3, 2, 16]


def test_libolm_module_offers_everything_python_olm_uses(_libolm):
    """The `_libolm` module (ours built by cffi_build/, or Debian's) has every function python-olm
    calls that our library exports, the message-type constants and memset."""
    names = [n for family in FAMILIES.values() for n in family if n in exported()]
    missing = [n for n in names if not hasattr(_libolm.lib, n)]
    assert not missing
    assert _libolm.lib.memset is not None
    if "olm_encrypt" in exported():
        assert (_libolm.lib.OLM_MESSAGE_TYPE_PRE_KEY, _libolm.lib.OLM_MESSAGE_TYPE_MESSAGE) == (0, 1)


def test_python_olm_is_the_unchanged_release():
    """On the venv route, the imported olm package is python-olm 3.2.16's olm/ folder exactly as
    in the release's wheel (whose sha256 the Makefile checks)."""
    wheel = os.environ.get("OLM_PYOLM_WHEEL")
    if not wheel:
        pytest.skip("not the venv route (OLM_PYOLM_WHEEL names python-olm's wheel there)")
    import zipfile

    import olm
    package = os.path.dirname(olm.__file__)
    with zipfile.ZipFile(wheel) as whl:
        released = {name[len("olm/"):]: whl.read(name) for name in whl.namelist()
                    if name.startswith("olm/") and not name.endswith("/")}
    installed = {}
    for directory, _, files in os.walk(package):
        for name in files:
            if "__pycache__" not in directory:
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    installed[os.path.relpath(path, package)] = f.read()
    assert sorted(installed) == sorted(released)
    assert installed == released


# python-olm's README: every `>>>` statement of every example, run verbatim and in order in one
# namespace, each shown result compared with what the statement gives here.
README = os.environ.get("OLM_PYTHON_README")
BASE64_KEY = re.compile(r"^[A-Za-z0-9+/]{43}$")


def readme_examples(text):
    """The README's python blocks as lists of (statement, shown result or None)."""
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    examples = []
    for block in blocks:
        steps = []
        for line in block.splitlines():
            if line.startswith(">>> "):
                steps.append([line[4:], None])
            elif steps and line.strip():
                steps[-1][1] = (steps[-1][1] or "") + line + "\n"
        examples.append(steps)
    return examples


def same_shape(shown, actual):
    """Equal, except that random keys need only be base64 keys of the same length."""
    if isinstance(shown, dict):
        return (isinstance(actual, dict) and shown.keys() == actual.keys()
                and all(same_shape(shown[k], actual[k]) for k in shown))
    if isinstance(shown, str) and BASE64_KEY.match(shown):
        return isinstance(actual, str) and BASE64_KEY.match(actual) is not None
    return shown == actual


def test_readme_examples_run_verbatim():
    if not README or not os.path.exists(README):
        pytest.skip("python-olm's README is not unpacked (run `make python-venv`)")
    missing = [s for f in ("account", "session", "megolm") for s in FAMILIES[f]
               if s not in exported()]
    if missing:
        pytest.skip("our library does not export %s, ... yet" % ", ".join(missing[:3]))
    with open(README) as f:
        examples = readme_examples(f.read())
    assert len(examples) == 11
    namespace = {}
    exec("from olm import *", namespace)
    compared = 0
    for steps in examples:
        # The two pickling examples call their object `session`: the one the previous example made.
        if steps and steps[0][0].startswith("pickle = session.pickle()"):
            namespace["session"] = namespace.get("bob_inbound_group", namespace.get("alice_session"))
        for statement, shown in steps:
            if shown is None:
                exec(statement, namespace)
                continue
            actual = eval(statement, namespace)
            try:
                expected = ast.literal_eval(shown.strip())
            except (ValueError, SyntaxError):
                # The example ciphertext is shown wrapped over lines: only its kind is comparable.
                assert isinstance(actual, str) and len(actual) > 100, statement
                continue
            assert same_shape(expected, actual), "%s gave %r, README shows %r" % (
                statement, actual, expected)
            compared += 1
    assert compared == 6
