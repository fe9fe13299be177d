#!/usr/bin/env bash
# Everything `npm test` runs, in order, stopping at the first failure: lint, type check, unit, integration
# (real Kafka + PostgreSQL), end-to-end (the whole stack). Infrastructure comes up in jest's global setup
# (libs/testing/src/jest/global-setup.ts); servers it had to start are kept across the suites and stopped at the
# end, servers that were already running are left alone. Last line: "N passed, N failed[, N skipped]".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export STACK_DIR="${STACK_DIR:-$root/.stack}"
results="$STACK_DIR/test-results"

if [ ! -d node_modules ]; then
  echo "test: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund || exit 1
fi
rm -rf "$results"
mkdir -p "$results"

# One broker / database for all jest runs: the global teardown keeps what it started, this script stops it.
export PS_TEST_KEEP_INFRA=1
kafka_was_up=0; pg_was_up=0
bash deploy/local/kafka.sh status >/dev/null 2>&1 && kafka_was_up=1
bash deploy/local/postgres.sh status >/dev/null 2>&1 && pg_was_up=1

summary() {
  node -e '
    const fs = require("fs"), path = require("path");
    const dir = process.argv[1];
    let passed = 0, failed = 0, skipped = 0;
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (!f.endsWith(".json")) continue;
      try {
        const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
        passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
        // A suite that failed to load has no failed tests but is a failure all the same.
        failed += (r.testResults || []).filter((s) => s.status === "failed" && !s.assertionResults.length).length;
      } catch (e) { console.error(`test: unreadable ${f}: ${e.message}`); failed += 1; }
    }
    console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$results"
}

cleanup() {
  local rc=$?
  if [ "$kafka_was_up" = 0 ] && bash deploy/local/kafka.sh status >/dev/null 2>&1; then bash deploy/local/kafka.sh stop; fi
  if [ "$pg_was_up" = 0 ]; then bash deploy/local/postgres.sh down >/dev/null 2>&1 || true; fi
  exit "$rc"
}
trap cleanup EXIT

step() {
  local name="$1"; shift
  echo
  echo "==> $name"
  if ! "$@"; then
    echo "test: $name failed" >&2
    summary
    exit 1
  fi
}

# promtool for the Prometheus rule tests (deploy/prometheus/rules.integration-spec.ts): apt-get when missing.
step promtool bash scripts/ensure-promtool.sh
# Chromium for the console's browser test (apps/e2e/src/console.e2e-spec.ts): apt-get when missing.
step chromium bash scripts/ensure-chromium.sh
step lint npm run lint
step typecheck npm run typecheck
for suite in unit integration e2e; do
  step "$suite tests" npm run "test:$suite" -- --passWithNoTests --json --outputFile="$results/$suite.json"
done
echo
summary
