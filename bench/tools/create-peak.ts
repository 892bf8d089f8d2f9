/**
 * Where a large campaign's peak memory comes from: the service's VmRSS / VmHWM before and after
 * POST /api/campaigns with N targets (the campaign bench's CSV), after a streamed report,
 * and the CPU one status call (GET /api/campaigns/:id) costs the service at that size.
 * Dispatcher off, no emulator: the campaign is paused at once and never dials.
 * `npx tsx bench/tools/create-peak.ts [--targets=100000] [--db=sqlite|postgres]`
 */
import { AUDIO, campaignRows } from '../lib/campaigns';
import { campaignCsv } from '../../test/helpers/callee-behaviours';
import { freshDatabase, DatabaseKind } from '../lib/databases';
import { cpuSecondsOf, memoryOf } from '../lib/processes';
import { timedGet } from '../lib/report-fetch';
import { BENCH_API_KEY, startCallhook } from '../lib/services';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const kind = (args.db ?? 'sqlite') as DatabaseKind;
const TARGETS = Number(args.targets ?? 100_000);
const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const mb = (pid: number) => {
  const m = memoryOf(pid)!;
  return `rss ${(m.rss / 1048576).toFixed(0)} MB, peak ${(m.peak / 1048576).toFixed(0)} MB`;
};

async function main() {
  const db = await freshDatabase(kind, PG);
  try {
    const service = await startCallhook({ DATABASE_URL: db.url, DISPATCH_CONCURRENCY: '0', ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9;accesskey=AAAA' });
    try {
      process.stdout.write(`idle: ${mb(service.pid)}\n`);
      const csv = campaignCsv(campaignRows(TARGETS));
      const t0 = Date.now();
      const res = await fetch(`${service.url}/api/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'peak', audioFileUri: AUDIO, callsPerSecond: 1, maxConcurrentCalls: 1, targetsCsv: csv }),
      });
      const created = (await res.json()) as { id: string };
      process.stdout.write(`created ${TARGETS} targets (${(csv.length / 1e6).toFixed(1)} MB CSV) in ${Date.now() - t0} ms, ${res.status}: ${mb(service.pid)}\n`);
      await service.api('POST', `/api/campaigns/${created.id}/pause`).catch((e) => process.stdout.write(`pause: ${String(e).slice(0, 120)}\n`));
      const report = await timedGet(service.url, `/api/campaigns/${created.id}/report`);
      process.stdout.write(`report ${(report.bytes / 1e6).toFixed(1)} MB in ${report.ms.toFixed(0)} ms: ${mb(service.pid)}\n`);
      // The campaign page's status call (GET /api/campaigns/:id): its cost in service CPU at this size, idle service.
      const cpu0 = cpuSecondsOf(service.pid)!;
      const times: number[] = [];
      for (let i = 0; i < 50; i++) times.push((await timedGet(service.url, `/api/campaigns/${created.id}`)).ms);
      times.sort((a, b) => a - b);
      process.stdout.write(`status ×50: p50 ${times[25].toFixed(1)} ms, max ${times[49].toFixed(1)} ms, service CPU ${(((cpuSecondsOf(service.pid)! - cpu0) * 1000) / 50).toFixed(1)} ms per call\n`);
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
