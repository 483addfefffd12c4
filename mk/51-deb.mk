# A Debian package of the library: libolm3-rs, which Provides/Conflicts/Replaces libolm3.
#   make deb        build-out/libolm3-rs_3.2.16-1_<arch>.deb
#   make test-deb   checks its metadata and contents, unpacks it into a temporary root (it is
#                   never installed) and runs Debian's python3-olm against the unpacked library
.PHONY: deb test-deb
test: test-deb

deb: release
	OLM_VERSION=$(OLM_VERSION) OLM_SOVERSION=$(OLM_SOVERSION) bash packaging/deb/build-deb.sh

test-deb: deb
	DEBIAN_PYTHON=$(DEBIAN_PYTHON) PYTEST_ARGS="$(DROPIN_PYTEST_ARGS)" \
	  OLM_PYTHON_README=$(CURDIR)/$(VENV)/share/python-olm/README.md bash packaging/deb/test-deb.sh
