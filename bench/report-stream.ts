/**
 * How a 100,000-target campaign report affects the service while it streams:
 * the longest a /healthz request (sent every 10 ms meanwhile) waited, which
 * bounds how long the event loop was held, and the service's resident memory
 * before, during and after. Not part of `npm run bench`, which measures load;
 * run it alone: `npx tsx bench/report-stream.ts [--db=sqlite|postgres] [--targets=N]`.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/store';
import type { NewTarget } from '../src/store/campaigns';
import { freshDatabase, DatabaseKind } from './lib/databases';
import { BENCH_API_KEY, startCallhook } from './lib/services';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const kind = (args.db ?? 'sqlite') as DatabaseKind;
const TARGETS = Number(args.targets ?? 100_000);
const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let bytes = 0;
        const keep: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (!headers.authorization) keep.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode!, bytes, body: Buffer.concat(keep).toString() }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * The service's own figures: resident memory, and the longest event-loop delay since the previous
 * scrape (prom-client resets its loop-delay histogram on every collection).
 */
async function scrape(url: string): Promise<{ rss: number; loopMaxMs: number }> {
  const text = (await get(`${url}/metrics`)).body;
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: value('callhook_process_resident_memory_bytes'), loopMaxMs: value('callhook_nodejs_eventloop_lag_max_seconds') * 1000 };
}

const rssBytes = async (url: string) => (await scrape(url)).rss;

async function measure(url: string, path: string | null) {
  const probes: number[] = [];
  let done = false;
  let peakRss = 0;
  let loopMaxMs = 0;
  await scrape(url);
  const probing = (async () => {
    while (!done) {
      const t0 = performance.now();
      await get(`${url}/healthz`);
      probes.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const sampling = (async () => {
    while (!done) {
      const sample = await scrape(url);
      peakRss = Math.max(peakRss, sample.rss);
      loopMaxMs = Math.max(loopMaxMs, sample.loopMaxMs);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const t0 = performance.now();
  // path null: the same probes with no report, for the machine's own noise (a shared machine delays every process).
  const res = path === null ? await new Promise<{ status: number; bytes: number }>((r) => setTimeout(() => r({ status: 0, bytes: 0 }), 3000)) : await get(`${url}${path}`, { authorization: `Bearer ${BENCH_API_KEY}` });
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  await Promise.all([probing, sampling]);
  loopMaxMs = Math.max(loopMaxMs, (await scrape(url)).loopMaxMs);
  probes.sort((a, b) => a - b);
  return {
    path,
    status: res.status,
    megabytes: +(res.bytes / 1e6).toFixed(1),
    seconds: +seconds.toFixed(2),
    healthzProbes: probes.length,
    healthzP50Ms: +probes[Math.floor(probes.length / 2)].toFixed(1),
    healthzMaxMs: +probes[probes.length - 1].toFixed(1),
    serviceLoopDelayMaxMs: +loopMaxMs.toFixed(1),
    peakRssMb: Math.round(peakRss / 1e6),
  };
}

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
