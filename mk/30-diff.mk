# The differential harness (issue 3): Debian's libolm and ours in lockstep.
#   make test-diff                         the bounded run CI makes, and the harness's own tests
#   make difftest-long SEED=7 ROUNDS=500   a long run
.PHONY: test-diff difftest-long
test: test-diff

SEED ?= 1
ROUNDS ?= 200

# The harness's own tests first (they build the harness too, with the same features), so
# that its `N passed, N failed` closes the run.
test-diff: release test-deps
	$(CARGO) test --release -p difftest
	./target/release/difftest

difftest-long: release
	$(CARGO) build --release -p difftest
	./target/release/difftest --seed $(SEED) --rounds $(ROUNDS)
