/**
 * How a 100,000-target campaign report affects the service while it streams:
 * the longest a /healthz request (sent every 10 ms meanwhile) waited, which
 * bounds how long the event loop was held, and the service's resident memory
 * before, during and after. Not part of `npm run bench`, which measures load;
 * run it alone: `npx tsx bench/report-stream.ts [--db=sqlite|postgres] [--targets=N]`.
 */
import { openStore } from '../src/store';
import type { NewTarget } from '../src/store/campaigns';
import { freshDatabase, DatabaseKind } from './lib/databases';
import { measure, rssBytes } from './lib/report-fetch';
import { startCallhook } from './lib/services';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const kind = (args.db ?? 'sqlite') as DatabaseKind;
const TARGETS = Number(args.targets ?? 100_000);
const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function main() {
  const db = await freshDatabase(kind, PG);
  try {
    const store = await openStore(kind === 'sqlite' ? { kind, path: db.url.slice('sqlite:'.length) } : { kind, url: db.url });
    const targets = Array.from({ length: TARGETS }, (_, i): NewTarget => ({ rowNo: i + 1, target: `4:+1425${String(i).padStart(7, '0')}`, fields: { name: `Person ${i}`, group: `g${i % 7}` } }));
    await store.tx(async (r) => {
      await r.campaigns.create({ id: 'bench-report', name: 'report bench', settings: {}, callsPerSecond: 1, maxConcurrent: 1, maxAttempts: 1, retryDelayMs: 0, retryOutcomes: [], callingWindow: null }, targets);
      await r.campaigns.transition('bench-report', ['running'], 'paused');
    });
    await store.close();

    const service = await startCallhook({ DATABASE_URL: db.url, DISPATCH_CONCURRENCY: '0' });
    try {
      const idleRssMb = Math.round((await rssBytes(service.url)) / 1e6);
      const baseline = await measure(service.url, null);
      const json = await measure(service.url, '/api/campaigns/bench-report/report');
      const csv = await measure(service.url, '/api/campaigns/bench-report/report?format=csv');
      const afterRssMb = Math.round((await rssBytes(service.url)) / 1e6);
      process.stdout.write(`${JSON.stringify({ database: kind, targets: TARGETS, idleRssMb, baseline, json, csv, afterRssMb }, null, 2)}\n`);
    } finally {
      await service.stop();
    }
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
