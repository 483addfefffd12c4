#!/usr/bin/env bash
# Tests the packages `make deb` built (build-out/deb/): lintian and their metadata first, then
# installs them for real in a throwaway Debian root that this test builds with mmdebstrap from the
# machine's Debian apt sources (never on this machine, whose Debian libolm3, libolm-dev and
# python3-olm are the differential tests' reference and stay untouched):
#   1. Debian's python3-olm (with its libolm3), python3-matrix-nio and libolm-dev, then ours:
#      apt replaces libolm3, libolm-dev and python3-olm, keeps python3-matrix-nio, `apt-get check`;
#   2. `apt-get install -s nheko chatty python3-matrix-nio` keeps ours, wants nothing of Debian's;
#   3. `import olm` runs an Olm and a Megolm round trip on our library (/proc/self/maps, dpkg -S),
#      python_tests pass on python3-olm-rs as installed, and examples/demo.c builds against
#      libolm-dev-rs with pkg-config and with CMake, and runs;
#   4. Debian's packages back in place of ours: nothing of ours left, dpkg knows none of them.
# The root and its mounts are removed on every exit path; the test runs in a private mount
# namespace, so its mounts go away with it even when it is killed. Needs root (mmdebstrap,
# chroot). A root that cannot be built (no reachable Debian source) is a failure, not a skip.
# With ARCH (Debian's name), the packages of that architecture in a root of it, every program
# there run under qemu-user (packaging/cross); the host's binutils read its binaries.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
version="${OLM_VERSION:?}" wheel="${PYOLM_WHEEL:?}"

if [ "$(id -u)" -ne 0 ]; then
  echo "FAIL  test-deb needs root: mmdebstrap builds the throwaway root and the test chroots into it"
  echo "test-deb: 0 passed, 1 failed, 0 skipped"; exit 1
fi
if [ -z "${TEST_DEB_PRIVATE_MOUNTS:-}" ]; then
  exec unshare --mount --propagation private env TEST_DEB_PRIVATE_MOUNTS=1 bash "$0" "$@"
fi

arch="${ARCH:-$(dpkg --print-architecture)}" multiarch="$(dpkg-architecture -a "$arch" -qDEB_HOST_MULTIARCH 2>/dev/null)"
release_dir=target/release
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
  . packaging/debian-root.sh  # arch_field, and register_emulator for the root's programs
  release_dir="target/$(arch_field "$arch" triple)/release"
  register_emulator "$arch" || exit 1
fi
debversion="$version-1" ours="libolm3-rs libolm-dev-rs python3-olm-rs" theirs="libolm3 libolm-dev python3-olm"
deb() { echo "build-out/deb/${1}_${debversion}_${arch}.deb"; }
lib="$(deb libolm3-rs)" dev="$(deb libolm-dev-rs)" py="$(deb python3-olm-rs)"
libdir="/usr/lib/$multiarch" pysite="/usr/lib/python3/dist-packages"

