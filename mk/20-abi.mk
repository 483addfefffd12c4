# ABI tests (issue 2): the exported symbols and soname, header drift, libolm's exact
# prototypes and constants in C and C++, the python-olm CFFI route, and the C programs.
.PHONY: test-abi test-exports test-headers test-prototypes test-cffi-cdef test-c
test: test-abi

test-abi: test-exports test-headers test-prototypes test-cffi-cdef test-c

test-exports: release
	bash tests/abi/exports.sh

test-headers:
	$(CARGO) test --release --test headers

test-prototypes: release test-deps
	python3 tests/abi/prototypes.py . build-out/abi

test-cffi-cdef: release test-deps
	python3 -m pytest -q -p no:cacheprovider tests/abi/test_cffi_cdef.py

test-c: release test-deps
	$(MAKE) --no-print-directory -C tests/c
