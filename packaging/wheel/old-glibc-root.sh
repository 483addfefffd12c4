#!/usr/bin/env bash
# The python-olm wheels are built, and checked, in Debian roots older than this machine: a binary
# runs only on a glibc at least as new as the one it was linked against, and the oldest Debian
# the mirror has, 11 (bullseye: glibc 2.31, Python 3.9, pip 20.3), is where a wheel must install.
# The wheel's binaries are linked by zig for glibc 2.17 (manylinux2014, python-olm's floor)
# whatever glibc the root has: the library by packaging/cross/cross.sh, `_libolm` by `zig cc`.
#
#   old-glibc-root.sh build OUTDIR [ARCH]
#                       this checkout's tracked files (as they are in the work tree) built with
#                       `pip3 wheel .` in the amd64 bullseye root: the PEP 517 build, untagged
#                       (linux_<machine>), into OUTDIR, for Debian architecture ARCH (amd64,
#                       arm64, i386, armhf; default amd64), carrying target/<triple>/release/
#                       libolm.so (cross.sh build ARCH) and `_libolm` compiled by zig for ARCH
#                       against the Python headers of bullseye's libpython3.9-dev:ARCH
#   old-glibc-root.sh test WHEEL PYOLM_WHEEL README [ARCH]
#                       WHEEL installed by the root's own pip (20.3) into a venv of its Python 3.9
#                       in a bullseye root of ARCH (emulated by qemu-user unless amd64 or i386),
#                       beside that root's own libolm3; python_tests/ and the matrix-nio
#                       round trip (tests/wheel/nio_round_trip.py) run there, each showing from
#                       /proc/self/maps that the wheel's library is the one mapped
#
# The roots are made with mmdebstrap from the machine's Debian mirrors and kept in target/wheel-root
# (bullseye: the amd64 build and test root, with the foreign architectures' Python headers in its
# dpkg; bullseye-ARCH: a foreign test root); deleting them starts again. The root's pip (20.3)
# builds in a new temporary copy of the sources (setup.py remaps that path, so the wheel is the
# same every time). zig, python-olm's release (fetched on the host: make's $(PYOLM_WHEEL)) and the
# CA bundle are bind-mounted in, in a private mount namespace, so that nothing stays mounted after
# an interrupted run. Needs root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. packaging/cross/arch.sh
. packaging/debian-root.sh
suite="${WHEEL_ROOT_SUITE:-bullseye}"
case "${1:-}" in build) arch="${3:-amd64}" ;; test) arch="${5:-amd64}" ;; *) arch=amd64 ;; esac
# Each architecture's wheel platform (the machine name in linux_<machine>), as PyPI names them.
case "$arch" in
  amd64) machine=x86_64 ;; arm64) machine=aarch64 ;; i386) machine=i686 ;; armhf) machine=armv7l ;;
  *) echo "old-glibc-root: no wheel for '$arch' (amd64, arm64, i386, armhf)" >&2; exit 2 ;;
esac
triple="$(arch_field "$arch" triple)" multiarch="$(arch_field "$arch" multiarch)"
floor="$(arch_field "$arch" floor)"
host_arch="$(dpkg --print-architecture)"
foreign_arches="arm64 armhf i386"
# What the roots hold; a root made with another list (or half made) is made again. Each test root
# has Debian 11's own libolm3, so that the test can show the wheel's library, not it, serves.
test_packages="python3-venv,python3-pip,ca-certificates,binutils,libolm3"
if [ "${1:-}" = build ] || [ "$arch" = "$host_arch" ]; then
  # The build root: the host's architecture (cpp for cffi_build/build_libolm.py), with each foreign
  # one's Python headers (pyconfig.h differs between architectures) and binutils (strip), all
  # installed in the root's own dpkg. zig is the only compiler.
  rootfs="$(realpath -m "${WHEEL_ROOT:-target/wheel-root/$suite}")" root_arches="$host_arch"
  packages="python3-dev,cpp,$test_packages"
  for a in $foreign_arches; do
    root_arches="$root_arches,$a" packages="$packages,libpython3.9-dev:$a"
  done
  packages="$packages,binutils-aarch64-linux-gnu,binutils-arm-linux-gnueabihf"
