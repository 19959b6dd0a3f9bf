# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: demo test lint test-rust test-examples test-node build

# imserver on its embedded SQLite plus two clients exchanging messages.
demo:
	cargo build --release -p imserver -p imcore-harness --bin imserver --bin demo
	./target/release/demo

build:
	cargo build --workspace

# Every test: formatting and lints, Rust (unit, e2e, header freshness), C and Python examples,
# Node addon.
test: lint build test-rust test-node test-examples

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

test-rust:
	cargo test --workspace

test-examples:
	$(MAKE) -C bindings-examples/c
	IMSERVER_BIN=$(CURDIR)/target/debug/imserver IMCORE_LIB=$(CURDIR)/target/debug/libimcore.so \
		python3 -m pytest -q tests/python bindings-examples/python

test-node:
	cd node-addon && npm ci --no-audit --no-fund && npm run build && IMSERVER_BIN=$(CURDIR)/target/debug/imserver npm test
