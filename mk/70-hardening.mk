# Hardening (SECURITY.md): lints, memory checking, the constant-time check, fuzzing.
#   make lint        clippy with -D warnings, and no `unsafe` outside src/ffi (and the one
#                    valgrind client request in src/valgrind.rs)
#   make valgrind    C programs (tests/valgrind) under memcheck: no bad access, no leak, and
#                    olm_clear_* leaves no key material
#   make valgrind-python  the Python suite (our CFFI route) under memcheck: no error through
#                    this library (CPython's own unmodelled reports are not ours to fix)
#   make ct          TIMECOP-style constant-time check (tests/ct) and its negative control
#   make ct-portable the constant-time check again on a build with the portable backends
#                    (software AES and SHA-2, serial curve arithmetic): what CPUs without
#                    AES-NI, SHA-NI or AVX2 run. Not part of `make test` (a second build).
#   make sanitize-c  the C tests (tests/c) built with AddressSanitizer and UndefinedBehavior-
#                    Sanitizer, against the library built with AddressSanitizer
#   make fuzz        every fuzz target for FUZZ_SECONDS (default 60) each, with libFuzzer and
#                    AddressSanitizer (the library included); installs cargo-fuzz if missing
#   make fuzz-smoke  the same for FUZZ_SMOKE_SECONDS (default 4) each, after fuzz-replay: part
#                    of `make test`. The diff_* targets compare each input with Debian's libolm.
#   make fuzz-replay the targets on their seeds, fixed mutations of them and past findings
#                    (fuzz/findings), as plain tests (no libFuzzer needed)
#   make fuzz-campaign HOURS=N  every target (or FUZZ_TARGETS) round-robin on one core for N
#                    hours, corpus kept in FUZZ_CORPUS_DIR; appends one row per target to
#                    SECURITY.md's campaign log. FUZZ_GOAL=N stops each target once the log
#                    and this run give it N executions
#   make fuzz-campaign-totals  the campaign log summed per target, and the hours each still
#                    needs for 10^7 executions (the table in SECURITY.md)
.PHONY: lint lint-clippy lint-unsafe valgrind valgrind-python ct ct-portable sanitize-c fuzz fuzz-smoke fuzz-replay fuzz-campaign fuzz-campaign-totals
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_CORPUS_DIR ?= $(HOME)/.cache/olm-rs/fuzz-corpus

test: lint valgrind valgrind-python ct sanitize-c fuzz-smoke

lint: lint-clippy lint-unsafe

lint-clippy:
	$(CARGO) clippy --all-targets --release -- -D warnings

# The core forbids unsafe itself (#![forbid(unsafe_code)]); this covers the whole library
# (src/, build.rs, build/): an `unsafe` token outside comments, outside src/ffi and outside
# src/valgrind.rs (the client request's inline assembly, which both floors use) fails.
# (fuzz/ and the C tests call the C API, which is unsafe by nature, and are not the library.)
lint-unsafe:
	@found=$$(find src build build.rs -name '*.rs' -not -path 'src/ffi/*' -not -path src/valgrind.rs 2>/dev/null \
	  | xargs awk '{ line = $$0; sub(/\/\/.*/, "", line) } line ~ /(^|[^A-Za-z0-9_])unsafe([^A-Za-z0-9_]|$$)/ { print FILENAME ":" FNR ": " $$0 }'); \
	if [ -n "$$found" ]; then echo "unsafe outside src/ffi and src/valgrind.rs:"; echo "$$found"; exit 1; fi; \
	echo "lint-unsafe: no unsafe outside src/ffi and src/valgrind.rs"

valgrind: release
	bash tests/valgrind/run.sh memcheck

valgrind-python: python-venv
	bash tests/valgrind/python.sh

ct: release
	bash tests/valgrind/run.sh ct

ct-portable:
	RUSTFLAGS='--cfg aes_backend="soft" --cfg curve25519_dalek_backend="serial" --cfg sha2_backend="soft"' \
	  $(CARGO) build --release --lib --target-dir target/ct-portable
	OLM_LIB=target/ct-portable/release/libolm.so bash tests/valgrind/run.sh ct

# The C side under sanitizers: gcc's ASan and UBSan on the C test programs (their arithmetic,
# alignment and the headers' types, and every access they make), linked to a second build of
# the library instrumented with ASan by rustc (-Z sanitizer, accepted on stable with
# RUSTC_BOOTSTRAP=1; gcc's libasan serves both). The library's own Rust has no UB to find for
# UBSan; its accesses are what ASan checks. Leaks are memcheck's job (make valgrind): the test
# programs do not free everything.
ASAN_HOST := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
ASAN_LIBDIR := $(CURDIR)/target/asan/$(ASAN_HOST)/release
sanitize-c:
	RUSTC_BOOTSTRAP=1 RUSTFLAGS='-Zsanitizer=address' $(CARGO) build --release --lib --target $(ASAN_HOST) --target-dir target/asan
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 $(MAKE) --no-print-directory -C tests/c \
	  OUT=$(CURDIR)/build-out/c-sanitize LIBDIR=$(ASAN_LIBDIR) \
	  CFLAGS='-std=c99 -Wall -Wextra -Werror -g -I$(CURDIR)/include -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'

fuzz: test-deps
	bash fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-replay
	bash fuzz/run.sh $(FUZZ_SMOKE_SECONDS)

fuzz-replay: test-deps
	cd fuzz && $(CARGO) test --release --lib --no-default-features

fuzz-campaign: test-deps
	@test -n "$(HOURS)" || { echo "usage: make fuzz-campaign HOURS=N"; exit 1; }
	FUZZ_CORPUS_DIR='$(FUZZ_CORPUS_DIR)' FUZZ_GOAL='$(FUZZ_GOAL)' bash fuzz/campaign.sh $(HOURS) $(FUZZ_TARGETS)

fuzz-campaign-totals:
	@bash fuzz/campaign.sh totals
