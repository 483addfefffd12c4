#!/usr/bin/env bash
# Tests `make install` / `make uninstall` in a temporary DESTDIR (never the machine's own paths):
# the installed tree, pkg-config and CMake consumers (built, run, and shown by ldd to load the
# installed library), static linking against libolm.a, and an exact uninstall.
# The demo needs accounts, sessions and megolm: until this library exports all the functions it
# calls, its builds are reported as skipped, naming what is missing.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
suite=test-install CHECK_FAIL_LINES=20
. scripts/checks.sh

make_install() { make --no-print-directory -s -C "$root" "$@" >"$work/make.log" 2>&1 || cat "$work/make.log"; }

# A program that uses every header and one function of each header family that exists.
cat >"$work/version.c" <<'C'
#include <olm/olm.h>
#include <olm/error.h>
#include <olm/inbound_group_session.h>
#include <olm/outbound_group_session.h>
#include <olm/pk.h>
#include <olm/sas.h>
#include <olm/olm_export.h>
#include <stdio.h>
OLM_EXPORT int olm_export_h_is_usable(void);
int main(void) {
    uint8_t major, minor, patch;
    olm_get_library_version(&major, &minor, &patch);
    printf("libolm %d.%d.%d\n", major, minor, patch);
    return olm_error() == (size_t)-1 ? 0 : 1;
}
C
cat >"$work/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(olm_version C)
find_package(Olm ${WANT} REQUIRED ${EXACT})
add_executable(version version.c)
target_link_libraries(version PRIVATE Olm::Olm)
CMAKE

# uses_installed BINARY LIBDIR: ldd resolves libolm.so.3 to LIBDIR's copy.
uses_installed() { ldd "$1" | tee /dev/stderr | grep -qx "[[:space:]]*libolm.so.3 => $2/libolm.so.3 (0x[0-9a-f]*)"; }
runs_version() { "$1" | tee /dev/stderr | grep -qx "libolm 3.2.16"; }
runs_demo() { "$1" | tee /dev/stderr | grep -q "^Done: everything decrypted as sent.$"; }
export -f uses_installed runs_version runs_demo

# ---- layout 1: the defaults under a DESTDIR -------------------------------------------------
dest="$work/dest" prefix=/usr/local
libdir="$prefix/lib" incdir="$prefix/include"
make_install install DESTDIR="$dest" PREFIX="$prefix"

expected="$incdir/olm/error.h $incdir/olm/inbound_group_session.h $incdir/olm/olm.h $incdir/olm/olm_export.h
$incdir/olm/outbound_group_session.h $incdir/olm/pk.h $incdir/olm/sas.h $libdir/cmake/Olm/OlmConfig.cmake
$libdir/cmake/Olm/OlmConfigVersion.cmake $libdir/libolm.a $libdir/libolm.so $libdir/libolm.so.3
$libdir/libolm.so.3.2.16 $libdir/pkgconfig/olm.pc"
check "install puts exactly the library, its links, headers, olm.pc and the CMake package" \
  diff <(echo $expected | tr ' ' '\n' | sort) <(cd "$dest" && find . -type f -o -type l | sed 's/^\.//' | sort)
