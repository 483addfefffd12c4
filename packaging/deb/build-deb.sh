#!/usr/bin/env bash
# Builds build-out/libolm3-rs_VERSION-1_ARCH.deb from target/release/libolm.so: the runtime
# library only (libolm.so.VERSION and its soname link, as Debian's libolm3 ships it), staged
# under build-out/deb/root and packed with dpkg-deb. Prints the .deb's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="${OLM_VERSION:?}" soversion="${OLM_SOVERSION:?}"
arch="$(dpkg --print-architecture)" multiarch="$(gcc -print-multiarch)"
lib="$root/target/release/libolm.so"
stage="$root/build-out/deb/root"
deb="$root/build-out/libolm3-rs_${version}-1_${arch}.deb"

rm -rf "$stage"
install -d "$stage/DEBIAN" "$stage/usr/lib/$multiarch" "$stage/usr/share/doc/libolm3-rs"
install -m 644 "$lib" "$stage/usr/lib/$multiarch/libolm.so.$version"
strip --strip-unneeded "$stage/usr/lib/$multiarch/libolm.so.$version"
ln -s "libolm.so.$version" "$stage/usr/lib/$multiarch/libolm.so.$soversion"
install -m 644 "$root/packaging/deb/copyright" "$stage/usr/share/doc/libolm3-rs/copyright"

# Depends, from what the library links: the C library (and the GCC runtime), at the newest symbol
# versions it uses. Anything else would need a package named by hand, so it stops the build.
needed="$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
depends="libc6 (>= $(objdump -T "$lib" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1))"
for so in $needed; do
  case "$so" in
    libc.so.6|libm.so.6|libdl.so.2|libpthread.so.0|librt.so.1|libutil.so.1|ld-linux*) ;;
    libgcc_s.so.1)
      depends="$depends, libgcc-s1 (>= $(objdump -T "$lib" | grep -o 'GCC_[0-9.]*' | sed 's/GCC_//' | sort -V | tail -1))" ;;
    *) echo "build-deb: no Debian dependency known for $so" >&2; exit 1 ;;
  esac
done

sed -e "s|@VERSION@|$version|g" -e "s|@ARCH@|$arch|g" -e "s|@DEPENDS@|$depends|g" \
    -e "s|@INSTALLED_SIZE@|$(du -sk --exclude=DEBIAN "$stage" | cut -f1)|g" \
    "$root/packaging/deb/control.in" >"$stage/DEBIAN/control"
echo "libolm $soversion libolm3 (>= $version)" >"$stage/DEBIAN/shlibs"
echo "activate-noawait ldconfig" >"$stage/DEBIAN/triggers"
(cd "$stage" && find usr -type f | sort | xargs md5sum) >"$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/"*

dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
