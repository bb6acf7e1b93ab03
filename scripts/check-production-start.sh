#!/usr/bin/env bash
# The production start, as a deployment does it: the built dist/ (from `npm run build`)
# with package.json and the lock in a folder of their own, `npm ci --omit=dev` (no
# compiler, no test tools), then `npm run start:prod`, which must answer /health and
# /ready. Fails on any engine warning from the install.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/main.js ] || { echo "dist/ is missing: run npm run build first" >&2; exit 1; }

dir=$(mktemp -d)
server=""
# The server runs in a session of its own, so the whole group (npm, its shell, node) is
# stopped: killing npm alone leaves node serving.
trap '[ -z "$server" ] || kill -- "-$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
cp -r package.json package-lock.json dist "$dir/"
cd "$dir"
npm ci --omit=dev --no-audit --no-fund 2>&1 | tee install.log
if grep -q EBADENGINE install.log; then echo "the production install printed an engine warning" >&2; exit 1; fi
[ ! -d node_modules/typescript ] || { echo "typescript was installed with --omit=dev" >&2; exit 1; }

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
PORT=$port HOST=127.0.0.1 DATA_DIR="$dir/data" setsid npm run start:prod >server.log 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/health"; echo
curl -sf "http://127.0.0.1:$port/ready"; echo
echo "production start: ok"
