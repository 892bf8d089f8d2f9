#!/usr/bin/env bash
# Replays event fixtures against a running callhook, as the Call Automation
# service would deliver them, signing the callback token from CALLBACK_SECRET.
#
#   scripts/replay.sh [--ga] <callId> [fixture-name|all]
#
# --ga replays today's GA fixtures (test/fixtures/events-ga) to a call of the GA
# generation, each with Authorization: Bearer <JWT> minted by the emulator's
# control API (POST $EMULATOR_URL/emulator/jwt).
#
# Environment:
#   CALLHOOK_URL     base URL of the service (default http://localhost:3000)
#   CALLBACK_SECRET  the service's secret; with a comma-separated list the first is used
#                    (default: the development secret the service uses when the emulator runs)
#   FIXTURES_DIR     where the fixtures are (default test/fixtures/events or events-ga next to this script)
#   EMULATOR_URL     --ga: the emulator that signs the JWT (default http://127.0.0.1:4010)
#   JWT_AUDIENCE     --ga: the JWT's aud (default: the emulator's resource id)
#
# Prints one line per fixture with the HTTP status and answer; exits 1 if any answer is not 2xx.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

ga=0
if [ "$1" = "--ga" ]; then
  ga=1
  shift
  [ $# -ge 1 ] || { echo "usage: $0 --ga <callId> [fixture-name|all]" >&2; exit 2; }
fi

call_id=$1
which=${2:-all}
base_url=${CALLHOOK_URL:-http://localhost:3000}
secret=${CALLBACK_SECRET:-dev-callback-secret-not-for-production}
secret=${secret%%,*}
fixtures=events
[ $ga = 1 ] && fixtures=events-ga
dir=${FIXTURES_DIR:-"$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/$fixtures"}

# T = base64url(HMAC-SHA256(secret, callId)), unpadded.
token=$(printf '%s' "$call_id" | openssl dgst -sha256 -hmac "$secret" -binary | base64 | tr '+/' '-_' | tr -d '=\n')
encoded_id=$(printf '%s' "$call_id" | jq -sRr @uri 2>/dev/null || printf '%s' "$call_id")

# GA callbacks also carry the service's JWT: the emulator mints one its JWKS verifies.
# node, not jq, reads the answer: node is there wherever callhook runs.
auth=()
if [ $ga = 1 ]; then
  emulator_url=${EMULATOR_URL:-http://127.0.0.1:4010}
  audience_json=$(JWT_AUDIENCE=${JWT_AUDIENCE:-} node -p 'process.env.JWT_AUDIENCE ? JSON.stringify({ audience: process.env.JWT_AUDIENCE }) : "{}"')
  minted=$(curl -sS -f -X POST -H 'Content-Type: application/json' -d "$audience_json" "$emulator_url/emulator/jwt") ||
    { echo "could not mint a callback JWT at $emulator_url/emulator/jwt" >&2; exit 1; }
  jwt=$(printf '%s' "$minted" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).token')
  auth=(-H "Authorization: Bearer $jwt")
fi

if [ "$which" = "all" ]; then
  files=("$dir"/*.json)
else
  files=("$dir/${which%.json}.json")
fi

failed=0
for file in "${files[@]}"; do
  [ -f "$file" ] || { echo "no fixture $file" >&2; exit 2; }
  name=$(basename "$file" .json)
  answer=$(curl -sS -o - -w '\n%{http_code}' -X POST \
    -H 'Content-Type: application/json' \
    ${auth[@]+"${auth[@]}"} \
    --data-binary "@$file" \
    "$base_url/api/callbacks/$encoded_id?token=$token") || { echo "$name: request failed" >&2; exit 1; }
  status=${answer##*$'\n'}
  body=${answer%$'\n'*}
  printf '%-28s %s %s\n' "$name" "$status" "$body"
  case $status in 2??) ;; *) failed=1 ;; esac
done
exit $failed
