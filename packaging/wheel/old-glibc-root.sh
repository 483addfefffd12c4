#!/usr/bin/env bash
# The python-olm wheel is built, and checked, in a Debian root older than this machine, because a
# binary runs only on a glibc at least as new as the one it was linked against: built on Debian 12
# (glibc 2.36) the wheel needed glibc 2.34; built on Debian 11 (glibc 2.31) it installs on Debian
# 11, Ubuntu 20.04 and everything newer (auditwheel then tags it manylinux_2_31).
#
#   old-glibc-root.sh build OUTDIR      this checkout's tracked files (as they are in the work
#                                       tree) built with `pip3 wheel .` in the root: the PEP 517
#                                       build, untagged, into OUTDIR
#   old-glibc-root.sh test WHEEL PYOLM_WHEEL README
#                                       WHEEL installed by the root's own pip (20.3, the oldest
#                                       that reads manylinux_2_31) into a venv of its Python 3.9,
#                                       and python_tests/ run there, beside Debian 11's libolm3
#
# The root is made with mmdebstrap from the machine's Debian mirrors and kept in WHEEL_ROOT (default
# target/wheel-root/SUITE) for the next build; deleting it (or `cargo clean`) starts again. Each
# build compiles the library afresh: the root's pip (20.3) builds in a new temporary copy of the
# sources (setup.py remaps that path, so the wheel is the same every time). The machine's Rust toolchain
# (CARGO_HOME, RUSTUP_HOME), python-olm's release cache and CA bundle are bind-mounted in, in a
# private mount namespace, so that nothing stays mounted after an interrupted run. Needs root.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
suite="${WHEEL_ROOT_SUITE:-bullseye}"
rootfs="$(realpath -m "${WHEEL_ROOT:-target/wheel-root/$suite}")"
# What the root holds; a root made with another list (or half made) is made again. Debian 11's
# own libolm3 is there so that the test can show the wheel's library, not it, serves the calls.
packages="python3-dev,python3-venv,python3-pip,gcc,libc6-dev,binutils,ca-certificates,libolm3"
cargo_home="${CARGO_HOME:-$HOME/.cargo}" rustup_home="${RUSTUP_HOME:-$HOME/.rustup}"
pyolm_cache="${PYOLM_CACHE:-$HOME/.cache/olm-rs}"
ca_bundle=/etc/ssl/certs/ca-certificates.crt

[ "$(id -u)" -eq 0 ] || { echo "old-glibc-root: needs root (mmdebstrap, chroot)" >&2; exit 1; }
if [ -z "${OLD_GLIBC_ROOT_PRIVATE_MOUNTS:-}" ]; then
  exec unshare --mount --propagation private env OLD_GLIBC_ROOT_PRIVATE_MOUNTS=1 bash "$0" "$@"
fi

. packaging/debian-root.sh
debian_root "$rootfs" "$suite" "$(dpkg --print-architecture)" "$packages"

# The mounts (gone with this namespace).
mkdir -p "$rootfs/opt/cargo" "$rootfs/opt/rustup" "$rootfs/opt/olm-rs-cache" "$pyolm_cache"
mount --bind "$cargo_home" "$rootfs/opt/cargo"
mount --bind -o ro "$rustup_home" "$rootfs/opt/rustup"
mount --bind "$pyolm_cache" "$rootfs/opt/olm-rs-cache"
[ ! -f "$ca_bundle" ] || mount --bind -o ro "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
mount -t proc proc "$rootfs/proc"
inroot() {
  chroot "$rootfs" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 PATH=/opt/cargo/bin:/usr/bin:/bin \
    CARGO_HOME=/opt/cargo RUSTUP_HOME=/opt/rustup PYOLM_CACHE=/opt/olm-rs-cache \
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"
}

case "${1:-}" in
build)
  out="${2:?usage: old-glibc-root.sh build OUTDIR}"
  # The sources as the work tree has them, over the previous build's (its target/ kept).
  find "$rootfs/src" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} + 2>/dev/null || true
  mkdir -p "$rootfs/src"
  git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$rootfs/src"
  rm -rf "$rootfs/out"
  # The wheel's timestamps are the last commit's (bdist_wheel reads SOURCE_DATE_EPOCH).
  epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}"
  inroot env SOURCE_DATE_EPOCH="$epoch" sh -c 'cd /src && python3 -m pip wheel -q --no-deps -w /out .'
  mkdir -p "$out"
  cp "$rootfs"/out/python_olm-*.whl "$out/"
  inroot sh -c 'echo "old-glibc-root: built with $(ldd --version | head -1), $(python3 --version), $(cargo --version)"'
  ;;
test)
  wheel="${2:?usage: old-glibc-root.sh test WHEEL PYOLM_WHEEL README}" pyolm="${3:?}" readme="${4:?}"
  t="$rootfs/tmp/wheel-test"
  rm -rf "$t" && mkdir -p "$t"
  cp "$wheel" "$pyolm" "$t/" && cp "$readme" "$t/README.md" && cp -r python_tests "$t/python_tests"
  w="/tmp/wheel-test/$(basename "$wheel")" p="/tmp/wheel-test/$(basename "$pyolm")"
  status=0
  inroot sh -euc "
    cd /tmp/wheel-test
    python3 -m venv venv
    venv/bin/pip --version
    venv/bin/pip install -q '$w'
    venv/bin/pip install -q pytest
    bundled=\$(ls venv/lib/python3*/site-packages/python_olm.libs/libolm-*.so.3)
    OLM_LIBRARY=\"\$PWD/\$bundled\" OLM_PYOLM_WHEEL='$p' OLM_PYTHON_README=/tmp/wheel-test/README.md \
      venv/bin/python -m pytest -q -rs -p no:cacheprovider python_tests" || status=$?
  rm -rf "$t"
  exit "$status"
  ;;
*)
  echo "usage: old-glibc-root.sh build OUTDIR | test WHEEL PYOLM_WHEEL README" >&2
  exit 2
  ;;
esac
