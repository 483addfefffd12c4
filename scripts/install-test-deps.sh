#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is there.
# The real libolm (libolm3, libolm-dev, python3-olm) is the reference the tests compare against.
set -euo pipefail

packages=(libolm3 libolm-dev python3-olm python3-pytest python3-venv binutils pkg-config cmake valgrind gcc g++ make
  # make deb / test-deb: dpkg's packaging tools, lintian, mmdebstrap for the throwaway root, and
  # Debian's CFFI and Python headers to build python3-olm-rs's _libolm with /usr/bin/python3.
  dpkg-dev lintian mmdebstrap python3-cffi python3-dev
  # Other architectures (packaging/cross): qemu-user registered with binfmt_misc; the foreign
  # architectures themselves live only inside throwaway roots, never in this machine's dpkg.
  qemu-user-static binfmt-support)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -c 'import cffi, pytest' 2>/dev/null || python3 -m pip install -q cffi pytest
