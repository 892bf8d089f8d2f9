import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openStore } from '../src/store';
import type { DatabaseConfig } from '../src/config';
import type { BenchContext } from './lib/context';
import { BenchDatabase, DatabaseKind, freshDatabase } from './lib/databases';
import { LoadResult, runLoad } from './lib/load';
import { ROOT } from './lib/processes';
import { callbackPath, startBare, startCallhook } from './lib/services';
import { fixed } from './lib/stats';

/** Calls that exist before the load starts; every request is an event of one of them. */
const CALLS = 2000;
const CONNECTIONS = 50;
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'events');

export interface IngestFigures {
  peak: LoadResult;
  half: LoadResult;
}

export interface IngestResults {
  bare: IngestFigures;
  callhook: Array<{ database: DatabaseKind; figures: IngestFigures; committed: number; acknowledged: number }>;
}

/**
 * Seed events as templates, leg id and eventTime left open. Every request
 * gets its own eventTime, so with `id: null` (as the seed and the emulator
 * send them) each body has distinct content: a new event, not a duplicate.
 */
function eventTemplates(): Array<(leg: string, time: string) => string> {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const event = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { subject: string; data: { CallLegId: string }; eventTime: string };
      const suffix = event.subject.split('/')[2];
      event.subject = `callLeg/@@LEG@@/${suffix}`;
      event.data.CallLegId = '@@LEG@@';
      event.eventTime = '@@TIME@@';
      const [a, b, c, d] = JSON.stringify(event).split(/@@LEG@@|@@TIME@@/);
      // subject comes before data, and eventTime after both, in every fixture.
      return (leg: string, time: string) => a + leg + b + leg + c + time + d;
    });
}

interface Call {
  id: string;
  leg: string;
  path: string;
}

function requestSource(calls: Call[]) {
  const templates = eventTemplates();
  const base = Date.parse('2026-01-01T00:00:00Z');
  let k = 0;
  return () => {
    const call = calls[k % calls.length];
    const template = templates[Math.floor(k / calls.length) % templates.length];
    // A distinct eventTime per request; sub-millisecond digits keep it so past 10^7 requests.
    const time = `${new Date(base + Math.floor(k / 10)).toISOString().slice(0, -1)}${String(k % 10)}000Z`;
    k += 1;
    return { path: call.path, body: template(call.leg, time) };
  };
}

function databaseConfig(db: BenchDatabase): DatabaseConfig {
  return db.kind === 'sqlite' ? { kind: 'sqlite', path: db.url.slice('sqlite:'.length) } : { kind: 'postgres', url: db.url };
}

async function createCalls(db: BenchDatabase): Promise<Call[]> {
  const store = await openStore(databaseConfig(db));
  const calls: Call[] = Array.from({ length: CALLS }, () => ({ id: randomUUID(), leg: randomUUID(), path: '' }));
  for (const call of calls) call.path = callbackPath(call.id);
  await store.tx(async (r) => {
    for (const call of calls) {
      await r.calls.insert({
        id: call.id,
        kind: 'call',
        flow: 'reminder',
        target: '4:+15550100000',
        callLegId: call.leg,
        state: 'established',
        settings: { audioFileUri: 'https://media.example.com/bench.wav' },
      });
    }
  });
  await store.close();
  return calls;
}

async function countInbox(db: BenchDatabase): Promise<number> {
  const store = await openStore(databaseConfig(db));
  try {
    const row = await store.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE source = 'callback'");
    return Number(row?.n ?? 0);
  } finally {
    await store.close();
  }
}

/** Warm-up, then as fast as it answers, then a fixed rate at half that peak. */
async function measure(ctx: BenchContext, label: string, url: string, next: () => { path: string; body: string }): Promise<IngestFigures & { sent: number }> {
  const seconds = ctx.quick ? 4 : 10;
  const warm = await runLoad({ url, connections: CONNECTIONS, durationSeconds: 2, next });
  const peakStep = ctx.progress.step(`ingest ${label}: peak`, seconds, 's');
  const peak = await runLoad({ url, connections: CONNECTIONS, durationSeconds: seconds, next, onSecond: (s, n) => peakStep.update(s, `${n} req/s`) });
  peakStep.done(`${fixed(peak.rps, 0)} req/s, p99 ${peak.p99} ms`);
  const rate = Math.max(1, Math.round(peak.rps / 2));
  const halfStep = ctx.progress.step(`ingest ${label}: ${rate} req/s fixed`, seconds, 's');
  const half = await runLoad({ url, connections: CONNECTIONS, durationSeconds: seconds, overallRate: rate, next, onSecond: (s, n) => halfStep.update(s, `${n} req/s`) });
  halfStep.done(`p50 ${half.p50} ms, p99 ${half.p99} ms`);
  for (const r of [warm, peak, half]) {
    if (r.non2xx || r.errors) ctx.progress.log(`ingest ${label}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
  }
  return { peak, half, sent: warm.ok + peak.ok + half.ok };
}

export async function benchIngest(ctx: BenchContext): Promise<IngestResults> {
  const bare = await startBare('ack');
  let bareFigures: IngestFigures;
  try {
    const calls = Array.from({ length: CALLS }, () => ({ id: randomUUID(), leg: randomUUID(), path: '' }));
    for (const call of calls) call.path = callbackPath(call.id);
    bareFigures = await measure(ctx, 'bare Express', bare.url, requestSource(calls));
  } finally {
    await bare.stop();
  }

  const callhook: IngestResults['callhook'] = [];
  for (const kind of ctx.databases) {
    const db = await freshDatabase(kind, ctx.postgresUrl);
    try {
      const calls = await createCalls(db);
      const service = await startCallhook(
        { DATABASE_URL: db.url, DISPATCH_CONCURRENCY: '0', ACS_CONNECTION_STRING: `endpoint=http://127.0.0.1:9;accesskey=${Buffer.from('bench-unused-key').toString('base64')}` },
        { execArgv: ctx.serviceExecArgv },
      );
      let figures: IngestFigures & { sent: number };
      try {
        figures = await measure(ctx, `callhook ${kind}`, service.url, requestSource(calls));
      } finally {
        await service.stop();
      }
      // Every acknowledged event must be in the inbox (the 200 follows the commit). A few more may be:
      // requests cut off at the end of a run were committed, their answers never read.
      const committed = await countInbox(db);
      callhook.push({ database: kind, figures: { peak: figures.peak, half: figures.half }, committed, acknowledged: figures.sent });
      if (committed < figures.sent) ctx.progress.log(`ingest ${kind}: ${figures.sent} events acknowledged but only ${committed} in the inbox`);
    } finally {
      await db.drop();
    }
  }
  return { bare: bareFigures, callhook };
}
