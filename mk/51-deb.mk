# Debian packages that replace libolm3, libolm-dev and python3-olm (packaging/deb/):
#   make deb        build-out/deb/{libolm3-rs,libolm-dev-rs,python3-olm-rs}_3.2.16-1_<arch>.deb
#   make test-deb   lintian, metadata, then installs them for real in a throwaway Debian root
#                   (mmdebstrap, never on this machine): replacing Debian's packages with their
#                   dependents kept, Python and C users on ours, and going back to Debian's
.PHONY: deb test-deb
test: test-deb

deb: release $(PYOLM_WHEEL)
	OLM_VERSION=$(OLM_VERSION) OLM_SOVERSION=$(OLM_SOVERSION) PYOLM_WHEEL=$(PYOLM_WHEEL) \
	  PYOLM_SHA256=$(PYOLM_SHA256) DEBIAN_PYTHON=$(DEBIAN_PYTHON) bash packaging/deb/build-deb.sh

test-deb: deb
	OLM_VERSION=$(OLM_VERSION) PYOLM_WHEEL=$(PYOLM_WHEEL) bash packaging/deb/test-deb.sh
