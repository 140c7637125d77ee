#!/usr/bin/env bash
# Pre-commit benchmark: `preflight scan --staged` on a one-line change in a repository with 100k
# files and 50k commits (built once with git fast-import into $REPO, default
# /tmp/preflight-staged-bench), next to gitleaks `git --staged` and `git diff --cached`.
#
#   scripts/bench-staged.sh            RUNS (default 20) sets the number of timed runs
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
repo=${REPO:-/tmp/preflight-staged-bench}
runs=${RUNS:-20}
bytes=0

if [ ! -f "$repo/.built" ]; then
  echo "building $repo (100k files, 50k commits; about a minute)" >&2
  rm -rf "$repo" && git -c init.defaultBranch=main init -q "$repo"
  python3 - "$repo" <<'PY'
import subprocess, sys
root = sys.argv[1]
p = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE)
w = p.stdin.write
def data(b):
    w(b"data %d\n" % len(b)); w(b); w(b"\n")
paths = [f"d{a:03}/e{b:02}/f{c:03}.txt" for a in range(100) for b in range(20) for c in range(50)]
t = 1700000000
w(b"commit refs/heads/main\ncommitter Bench <bench@example.test> %d +0000\n" % t); data(b"initial")
for i, path in enumerate(paths):
    w(b"M 100644 inline %s\n" % path.encode()); data(b"line one of %d\nline two\nline three\n" % i)
w(b"\n")
for n in range(2, 50001):
    t += 1
    path = paths[(n * 7919) % len(paths)]
    w(b"commit refs/heads/main\ncommitter Bench <bench@example.test> %d +0000\n" % t); data(b"c%d" % n)
    w(b"M 100644 inline %s\n" % path.encode())
    data(b"line one of %s\nchanged in %d\nline three\n" % (path.encode(), n))
    w(b"\n")
p.stdin.close()
sys.exit(p.wait())
PY
  git -C "$repo" reset -q --hard main
  touch "$repo/.built"
fi

source "$here/scripts/bench-common.sh"
file=d050/e10/f025.txt
echo "token = \"not-a-secret-but-long-enough-to-look\"" >>"$repo/$file"
git -C "$repo" add "$file"
trap 'git -C "$repo" reset -q -- "$file"; git -C "$repo" checkout -q -- "$file"' EXIT
echo "repo: $repo ($(git -C "$repo" ls-files | wc -l) files, $(git -C "$repo" rev-list --count HEAD) commits), one staged file"

time_ms() { # NAME CMD...: mean wall time in ms over $runs runs
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local s; s=$(date +%s%N)
  for _ in $(seq "$runs"); do (cd "$repo" && "$@" >/dev/null 2>&1) || true; done
  printf '%-22s %7.1f ms (mean of %d)\n' "$name" "$(( ($(date +%s%N) - s) / runs ))e-6" "$runs"
}
time_ms "preflight --staged" "$preflight" scan "$repo" --staged --quiet
time_ms "git diff --cached" git -C "$repo" diff --cached --quiet
[ -x "$gitleaks" ] && time_ms "gitleaks git --staged" "$gitleaks" git "$repo" --staged --no-banner --exit-code 0 --report-path "$walls/gitleaks.json"
