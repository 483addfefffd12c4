#!/usr/bin/env bash
# Tests the x86_64 python-olm wheel `make wheel` put in dist/: its tags (auditwheel show), metadata and
# contents; then, in a fresh venv without system site packages (Debian's python3-olm must stay
# invisible), installs it, installs matrix-nio[e2e] on top (which must find python-olm satisfied
# and neither download nor build it), and runs python_tests/, a matrix-nio round trip and
# loader checks there, each proving from /proc/self/maps that the wheel's own libolm is mapped
# and serves the calls (also with another libolm.so.3 loaded first); then the same wheel on every
# other CPython >= 3.8 the machine has, and in Debian 11 (the oldest Debian the mirror has); and
# `pip wheel .` on this machine. (tests/wheel/test-arch-wheel.sh tests the other architectures.)
# Environment (set by mk/45-wheel.mk): PYTHON, AUDITWHEEL, WHEEL_DIST, WHEEL_UNTAGGED, PYOLM_WHEEL.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
here="$root/tests/wheel"
PYTHON="${PYTHON:-python3}"
AUDITWHEEL="${AUDITWHEEL:?AUDITWHEEL names auditwheel (make test-wheel sets it)}"
PYOLM_WHEEL="${PYOLM_WHEEL:?PYOLM_WHEEL names the pinned python-olm release wheel}"
SYSTEM_LIBOLM=/usr/lib/x86_64-linux-gnu/libolm.so.3
OUR_BUILD="$root/target/release/libolm.so"
# The library the wheel carries: linked by zig for glibc 2.17 (packaging/cross/cross.sh build amd64).
WHEEL_LIBRARY="$root/target/x86_64-unknown-linux-gnu/release/libolm.so"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
suite=test-wheel CHECK_FAIL_LINES=25 CHECK_PASS_LINES=3
. scripts/checks.sh

