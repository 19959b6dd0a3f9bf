#!/usr/bin/env bash
# Runs the frame-decoder property tests with a million cases each (not in CI: minutes, not seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
PROPTEST_CASES="${PROPTEST_CASES:-1000000}" cargo test --release -p improto --test fuzz_decode
