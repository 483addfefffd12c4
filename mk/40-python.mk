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
PYOLM_VERSION := 3.2.16
# sha256 of python-olm-3.2.16.tar.gz as PyPI serves it: the download must be that release, unchanged.
PYOLM_SHA256 := a1c47fce2505b7a16841e17694cbed4ed484519646ede96ee9e89545a49643c9
# Fetching the sdist makes pip build its bundled libolm just to read its metadata (minutes), so the
# verified tarball is kept outside the repository and reused.
PYOLM_CACHE ?= $(HOME)/.cache/olm-rs
PYOLM_SDIST := $(PYOLM_CACHE)/python-olm-$(PYOLM_VERSION).tar.gz
OUR_LIBDIR := $(CURDIR)/target/release
OUR_LIB := $(OUR_LIBDIR)/libolm.so
PYTEST_ARGS ?= -q -rs
# On the drop-in routes a missing family skips everything for one reason, said once at the end.
DROPIN_PYTEST_ARGS ?= -q

# The library's soname is libolm.so.3; without this link the loader would take the system's libolm.
soname-link: release
	ln -sf libolm.so $(OUR_LIBDIR)/libolm.so.3

$(PYOLM_SDIST):
	mkdir -p $(PYOLM_CACHE)
	tmp=$$(mktemp -d) && \
	  $(PYTHON) -m pip download -q --no-deps --no-binary :all: -d $$tmp python-olm==$(PYOLM_VERSION) && \
	  echo "$(PYOLM_SHA256)  $$tmp/python-olm-$(PYOLM_VERSION).tar.gz" | sha256sum -c --quiet && \
	  mv $$tmp/python-olm-$(PYOLM_VERSION).tar.gz $@ && rm -rf $$tmp

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q cffi pytest setuptools

# python-olm's olm/ folder only (never its bundled libolm), plus its README for the README test.
$(VENV)/.python-olm: $(PYOLM_SDIST) | $(VENV)/bin/python
	echo "$(PYOLM_SHA256)  $(PYOLM_SDIST)" | sha256sum -c --quiet
	site=$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') && \
	  rm -rf $$site/olm && \
	  tar -xzf $(PYOLM_SDIST) -C $$site --strip-components=1 python-olm-$(PYOLM_VERSION)/olm && \
	  mkdir -p $(VENV)/share/python-olm && \
	  tar -xzf $(PYOLM_SDIST) -C $(VENV)/share/python-olm --strip-components=1 python-olm-$(PYOLM_VERSION)/README.md
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
	  OLM_PYOLM_SDIST=$(PYOLM_SDIST) $(VENV)/bin/python -m pytest $(PYTEST_ARGS) python_tests

# Debian's python3-olm links libolm.so.3; LD_LIBRARY_PATH makes the loader find ours first.
test-python-dropin: soname-link
	OLM_LIBRARY=$(OUR_LIB) LD_LIBRARY_PATH=$(OUR_LIBDIR) \
	  OLM_PYTHON_README=$(CURDIR)/$(VENV)/share/python-olm/README.md \
	  $(DEBIAN_PYTHON) -m pytest $(DROPIN_PYTEST_ARGS) -p no:cacheprovider python_tests
