#!/usr/bin/env bash
# Git-history secret-scan benchmark: preflight --history next to gitleaks 8.x (`git`) and
# kingfisher (`--git-history full`) on the same repository, in the same run. Prints wall time,
# MB of unique blob data scanned per second, and peak RSS.
#
#   scripts/bench-history.sh [REPO]     default REPO: /tmp/preflight-bench/repo
#
# Repositories used for the figures in the issue notes:
# - the benchmark corpus: ../shared/bench/make-corpus.sh builds /tmp/preflight-bench/repo
#   (2,116 commits, ~450 MB of unique blobs, 20 planted secrets);
# - git's own source (85k commits on its branches and tags): clone it without GitHub's pull
#   refs, e.g. `git clone --bare <git.git URL or local mirror> /tmp/git-bench.git`.
# - a bare mirror of git's own repository with all its refs, pull refs included (the search
#   tool's `fetch github:git/git`); SKIP=gitleaks leaves out the peer that takes many minutes.
# Peers come from PyPI (see scripts/bench.sh). RUNS repeats each measurement (best kept).
# `git cat-file --batch-all-objects --batch` (every object inflated once) is the reading floor.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:-/tmp/preflight-bench/repo}
runs=${RUNS:-1}
[ -d "$repo" ] || { echo "bench: no repository at $repo" >&2; exit 2; }

# Unique blob bytes reachable from all refs (what a scanner that reads each blob once must read).
bytes=$(git -C "$repo" rev-list --objects --all --missing=allow-any | cut -d' ' -f1 |
  git -C "$repo" cat-file --batch-check='%(objecttype) %(objectsize)' |
  awk '$1=="blob" {s+=$2} END {printf "%.0f\n", s}')
commits=$(git -C "$repo" rev-list --all --count --missing=allow-any)
source "$here/scripts/bench-common.sh"
git -C "$repo" cat-file --batch-all-objects --batch >/dev/null 2>&1 || true # warm the page cache
echo "repo: $repo ($commits commits, $((bytes / 1000000)) MB of unique blobs), $(nproc) cores"

measure preflight "$preflight" scan "$repo" --history --format json --output /dev/null --quiet
skip=${SKIP:-}
measure cat-file git -C "$repo" cat-file --batch-all-objects --batch
[[ ,$skip, == *,gitleaks,* ]] && gitleaks=""
[ -x "$gitleaks" ] && measure gitleaks "$gitleaks" git "$repo" --no-banner --report-path "$walls/gitleaks.json" --report-format json --exit-code 0 --log-opts=--all
[ -x "$kingfisher" ] && measure kingfisher "$kingfisher" scan "$repo" --git-history full --no-validate --no-update-check --format json --output "$walls/kingfisher.json"
ratios
