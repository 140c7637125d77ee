#!/usr/bin/env bash
# Recall and false positives per credential-file format: preflight (and gitleaks, when
# GITLEAKS=path names its binary) on fixtures/credential-files/, judged against its TRUTH.tsv.
# A format is the fixture's first directory. A truth line is found when the tool reports any
# finding on it (preflight's strict column also wants the rule TRUTH.tsv names); a false positive
# is a finding on a decoy line or on a line TRUTH.tsv does not list.
#
#   scripts/bench-credfiles.sh                    # preflight only (built with cargo --release)
#   GITLEAKS=/path/to/gitleaks scripts/bench-credfiles.sh
#   PREFLIGHT=/path/to/preflight scripts/bench-credfiles.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree="$here/fixtures/credential-files"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ -z "${PREFLIGHT:-}" ]; then
  (cd "$here" && cargo build --release --quiet)
  PREFLIGHT="${CARGO_TARGET_DIR:-$here/target}/release/preflight"
fi
# A copy without TRUTH.tsv, so neither tool reads the answers.
cp -r "$tree" "$out/tree"
rm -f "$out/tree/TRUTH.tsv"
(cd "$out/tree" && "$PREFLIGHT" scan . --scanners secrets --format json >"$out/preflight.json" 2>/dev/null) || true

gl=""
if [ -n "${GITLEAKS:-}" ] && [ -x "$GITLEAKS" ]; then
  (cd "$out/tree" && "$GITLEAKS" dir --no-banner --log-level error --report-format json \
    --report-path "$out/gitleaks.json" . >/dev/null 2>&1) || true
  gl="$out/gitleaks.json"
else
  echo "bench-credfiles: GITLEAKS not set or not executable; gitleaks column skipped" >&2
fi

python3 - "$tree/TRUTH.tsv" "$out/preflight.json" "$gl" <<'PY'
import collections, json, os, sys
truth_path, pf_path, gl_path = sys.argv[1], sys.argv[2], sys.argv[3]
truth = {}
for line in open(truth_path):
    if line.startswith('#') or not line.strip():
        continue
    path, n, rule = line.rstrip('\n').split('\t')
    truth[(path, int(n))] = rule

def norm(p):
    return os.path.normpath(p).lstrip('./') if p.startswith('./') else os.path.normpath(p)

pf = collections.defaultdict(set)
for f in json.load(open(pf_path))['findings']:
    loc = f['location']
    pf[(norm(loc['path']), loc['start_line'])].add(f['rule_id'])
gl = None
if gl_path:
    gl = collections.defaultdict(set)
    for f in json.load(open(gl_path)) if os.path.getsize(gl_path) else []:
        gl[(norm(f['File']), f['StartLine'])].add(f['RuleID'])

fmt = lambda key: key[0].split('/')[0]
rows = collections.OrderedDict()
for key in sorted(truth):
    rows.setdefault(fmt(key), collections.Counter())

def tally(tool, got, strict):
    for key, rule in truth.items():
        c = rows[fmt(key)]
        if rule == 'decoy':
            c['decoys'] += tool == 'pf'
            c[tool + '_fp'] += bool(got.get(key))
        else:
            c['creds'] += tool == 'pf'
            c[tool + '_found'] += (rule in got.get(key, ())) if strict else bool(got.get(key))
    for key in got:
        if key not in truth and fmt(key) in rows:
            rows[fmt(key)][tool + '_fp'] += 1

tally('pf', pf, True)
if gl is not None:
    tally('gl', gl, False)

head = f"{'format':<16} {'creds':>5} {'decoys':>6} | {'preflight':>9} {'FP':>3}"
if gl is not None:
    head += f" | {'gitleaks':>9} {'FP':>3}"
print(head)
print('-' * len(head))
total = collections.Counter()
for name, c in rows.items():
    total.update(c)
    line = f"{name:<16} {c['creds']:>5} {c['decoys']:>6} | {c['pf_found']:>4}/{c['creds']:<4} {c['pf_fp']:>3}"
    if gl is not None:
        line += f" | {c['gl_found']:>4}/{c['creds']:<4} {c['gl_fp']:>3}"
    print(line)
print('-' * len(head))
pct = lambda a, b: f"{100 * a / b:.0f}%" if b else "-"
line = f"{'total':<16} {total['creds']:>5} {total['decoys']:>6} | {pct(total['pf_found'], total['creds']):>9} {total['pf_fp']:>3}"
if gl is not None:
    line += f" | {pct(total['gl_found'], total['creds']):>9} {total['gl_fp']:>3}"
print(line)
formats_found = sum(1 for c in rows.values() if c['creds'] and c['pf_found'] == c['creds'])
print(f"preflight: {formats_found}/{sum(1 for c in rows.values() if c['creds'])} formats fully found")
if gl is not None:
    g = sum(1 for c in rows.values() if c['creds'] and c['gl_found'] == c['creds'])
    print(f"gitleaks:  {g}/{sum(1 for c in rows.values() if c['creds'])} formats fully found")
PY
