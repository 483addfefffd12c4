#!/usr/bin/env bash
# Builds this library for another of Debian's architectures, and tests it there under emulation.
#
#   cross.sh build ARCH   libolm.so (soname libolm.so.3) and libolm.a for ARCH, with the flags and
#                         exported symbols of the native build, in target/<triple>/release
#   cross.sh test ARCH    also builds the differential harness and the C tests (tests/c) for ARCH,
#                         then runs both under qemu-user in a Debian bookworm root that holds
#                         bookworm's own libolm3 3.2.13 of ARCH as the reference
#   cross.sh python ARCH  python_tests/ in an emulated Debian bookworm root of ARCH itself (its
#                         own python3, gcc and python3-olm, run under qemu-user), both ways: Debian's
#                         python3-olm with our library in place of libolm.so.3, and python-olm's
#                         package over our own `_libolm` CFFI module, built there from our headers
#   cross.sh deb ARCH     libolm3-rs, libolm-dev-rs and python3-olm-rs for ARCH, made by
#                         packaging/deb/build-deb.sh in that same root (its dpkg tools, strip and
#                         python3 native there), into build-out/deb/
#   cross.sh shell ARCH   a shell in the emulation root with the checkout mounted
#
# ARCH is Debian's name (packaging/cross/arch.sh list). One mechanism serves every architecture:
# - Rust: Debian sid's rustc and cargo with libstd-rust-dev of each architecture, in a root made
#   with mmdebstrap and kept in target/cross/toolchain (sid is the one release whose Rust is new
#   enough and built for all five; bookworm-security's rustc-web lacks s390x). With
#   CROSS_TOOLCHAIN=rustup the machine's own cargo builds instead, with the target's standard
#   library from `rustup target add` (for a machine whose rustup can fetch it).
# - Linking: zig (PyPI's ziglang) through cargo-zigbuild, for the oldest glibc in arch.sh's table
#   (2.17, python-olm's manylinux2014 floor), whatever glibc the toolchain's root has. The C
#   tests are compiled with the same zig.
# - Running: qemu-user-static registered with binfmt_misc (flags PF: the interpreter is opened at
#   registration, so it works inside a chroot), in target/cross/bookworm, a root of amd64 with
#   every foreign architecture's libc6 and libolm3 installed in its own dpkg. i386 needs no
#   emulator: an x86_64 kernel runs it. The checkout is mounted at its own path in the roots.
# Nothing is installed on this machine but the host tools (qemu-user-static, binfmt-support,
# mmdebstrap, from install-test-deps.sh) and a venv (.venv-cross-tools); the mounts live in a
# private mount namespace and go away with it. Needs root.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$top"
. packaging/cross/arch.sh
. packaging/debian-root.sh

