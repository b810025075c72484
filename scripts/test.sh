#!/usr/bin/env bash
# Every test of the project, from a fresh Debian machine with Node 20 and npm:
# installs (Chromium via apt when root), builds, then runs lint, types, unit tests and e2e.
# The last line is always "N passed, N failed" (unit + e2e).
set -uo pipefail
cd "$(dirname "$0")/.."
PNPM=(npx -y pnpm@12.21.0)
REPORTS=.reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"

setup_failed() {
  echo "setup failed: $1" >&2
  echo "0 passed, 1 failed"
  exit 1
}

chromium_path() {
  for candidate in /usr/lib/chromium/chromium /usr/bin/chromium; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

if ! chromium_path >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian chromium (for the e2e tests)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
      setup_failed "apt-get install chromium"
  else
    setup_failed "Chromium is missing. Run: sudo apt-get install -y chromium"
  fi
fi

echo "== install"
"${PNPM[@]}" install --frozen-lockfile || setup_failed "pnpm install"
echo "== build"
"${PNPM[@]}" run build || setup_failed "build"

echo "== unit tests (with lint, types and import boundaries)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/unit.json"
echo "== e2e (Playwright, Debian Chromium)"
"${PNPM[@]}" --filter @locus/e2e test

node scripts/summary.mjs "$REPORTS/unit.json" "$REPORTS/e2e.json"
