#!/usr/bin/env bash
# The project's test command (`npm test`, and CI's): installs what is missing, then
# lint + format check, typecheck and every test on real NATS JetStream and
# PostgreSQL + pgvector. Stops at the first step that fails.
# NATS_URL / DATABASE_URL point the tests at running servers instead of their own;
# other variables (EDDY_PROPERTY_RUNS, ...) pass through untouched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# npm writes node_modules/.package-lock.json after package-lock.json, so a lockfile
# newer than it means the installed tree is stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
# The repo pins its Node (24) in node_modules/.bin; use it however this script was started.
export PATH="$PWD/node_modules/.bin:$PATH"

pg_bin="${EDDY_PG_BINDIR:-/usr/lib/postgresql/${EDDY_PG_MAJOR:-15}/bin}"
missing=()
if [ -z "${NATS_URL:-}" ]; then
  nats="${EDDY_NATS_SERVER:-$(command -v nats-server || echo /usr/sbin/nats-server)}"
  [ -x "$nats" ] || missing+=(nats-server)
fi
if [ -z "${DATABASE_URL:-}" ]; then
  [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/postgres" ] || missing+=("PostgreSQL (${pg_bin})")
  if [ ! -x "$pg_bin/pg_config" ] || [ ! -f "$("$pg_bin/pg_config" --sharedir)/extension/vector.control" ]; then
    missing+=(pgvector)
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: missing ${missing[*]}; running scripts/setup-debian.sh"
  bash scripts/setup-debian.sh
fi

echo "test: node $(node --version) ($(command -v node))"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' || {
  echo "test: Node 22 or newer is needed (package.json pins 24: run npm ci)" >&2
  exit 1
}

echo "test: lint and format (biome)"
npx biome check .
echo "test: typecheck (tsc)"
npx tsc --noEmit -p tsconfig.json
echo "test: tests (vitest)"
report="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
# One plain closing line that any CI can read, whatever the reporter printed.
if [ -f "$report" ]; then
  node -e 'const r = require(process.argv[1]);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' "$report"
fi
exit "$status"
