#!/usr/bin/env bash
# The demo, from a fresh machine with Node 20 and npm: install, build, start the aggregator
# (embedded SQLite store) and the demo site, print the URL. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM=(npx -y pnpm@12.21.0)
DEMO_PORT=${LOCUS_DEMO_PORT:-5173}
AGGREGATOR_PORT=${LOCUS_AGGREGATOR_PORT:-8787}
HOST=${LOCUS_DEMO_HOST:-127.0.0.1}

"${PNPM[@]}" install --frozen-lockfile
"${PNPM[@]}" run build

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

mkdir -p .data
node packages/aggregator/dist/cli.js --port "$AGGREGATOR_PORT" --db .data/aggregator.sqlite &
pids+=($!)
LOCUS_AGGREGATOR_URL="http://127.0.0.1:$AGGREGATOR_PORT" \
  "${PNPM[@]}" --filter @locus/demo exec vite preview --host "$HOST" --port "$DEMO_PORT" --strictPort &
pids+=($!)

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$AGGREGATOR_PORT/healthz" >/dev/null 2>&1 &&
    curl -fsS "http://127.0.0.1:$DEMO_PORT/" >/dev/null 2>&1; then
    echo
    echo "Locus demo:       http://localhost:$DEMO_PORT/"
    echo "Aggregator health: http://localhost:$AGGREGATOR_PORT/healthz"
    echo "(Ctrl-C to stop)"
    wait
    exit 0
  fi
  sleep 1
done
echo "the demo did not come up within 60 s" >&2
exit 1
