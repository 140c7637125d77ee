#!/usr/bin/env bash
# Large-file benchmark (issue 16): a generated tree with one 300 MB single-line file (a minified
# bundle with a GitHub token planted at its very end) and 20,000 small source files. Runs
# preflight, gitleaks (`dir`) and kingfisher on it in the same run, checks that each finds the
# planted token, and prints wall time and peak RSS (GNU time).
#
#   scripts/bench-bigfile.sh [DIR]      default DIR: /tmp/preflight-bigfile (rebuilt when absent)
#
# 300 MB is over every scanner's default size limit (preflight 256M, kingfisher 256 MB), so each
# is given a limit above it. GITLEAKS / KINGFISHER name the peers' binaries (else they are
# fetched as scripts/bench.sh does); RUNS repeats each measurement (best kept).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/preflight-bigfile}
runs=${RUNS:-1}

if [ ! -f "$dir/done" ]; then
  rm -rf "$dir" && mkdir -p "$dir/tree"
  python3 "$here/scripts/synth-token.py" crc ghp_ >"$dir/token"
  python3 - "$dir/tree" "$(cat "$dir/token")" <<'PY'
import os, sys
root, token = sys.argv[1], sys.argv[2]
os.makedirs(f"{root}/dist", exist_ok=True)
chunk = b"function f(a,b){return a+b};var x=[1,2,3].map(function(v){return v*2});" * 1000
with open(f"{root}/dist/bundle.min.js", "wb") as out:
    written = 0
    while written < 300_000_000:
        out.write(chunk)
        written += len(chunk)
    out.write(f';var k="{token}";\n'.encode())
body = "".join(f"fn item_{n}(x: u32) -> u32 {{ x * {n} + 1 }}\n" for n in range(40))
for n in range(20_000):
    sub = f"{root}/src/m{n // 500}"
    os.makedirs(sub, exist_ok=True)
    with open(f"{sub}/f{n}.rs", "w") as out:
        out.write(f"// module {n}\n{body}")
PY
  touch "$dir/done"
fi
tree="$dir/tree"
token=$(cat "$dir/token")
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
source "$here/scripts/bench-common.sh"
find "$tree" -type f -print0 | xargs -0 cat >/dev/null # warm the page cache
echo "tree: $tree ($((bytes / 1000000)) MB, $(find "$tree" -type f | wc -l) files, one of 300 MB on one line), $(nproc) cores"

# found NAME FILE: whether a scanner's JSON report holds the planted token's last 8 characters
# (reports redact or cut differently; the tail is unique to the token).
found() {
  if grep -q "${token: -8}" "$2" 2>/dev/null || grep -q "${token:0:8}" "$2" 2>/dev/null; then
    echo "$1: planted token found"
  else
    echo "$1: planted token NOT found"
  fi
}

measure preflight "$preflight" scan "$tree" --max-file-size 1G --no-redact --format json --output "$walls/preflight.json" --quiet
found preflight "$walls/preflight.json"
if [ -x "$gitleaks" ]; then
  measure gitleaks "$gitleaks" dir "$tree" --no-banner --report-path "$walls/gitleaks.json" --report-format json --exit-code 0
  found gitleaks "$walls/gitleaks.json"
fi
if [ -x "$kingfisher" ]; then
  measure kingfisher "$kingfisher" scan "$tree" --max-file-size 1024 --no-validate --no-update-check --format json --output "$walls/kingfisher.json"
  found kingfisher "$walls/kingfisher.json"
fi
ratios
