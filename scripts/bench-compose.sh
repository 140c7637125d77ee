#!/usr/bin/env bash
# Times the compose scan over 200 generated compose projects (each with a prod override and a
# .env) in a temporary directory. Target: under 200 ms on a 2-core machine, release build.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --lib compose::tests::bench_200_projects -- --ignored --nocapture 2>&1 \
  | grep -E "compose scan of|test result"