check "libolm.so -> libolm.so.3 -> libolm.so.3.2.16, soname libolm.so.3" bash -c "
  [ \"\$(readlink $dest$libdir/libolm.so)\" = libolm.so.3 ] &&
  [ \"\$(readlink $dest$libdir/libolm.so.3)\" = libolm.so.3.2.16 ] &&
  readelf -d $dest$libdir/libolm.so.3.2.16 | grep -q 'SONAME.*\[libolm.so.3\]'"
check "installed headers are the generated ones" diff -r include/olm "$dest$incdir/olm"

export PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH="$dest$libdir/pkgconfig" PKG_CONFIG_LIBDIR="$dest$libdir/pkgconfig"
check "pkg-config: olm 3.2.16, -I and -L into the DESTDIR, -lolm" bash -c "
  [ \"\$(pkg-config --modversion olm)\" = 3.2.16 ] &&
  [ \"\$(echo \$(pkg-config --cflags olm))\" = '-I$dest$incdir' ] &&
  [ \"\$(echo \$(pkg-config --libs olm))\" = '-L$dest$libdir -lolm' ]"

# Headers and linking, with what exists now.
pcflags="$(pkg-config --cflags olm)" plibs="$(pkg-config --libs olm)"
check "the headers compile cleanly as C99 and C++ (-Wall -Wextra -pedantic -Werror)" bash -c "
  gcc -std=c99 -Wall -Wextra -pedantic -Werror $pcflags -c $work/version.c -o $work/v.o &&
  g++ -x c++ -Wall -Wextra -pedantic -Werror $pcflags -c $work/version.c -o $work/v++.o"
check "pkg-config build runs and ldd shows the installed library" bash -c "
  gcc $pcflags $work/version.c $plibs -Wl,-rpath,$dest$libdir -o $work/version-pc &&
  runs_version $work/version-pc && uses_installed $work/version-pc $dest$libdir"

cmake_build() { # cmake_build DIR PROJECT [cmake args...]
  local dir="$1" project="$2"; shift 2
  cmake -S "$project" -B "$dir" -DCMAKE_PREFIX_PATH="$dest$prefix" "$@" >"$dir.log" 2>&1 &&
    grep -qx "Olm_DIR:PATH=$dest$libdir/cmake/Olm" "$dir/CMakeCache.txt" &&
    cmake --build "$dir" >>"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
}
export -f cmake_build; export dest prefix libdir
check "CMake find_package(Olm 3.2) gives Olm::Olm from the DESTDIR; runs; ldd shows it" bash -c "
  cmake_build $work/cm $work -DWANT=3.2 && runs_version $work/cm/version &&
  uses_installed $work/cm/version $dest$libdir"
check "CMake find_package(Olm 3.2.16 EXACT) is satisfied" cmake_build "$work/cm-exact" "$work" -DWANT=3.2.16 -DEXACT=EXACT
# refused_version WANT: configuring fails, and CMake says ours (3.2.16) is not compatible.
refused_version() {
  ! cmake -S "$work" -B "$work/cm-$1" -DCMAKE_PREFIX_PATH="$dest$prefix" -DWANT="$1" >"$work/cm-$1.log" 2>&1 &&
    grep -q "with requested version \"$1\"" "$work/cm-$1.log" &&
    grep -q "$dest$libdir/cmake/Olm/OlmConfig.cmake, version: 3.2.16" "$work/cm-$1.log" ||
    { cat "$work/cm-$1.log"; return 1; }
}
check "CMake find_package(Olm 3.3) and (Olm 4) are refused, naming our 3.2.16" \
  bash -c "$(declare -f refused_version); work=$work dest=$dest prefix=$prefix libdir=$libdir; refused_version 3.3 && refused_version 4"
static_flags() { pkg-config --static --libs olm | sed "s|-lolm|$dest$libdir/libolm.a|"; }
check "static link against libolm.a runs without any libolm.so" bash -c "
  gcc $pcflags $work/version.c $(static_flags) -o $work/version-static &&
  runs_version $work/version-static && ! ldd $work/version-static | grep -q libolm"

missing="$(bash packaging/demo-symbols.sh missing "$dest$libdir/libolm.so.3.2.16")"
demo_tests=("demo built with pkg-config runs; ldd shows the installed library"
            "demo built as a CMake project (find_package(Olm), Olm::Olm) runs; ldd shows it"
            "demo linked statically against libolm.a runs")
if [ -n "$missing" ]; then
  for t in "${demo_tests[@]}"; do
    skip "$t" "this library does not export $(wc -w <<<"$missing") functions the demo calls yet ($(cut -d' ' -f1-3 <<<"$missing") ...)"
  done
else
  check "${demo_tests[0]}" bash -c "
    gcc -Wall -Wextra -Werror $pcflags examples/demo.c $plibs -Wl,-rpath,$dest$libdir -o $work/demo-pc &&
    runs_demo $work/demo-pc && uses_installed $work/demo-pc $dest$libdir"
  check "${demo_tests[1]}" bash -c "
    cmake_build $work/cm-demo examples && runs_demo $work/cm-demo/demo &&
    uses_installed $work/cm-demo/demo $dest$libdir"
  check "${demo_tests[2]}" bash -c "
    gcc $pcflags examples/demo.c $(static_flags) -o $work/demo-static &&
    runs_demo $work/demo-static && ! ldd $work/demo-static | grep -q libolm"
fi

make_install uninstall DESTDIR="$dest" PREFIX="$prefix"
check "uninstall removes every file and link it installed, and our own directories" bash -c "
  [ -z \"\$(find $dest -type f -o -type l)\" ] && [ ! -e $dest$incdir/olm ] && [ ! -e $dest$libdir/cmake/Olm ]"

# ---- layout 2: PREFIX, LIBDIR and INCLUDEDIR of one's own ------------------------------------
# A multiarch LIBDIR (CMake on Debian searches <prefix>/lib/<arch>, not lib64) and a headers dir.
dest="$work/dest2" prefix=/opt/olm libdir=/opt/olm/lib/$(gcc -print-multiarch) incdir=/opt/olm/headers
make_install install DESTDIR="$dest" PREFIX="$prefix" LIBDIR="$libdir" INCLUDEDIR="$incdir"
export dest prefix libdir PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH="$dest$libdir/pkgconfig" PKG_CONFIG_LIBDIR="$dest$libdir/pkgconfig"
check "LIBDIR and INCLUDEDIR are honoured by the files, olm.pc and the CMake package" bash -c "
  [ -e $dest$libdir/libolm.so.3.2.16 ] && [ -e $dest$incdir/olm/olm.h ] &&
  [ \"\$(pkg-config --variable=libdir olm)\" = '$dest$libdir' ] &&
  [ \"\$(echo \$(pkg-config --cflags olm))\" = '-I$dest$incdir' ] &&
  cmake_build $work/cm2 $work -DWANT=3.2 && runs_version $work/cm2/version &&
  uses_installed $work/cm2/version $dest$libdir"
make_install uninstall DESTDIR="$dest" PREFIX="$prefix" LIBDIR="$libdir" INCLUDEDIR="$incdir"
check "uninstall with the same variables leaves nothing" bash -c "[ -z \"\$(find $dest -type f -o -type l)\" ]"

finish
