#!/usr/bin/env bash
# Debian's architectures and what a cross build for each needs to know, in one table.
#   arch.sh FIELD ARCH     prints one field: triple, multiarch, qemu, floor (see below)
#   arch.sh list           the architectures, one a line
# Sourced, it defines arch_field ARCH FIELD and ARCHES.
#
# - triple:    Rust's target (and the directory target/<triple>/release a build lands in)
# - multiarch: Debian's library directory name (/usr/lib/<multiarch>/libolm.so.3)
# - qemu:      qemu-user's name for the CPU; "native" where this machine's kernel runs it itself
# - floor:     the oldest glibc the library is linked for (zig's stubs): 2.17, python-olm's
#              manylinux2014 floor, except ppc64el, whose glibc starts at 2.19 in zig
ARCHES="arm64 armhf i386 ppc64el s390x"

arch_field() {
  local row
  case "$1" in
    #        triple                          multiarch              qemu      floor
    amd64)   row="x86_64-unknown-linux-gnu        x86_64-linux-gnu       native    2.17" ;;
    arm64)   row="aarch64-unknown-linux-gnu       aarch64-linux-gnu      aarch64   2.17" ;;
    armhf)   row="armv7-unknown-linux-gnueabihf   arm-linux-gnueabihf    arm       2.17" ;;
    i386)    row="i686-unknown-linux-gnu          i386-linux-gnu         native    2.17" ;;
    ppc64el) row="powerpc64le-unknown-linux-gnu   powerpc64le-linux-gnu  ppc64le   2.19" ;;
    s390x)   row="s390x-unknown-linux-gnu         s390x-linux-gnu        s390x     2.17" ;;
    *) echo "unknown architecture '$1' (Debian's names: amd64 $ARCHES)" >&2; return 2 ;;
  esac
  set -- $row "$2"
  case "$5" in
    triple) echo "$1" ;; multiarch) echo "$2" ;; qemu) echo "$3" ;; floor) echo "$4" ;;
    *) echo "unknown field '$5'" >&2; return 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    list) printf '%s\n' $ARCHES ;;
    triple|multiarch|qemu|floor) arch_field "${2:?usage: arch.sh FIELD ARCH}" "$1" ;;
    *) echo "usage: arch.sh triple|multiarch|qemu|floor ARCH | list" >&2; exit 2 ;;
  esac
fi