usage() { echo "usage: cross.sh build|test|python|deb|shell ARCH   (ARCH: $ARCHES)" >&2; exit 2; }
action="${1:-}" arch="${2:-}"
case "$action" in build|test|python|deb|shell) ;; *) usage ;; esac
# amd64 builds too (for glibc 2.17, as the wheel wants); its tests are the native ones.
case " $ARCHES amd64 " in *" $arch "*) ;; *) usage ;; esac
[ "$arch" != amd64 ] || [ "$action" = build ] || { echo "cross: amd64 is tested natively (make test)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "cross: needs root (mmdebstrap, chroot, binfmt_misc)" >&2; exit 1; }
if [ -z "${CROSS_PRIVATE_MOUNTS:-}" ]; then
  exec unshare --mount --propagation private env CROSS_PRIVATE_MOUNTS=1 bash "$0" "$@"
fi

triple="$(arch_field "$arch" triple)" multiarch="$(arch_field "$arch" multiarch)"
qemu="$(arch_field "$arch" qemu)" floor="$(arch_field "$arch" floor)"
test_glibc=2.36  # bookworm's, the emulation root's
out="target/$triple/release"
toolchain="${CROSS_TOOLCHAIN:-debian}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"

# The linker: zig and cargo-zigbuild, pinned, in a venv of their own.
tools="$top/.venv-cross-tools"
zig_version=0.17.1 zigbuild_version=0.24.1
if ! "$tools/bin/python" -m ziglang version 2>/dev/null | grep -qx "$zig_version" ||
   ! "$tools/bin/cargo-zigbuild" --version 2>/dev/null | grep -q " $zigbuild_version\$"; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q "ziglang==$zig_version" "cargo-zigbuild==$zigbuild_version"
fi
zig_dir="$("$tools/bin/python" -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))')"

# Every architecture's crates, fetched here: the builds run offline.
cargo fetch --locked -q

# Mounts the checkout at its own path inside ROOTFS, with /proc.
mount_checkout() {
  mkdir -p "$1$top"
  mountpoint -q "$1$top" || mount --bind "$top" "$1$top"
  mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"
}

# The checkout's and the cargo home's paths, remapped to fixed names as setup.py does for the
# native build: they reach the names ThinLTO gives promoted symbols, which stay in a stripped
# library, so without this the library (and the wheels carrying it) would differ by checkout path.
# These flags replace .cargo/config.toml's rustflags, so its x86_64 cfg is given again here.
remap() {
  printf -- '--remap-path-prefix=%s=/olm-rs\x1f--remap-path-prefix=%s=/cargo' "$top" "$1"
  [ "$triple" != x86_64-unknown-linux-gnu ] || printf -- '\x1f--cfg\x1fcurve25519_dalek_backend="avx512"'
}

# cargo for ARCH, with zig linking for the glibc version GLIBC; output in target/cross/<toolchain>.
#   cross_cargo GLIBC CARGO-ARGS...
cross_cargo() {
  local glibc="$1"; shift
  local target_dir="$top/target/cross/$toolchain-build"
  if [ "$toolchain" = rustup ]; then
    rustup target add "$triple" >/dev/null
    PATH="$zig_dir:$tools/bin:$PATH" CARGO_TARGET_DIR="$target_dir" \
      CARGO_ENCODED_RUSTFLAGS="$(remap "$(realpath "$cargo_home")")" \
      cargo zigbuild --locked --offline --release --target "$triple.$glibc" "$@"
    return
  fi
  [ "$toolchain" = debian ] || { echo "cross: CROSS_TOOLCHAIN is debian or rustup" >&2; exit 2; }
  local rootfs="$top/target/cross/toolchain" packages="rustc,cargo,gcc,libc6-dev" a arches=amd64
  for a in $ARCHES; do packages="$packages,libstd-rust-dev:$a"; arches="$arches,$a"; done
  debian_root "$rootfs" sid "$arches" "$packages"
  mount_checkout "$rootfs"
  mkdir -p "$rootfs/opt/zig" "$rootfs/opt/bin" "$rootfs/opt/cargo-home/registry" "$cargo_home/registry"
  # Writable: cargo-zigbuild adds a header to zig's glibc sources for some targets (armv7).
  mountpoint -q "$rootfs/opt/zig" || mount --bind "$zig_dir" "$rootfs/opt/zig"
  [ -e "$rootfs/opt/bin/cargo-zigbuild" ] || touch "$rootfs/opt/bin/cargo-zigbuild"
  mountpoint -q "$rootfs/opt/bin/cargo-zigbuild" || mount --bind -o ro "$tools/bin/cargo-zigbuild" "$rootfs/opt/bin/cargo-zigbuild"
  mountpoint -q "$rootfs/opt/cargo-home/registry" || mount --bind "$cargo_home/registry" "$rootfs/opt/cargo-home/registry"
  chroot "$rootfs" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 PATH=/opt/zig:/opt/bin:/usr/bin:/bin \
    CARGO_HOME=/opt/cargo-home CARGO_TARGET_DIR="$target_dir" CARGO_ENCODED_RUSTFLAGS="$(remap /opt/cargo-home)" \
    sh -c 'cd "$1" && shift && exec cargo zigbuild --locked --offline --release "$@"' sh "$top" \
    --target "$triple.$glibc" "$@"
}

build_library() {
  cross_cargo "$floor" -p olm --lib
  mkdir -p "$out"
  local built="target/cross/$toolchain-build/$triple/release"
  cp "$built/libolm.so" "$built/libolm.a" "$out/"
  echo "cross: $out/libolm.so ($(file -b "$out/libolm.so" | cut -d, -f1-2)), soname" \
    "$(readelf -d "$out/libolm.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')," \
    "needs glibc $(objdump -T "$out/libolm.so" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
}

# The emulation root: amd64 with every foreign architecture's libc6 and Debian's libolm3 3.2.13.
emulation_root() {
  local rootfs="$top/target/cross/bookworm" packages="" a arches=amd64
  for a in $ARCHES; do packages="$packages${packages:+,}libolm3:$a"; arches="$arches,$a"; done
  debian_root "$rootfs" bookworm "$arches" "$packages"
  register_emulator "$arch"
  mount_checkout "$rootfs"
  emulated=(chroot "$rootfs" /usr/bin/env -i LC_ALL=C.UTF-8 PATH=/usr/bin:/bin)
}

# A root of ARCH alone, kept in target/cross/bookworm-ARCH: its maintainer scripts and every
# program in it run under qemu-user. `inroot` runs a command there in the checkout; the pinned
# python-olm release is copied where the root sees it.
native_root() {
  local rootfs="$top/target/cross/bookworm-$arch"
  debian_root "$rootfs" bookworm "$arch" \
    "python3,python3-olm,python3-pytest,python3-cffi,python3-dev,gcc,libc6-dev,dpkg-dev,make"
  mount_checkout "$rootfs"
  local wheel="${PYOLM_WHEEL:?cross.sh: PYOLM_WHEEL, the pinned python-olm release (make sets it)}"
  mkdir -p build-out/python-release
  cp "$wheel" build-out/python-release/ && pyolm_wheel="$top/build-out/python-release/$(basename "$wheel")"
  inroot=(chroot "$rootfs" /usr/bin/env -i -C "$top" LC_ALL=C.UTF-8 PATH=/usr/bin:/bin HOME=/root)
}

case "$action" in
build)
  build_library
  ;;
