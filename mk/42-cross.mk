# Debian's other architectures (packaging/cross/cross.sh; issue 21). ARCH is Debian's name:
#   make release ARCH=arm64     libolm.so and libolm.a for arm64 in target/<triple>/release
#   make test-arch ARCH=s390x   that build's C tests and difftest under qemu-user, against
#                               Debian bookworm's libolm3 of the same architecture
#   make test-arches            test-arch for every architecture (arm64 armhf i386 ppc64el s390x)
#   make test-cross             what `make test` runs: arm64, one 32-bit (armhf) and big-endian
#                               s390x, and python_tests on arm64 (test-python-arm64)
# Needs root (mmdebstrap, chroot, binfmt_misc). Emulated runs say nothing about speed.
.PHONY: test-arch test-arches test-cross test-python-arm64
CROSS_ARCHES := $(shell bash packaging/cross/arch.sh list)
CROSS_TEST_ARCHES ?= arm64 armhf s390x

test: test-cross

test-arch: test-deps
	@test -n "$(ARCH)" || { echo "usage: make test-arch ARCH=<$(CROSS_ARCHES)>"; exit 2; }
	bash packaging/cross/cross.sh test $(ARCH)

test-arches: test-deps
	for a in $(CROSS_ARCHES); do bash packaging/cross/cross.sh test $$a || exit 1; done

test-cross: test-deps
	for a in $(CROSS_TEST_ARCHES); do bash packaging/cross/cross.sh test $$a || exit 1; done

# python-olm's pinned release ($(PYOLM_WHEEL), mk/40-python.mk) gives its olm/ package.
test-python-arm64: test-deps $(PYOLM_WHEEL)
	PYOLM_WHEEL=$(PYOLM_WHEEL) bash packaging/cross/cross.sh python arm64

test-cross: test-python-arm64
