#!/usr/bin/env bash
# Tests the .deb that `make deb` built, without installing it (the machine's real libolm3 stays:
# the differential tests need it): its control fields and file list (dpkg-deb -I / -c), then its
# contents unpacked into a temporary root (dpkg-deb -x), where Debian's python3-olm runs the
# python_tests suite against the unpacked library (LD_LIBRARY_PATH; the suite checks the mapping).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
python="${DEBIAN_PYTHON:-/usr/bin/python3}"
multiarch="$(gcc -print-multiarch)"
deb="$(ls build-out/libolm3-rs_3.2.16-1_"$(dpkg --print-architecture)".deb)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { echo "PASS  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; [ -s "$work/log" ] && sed 's/^/      /' "$work/log" | tail -30; failed=$((failed + 1)); }
check() { local name="$1"; shift; if "$@" >"$work/log" 2>&1; then pass "$name"; else fail "$name"; fi; }

field() { dpkg-deb -f "$deb" "$1"; }
check "control: libolm3-rs 3.2.16-1, Provides/Conflicts/Replaces libolm3, Multi-Arch same" bash -c "
  [ \"\$(dpkg-deb -f $deb Package)\" = libolm3-rs ] && [ \"\$(dpkg-deb -f $deb Version)\" = 3.2.16-1 ] &&
  [ \"\$(dpkg-deb -f $deb Provides)\" = 'libolm3 (= 3.2.16)' ] &&
  [ \"\$(dpkg-deb -f $deb Conflicts)\" = libolm3 ] && [ \"\$(dpkg-deb -f $deb Replaces)\" = libolm3 ] &&
  [ \"\$(dpkg-deb -f $deb Multi-Arch)\" = same ] && [ \"\$(dpkg-deb -f $deb Section)\" = libs ] &&
  [ \"\$(dpkg-deb -f $deb Architecture)\" = $(dpkg --print-architecture) ]"
check "control: the description says it is a Rust reimplementation of libolm" bash -c "
  dpkg-deb -f $deb Description | grep -q 'Rust reimplementation of libolm'"
check "control: depends on the C library and nothing unknown" bash -c "
  dpkg-deb -f $deb Depends | grep -Eqx 'libc6 \(>= [0-9.]+\)(, libgcc-s1 \(>= [0-9.]+\))?'"
check "control archive: shlibs for soname 3, ldconfig trigger, md5sums of the files" bash -c "
  dpkg-deb -I $deb shlibs | grep -qx 'libolm 3 libolm3 (>= 3.2.16)' &&
  dpkg-deb -I $deb triggers | grep -qx 'activate-noawait ldconfig' &&
  [ \"\$(dpkg-deb -I $deb md5sums | awk '{print \$2}' | sort | tr '\n' ' ')\" = 'usr/lib/$multiarch/libolm.so.3.2.16 usr/share/doc/libolm3-rs/copyright ' ]"
check "contents: the library, its soname link and the copyright file, owned by root" bash -c "
  diff <(dpkg-deb -c $deb | awk '{print \$1, \$2, \$6, \$7, \$8}' | sed 's| *\$||' | sort) <(sort <<'LIST'
drwxr-xr-x root/root ./
drwxr-xr-x root/root ./usr/
drwxr-xr-x root/root ./usr/lib/
drwxr-xr-x root/root ./usr/lib/$multiarch/
-rw-r--r-- root/root ./usr/lib/$multiarch/libolm.so.3.2.16
lrwxrwxrwx root/root ./usr/lib/$multiarch/libolm.so.3 -> libolm.so.3.2.16
drwxr-xr-x root/root ./usr/share/
drwxr-xr-x root/root ./usr/share/doc/
drwxr-xr-x root/root ./usr/share/doc/libolm3-rs/
-rw-r--r-- root/root ./usr/share/doc/libolm3-rs/copyright
LIST
)"

unpacked="$work/root"
dpkg-deb -x "$deb" "$unpacked"
libdir="$unpacked/usr/lib/$multiarch"
check "unpacked library: soname libolm.so.3, exports libolm's API as this build does" bash -c "
  readelf -d $libdir/libolm.so.3.2.16 | grep -q 'SONAME.*\[libolm.so.3\]' &&
  diff <(nm -D --defined-only target/release/libolm.so | awk '{print \$NF}' | grep olm | sort) \
       <(nm -D --defined-only $libdir/libolm.so.3.2.16 | awk '{print \$NF}' | grep olm | sort)"

echo "---- Debian's python3-olm on the unpacked library ($libdir)"
if OLM_LIBRARY="$libdir/libolm.so.3.2.16" LD_LIBRARY_PATH="$libdir" \
   "$python" -m pytest ${PYTEST_ARGS:--q -rs} -p no:cacheprovider python_tests; then
  pass "python_tests through Debian's python3-olm on the unpacked library"
else
  : >"$work/log"; fail "python_tests through Debian's python3-olm on the unpacked library"
fi

check "the machine's own libolm3 is untouched" bash -c "
  dpkg-query -W -f='\${Status}' libolm3 | grep -q 'install ok installed' &&
  ! dpkg-query -W libolm3-rs 2>/dev/null"

echo "test-deb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
