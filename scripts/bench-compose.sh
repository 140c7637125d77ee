#!/usr/bin/env bash
# Benchmark: `preflight scan` over a generated tree of 200 compose projects (each a base file
# with an anchor and a merge key, a prod override and a .env), compose checks only and with
# every scanner. Target: under 200 ms on the 2-core machine.
#
#   scripts/bench-compose.sh        # RUNS=20 by default; needs hyperfine
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/preflight-compose-bench}
runs=${RUNS:-20}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="$here/target/release/preflight"
rm -rf "$work" && mkdir -p "$work"
for i in $(seq 0 199); do
  d="$work/p$i"; mkdir -p "$d"
  cat > "$d/docker-compose.yml" <<YAML
x-env: &env
  NODE_ENV: production
services:
  app:
    build: .
    environment:
      <<: *env
      JWT_SECRET: \${JWT_SECRET:?}
    ports: ["8080:8080"]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: \${PG_PASS:-changeme$i}
    ports:
      - "5432:5432"
    volumes:
      - data:/var/lib/postgresql/data
  cache:
    image: redis:7.4
volumes:
  data: {}
YAML
  printf 'services:\n  app:\n    environment:\n      DEBUG: "false"\n' > "$d/docker-compose.prod.yml"
  printf 'PG_PASS=Zx9Qm2Lw7Pv4Kt8R\nAPP_PORT=8080\n' > "$d/.env"
done
"$bin" scan "$work" --scanners config --offline | tail -1 || true
hyperfine --warmup 3 --runs "$runs" -N -i \
  "$bin scan $work --scanners config --offline --quiet" \
  "$bin scan $work --offline --quiet"
/usr/bin/time -f "peak RSS %M KB" "$bin" scan "$work" --offline --quiet >/dev/null || true
