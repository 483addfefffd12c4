#!/usr/bin/env bash
# Builds the three Debian packages that replace libolm3, libolm-dev and python3-olm, from one
# build, into build-out/deb/:
#   libolm3-rs      libolm.so.3 (soname link and library)      Provides libolm3 (= VERSION)
#   libolm-dev-rs   headers, libolm.so, libolm.a, olm.pc, CMake  Provides libolm-dev (= VERSION)
#   python3-olm-rs  python-olm's olm/ package (from its pinned wheel, unchanged) and a _libolm
#                   module built against libolm3-rs                Provides python3-olm (= VERSION)
# Each Conflicts/Replaces the Debian package it stands for. python3-olm-rs exists because Debian's
# python3-olm depends on its own source's libolm3 only (libolm3 << 3.2.13~dfsg-1.1~): with
# libolm3-rs alone apt would remove python3-olm and its users (python3-matrix-nio).
#
# Files come from `make install` (DESTDIR=build-out/deb-src/<arch>/debian/tmp, PREFIX=/usr, the
# multiarch LIBDIR); the packages are made with dpkg's own tools in a Debian source layout
# (build-out/deb-src/<arch>/debian/): dpkg-gensymbols (checked against libolm3-rs.symbols: a changed
# ABI stops the build), dpkg-shlibdeps, dpkg-gencontrol, dpkg-deb. Timestamps are the last git
# commit's (SOURCE_DATE_EPOCH). Prints the packages' paths.
#
# The packages are for the machine's own architecture (dpkg-architecture), from the build in
# target/release; with ARCH set, from that architecture's cross build (target/<triple>/release).
# For another architecture this runs inside an emulated Debian root of it (`make deb ARCH=...`,
# packaging/cross/cross.sh deb), so that its python3, compiler, strip and dpkg tools are native.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/packaging/deb"
version="${OLM_VERSION:?}" soversion="${OLM_SOVERSION:?}"
wheel="${PYOLM_WHEEL:?}" wheel_sha256="${PYOLM_SHA256:?}"
python="${DEBIAN_PYTHON:-/usr/bin/python3}"
arch="$(dpkg-architecture -qDEB_HOST_ARCH)" multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
[ -z "${ARCH:-}" ] || [ "$ARCH" = "$arch" ] || { echo "build-deb: ARCH=$ARCH, but this is $arch" >&2; exit 1; }
src="$root/build-out/deb-src/$arch" out="$root/build-out/deb"
libdir="usr/lib/$multiarch" pysite="usr/lib/python3/dist-packages"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}"

fail() { echo "build-deb: $*" >&2; exit 1; }
debversion="$(dpkg-parsechangelog -l "$here/changelog" -SVersion)"
[ "${debversion%-*}" = "$version" ] ||
  fail "packaging/deb/changelog is at $debversion, the library at $version: add a changelog entry"
echo "$wheel_sha256  $wheel" | sha256sum -c --quiet || fail "$wheel is not python-olm's pinned wheel"
[ "$("$python" -c 'import sys; print(sys.implementation.name)')" = cpython ] || fail "$python is not CPython"

