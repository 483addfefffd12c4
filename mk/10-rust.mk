# Rust unit and integration tests, and the lints.
.PHONY: test-deps test-rust lint
test: test-deps test-rust

test-deps:
	bash scripts/install-test-deps.sh

test-rust: release
	$(CARGO) test --release
