# Python: python-olm 3.2.16 (its unchanged Python package, from PyPI) on top of this library.
#   make python-venv   a virtual environment ($(VENV)) whose `import olm` runs on our libolm
#   make test-python   the python_tests suite through both routes:
#     - venv:    python-olm's package + our `_libolm` CFFI module built from our headers
#                (cffi_build/), linked to target/release by run path;
#     - drop-in: Debian's python3-olm (compiled against the real libolm) with our library
#                put in its place as libolm.so.3 via LD_LIBRARY_PATH.
# Each route proves from /proc/self/maps that the libolm mapped into the process is ours.
.PHONY: soname-link python-venv test-python test-python-venv test-python-dropin
test: test-python

PYTHON ?= python3
DEBIAN_PYTHON ?= /usr/bin/python3
VENV ?= .venv-olm
# The pinned python-olm release (version, wheel file name, sha256): one file make and the
# wheel's build backend both read.
include cffi_build/python-olm-release.mk
PYOLM_CACHE ?= $(HOME)/.cache/olm-rs
PYOLM_WHEEL := $(PYOLM_CACHE)/$(PYOLM_WHEEL_NAME)
OUR_LIBDIR := $(CURDIR)/target/release
OUR_LIB := $(OUR_LIBDIR)/libolm.so
PYTEST_ARGS ?= -q -rs
# On the drop-in routes a missing family skips everything for one reason, said once at the end.
DROPIN_PYTEST_ARGS ?= -q

# The library's soname is libolm.so.3; without this link the loader would take the system's libolm.
soname-link: release
	ln -sf libolm.so $(OUR_LIBDIR)/libolm.so.3

$(PYOLM_WHEEL):
	mkdir -p $(PYOLM_CACHE)
	tmp=$$(mktemp -d) && \
	  $(PYTHON) -m pip download -q --no-deps --only-binary :all: --platform manylinux2014_x86_64 \
	    --python-version 3.11 --implementation cp --abi cp311 -d $$tmp python-olm==$(PYOLM_VERSION) && \
	  echo "$(PYOLM_SHA256)  $$tmp/$(PYOLM_WHEEL_NAME)" | sha256sum -c --quiet && \
	  mv $$tmp/$(PYOLM_WHEEL_NAME) $@ && rm -rf $$tmp

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q cffi pytest setuptools

# python-olm's olm/ folder only (never its bundled libolm), plus its README for the README test.
$(VENV)/.python-olm: $(PYOLM_WHEEL) | $(VENV)/bin/python
	echo "$(PYOLM_SHA256)  $(PYOLM_WHEEL)" | sha256sum -c --quiet
	site=$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') && \
	  rm -rf $$site/olm && mkdir -p $(VENV)/share/python-olm && \
	  $(VENV)/bin/python cffi_build/unpack_python_olm.py $(PYOLM_WHEEL) $$site $(VENV)/share/python-olm/README.md
	touch $@

$(VENV)/.libolm: cffi_build/build_libolm.py $(wildcard include/olm/*.h) $(OUR_LIB) | $(VENV)/bin/python
	site=$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])') && \
	  $(VENV)/bin/python cffi_build/build_libolm.py --libdir $(OUR_LIBDIR) --out $$site
	touch $@

python-venv: soname-link
	$(MAKE) --no-print-directory $(VENV)/.python-olm $(VENV)/.libolm

test-python: test-python-venv test-python-dropin

test-python-venv: python-venv
	OLM_LIBRARY=$(OUR_LIB) OLM_PYTHON_README=$(CURDIR)/$(VENV)/share/python-olm/README.md \
	  OLM_PYOLM_WHEEL=$(PYOLM_WHEEL) $(VENV)/bin/python -m pytest $(PYTEST_ARGS) python_tests

# Debian's python3-olm links libolm.so.3; LD_LIBRARY_PATH makes the loader find ours first.
test-python-dropin: soname-link
	OLM_LIBRARY=$(OUR_LIB) LD_LIBRARY_PATH=$(OUR_LIBDIR) \
	  OLM_PYTHON_README=$(CURDIR)/$(VENV)/share/python-olm/README.md \
	  $(DEBIAN_PYTHON) -m pytest $(DROPIN_PYTEST_ARGS) -p no:cacheprovider python_tests
