#!/usr/bin/env bash
# The production start, as a deployment does it: the built dist/ (from `npm run build`)
# with package.json and the lock in a folder of their own, `npm ci --omit=dev` (no
# compiler, no test tools), then `npm run start:prod` with NODE_ENV=production, which
# must answer /health and /ready. Fails on any engine warning from the install.
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

# NODE_ENV=production with what it requires, made afresh: the secrets, and a WebAuthn
# relying party that is not the localhost default (production refuses that).
key() { node -e 'console.log(require("crypto").generateKeyPairSync("ed25519").privateKey.export({type:"pkcs8",format:"pem"}).toString("base64"))'; }
NODE_ENV=production
ADMIN_TOKEN=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')
CARD_KEY=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')
TICKET_SIGNING_KEY=$(key)
RECEIPT_SIGNING_KEY=$(key)
WEBAUTHN_RP_ID=wallet.example.com
WEBAUTHN_ORIGINS=https://wallet.example.com
export NODE_ENV ADMIN_TOKEN CARD_KEY TICKET_SIGNING_KEY RECEIPT_SIGNING_KEY WEBAUTHN_RP_ID WEBAUTHN_ORIGINS

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
