/** Help texts, one per level, so `--help` works wherever a person types it. */

const CONNECTION = `Connection (every command):
  --url <url>          callhook's address (env CALLHOOK_URL, default http://localhost:3000)
  --api-key-file <f>   read the management API key from the first line of file f
                       (else env CALLHOOK_API_KEY, default dev-api-key, the key of a
                       service running with the emulator)
  --api-key <key>      the key itself: other users of the machine see it in ps,
                       so callhook warns; prefer CALLHOOK_API_KEY or --api-key-file
  -h, --help           this help`;

const HELP_WEBHOOKS = `Usage: callhook webhooks listen [--port <n>] [--host <address>] [--secret <whsec_…>]

A local receiver for trying outbound webhooks: verifies each delivery's
Standard Webhooks signature, prints one line per event (time, type,
webhook-id, data) and answers 204; a delivery that does not verify is
answered 401 and printed to stderr.

Options:
  --port <n>        port to listen on (default 4020; 0 picks a free one)
  --host <address>  address to listen on (default 127.0.0.1)
  --secret <s>      whsec_… secret(s), comma-separated (default: env WEBHOOK_SECRET)
  -h, --help        this help

Then start callhook with WEBHOOK_URL=http://127.0.0.1:4020/ and the same WEBHOOK_SECRET.`;

export const HELP = {
  webhooks: HELP_WEBHOOKS,
  backup: `Usage: callhook backup <file>

Writes an online, consistent copy of the SQLite database that DATABASE_URL
names (unset: ./data/callhook.db; /app/data/callhook.db in the image) to
<file>, while the service keeps running. Never overwrites; checks the copy's
integrity. For Postgres, use pg_dump (see docs/operations.md).

Example (container):
  docker exec callhook node dist/src/cli/main.js backup /app/data/backup-2026-12-02.db`,

  top: `Usage: callhook <command> [options]

Commands:
  campaign run <targets.csv>       upload a campaign and watch it to the end
  campaign watch <id>              watch a running campaign
  campaign status <id>             show a campaign's progress and outcomes
  campaign report <id> [--csv]     print the per-target report
  campaign pause|resume|cancel <id>
  webhooks listen [--port 4020]    print callhook's webhooks as they arrive, signatures verified
  backup <file>                    online copy of the SQLite database (DATABASE_URL)

Run "callhook campaign <command> --help" for a command's options.

${CONNECTION}`,

  campaign: `Usage: callhook campaign <run|watch|status|report|pause|resume|cancel> …

  run <targets.csv> --name <name> (--audio <uri> | --flow <name>) [options]
                        upload the CSV (a "to" column, other columns kept per row) and watch
  watch <id>            show live progress until the campaign ends, then the summary
  status <id> [--json]  progress and outcome counts, once
  report <id> [--csv]   every target: status, attempts, outcome, times (JSON, or CSV)
  pause <id>            stop placing new calls (calls in progress continue)
  resume <id>           place calls again
  cancel <id>           place no more calls; calls in progress finish

${CONNECTION}`,

  run: `Usage: callhook campaign run <targets.csv> --name <name> (--audio <uri> | --flow <name>) [options]

Uploads the CSV, then shows a live progress bar (plain lines when the output is
not a terminal) and, when the campaign ends, a summary of its outcomes.

The CSV needs a "to" column (+E.164 number or raw id). Optional per-row columns
override the campaign: audioFileUri, agentTarget, waitSeconds, operationContext,
subject; any other column is kept and returned in the report, and fills the
{{variables}} of a flow (docs/flows.md).

Options:
  --name <name>            campaign name (required)
  --audio <uri>            http(s) URL of the reminder's message to play, or …
  --flow <name>            … a stored flow to run (docs/flows.md)
  --flow-version <n>       the flow's version (default: the latest)
  --cps <n>                calls placed per second (default 1)
  --concurrency <n>        calls in progress at most (default 10)
  --wait <s>               seconds to wait for a key before hanging up
  --retry-attempts <n>     attempts per target, first call included (default 1)
  --retry-delay <s>        seconds between attempts (default 300)
  --retry-on <outcomes>    outcomes that are retried (default not-answered,failed)
  --window <HH:MM-HH:MM>   only place calls in this local time window …
  --time-zone <zone>       … of this IANA time zone (e.g. Europe/Paris; required with --window)
  --days <1,2,…>           … on these ISO weekdays (1 = Monday; default every day)
  --key-map <k:action,…>   what keys do, e.g. 1:agent,2:acknowledge (actions: agent, acknowledge, hangup)
  --webhook-url <url>      send this campaign's webhooks here instead of WEBHOOK_URL (docs/webhooks.md)
  --interval <s>           seconds between progress updates (default 1 on a terminal, 10 otherwise)
  --detach                 print the campaign id and exit without watching

Ctrl-C while watching: on a terminal, asks whether to keep watching, stop
watching (the campaign continues) or cancel the campaign; otherwise stops
watching and prints how to cancel. Stopping to watch exits with code 130.

${CONNECTION}`,

  watch: `Usage: callhook campaign watch <id> [--interval <s>]

Shows live progress until the campaign completes (or is cancelled and its last
calls have finished), then prints the summary. Ctrl-C as for "campaign run".

${CONNECTION}`,

  status: `Usage: callhook campaign status <id> [--json]

Prints the campaign's status, progress and outcome counts and, when its calls
ran a call flow, the funnel: calls per node, keys pressed, timeouts, invalid
input and hang-ups. --json prints the API's campaign answer as it is.

${CONNECTION}`,

  report: `Usage: callhook campaign report <id> [--csv]

Prints one entry per target (row, to, status, attempts, outcome, first and last
dial, finish, duration, call id, extra CSV columns): JSON by default, CSV with --csv.

${CONNECTION}`,

  action: (action: string) => `Usage: callhook campaign ${action} <id>

${
  action === 'pause'
    ? 'Stops placing new calls; calls in progress continue. "resume" places calls again.'
    : action === 'resume'
      ? 'Places calls again after a pause.'
      : 'Places no more calls; calls in progress finish, targets not yet called are marked cancelled.'
}

${CONNECTION}`,
} as const;
