# The two commands a newcomer needs:
#   make demo   builds the library and runs the example program
#   make test   installs what the tests need, then runs every test
# Each area keeps its targets in mk/*.mk and adds itself to `test` there.

CARGO ?= cargo
PREFIX ?= /usr/local

.PHONY: all build release test
all: release

build:
	$(CARGO) build

release:
	$(CARGO) build --release

include $(sort $(wildcard mk/*.mk))
