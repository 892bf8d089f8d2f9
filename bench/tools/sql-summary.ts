/**
 * Statements per handled event and per call from `--sql-profile` output:
 * `npx tsx bench/tools/sql-summary.ts bench/results/profile-…/sql-<pid>.json [more files]`.
 *
 * Counted: every statement the service sent (better-sqlite3 run/get/all and
 * exec, pg Pool and Client queries). Not counted: the `pragma:` records of
 * sql-profile.js, which better-sqlite3's pragma() also sends through a
 * prepared `PRAGMA …` statement that is already counted. Events are the inbox
 * rows written (callbacks and fired timers, each handled once by the end of a
 * run); calls are the calls inserted. Statements of start-up (migrations)
 * are left out.
 */
import fs from 'node:fs';

interface Row {
  sql: string;
  count: number;
  ms: number;
}

const PHASES: Array<[string, RegExp]> = [
  ['migration', /CREATE (TABLE|INDEX)|DROP INDEX|ALTER TABLE|schema_migrations|journal_mode|busy_timeout|foreign_keys|CREATE TRIGGER|CREATE OR REPLACE FUNCTION/],
  ['transaction', /^(\w+: )?(BEGIN|COMMIT|ROLLBACK|SET LOCAL)|synchronous/i],
  ['ingest', /INSERT INTO inbox|SELECT call_leg_id, ended_at, callback_bytes|callback_bytes = callback_bytes|SELECT dedupe_key FROM inbox|SELECT id FROM calls WHERE call_leg_id = \?/],
  ['claim / lease', /lease_owner|lease_until/],
  ['next event', /FROM inbox WHERE call_id = \? AND handled_at IS NULL|FROM inbox i( JOIN)?|^(\w+: )?SELECT i.seq, i.call_id/],
  ['inbox finish', /UPDATE inbox SET/],
  ['timeline', /INTO timeline/],
  ['timers', /timers/],
  ['call record', /calls/],
  ['campaign', /campaign/],
  ['webhooks', /webhook_outbox/],
];

function phaseOf(sql: string): string {
  for (const [name, re] of PHASES) if (re.test(sql)) return name;
  return 'other';
}

const files = process.argv.slice(2);
if (!files.length) {
  process.stderr.write('usage: tsx bench/tools/sql-summary.ts sql-<pid>.json …\n');
  process.exit(2);
}
for (const file of files) {
  // Postgres placeholders ($1, $2 …) read as SQLite's, so one set of patterns serves both.
  const rows = (JSON.parse(fs.readFileSync(file, 'utf8')) as Row[])
    .filter((r) => !r.sql.startsWith('pragma: '))
    .map((r) => ({ ...r, sql: r.sql.replace(/\$\d+/g, '?') }));
  const count = (re: RegExp) => rows.filter((r) => re.test(r.sql)).reduce((n, r) => n + r.count, 0);
  const byPhase = new Map<string, number>();
  for (const r of rows) byPhase.set(phaseOf(r.sql), (byPhase.get(phaseOf(r.sql)) ?? 0) + r.count);
  const total = [...byPhase.entries()].filter(([p]) => p !== 'migration').reduce((n, [, c]) => n + c, 0);
  const events = count(/INSERT INTO inbox/);
  const calls = count(/^(\w+: )?INSERT INTO calls/);
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
  process.stdout.write(`${file}\n  statements ${total}, events ${events}, calls ${calls}: ${f(total / events)} per event, ${f(total / calls)} per call\n`);
  for (const [phase, n] of [...byPhase.entries()].sort((a, b) => b[1] - a[1])) {
    if (phase === 'migration') continue;
    process.stdout.write(`  ${phase.padEnd(14)} ${String(n).padStart(8)}  ${f(n / events).padStart(5)}/event  ${f(n / calls).padStart(5)}/call\n`);
  }
}