else
  rootfs="$(realpath -m "target/wheel-root/$suite-$arch")" root_arches="$arch" packages="$test_packages"
  # PyPI has no armv7l wheels of cffi or pycryptodome (matrix-nio's): pip compiles them there.
  [ "$arch" != armhf ] || packages="$packages,gcc,python3-dev,libffi-dev"
fi
pyolm_cache="${PYOLM_CACHE:-$HOME/.cache/olm-rs}"
ca_bundle=/etc/ssl/certs/ca-certificates.crt
tools="$root/.venv-cross-tools"

[ "$(id -u)" -eq 0 ] || { echo "old-glibc-root: needs root (mmdebstrap, chroot)" >&2; exit 1; }
if [ -z "${OLD_GLIBC_ROOT_PRIVATE_MOUNTS:-}" ]; then
  exec unshare --mount --propagation private env OLD_GLIBC_ROOT_PRIVATE_MOUNTS=1 bash "$0" "$@"
fi

# A foreign root's maintainer scripts, and later its Python, run under qemu-user (debian_root
# registers it); i386 runs natively.
debian_root "$rootfs" "$suite" "$root_arches" "$packages"

# The mounts (gone with this namespace).
mkdir -p "$rootfs/opt/olm-rs-cache" "$pyolm_cache"
mount --bind "$pyolm_cache" "$rootfs/opt/olm-rs-cache"
[ ! -f "$ca_bundle" ] || mount --bind -o ro "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
mount -t proc proc "$rootfs/proc"
# Inside, pip sees none of the host's settings (env -i); the host's CA bundle, mounted over the
# root's, is named for every pip, also the one pip's isolated build environment installs from PyPI
# (which would otherwise use its own certifi bundle and fail where TLS goes through a local CA).
# In the i386 root, `uname -m` (and what reads it: the report below, the platform of anything pip
# compiles) says i686 as on an i386 system, not the x86_64 kernel's x86_64.
personality=()
[ "$arch" != i386 ] || [ "$root_arches" != i386 ] || personality=(setarch i686)
inroot() {
  "${personality[@]}" chroot "$rootfs" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 PATH=/usr/bin:/bin \
    PYOLM_CACHE=/opt/olm-rs-cache PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CERT="$ca_bundle" SSL_CERT_FILE="$ca_bundle" "$@"
}

case "${1:-}" in
build)
  out="${2:?usage: old-glibc-root.sh build OUTDIR [ARCH]}"
  library="target/$triple/release/libolm.so"
  [ -f "$library" ] || { echo "old-glibc-root: $library is missing (packaging/cross/cross.sh build $arch)" >&2; exit 1; }
  zig_dir="$("$tools/bin/python" -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))')" ||
    { echo "old-glibc-root: zig is missing from $tools (packaging/cross/cross.sh build installs it)" >&2; exit 1; }
  # The sources as the work tree has them, and the library cross.sh built for ARCH.
  rm -rf "$rootfs/src" "$rootfs/out" "$rootfs/opt/olm-lib"
  mkdir -p "$rootfs/src" "$rootfs/opt/olm-lib" "$rootfs/opt/zig"
  git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$rootfs/src"
  cp "$library" "$rootfs/opt/olm-lib/libolm.so"
  mount --bind -o ro "$zig_dir" "$rootfs/opt/zig"
  # Debian's /usr/include/python3.9/pyconfig.h includes <MULTIARCH/python3.9/pyconfig.h> for the
  # compiler's target; zig searches none of the root's system headers, so that one file is offered.
  pyconfig="/opt/pyconfig/$multiarch/python3.9"
  mkdir -p "$rootfs$pyconfig"
  cp "$rootfs/usr/include/$multiarch/python3.9/pyconfig.h" "$rootfs$pyconfig/"
  # Python 3.9's Python.h includes <crypt.h>, which zig's glibc headers no longer have (it left
  # glibc for libxcrypt); nothing in `_libolm` calls crypt(), so an empty one stands in.
  echo '/* Python 3.9 includes it; _libolm declares nothing from it. */' >"$rootfs/opt/pyconfig/crypt.h"
  case "$arch" in
    amd64|i386) strip=strip ;; arm64) strip=aarch64-linux-gnu-strip ;; armhf) strip=arm-linux-gnueabihf-strip ;;
  esac
  # zig's names: x86 for i386; armhf is ARMv7-A with VFPv3-D16 and Thumb-2 but no NEON, Debian's
  # baseline and Rust's armv7-unknown-linux-gnueabihf.
  case "$arch" in
    i386) zig_target=x86-linux-gnu.$floor ;;
    armhf) zig_target="arm-linux-gnueabihf.$floor -mcpu=generic+v7a+vfp3d16+thumb2-neon" ;;
    *) zig_target="${multiarch}.$floor" ;;
  esac
  cc="/opt/zig/zig cc -target $zig_target"
  # The wheel's timestamps are the last commit's (bdist_wheel reads SOURCE_DATE_EPOCH).
  epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}"
  inroot env SOURCE_DATE_EPOCH="$epoch" OLMRS_LIBRARY=/opt/olm-lib/libolm.so \
    OLMRS_WHEEL_PLATFORM="linux_$machine" CC="$cc" LDSHARED="$cc -shared" CFLAGS="-O2 -I/opt/pyconfig" \
    STRIP="$strip" ZIG_GLOBAL_CACHE_DIR=/root/.cache/zig \
    sh -c 'cd /src && python3 -m pip wheel -q --no-deps -w /out .'
  mkdir -p "$out"
  cp "$rootfs"/out/python_olm-*.whl "$out/"
  echo "old-glibc-root: built for $arch ($machine) in $(inroot sh -c 'ldd --version | head -1; python3 --version' | tr '\n' ' ')with zig $(/opt/zig/zig version 2>/dev/null || "$zig_dir/zig" version), for glibc $floor"
  ;;
