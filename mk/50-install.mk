# Installing the library as libolm is installed, and the newcomer's demo.
#   make install     PREFIX (default /usr/local), LIBDIR, INCLUDEDIR, DESTDIR are honoured
#   make uninstall   removes exactly what `make install` put there (same variables)
#   make demo        builds the library and runs examples/demo.c against it
#   make test-install  stages an install in a temporary DESTDIR and builds the demo from it
#                      with pkg-config, with CMake (find_package(Olm)) and statically
.PHONY: install uninstall demo test-install
test: test-install

LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
OLM_VERSION := 3.2.16
OLM_SOVERSION := 3
# olm_export.h is hand-written (libolm's visibility macros); the others are generated.
OLM_HEADERS := error.h inbound_group_session.h olm.h olm_export.h outbound_group_session.h pk.h sas.h
# What the Rust standard library in libolm.a needs from the system (`cargo rustc -- --print
# native-static-libs`), for static linking through pkg-config's Libs.private.
OLM_NATIVE_STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

# Every path `make install` creates, relative to DESTDIR: `make uninstall` removes exactly these.
OLM_INSTALLED_FILES := \
	$(LIBDIR)/libolm.so.$(OLM_VERSION) $(LIBDIR)/libolm.so.$(OLM_SOVERSION) $(LIBDIR)/libolm.so \
	$(LIBDIR)/libolm.a $(LIBDIR)/pkgconfig/olm.pc \
	$(LIBDIR)/cmake/Olm/OlmConfig.cmake $(LIBDIR)/cmake/Olm/OlmConfigVersion.cmake \
	$(addprefix $(INCLUDEDIR)/olm/,$(OLM_HEADERS))
# Directories that are ours alone, removed by uninstall when empty.
OLM_INSTALLED_DIRS := $(INCLUDEDIR)/olm $(LIBDIR)/cmake/Olm

define olm_configure
sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
    -e 's|@VERSION@|$(OLM_VERSION)|g' -e 's|@SOVERSION@|$(OLM_SOVERSION)|g' \
    -e 's|@NATIVE_STATIC_LIBS@|$(OLM_NATIVE_STATIC_LIBS)|g' \
    -e "s|@LIBDIR_FROM_HERE@|$$(realpath -m --relative-to=$(LIBDIR)/cmake/Olm $(LIBDIR))|g" \
    -e "s|@INCLUDEDIR_FROM_HERE@|$$(realpath -m --relative-to=$(LIBDIR)/cmake/Olm $(INCLUDEDIR))|g" \
    -e "s|@SIZEOF_VOID_P@|$$(($$(readelf -h $(RELEASE_DIR)/libolm.so | sed -n 's/^ *Class: *ELF//p') / 8))|g"
endef

install: release
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(LIBDIR)/cmake/Olm $(DESTDIR)$(INCLUDEDIR)/olm
	install -m 755 $(RELEASE_DIR)/libolm.so $(DESTDIR)$(LIBDIR)/libolm.so.$(OLM_VERSION)
	ln -sfn libolm.so.$(OLM_VERSION) $(DESTDIR)$(LIBDIR)/libolm.so.$(OLM_SOVERSION)
	ln -sfn libolm.so.$(OLM_SOVERSION) $(DESTDIR)$(LIBDIR)/libolm.so
	install -m 644 $(RELEASE_DIR)/libolm.a $(DESTDIR)$(LIBDIR)/libolm.a
	install -m 644 $(addprefix include/olm/,$(OLM_HEADERS)) $(DESTDIR)$(INCLUDEDIR)/olm/
	$(olm_configure) packaging/olm.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/olm.pc
	$(olm_configure) packaging/OlmConfig.cmake.in > $(DESTDIR)$(LIBDIR)/cmake/Olm/OlmConfig.cmake
	$(olm_configure) packaging/OlmConfigVersion.cmake.in > $(DESTDIR)$(LIBDIR)/cmake/Olm/OlmConfigVersion.cmake
	@if [ -z "$(DESTDIR)" ] && [ -w /etc/ld.so.cache ]; then ldconfig; fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(OLM_INSTALLED_FILES))
	for d in $(addprefix $(DESTDIR),$(OLM_INSTALLED_DIRS)); do \
	  if [ -d $$d ]; then rmdir --ignore-fail-on-non-empty $$d; fi; done
	@if [ -z "$(DESTDIR)" ] && [ -w /etc/ld.so.cache ]; then ldconfig; fi

# Built against the build tree (target/release, with run path), never the system's libolm.
demo: soname-link
	@missing=$$(bash packaging/demo-symbols.sh missing target/release/libolm.so); \
	if [ -n "$$missing" ]; then \
	  echo "The demo needs functions this library does not export yet:" $$missing; exit 1; fi
	$(CC) -Wall -Wextra -O2 -Iinclude examples/demo.c \
	  -Ltarget/release -lolm -Wl,-rpath,$(CURDIR)/target/release -o target/release/demo
	target/release/demo

test-install: release
	bash packaging/test-install.sh
