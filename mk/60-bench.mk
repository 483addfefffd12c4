# Speed against Debian's libolm and vodozemac (bench/, docs/BENCHMARKS.md).
#   make bench         the full table (about a minute; run it on an otherwise idle machine)
#   make bench-quick   a few ms per operation: proves every operation runs; part of `make test`
.PHONY: bench bench-quick bench-build
bench: bench-build
	./target/release/olm-bench

bench-quick: bench-build
	./target/release/olm-bench --quick

bench-build: release
	$(CARGO) build --release -p olm-bench

test: bench-quick
