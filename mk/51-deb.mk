# Debian packages that replace libolm3, libolm-dev and python3-olm (packaging/deb/):
#   make deb        build-out/deb/{libolm3-rs,libolm-dev-rs,python3-olm-rs}_3.2.16-1_<arch>.deb
#   make test-deb   lintian, metadata, then installs them for real in a throwaway Debian root
#                   (mmdebstrap, never on this machine): replacing Debian's packages with their
#                   dependents kept, Python and C users on ours, and going back to Debian's
#   ARCH=<arch>     either for another architecture (packaging/cross): `make test` also runs
#                   test-deb-arm64, the arm64 packages in an emulated arm64 root
.PHONY: deb test-deb test-deb-arm64
test: test-deb test-deb-arm64

# With ARCH, the packages of that architecture, made in an emulated root of it (cross.sh deb).
DEB_ENV = OLM_VERSION=$(OLM_VERSION) OLM_SOVERSION=$(OLM_SOVERSION) PYOLM_WHEEL=$(PYOLM_WHEEL) \
	  PYOLM_SHA256=$(PYOLM_SHA256)
deb: release $(PYOLM_WHEEL)
ifeq ($(ARCH),)
	$(DEB_ENV) DEBIAN_PYTHON=$(DEBIAN_PYTHON) bash packaging/deb/build-deb.sh
else
	$(DEB_ENV) bash packaging/cross/cross.sh deb $(ARCH)
endif

test-deb: deb
	OLM_VERSION=$(OLM_VERSION) PYOLM_WHEEL=$(PYOLM_WHEEL) ARCH=$(ARCH) bash packaging/deb/test-deb.sh

test-deb-arm64:
	$(MAKE) --no-print-directory test-deb ARCH=arm64
