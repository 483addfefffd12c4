#!/usr/bin/env bash
# Tests the python-olm wheel `make wheel ARCH=...` put in dist/ for one architecture:
#   test-arch-wheel.sh ARCH MACHINE    (Debian's name and the wheel's: arm64 aarch64, and so on)
# its auditwheel verdict (printed), tags, metadata and contents; that a second build from other
# build paths gives the same bytes; then pip 20.3 installs it in a Debian 11 root of ARCH (under
# qemu-user, unless this machine's kernel runs ARCH), where python_tests/ and the matrix-nio round
# trip with pickles run on it, each showing from /proc/self/maps that the wheel's own libolm serves.
# Environment (set by mk/45-wheel.mk): PYTHON, AUDITWHEEL, WHEEL_DIST, WHEEL_UNTAGGED, PYOLM_WHEEL.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
here="$root/tests/wheel"
arch="${1:?usage: test-arch-wheel.sh ARCH MACHINE}" machine="${2:?usage: test-arch-wheel.sh ARCH MACHINE}"
PYTHON="${PYTHON:-python3}"
AUDITWHEEL="${AUDITWHEEL:?AUDITWHEEL names auditwheel (make test-wheel-arch sets it)}"
PYOLM_WHEEL="${PYOLM_WHEEL:?PYOLM_WHEEL names the pinned python-olm release wheel}"
. packaging/cross/arch.sh
library="$root/target/$(arch_field "$arch" triple)/release/libolm.so"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
suite="test-wheel-$arch" CHECK_FAIL_LINES=40 CHECK_PASS_LINES=0
. scripts/checks.sh

shopt -s nullglob
wheels=("$WHEEL_DIST"/python_olm-*_"$machine".whl) untagged=("$WHEEL_UNTAGGED"/python_olm-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "expected one $machine wheel in $WHEEL_DIST, found: ${wheels[*]:-none}" >"$work/log"
  fail "make wheel ARCH=$arch left one $machine wheel in $WHEEL_DIST"; finish
fi
wheel="$(realpath "${wheels[0]}")"
echo "wheel under test: $wheel"

# The tag is auditwheel's (--plat auto): at glibc 2.17 (manylinux2014, python-olm's floor) or lower,
# where the symbols of ARCH are that old (i386's: auditwheel then finds manylinux_2_5).
"$AUDITWHEEL" show "$wheel" >"$work/auditwheel" 2>&1
platform="$(tr -s ' \n' ' ' <"$work/auditwheel" | sed -n 's/.*consistent with the following platform tag: "\([^"]*\)".*/\1/p')"
tagset="$(basename "$wheel" .whl | sed 's/.*-cp38-abi3-//')"
echo "auditwheel show: ${platform:-no tag}; $(tr -s ' \n' ' ' <"$work/auditwheel" | grep -o 'libc.so.6 with versions {[^}]*}'); file tags: $tagset"
check "auditwheel show: manylinux_2_X_$machine with X at most 17 (manylinux2014), no external library to graft" bash -c "
  cat '$work/auditwheel'; [[ '$platform' =~ ^manylinux_2_([0-9]+)_${machine}\$ ]] && [ \${BASH_REMATCH[1]} -le 17 ] &&
  ! grep -qi 'libolm\\|following external shared librar' '$work/auditwheel'"
check "the file name and WHEEL say cp38-abi3-$tagset, auditwheel's $platform among them" bash -c "
  [[ '.$tagset.' == *'.$platform.'* ]] && '$PYTHON' '$here/inspect_wheel.py' tags '$wheel' '$tagset'"
check "metadata: python-olm 3.2.16.postN, Apache-2.0, Python >= 3.8, sources named" \
  "$PYTHON" "$here/inspect_wheel.py" metadata "$wheel"
check "contents: python-olm's released olm/, _libolm.abi3.so, our $arch library under its own soname" \
  "$PYTHON" "$here/inspect_wheel.py" contents "$wheel" "$PYOLM_WHEEL" "$library"
check "both binaries are $machine ELF files" bash -c "
  cd '$work' && mkdir x && cd x && unzip -q '$wheel' && file -b _libolm.abi3.so python_olm.libs/*.so.3 | tee /dev/stderr |
  grep -c '$(case "$arch" in amd64) echo x86-64;; arm64) echo 'ARM aarch64';; i386) echo 'Intel 80386\|Intel i386';; armhf) echo 'ARM, EABI5';; esac)' | grep -qx 2"
check "the PEP 517 build has the same files; auditwheel only retagged" \
  "$PYTHON" "$here/inspect_wheel.py" same-files "$wheel" "${untagged[0]:-missing}"
epoch="$(git log -1 --format=%ct)"
check "a second build (other build paths) gives the same wheel byte for byte, before and after auditwheel" bash -c "
  SOURCE_DATE_EPOCH=$epoch bash packaging/wheel/old-glibc-root.sh build '$work/rebuild' $arch >'$work/rebuild.log' 2>&1 ||
    { tail -20 '$work/rebuild.log'; exit 1; }
  cmp '${untagged[0]:-missing}' '$work/rebuild/'python_olm-*.whl &&
  SOURCE_DATE_EPOCH=$epoch PATH=\"\$(dirname '$AUDITWHEEL'):\$PATH\" '$AUDITWHEEL' repair --plat auto \
    -w '$work/retagged' '$work/rebuild/'python_olm-*.whl >'$work/retag.log' 2>&1 &&
  cmp '$wheel' '$work/retagged/'python_olm-*.whl"

mkdir -p "$work/pyolm"
"$PYTHON" cffi_build/unpack_python_olm.py "$PYOLM_WHEEL" "$work/pyolm" "$work/README.md"
in_root() {
  bash packaging/wheel/old-glibc-root.sh test "$wheel" "$PYOLM_WHEEL" "$work/README.md" "$arch" >"$work/root.log" 2>&1
  local status=$?
  cat "$work/root.log"
  [ $status -eq 0 ] && grep -q '^[0-9]* passed' "$work/root.log" && ! grep -q ' failed' "$work/root.log" &&
    grep -q '^nio round trip: libolm mapped: .*/python_olm.libs/libolm-[0-9a-f]*\.so\.3$' "$work/root.log"
}
started=$SECONDS
check "Debian 11 $arch ($([ "$(arch_field "$arch" qemu)" = native ] && echo native || echo "qemu-$(arch_field "$arch" qemu)")): pip 20.3 installs it; python_tests/ and the matrix-nio round trip pass on the wheel's own libolm" in_root
grep -E '^(in-root:|pip |python-olm|matrix-nio|cffi|mapped: |[0-9]+ passed|nio round trip)' "$work/root.log" | sed 's/^/      /'
echo "      ($((SECONDS - started)) s in the root)"
finish