test)
  wheel="${2:?usage: old-glibc-root.sh test WHEEL PYOLM_WHEEL README [ARCH]}" pyolm="${3:?}" readme="${4:?}"
  t="$rootfs/tmp/wheel-test"
  rm -rf "$t" && mkdir -p "$t"
  cp "$wheel" "$pyolm" "$t/" && cp "$readme" "$t/README.md" && cp -r python_tests "$t/python_tests"
  cp tests/wheel/nio_round_trip.py tests/wheel/mapped_library.py "$t/"
  w="/tmp/wheel-test/$(basename "$wheel")" p="/tmp/wheel-test/$(basename "$pyolm")"
  status=0
  # matrix-nio's dependencies as wheels where PyPI has some version of them as one for the root
  # (their newest aiohttp and pycryptodome have none for i686 on Python 3.9). Each step says
  # what it ran on; the mapped libolm is shown from /proc/self/maps (and checked by
  # python_tests/ and the round trip, which also check every bound call lands in it).
  inroot sh -euc "
    cd /tmp/wheel-test
    echo \"in-root: \$(uname -m) (dpkg: \$(dpkg --print-architecture)), \$(ldd --version | head -1), \$(python3 --version)\"
    python3 -m venv venv
    venv/bin/pip --version
    venv/bin/pip install -q '$w'
    venv/bin/pip install -q --prefer-binary pytest 'matrix-nio[e2e]==0.25.2'
    venv/bin/pip list 2>/dev/null | grep -i -E '^(python-olm|matrix-nio|cffi) '
    bundled=\$(ls venv/lib/python3*/site-packages/python_olm.libs/libolm-*.so.3)
    venv/bin/python -c 'import olm, sys; olm.Account(); print(\"\\n\".join(sorted({\"mapped: \" + l.split()[-1] for l in open(\"/proc/self/maps\") if \"/libolm\" in l})))'
    OLM_LIBRARY=\"\$PWD/\$bundled\" OLM_PYOLM_WHEEL='$p' OLM_PYTHON_README=/tmp/wheel-test/README.md \
      venv/bin/python -m pytest -q -rs -p no:cacheprovider python_tests
    venv/bin/python nio_round_trip.py" || status=$?
  rm -rf "$t"
  exit "$status"
  ;;
*)
  echo "usage: old-glibc-root.sh build OUTDIR [ARCH] | test WHEEL PYOLM_WHEEL README [ARCH]" >&2
  exit 2
  ;;
esac