rm -rf "$src" "$out"/*_"$arch".deb
mkdir -p "$src/debian" "$out"
cp "$here/control" "$here/changelog" "$here/libolm3-rs.symbols" "$src/debian/"
cd "$src"
tmp=debian/tmp lib=debian/libolm3-rs dev=debian/libolm-dev-rs py=debian/python3-olm-rs

# The build itself is `make deb`'s prerequisite (release), done before this runs.
make -C "$root" --no-print-directory -s -o release install ${ARCH:+ARCH="$ARCH"} DESTDIR="$src/$tmp" \
  PREFIX=/usr LIBDIR="/$libdir"

# ---- python3-olm-rs: python-olm's package over a _libolm linked to the staged library, with no
# run path (the library is on the loader's default path once installed).
# Debian's compiler and linker flags, all hardening on (the C compiler builds the module; CFFI's
# build reads CFLAGS, CPPFLAGS and LDFLAGS from the environment). No debug information: it would be
# stripped anyway, and it names CFFI's random build directory, which would change the build ID.
(eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)" && export CFLAGS="$CFLAGS -g0" &&
 "$python" "$root/cffi_build/build_libolm.py" --libdir "$tmp/$libdir" --out "$src/cffi" --rpath '' >/dev/null)
install -d "$py/$pysite" "$py/DEBIAN"
install -m 644 "$src"/cffi/_libolm.*.so "$py/$pysite/"
"$python" "$root/cffi_build/unpack_python_olm.py" "$wheel" "$py/$pysite" "$src/python-olm-README.md" --egg-info
install -m 755 "$here/python3-olm-rs.postinst" "$py/DEBIAN/postinst"
install -m 755 "$here/python3-olm-rs.prerm" "$py/DEBIAN/prerm"
# The module is built for this one CPython (its file name says which) and for the CFFI backend API
# it was generated for: the same dependencies dh_python3 writes.
pyversion="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
cffi_api="$("$python" -c 'from cffi import recompiler; print(recompiler.VERSION_BASE)')"
python_depends="python3 (>= $pyversion~), python3 (<< ${pyversion%.*}.$((${pyversion#*.} + 1))), \
python3-cffi-backend-api-min (<= $cffi_api), python3-cffi-backend-api-max (>= $cffi_api)"

# ---- libolm3-rs: the library and its soname link, as Debian's libolm3 ships them.
install -d "$lib/$libdir" "$lib/DEBIAN"
mv "$tmp/$libdir/libolm.so.$version" "$tmp/$libdir/libolm.so.$soversion" "$lib/$libdir/"
chmod 644 "$lib/$libdir/libolm.so.$version"
echo "libolm $soversion libolm3 (>= $version~)" >"$lib/DEBIAN/shlibs"
echo "activate-noawait ldconfig" >"$lib/DEBIAN/triggers"

# ---- libolm-dev-rs: everything else `make install` staged.
install -d "$dev/$libdir" "$dev/usr"
mv "$tmp/usr/include" "$dev/usr/"
mv "$tmp/$libdir/libolm.so" "$tmp/$libdir/libolm.a" "$tmp/$libdir/pkgconfig" "$tmp/$libdir/cmake" "$dev/$libdir/"
left="$(find "$tmp" ! -type d)"
[ -z "$left" ] || fail "make install staged files that no package takes: $left"

# Stripped as dh_strip does (no debug package is made).
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
  "$lib/$libdir/libolm.so.$version" "$py/$pysite"/_libolm.*.so
strip --strip-debug --remove-section=.comment --remove-section=.note --enable-deterministic-archives \
  "$dev/$libdir/libolm.a"

for pkg in libolm3-rs libolm-dev-rs python3-olm-rs; do
  d="debian/$pkg"
  install -d "$d/DEBIAN" "$d/usr/share/doc/$pkg"
  install -m 644 "$here/copyright" "$d/usr/share/doc/$pkg/copyright"
  gzip -9n <"$here/changelog" >"$d/usr/share/doc/$pkg/changelog.Debian.gz"
  chmod 644 "$d/usr/share/doc/$pkg/changelog.Debian.gz"
  if [ -f "$here/$pkg.lintian-overrides" ]; then
    install -D -m 644 "$here/$pkg.lintian-overrides" "$d/usr/share/lintian/overrides/$pkg"
  fi
done

# The symbols file must match the library's exports exactly (-c4): a new or lost symbol stops the
# build until libolm3-rs.symbols says so.
dpkg-gensymbols -q -plibolm3-rs -P"$lib" -c4 -e"$lib/$libdir/libolm.so.$version"
dpkg-shlibdeps -Tdebian/libolm3-rs.substvars "$lib/$libdir/libolm.so.$version"
dpkg-shlibdeps -Tdebian/python3-olm-rs.substvars -S"$src/$lib" "$py/$pysite"/_libolm.*.so
for pkg in libolm3-rs libolm-dev-rs python3-olm-rs; do
  d="debian/$pkg"
  subst=(); [ -f "debian/$pkg.substvars" ] && subst=(-T"debian/$pkg.substvars")
  dpkg-gencontrol -p"$pkg" -P"$d" "${subst[@]}" -Volm:Version="$version" \
    -V"python3:Depends=$python_depends"
  (cd "$d" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs -r md5sum) \
    >"$d/DEBIAN/md5sums"
  chmod 644 "$d/DEBIAN/md5sums" "$d/DEBIAN/control"
  find "$d" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  dpkg-deb --root-owner-group -Zxz --build "$d" "$out/${pkg}_${debversion}_${arch}.deb" >/dev/null
  echo "$out/${pkg}_${debversion}_${arch}.deb"
done
