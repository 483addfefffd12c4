# The two commands a newcomer needs:
#   make demo   builds the library and runs the example program
#   make test   installs what the tests need, then runs every test
# Each area keeps its targets in mk/*.mk and adds itself to `test` there.

CARGO ?= cargo
PREFIX ?= /usr/local

.PHONY: all build release test
all: release

build:
	$(CARGO) build

# ARCH (Debian's name: arm64, armhf, i386, ppc64el, s390x) cross-builds for that architecture
# into target/<triple>/release (mk/42-cross.mk); without it, the build is for this machine.
# RELEASE_DIR is where the build lands, what `make install` and `make deb` take.
ARCH ?=
RELEASE_DIR := target/$(if $(ARCH),$(shell bash packaging/cross/arch.sh triple $(ARCH))/)release
release:
ifeq ($(ARCH),)
	$(CARGO) build --release
else
	bash packaging/cross/cross.sh build $(ARCH)
endif

include $(sort $(wildcard mk/*.mk))
