#!/usr/bin/env bash
# Start-up benchmark (issue 15): the wall time of `preflight scan` on a 10-file tree, best of
# $RUNS (default 20) runs. Almost all of it is start-up: loading the embedded catalogue, building
# the keyword automaton and compiling the few regexes the files trigger (rules compile lazily).
# The budget is 20 ms.
#
#   scripts/bench-startup.sh [PREFLIGHT-BINARY ...]   default: a release build of this checkout
#
# Several binaries are measured interleaved (one run of each per round), so they see the same load.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-20}
if [ $# -eq 0 ]; then
  (cd "$here" && cargo build --release --quiet)
  set -- "${CARGO_TARGET_DIR:-$here/target}/release/preflight"
fi

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
# Ten ordinary source and config files, one of them with a credential-looking assignment, so the
# keyword automaton and a few rules' regexes are exercised as in a real small repository.
mkdir -p "$tree/src" "$tree/config"
for i in 1 2 3 4 5 6; do
  printf 'fn handler_%s(req: &Request) -> Response {\n    let path = req.path();\n    Response::ok(path)\n}\n' "$i" >"$tree/src/mod$i.rs"
done
printf '[package]\nname = "demo"\nversion = "0.1.0"\n' >"$tree/Cargo.toml"
printf '# demo\nRun `cargo run` and open the page.\n' >"$tree/README.md"
printf 'server:\n  port: 8080\n  password: ${DB_PASSWORD}\n' >"$tree/config/app.yml"
printf 'LOG_LEVEL=info\nAPI_TOKEN=${API_TOKEN}\n' >"$tree/.env"

declare -A best
for _ in $(seq "$runs"); do
  for bin in "$@"; do
    start=$(date +%s%N)
    "$bin" scan "$tree" --scanners secrets --format json >/dev/null 2>&1 || true
    ms=$((($(date +%s%N) - start) / 1000))
    if [ -z "${best[$bin]:-}" ] || [ "$ms" -lt "${best[$bin]}" ]; then best[$bin]=$ms; fi
  done
done
for bin in "$@"; do
  awk -v b="$bin" -v us="${best[$bin]}" -v n="$runs" \
    'BEGIN { printf "%-40s %6.1f ms (best of %d, 10 files)\n", b, us / 1000, n }'
done
