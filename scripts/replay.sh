#!/usr/bin/env bash
# Replays seed event fixtures against a running callhook, as the Call Automation
# service would deliver them, signing the callback token from CALLBACK_SECRET.
#
#   scripts/replay.sh <callId> [fixture-name|all] 
#
# Environment:
#   CALLHOOK_URL     base URL of the service (default http://localhost:3000)
#   CALLBACK_SECRET  the service's secret; with a comma-separated list the first is used
#                    (default: the development secret the service uses when the emulator runs)
#   FIXTURES_DIR     where the fixtures are (default test/fixtures/events next to this script)
#
# Prints one line per fixture with the HTTP status and answer; exits 1 if any answer is not 2xx.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

call_id=$1
which=${2:-all}
base_url=${CALLHOOK_URL:-http://localhost:3000}
secret=${CALLBACK_SECRET:-dev-callback-secret-not-for-production}
secret=${secret%%,*}
dir=${FIXTURES_DIR:-"$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/events"}

# T = base64url(HMAC-SHA256(secret, callId)), unpadded.
token=$(printf '%s' "$call_id" | openssl dgst -sha256 -hmac "$secret" -binary | base64 | tr '+/' '-_' | tr -d '=\n')
encoded_id=$(printf '%s' "$call_id" | jq -sRr @uri 2>/dev/null || printf '%s' "$call_id")

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
    --data-binary "@$file" \
    "$base_url/api/callbacks/$encoded_id?token=$token") || { echo "$name: request failed" >&2; exit 1; }
  status=${answer##*$'\n'}
  body=${answer%$'\n'*}
  printf '%-28s %s %s\n' "$name" "$status" "$body"
  case $status in 2??) ;; *) failed=1 ;; esac
done
exit $failed