# ---- the wheel file ------------------------------------------------------------------------------
shopt -s nullglob
wheels=("$WHEEL_DIST"/python_olm-*_x86_64.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "expected one x86_64 python_olm wheel in $WHEEL_DIST, found: ${wheels[*]:-none}" >"$work/log"
  fail "make wheel left one x86_64 wheel in $WHEEL_DIST"; finish
fi
wheel="$(realpath "${wheels[0]}")"
untagged=("$WHEEL_UNTAGGED"/python_olm-*.whl)
echo "wheel under test: $wheel"

"$AUDITWHEEL" show "$wheel" >"$work/auditwheel" 2>&1
platform="$(tr -s ' \n' ' ' <"$work/auditwheel" | sed -n 's/.*consistent with the following platform tag: "\([^"]*\)".*/\1/p')"
echo "auditwheel show: ${platform:-no tag}"
# glibc 2.17, python-olm's own floor (manylinux2014): auditwheel names both tags of it.
check "auditwheel show: manylinux_2_17_x86_64 (manylinux2014), no external library to graft" bash -c "
  cat '$work/auditwheel'; [ '$platform' = manylinux_2_17_x86_64 ] &&
  ! grep -qi 'libolm\|following external shared librar' '$work/auditwheel'"
check "the wheel's tags are cp38-abi3-manylinux2014_x86_64.$platform (every CPython 3 from 3.8 on)" \
  "$PYTHON" "$here/inspect_wheel.py" tags "$wheel" "manylinux2014_x86_64.$platform"
check "metadata: python-olm 3.2.16.postN, Apache-2.0, Python >= 3.8, sources named" \
  "$PYTHON" "$here/inspect_wheel.py" metadata "$wheel"
check "contents: python-olm's released olm/, _libolm.abi3.so, our library under its own soname" \
  "$PYTHON" "$here/inspect_wheel.py" contents "$wheel" "$PYOLM_WHEEL" "$WHEEL_LIBRARY"
check "the PEP 517 build (what \`pip install .\` makes) has the same files; auditwheel only retagged" \
  "$PYTHON" "$here/inspect_wheel.py" same-files "$wheel" "${untagged[0]:-missing}"
# Reproducible: the root's pip (20.3) builds in a new temporary copy of the checkout each time, so a
# second build has other paths; with the same SOURCE_DATE_EPOCH its wheel must be the same bytes.
epoch="$(git log -1 --format=%ct)"
check "a second build (other build paths) gives the same wheel byte for byte, before and after auditwheel" bash -c "
  SOURCE_DATE_EPOCH=$epoch bash packaging/wheel/old-glibc-root.sh build '$work/rebuild' amd64 >'$work/rebuild.log' 2>&1 ||
    { tail -20 '$work/rebuild.log'; exit 1; }
  cmp '${untagged[0]:-missing}' '$work/rebuild/'python_olm-*.whl &&
  SOURCE_DATE_EPOCH=$epoch PATH=\"\$(dirname '$AUDITWHEEL'):\$PATH\" '$AUDITWHEEL' repair --plat auto -w '$work/retagged' \
    '$work/rebuild/'python_olm-*.whl >'$work/retag.log' 2>&1 &&
  cmp '$wheel' '$work/retagged/'python_olm-*.whl"

# ---- a fresh venv ---------------------------------------------------------------------------------
venv="$work/venv" py="$work/venv/bin/python"
"$PYTHON" -m venv "$venv"
check "the venv has no system site packages: no olm importable before the wheel" bash -c "
  grep -qx 'include-system-site-packages = false' '$venv/pyvenv.cfg' &&
  ! '$py' -c 'import olm' 2>/dev/null && ! '$py' -c 'import _libolm' 2>/dev/null"

check "pip installs the wheel" "$py" -m pip install --disable-pip-version-check "$wheel"
site="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
bundled="$(ls "$site"/python_olm.libs/libolm-*.so.3 2>/dev/null | head -1)"
record() { cat "$site"/python_olm-*.dist-info/RECORD "$site"/python_olm-*.dist-info/METADATA | sha256sum; }
before="$(record)"
version="$("$py" -c 'import importlib.metadata as m; print(m.version("python-olm"))')"

check "cffi's generated C for _libolm defines Py_LIMITED_API (abi3); the module is _libolm.abi3.so" \
  bash -c "'$py' '$here/limited_api.py' && [ -e '$site/_libolm.abi3.so' ]"

# ---- matrix-nio on top ------------------------------------------------------------------------------
python_olm_untouched_by_nio() {
  "$py" -m pip install --disable-pip-version-check --report "$work/nio.json" \
    'matrix-nio[e2e]==0.25.2' >"$work/nio.log" 2>&1 || { cat "$work/nio.log"; return 1; }
  grep -q "^Requirement already satisfied: python-olm.*($version)\$" "$work/nio.log" &&
  ! grep -qi '^\(Collecting\|Downloading\|Building wheel for\|Using cached\).*python[-_]olm' "$work/nio.log" &&
  "$py" - "$work/nio.json" <<'PY' &&
import json, sys
names = [i["metadata"]["name"].lower() for i in json.load(open(sys.argv[1]))["install"]]
assert "matrix-nio" in names and "python-olm" not in names and "python_olm" not in names, names
print("pip installed:", " ".join(sorted(names)))
PY
  [ "$("$py" -c 'import importlib.metadata as m; print(m.version("python-olm"))')" = "$version" ] &&
  [ "$(record)" = "$before" ] &&
  grep "^Requirement already satisfied: python-olm" "$work/nio.log"
}
check "pip install matrix-nio[e2e]==0.25.2 finds python-olm $version satisfied: nothing downloaded or built for it, RECORD unchanged" \
  python_olm_untouched_by_nio

# ---- python_tests/ in the venv ------------------------------------------------------------------------
"$py" -m pip install -q --disable-pip-version-check pytest >"$work/log" 2>&1 || fail "pip install pytest"
mkdir -p "$work/pyolm"
"$PYTHON" cffi_build/unpack_python_olm.py "$PYOLM_WHEEL" "$work/pyolm" "$work/README.md"
check "python_tests/ pass on the wheel (the harness checks the mapped libolm is $(basename "${bundled:-none}"))" bash -c "
  cd '$work' && OLM_LIBRARY='$bundled' OLM_PYOLM_WHEEL='$PYOLM_WHEEL' OLM_PYTHON_README='$work/README.md' \
    '$py' -m pytest -q -rs -p no:cacheprovider '$root/python_tests' >'$work/pytest.log' 2>&1
  status=\$?; cat '$work/pytest.log'
  [ \$status -eq 0 ] && tail -3 '$work/pytest.log' | grep -q '[0-9][0-9]* passed' &&
  ! tail -3 '$work/pytest.log' | grep -q 'failed\|error'"
sed -n 's/^\(SKIPPED.*\)/      \1/p' "$work/pytest.log"

# ---- matrix-nio round trip, and the loader ---------------------------------------------------------------
check "matrix-nio round trip: Olm and Megolm sessions pickled, loaded and used; the wheel's libolm serves" \
  bash -c "cd '$here' && '$py' nio_round_trip.py"
check "nothing preloaded: every libolm function _libolm calls is called in the wheel's libolm" \
  bash -c "cd '$here' && '$py' preloaded_libolm.py"
check "LD_LIBRARY_PATH holding another libolm.so.3 does not change that" bash -c "
  mkdir -p '$work/ldpath' && ln -sf '$OUR_BUILD' '$work/ldpath/libolm.so.3' &&
  cd '$here' && LD_LIBRARY_PATH='$work/ldpath' '$py' preloaded_libolm.py"
# Another libolm.so.3 in the process before `import olm`: this repository's build (always there),
# and Debian's (the system's) when installed; loaded privately, globally, or by LD_PRELOAD (as
# when the program itself links libolm).
others=("$OUR_BUILD")
if [ -e "$SYSTEM_LIBOLM" ]; then others+=("$SYSTEM_LIBOLM")
else skip "Debian's libolm loaded first" "$SYSTEM_LIBOLM is not installed on this machine"; fi
for other in "${others[@]}"; do
  check "$other loaded first with ctypes (RTLD_LOCAL): the calls go to the wheel's libolm" \
    bash -c "cd '$here' && '$py' preloaded_libolm.py --local '$other'"
  check "$other loaded first with RTLD_GLOBAL: the calls go to the wheel's libolm" \
    bash -c "cd '$here' && '$py' preloaded_libolm.py --global '$other'"
  check "$other in LD_PRELOAD: the calls go to the wheel's libolm" \
    bash -c "cd '$here' && LD_PRELOAD='$other' '$py' preloaded_libolm.py --ld-preload '$other'"
done

# ---- the other CPython 3 versions this machine has -------------------------------------------------
# One abi3 wheel serves them all: each gets a fresh venv, the wheel (pip fetches the cffi wheel
# for that version), python_tests/ and the RTLD_GLOBAL loader case. WHEEL_OTHER_PYTHONS names
# them; by default every pyenv CPython >= 3.8 and /usr/bin/python3.N of another minor version.
main_minor="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -z "${WHEEL_OTHER_PYTHONS+set}" ]; then
  WHEEL_OTHER_PYTHONS="$(ls "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.*/bin/python3 \
    /usr/bin/python3.[0-9]* 2>/dev/null | grep -v config || true)"
fi
declare -A tried=(["$main_minor"]=1)
for other_python in $WHEEL_OTHER_PYTHONS; do
  minor="$("$other_python" -c 'import sys; print("%d.%d" % sys.version_info[:2]) if sys.version_info >= (3, 8) else None' 2>/dev/null)"
  [ -n "$minor" ] && [ "$minor" != None ] && [ -z "${tried[$minor]:-}" ] || continue
  tried[$minor]=1
  on_other_python() {
    local venv2="$work/venv-$minor"
    "$other_python" -m venv "$venv2" &&
    "$venv2/bin/python" -m pip install -q --disable-pip-version-check "$wheel" pytest &&
    (cd "$work" && OLM_LIBRARY="$(ls "$venv2"/lib/python*/site-packages/python_olm.libs/libolm-*.so.3)" \
      OLM_PYOLM_WHEEL="$PYOLM_WHEEL" OLM_PYTHON_README="$work/README.md" \
      "$venv2/bin/python" -m pytest -q -p no:cacheprovider "$root/python_tests" | tail -1 |
      grep -x '[0-9]* passed in .*') &&
    (cd "$here" && "$venv2/bin/python" preloaded_libolm.py --global "${others[-1]}" | cut -c1-150)
  }
  check "CPython $minor ($other_python): the same wheel installs, python_tests/ pass, calls go to its libolm" \
    on_other_python
done
[ "${#tried[@]}" -gt 1 ] || skip "other CPython versions" "none found besides $main_minor (WHEEL_OTHER_PYTHONS)"

# ---- the oldest Debian --------------------------------------------------------------------------------
# manylinux2014 reaches back to glibc 2.17 (CentOS 7), which no mirror here has; Debian 11 is the
# oldest Debian the mirror has: its glibc 2.31, its Python 3.9 and the pip 20.3 its venvs get.
check "Debian 11 (glibc 2.31, Python 3.9, pip 20.3, its libolm3 3.2.1): the wheel installs, python_tests/ and the matrix-nio round trip pass" bash -c "
  bash packaging/wheel/old-glibc-root.sh test '$wheel' '$PYOLM_WHEEL' '$work/README.md' amd64 >'$work/old.log' 2>&1
  status=\$?; cat '$work/old.log'; [ \$status -eq 0 ] && grep -q '^[0-9]* passed in ' '$work/old.log' &&
    grep -q '^nio round trip: libolm mapped: .*/python_olm.libs/libolm-' '$work/old.log'"

# ---- pip install . on this machine ----------------------------------------------------------------
# The same PEP 517 build outside the root: what a checkout gives `pip install .` here (its library
# linked against this machine's glibc, so not the same bytes), with the same contents.
check "pip wheel . on this machine builds the same contents (python-olm's olm/, _libolm, our library)" bash -c "
  '$py' -m pip wheel -q --disable-pip-version-check --no-deps -w '$work/host-build' . &&
  '$PYTHON' '$here/inspect_wheel.py' contents '$work'/host-build/python_olm-*.whl '$PYOLM_WHEEL' '$OUR_BUILD'"

# ---- uninstall -------------------------------------------------------------------------------------------
check "pip uninstall removes olm/, _libolm and the bundled library" bash -c "
  '$py' -m pip uninstall -y --disable-pip-version-check python-olm &&
  [ ! -e '$site/olm' ] && [ ! -e '$site/_libolm.abi3.so' ] && [ ! -e '$site/python_olm.libs' ]"

finish