suite=test-deb
. scripts/checks.sh
work="$(mktemp -d /tmp/test-deb.XXXXXX)" rootfs=""
cleanup() {
  if [ -n "$rootfs" ]; then
    # Deepest first; lazily, so that a process still holding one cannot keep it.
    awk -v r="$rootfs" 'index($5, r) == 1 {print $5}' /proc/self/mountinfo | sort -r |
      while read -r m; do umount -l "$m"; done
  fi
  if awk -v r="$work" 'index($5, r) == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
    echo "test-deb: $work still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
trap 'fail "test-deb interrupted"; summary; exit 130' INT TERM HUP

for f in "$lib" "$dev" "$py"; do
  [ -f "$f" ] || { : >"$work/log"; fail "$f exists (run make deb)"; finish; }
done

# ---- the packages themselves ---------------------------------------------------------------
check "lintian: no error or warning on the three packages (kept ones are overridden with reasons)" \
  lintian --fail-on error,warning "$lib" "$dev" "$py"

# control_is DEB FIELD VALUE
control_is() { local got; got="$(dpkg-deb -f "$1" "$2")"; [ "$got" = "$3" ] || { echo "$1 $2: '$got', want '$3'"; return 1; }; }
export -f control_is
check "control: each Provides the Debian package it replaces at $version, Conflicts/Replaces it" bash -c "
  for pair in libolm3-rs:libolm3 libolm-dev-rs:libolm-dev python3-olm-rs:python3-olm; do
    f=build-out/deb/\${pair%%:*}_${debversion}_$arch.deb d=\${pair#*:}
    control_is \$f Package \${pair%%:*} && control_is \$f Version $debversion && control_is \$f Source olm-rs &&
    control_is \$f Architecture $arch && control_is \$f Provides \"\$d (= $version)\" &&
    control_is \$f Conflicts \$d && control_is \$f Replaces \$d || exit 1
  done"
check "control: libolm3-rs is libs, Multi-Arch same, depends on the C library and the GCC runtime only" bash -c "
  control_is $lib Section libs && control_is $lib Multi-Arch same &&
  dpkg-deb -f $lib Depends | grep -Eqx 'libc6 \(>= [0-9.]+\)(, libgcc-s1 \(>= [0-9.]+\))?'"
check "control: libolm-dev-rs is libdevel, Multi-Arch same, depends on libolm3-rs at its exact version" bash -c "
  control_is $dev Section libdevel && control_is $dev Multi-Arch same &&
  control_is $dev Depends 'libolm3-rs (= $debversion)'"
check "control: python3-olm-rs depends on libolm3-rs, this CPython and a CFFI backend for its module" bash -c "
  d=\"\$(dpkg-deb -f $py Depends)\"; echo \"\$d\"
  py=\$(/usr/bin/python3 -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])')
  grep -q 'libolm3-rs (= $debversion)' <<<\"\$d\" && grep -q \"python3 (>= \$py~), python3 (<< \" <<<\"\$d\" &&
  grep -q 'python3-cffi-backend-api-min (<= [0-9]*), python3-cffi-backend-api-max (>= [0-9]*)' <<<\"\$d\""
check "control archive: shlibs, symbols (exactly the library's exports), ldconfig trigger" bash -c "
  dpkg-deb -I $lib shlibs | grep -qx 'libolm 3 libolm3 (>= $version~)' &&
  dpkg-deb -I $lib triggers | grep -qx 'activate-noawait ldconfig' &&
  dpkg-deb -I $lib symbols | head -1 | grep -qx 'libolm.so.3 libolm3 #MINVER#' &&
  diff <(dpkg-deb -I $lib symbols | sed -n 's/^ \([^@]*\)@Base $version~\$/\1/p' | sort) \
       <(nm -D --defined-only $release_dir/libolm.so | awk '{print \$NF}' | sort)"
check "control archive: md5sums list every file, and they match" bash -c "
  for f in $lib $dev $py; do
    x=\$(mktemp -d); trap 'rm -rf \$x' EXIT
    dpkg-deb -x \$f \$x/data && dpkg-deb -e \$f \$x/ctl &&
    diff <(cd \$x/data && find . ! -type d ! -type l -printf '%P\n' | sort) <(awk '{print \$2}' \$x/ctl/md5sums | sort) &&
    (cd \$x/data && md5sum --quiet -c ../ctl/md5sums) || exit 1; rm -rf \$x
  done"
# The build's SOURCE_DATE_EPOCH is the last commit's when it ran (others may have committed since).
check "contents: owner root, every timestamp one git commit's time (SOURCE_DATE_EPOCH)" bash -c "
  stamps=\$(for f in $lib $dev $py; do dpkg-deb --fsys-tarfile \$f | TZ=UTC tar -tv --full-time --numeric-owner; done |
    awk '\$2 != \"0/0\" { print \"not root:\", \$0 } { print \$4, \$5 }' | sort -u)
  echo \"\$stamps\"; [ \$(wc -l <<<\"\$stamps\") -eq 1 ] &&
  git log --format=%ct | grep -qx \"\$(date -u -d \"\$stamps UTC\" +%s)\""

# What `make install` stages is exactly what libolm3-rs and libolm-dev-rs hold (docs aside).
make --no-print-directory -s -o release install ${ARCH:+ARCH="$ARCH"} DESTDIR="$work/stage" PREFIX=/usr LIBDIR="$libdir" >"$work/log" 2>&1
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\.||' | grep -v -e '/$' -e '^/usr/share/'; }
export -f contents
check "contents: libolm3-rs + libolm-dev-rs = make install's files; the runtime has only the library" bash -c "
  diff <(cd $work/stage && find . ! -type d | sed 's|^\.||' | sort) <( (contents $lib; contents $dev) | sort) &&
  diff <(contents $lib | sort) <(printf '%s\n' $libdir/libolm.so.3 $libdir/libolm.so.$version)"
check "contents: python3-olm-rs's olm/ and metadata are python-olm $version's, byte for byte; _libolm has no run path" bash -c "
  x=\$(mktemp -d); trap 'rm -rf \$x' EXIT
  dpkg-deb -x $py \$x/deb && /usr/bin/python3 cffi_build/unpack_python_olm.py $wheel \$x/wheel \$x/README &&
  diff -r \$x/wheel/olm \$x/deb$pysite/olm &&
  [ \"\$(ls \$x/deb$pysite)\" = \"\$(printf '_libolm.cpython-%s-$multiarch.so\nolm\npython_olm-$version.egg-info' \$(/usr/bin/python3 -c 'import sys; print(\"%d%d\" % sys.version_info[:2])'))\" ] &&
  /usr/bin/python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
    $wheel python_olm-$version.dist-info/METADATA | cmp - \$x/deb$pysite/python_olm-$version.egg-info/PKG-INFO &&
  readelf -d \$x/deb$pysite/_libolm.*.so | grep -q 'NEEDED.*\[libolm.so.3\]' &&
  ! readelf -d \$x/deb$pysite/_libolm.*.so | grep -Eq 'RPATH|RUNPATH'"

# ---- the throwaway Debian root -------------------------------------------------------------
# The machine's Debian apt sources (third-party sources left out).
bash packaging/debian-sources.sh >"$work/sources.list"
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
rootfs="$work/root"
start=$SECONDS
if [ ! -s "$work/sources.list" ] || [ -z "$codename" ]; then
  echo "no Debian apt source configured on this machine (apt-cache policy shows none with o=Debian)" >"$work/log"
  fail "a throwaway Debian root can be built: there is no Debian apt source to build it from"
  finish
fi
if ! mmdebstrap -q --variant=apt --architectures="$arch" --skip=cleanup/apt/lists "$codename" "$rootfs" "$work/sources.list" \
     >"$work/log" 2>&1; then
  fail "a throwaway Debian $codename root can be built with mmdebstrap (is a Debian apt source reachable?)"
  finish
fi
pass "a throwaway Debian $codename root, built with mmdebstrap in $((SECONDS - start)) s"
mount -t proc proc "$rootfs/proc"
inroot() {
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
apt_root() { inroot apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }
export -f inroot apt_root
export rootfs arch
install -d "$rootfs/tmp/debs" "$rootfs/tmp/demo"
cp "$lib" "$dev" "$py" "$rootfs/tmp/debs/"
cp examples/demo.c examples/CMakeLists.txt "$rootfs/tmp/demo/"
debs_in_root="/tmp/debs/$(basename "$lib") /tmp/debs/$(basename "$dev") /tmp/debs/$(basename "$py")"

# installed_version PACKAGE: its version if dpkg has it installed, nothing otherwise.
installed_version() {
  inroot dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null | sed -n 's/^installed //p'
}
export -f installed_version

# ---- 1. Debian's packages, then ours in their place ----------------------------------------
check "1. Debian's python3-olm (with its libolm3), python3-matrix-nio and libolm-dev install in the root" bash -c "
  apt_root install --no-install-recommends python3-olm python3-matrix-nio libolm-dev &&
  for p in $theirs python3-matrix-nio; do v=\$(installed_version \$p); echo \"\$p \$v\"; [ -n \"\$v\" ] || exit 1; done"
debian_libolm3="$(installed_version libolm3)"
inroot dpkg -L libolm-dev | grep '^/usr/include/.*\.h$' | sort >"$work/their-headers"
# Why python3-olm-rs and libolm-dev-rs exist: Debian's python3-olm and libolm-dev depend on their
# own source's libolm3 version, which a libolm3 (= 3.2.16) cannot satisfy.
apt_root install -s "/tmp/debs/$(basename "$lib")" >"$work/plan" 2>&1
check "1. apt's plan for libolm3-rs alone would remove python3-olm, python3-matrix-nio and libolm-dev" bash -c "
  cat $work/plan; for p in python3-olm python3-matrix-nio libolm-dev libolm3; do grep -q \"^Remv \$p \" $work/plan || exit 1; done"
apt_root install -s $debs_in_root >"$work/plan" 2>&1
check "1. apt's plan for ours: remove exactly libolm3, libolm-dev and python3-olm; keep python3-matrix-nio" bash -c "
  cat $work/plan; [ \"\$(sed -n 's/^Remv \([^ ]*\) .*/\1/p' $work/plan | sort | tr '\n' ' ')\" = 'libolm-dev libolm3 python3-olm ' ]"
check "1. apt installs ours in place of Debian's" apt_root install $debs_in_root
check "1. ours are installed, Debian's libolm3/libolm-dev/python3-olm are not, python3-matrix-nio stays" bash -c "
  for p in $ours; do v=\$(installed_version \$p); echo \"\$p \$v\"; [ \"\$v\" = $debversion ] || exit 1; done
  for p in $theirs; do v=\$(installed_version \$p); echo \"\$p '\$v'\"; [ -z \"\$v\" ] || exit 1; done
  [ -n \"\$(installed_version python3-matrix-nio)\" ]"
check "1. libolm-dev-rs installs every header Debian's libolm-dev installed, and no other" bash -c "
  cat $work/their-headers; [ -s $work/their-headers ] &&
  diff $work/their-headers <(inroot dpkg -L libolm-dev-rs | grep '^/usr/include/.*\\.h\$' | sort)"
check "1. apt-get check is clean and dpkg --audit finds nothing" bash -c "
  apt_root check && [ -z \"\$(inroot dpkg --audit)\" ]"

# ---- 2. Debian's dependents accept ours ------------------------------------------------------
apt_root install -s nheko chatty python3-matrix-nio >"$work/plan" 2>&1; plan_status=$?
check "2. apt-get install -s nheko chatty python3-matrix-nio: installs nheko and chatty on ours" bash -c "
  [ $plan_status -eq 0 ] && grep -q '^Inst nheko ' $work/plan && grep -q '^Inst chatty ' $work/plan &&
  ! grep -E '^Remv ' $work/plan && ! grep -E '^Inst (libolm3|libolm-dev|python3-olm) ' $work/plan"

apt_root full-upgrade -s >"$work/plan" 2>&1; plan_status=$?
check "2. apt-get full-upgrade -s neither removes ours nor brings Debian's back" bash -c "
  cat $work/plan; [ $plan_status -eq 0 ] &&
  ! grep -E '^(Remv|Inst) (libolm3|libolm-dev|python3-olm)(-rs)? ' $work/plan"

# ---- 3. users of the library on ours ---------------------------------------------------------
cat >"$rootfs/tmp/roundtrip.py" <<'PY'
"""An Olm and a Megolm round trip through python-olm; prints the libolm file mapped into this
process (from /proc/self/maps) and the files of the olm package and its _libolm module."""
import os
import olm
import _libolm

alice, bob = olm.Account(), olm.Account()
bob.generate_one_time_keys(1)
bob_key = list(bob.one_time_keys["curve25519"].values())[0]
to_bob = olm.OutboundSession(alice, bob.identity_keys["curve25519"], bob_key)
first = to_bob.encrypt("hello Bob")
from_alice = olm.InboundSession(bob, first)
assert from_alice.decrypt(first) == "hello Bob"
reply = from_alice.encrypt("hello Alice")
assert to_bob.decrypt(reply) == "hello Alice"

outbound = olm.OutboundGroupSession()
inbound = olm.InboundGroupSession(outbound.session_key)
for text in ("first group message", "second group message"):
    assert inbound.decrypt(outbound.encrypt(text))[0] == text

mapped = sorted({os.path.realpath(line.split()[-1]) for line in open("/proc/self/maps")
                 if os.path.basename(line.split()[-1]).startswith("libolm.so")})
assert len(mapped) == 1, mapped
print("libolm", mapped[0])
print("olm", os.path.realpath(olm.__file__))
print("_libolm", os.path.realpath(_libolm.__file__))
# pip and importlib.metadata see the distribution, as they see Debian's python3-olm.
import importlib.metadata
print("python-olm", importlib.metadata.version("python-olm"))
PY
# on_package ROUNDTRIP_OUTPUT KIND PACKAGE: the file printed for KIND belongs to PACKAGE.
on_package() {
  local file; file="$(sed -n "s/^$2 //p" "$1")"
  [ -n "$file" ] && inroot dpkg -S "$file" | tee /dev/stderr | grep -q "^$3\(:$arch\)\?: $file\$"
}
export -f on_package
check "3. python3: Olm and Megolm round trips through import olm, on libolm3-rs's library" bash -c "
  inroot python3 /tmp/roundtrip.py | tee $work/maps && on_package $work/maps libolm libolm3-rs &&
  on_package $work/maps olm python3-olm-rs && on_package $work/maps _libolm python3-olm-rs &&
  grep -qx 'libolm $libdir/libolm.so.$version' $work/maps && grep -qx 'python-olm $version' $work/maps"
check "3. a C compiler, pkg-config, CMake and pytest install in the root" \
  apt_root install --no-install-recommends gcc libc6-dev pkg-config cmake make python3-pytest
# The suite, with the README's examples and the check against python-olm's release wheel. Less one
# test: in this root the system's libolm.so.3 is ours, so "the real libolm is not mapped" cannot
# tell them apart (OLM_LIBRARY's mapping test proves the library is ours instead).
cp -r python_tests "$rootfs/tmp/python_tests"
cp "$wheel" "$rootfs/tmp/"
/usr/bin/python3 cffi_build/unpack_python_olm.py "$wheel" "$work/unused-site" "$rootfs/tmp/python-olm-README.md"
check "3. python_tests pass on python3-olm-rs as installed, nothing skipped" bash -c "
  inroot env OLM_LIBRARY=$libdir/libolm.so.$version OLM_PYTHON_README=/tmp/python-olm-README.md \
    OLM_PYOLM_WHEEL=/tmp/$(basename "$wheel") python3 -m pytest -q -rs -p no:cacheprovider /tmp/python_tests \
    -k 'not test_the_real_libolm_is_not_mapped' |
    tee $work/out && tail -1 $work/out | grep -Eq '^[0-9]+ passed, 1 deselected in ' "
check "3. examples/demo.c builds with pkg-config olm against libolm-dev-rs and runs on libolm3-rs" bash -c "
  inroot dpkg -S $libdir/pkgconfig/olm.pc | grep -q '^libolm-dev-rs:' &&
  inroot sh -c 'cd /tmp/demo && gcc -Wall -O2 demo.c \$(pkg-config --cflags --libs olm) -o demo-pkg-config &&
    ldd demo-pkg-config && ./demo-pkg-config' | tee $work/out &&
  grep -qx '[[:space:]]*libolm.so.3 => \\(/usr\\)\\?/lib/$multiarch/libolm.so.3 (0x[0-9a-f]*)' $work/out &&
  grep -q '^Done: everything decrypted as sent.\$' $work/out"
check "3. examples/CMakeLists.txt builds with find_package(Olm) against libolm-dev-rs and runs" bash -c "
  inroot sh -c 'cmake -S /tmp/demo -B /tmp/demo/build && cmake --build /tmp/demo/build &&
    ldd /tmp/demo/build/demo && /tmp/demo/build/demo' | tee $work/out &&
  grep -qx 'Olm_DIR:PATH=$libdir/cmake/Olm' $rootfs/tmp/demo/build/CMakeCache.txt &&
  inroot dpkg -S $libdir/cmake/Olm/OlmConfig.cmake | grep -q '^libolm-dev-rs:' &&
  grep -qx '[[:space:]]*libolm.so.3 => \\(/usr\\)\\?/lib/$multiarch/libolm.so.3 (0x[0-9a-f]*)' $work/out &&
  grep -q '^Done: everything decrypted as sent.\$' $work/out"

# ---- 4. back to Debian's -------------------------------------------------------------------
# Every file (not directory) our packages hold, as installed paths.
for f in "$lib" "$dev" "$py"; do dpkg-deb -c "$f"; done | awk '$1 !~ /^d/ {print $6}' | sed 's|^\.||' |
  sort -u >"$work/our-files"
check "4. apt removes ours (purged) and installs Debian's libolm3, libolm-dev and python3-olm again" \
  apt_root install --purge $theirs libolm3-rs- libolm-dev-rs- python3-olm-rs-
check "4. dpkg knows none of ours; Debian's are installed and intact; python3-matrix-nio stays" bash -c "
  for p in $ours; do ! inroot dpkg-query -W \$p 2>/dev/null || { echo \"dpkg still knows \$p\"; exit 1; }; done
  [ \"\$(installed_version libolm3)\" = '$debian_libolm3' ] && [ -n \"\$(installed_version python3-matrix-nio)\" ] &&
  for p in $theirs; do [ -n \"\$(installed_version \$p)\" ] || { echo \"\$p not installed\"; exit 1; }; done &&
  inroot dpkg --verify $theirs && apt_root check"
check "4. nothing of ours is left: each of our files is gone or now Debian's (dpkg -S)" bash -c "
  while read -r f; do
    [ -e $rootfs\$f ] || [ -L $rootfs\$f ] || continue
    owner=\$(inroot dpkg -S \"\$f\" 2>/dev/null | sed 's|: /.*||; s/:[a-z0-9]*//g; s/,//g')
    case \" \$owner \" in *' libolm3 '*|*' libolm-dev '*|*' python3-olm '*) ;; *) echo \"left: \$f (\$owner)\"; exit 1;; esac
  done <$work/our-files
  for d in $ours; do [ ! -e $rootfs/usr/share/doc/\$d ] || { echo \"left: /usr/share/doc/\$d\"; exit 1; }; done"
check "4. python3 runs the round trips on Debian's libolm3 again" bash -c "
  inroot python3 /tmp/roundtrip.py | tee $work/maps && on_package $work/maps libolm libolm3 &&
  on_package $work/maps olm python3-olm"

# ---- this machine ---------------------------------------------------------------------------
check "this machine's own libolm3, libolm-dev and python3-olm are installed and intact, ours unknown" bash -c "
  for p in $theirs; do dpkg-query -W -f='\${db:Status-Status}' \$p | grep -qx installed || exit 1; done
  dpkg --verify $theirs && for p in $ours; do ! dpkg-query -W \$p 2>/dev/null || exit 1; done"

echo "test-deb: root steps took $((SECONDS - start)) s"
finish
