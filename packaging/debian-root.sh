#!/usr/bin/env bash
# Sourced by the scripts that build or test in a throwaway Debian root (the wheel's old-glibc
# root, the cross toolchain and emulation roots): one way to make such a root and keep it.
#
#   debian_root ROOTFS SUITE ARCHITECTURES PACKAGES
#
# makes a Debian SUITE root in ROOTFS with mmdebstrap (variant apt) from this machine's own Debian
# mirrors, for ARCHITECTURES (comma-separated, the native one first) with PACKAGES (comma-
# separated, `name:arch` for a foreign one), and keeps it: a root made with the same arguments is
# used again, one made otherwise (or half made) is made again. Nothing is installed on this
# machine; the foreign architectures exist only inside the root's dpkg. A root whose native
# architecture is foreign gets its emulator registered (register_emulator), made or kept.
#
#   register_emulator ARCH
#
# mounts binfmt_misc and registers qemu-user for ARCH (Debian's name), with flag F, so that it
# serves chroots; nothing to do for an architecture this machine's kernel runs. Fails, never
# skips, when qemu-user-static and binfmt-support are missing.
. "$(dirname "${BASH_SOURCE[0]}")/cross/arch.sh"

register_emulator() {
  local qemu
  qemu="$(arch_field "$1" qemu)" || return 1
  [ "$qemu" != native ] || return 0
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable "qemu-$qemu" 2>/dev/null || true
  grep -q '^flags: .*F' "/proc/sys/fs/binfmt_misc/qemu-$qemu" 2>/dev/null || {
    echo "qemu-$qemu is not registered with binfmt_misc (flag F): install qemu-user-static and binfmt-support (make test-deps)" >&2
    return 1
  }
}

debian_root() {
  local rootfs="$1" suite="$2" arches="$3" packages="$4"
  local spec="$suite $arches $packages"
  [ "${arches%%,*}" = "$(dpkg --print-architecture)" ] || register_emulator "${arches%%,*}" || return 1
  [ "$(cat "$rootfs/.olm-rs-root" 2>/dev/null)" != "$spec" ] || return 0
  command -v mmdebstrap >/dev/null || { echo "debian-root: mmdebstrap is missing (make test-deps)" >&2; return 1; }
  rm -rf --one-file-system "$rootfs"
  mkdir -p "$(dirname "$rootfs")"
  local sources="$rootfs.list" options=()
  bash "$(dirname "${BASH_SOURCE[0]}")/debian-sources.sh" "$suite" >"$sources"
  # Multi-Arch: same packages (libc6, libstd-rust-dev) must have one version on every
  # architecture, and the mirror's -security indexes for foreign architectures have been seen
  # out of step with their Release files (and bullseye-security's pool lacks its arm64 .debs): a
  # root with any architecture but this machine's takes its packages from the release itself (and
  # -updates) only.
  [ "$arches" = "$(dpkg --print-architecture)" ] || sed -i '/-security /d' "$sources"
  # sid's Release file on the mirror has been seen expired.
  [ "$suite" != sid ] || options+=(--aptopt='Acquire::Check-Valid-Until "false"')
  [ -s "$sources" ] || { echo "debian-root: no Debian apt source on this machine to build the root from" >&2; return 1; }
  echo "debian-root: making a Debian $suite root ($arches) in $rootfs (mmdebstrap)"
  mmdebstrap -q --variant=apt --architectures="$arches" --include="$packages" "${options[@]}" \
    "$suite" "$rootfs" "$sources"
  rm -f "$sources"
  echo "$spec" >"$rootfs/.olm-rs-root"
}