test)
  build_library
  # Test programs need only the emulation root's glibc (bookworm's 2.36), not the library's
  # floor (on ppc64el zig's libunwind needs 2.32 for an executable).
  cross_cargo "$test_glibc" -p difftest --bin difftest
  cp "target/cross/$toolchain-build/$triple/release/difftest" "$out/"
  # The same soname and exported symbols as the native build: exactly libolm's 150 functions.
  status=0
  bash tests/abi/exports.sh "$out" || status=1
  emulation_root
  echo "cross: testing $arch ($triple) in target/cross/bookworm, $([ "$qemu" = native ] && echo "natively (this kernel runs it)" || echo "under qemu-$qemu")"
  "${emulated[@]}" dpkg --verify "libolm3:$arch"
  echo "cross: the reference is $("${emulated[@]}" dpkg-query -W -f='${Package}:${Architecture} ${Version}' "libolm3:$arch"), unmodified"
  zig_target="${multiarch/#i386/x86}"
  make --no-print-directory -C tests/c run OUT="$top/build-out/c-$arch" LIBDIR="$top/$out" \
    MULTIARCH="$multiarch" CC="$zig_dir/zig cc -target $zig_target.$test_glibc" \
    STATIC_LIBS="-lunwind -lpthread -lm" RUNNER="${emulated[*]}" || status=1
  "${emulated[@]}" "$top/$out/difftest" --ours "$top/$out/libolm.so" || status=1
  exit "$status"
  ;;
python)
  build_library
  native_root
  site="build-out/python-$arch"
  rm -rf "$site" && mkdir -p "$site"
  ln -sf libolm.so "$out/libolm.so.3"
  inroot=("${inroot[@]}" OLM_LIBRARY="$top/$out/libolm.so" OLM_PYTHON_README="$top/$site/README.md")
  "${inroot[@]}" python3 cffi_build/unpack_python_olm.py "$pyolm_wheel" "$site" "$site/README.md"
  "${inroot[@]}" python3 cffi_build/build_libolm.py --libdir "$out" --out "$site"
  echo "cross: python_tests on $arch: Debian's python3-olm with our library as libolm.so.3"
  status=0
  "${inroot[@]}" LD_LIBRARY_PATH="$top/$out" python3 -m pytest -q -p no:cacheprovider python_tests || status=1
  echo "cross: python_tests on $arch: python-olm's package over our own _libolm"
  "${inroot[@]}" PYTHONPATH="$top/$site" OLM_PYOLM_WHEEL="$pyolm_wheel" \
    python3 -m pytest -q -rs -p no:cacheprovider python_tests || status=1
  exit "$status"
  ;;
deb)
  build_library
  native_root
  "${inroot[@]}" ARCH="$arch" OLM_VERSION="${OLM_VERSION:?}" OLM_SOVERSION="${OLM_SOVERSION:?}" \
    PYOLM_WHEEL="$pyolm_wheel" PYOLM_SHA256="${PYOLM_SHA256:?}" SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" \
    bash packaging/deb/build-deb.sh
  ;;
shell)
  emulation_root
  "${emulated[@]}" TERM="${TERM:-dumb}" bash
  ;;
esac
