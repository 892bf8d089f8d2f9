import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openStore } from '../src/store';
import type { DatabaseConfig } from '../src/config';
import type { BenchContext } from './lib/context';
import { BenchDatabase, DatabaseKind, freshDatabase } from './lib/databases';
import { LoadResult, runLoad } from './lib/load';
import { cpuSecondsOf, NodeProcess, ROOT } from './lib/processes';
import { callbackPath, startBare, startCallhook } from './lib/services';
import { fixed } from './lib/stats';

/** Calls that exist before the load starts; every request is an event of one of them. */
const CALLS = 2000;
const CONNECTIONS = 50;
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'events');

export interface IngestFigures {
  /** Median of the rounds' requests per second, as fast as the server answers. */
  peakRps: number;
  /** Every round's requests per second, in order. */
  rounds: number[];
  /** p99 of the round with the median rate. */
  peakP99: number;
  /** CPU time the server process spent per answered request over the peak rounds (µs): what it costs, whatever the neighbours do. */
  cpuMicrosPerRequest: number;
  /** A fixed rate at half of callhook's peak; the bare app is measured at the same rate. */
  half: LoadResult;
}

export interface IngestResults {
  bare: IngestFigures & { halfByDatabase: Partial<Record<DatabaseKind, LoadResult>> };
  /** acknowledged: events the 200s said were accepted (new); duplicates: events they said were already there. */
  callhook: Array<{ database: DatabaseKind; figures: IngestFigures; committed: number; acknowledged: number; duplicates: number }>;
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

interface Target {
  label: string;
  url: string;
  pid: number;
  cpuSeconds: number;
  answered: number;
  next: () => { path: string; body: string };
  accepted: number;
  duplicates: number;
  rounds: LoadResult[];
}

function target(label: string, proc: { url: string; pid: number }, calls: Call[]): Target {
  return { label, url: proc.url, pid: proc.pid, cpuSeconds: 0, answered: 0, next: requestSource(calls), accepted: 0, duplicates: 0, rounds: [] };
}

async function load(ctx: BenchContext, t: Target, stepName: string, seconds: number, overallRate?: number): Promise<LoadResult> {
  const step = ctx.progress.step(stepName, seconds, 's');
  const result = await runLoad({
    url: t.url,
    connections: CONNECTIONS,
    durationSeconds: seconds,
    overallRate,
    next: t.next,
    onSecond: (s, n) => step.update(s, `${n} req/s`),
    onResponse: (status, body) => {
      if (status !== 200) return;
      const answer = JSON.parse(body) as { accepted: number; duplicates: number };
      t.accepted += answer.accepted;
      t.duplicates += answer.duplicates;
    },
  });
  step.done(`${fixed(result.rps, 0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
  if (result.non2xx || result.errors) ctx.progress.log(`ingest ${t.label}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function peakOf(t: Target): Omit<IngestFigures, 'half'> {
  const rounds = t.rounds.map((r) => r.rps);
  const peakRps = median(rounds);
  return { peakRps, rounds, peakP99: t.rounds.find((r) => r.rps === peakRps)!.p99, cpuMicrosPerRequest: (t.cpuSeconds * 1e6) / t.answered };
}

const UNUSED_ACS = `endpoint=http://127.0.0.1:9;accesskey=${Buffer.from('bench-unused-key').toString('base64')}`;

/**
 * Every server runs at once (idle while another is loaded), and the peak runs
 * take turns, round after round: a noisy neighbour on the machine then slows
 * all of them alike instead of one, and the median of the rounds is reported.
 */
export async function benchIngest(ctx: BenchContext): Promise<IngestResults> {
  const rounds = ctx.quick ? 1 : 3;
  const seconds = ctx.quick ? 4 : 6;
  const halfSeconds = ctx.quick ? 4 : 10;
  const processes: NodeProcess[] = [];
  const databases: BenchDatabase[] = [];
  const services: Array<{ kind: DatabaseKind; db: BenchDatabase; t: Target }> = [];
  const stopProcesses = async () => {
    for (const p of processes.splice(0)) await p.stop().catch(() => undefined);
  };
  try {
    const bareProcess = await startBare('ack');
    processes.push(bareProcess);
    const bareCalls = Array.from({ length: CALLS }, () => ({ id: randomUUID(), leg: randomUUID(), path: '' }));
    for (const call of bareCalls) call.path = callbackPath(call.id);
    const bare = target('bare Express', bareProcess, bareCalls);
    for (const kind of ctx.databases) {
      const db = await freshDatabase(kind, ctx.postgresUrl);
      databases.push(db);
      const calls = await createCalls(db);
      const service = await startCallhook({ DATABASE_URL: db.url, DISPATCH_CONCURRENCY: '0', ACS_CONNECTION_STRING: UNUSED_ACS }, ctx.service);
      processes.push(service);
      services.push({ kind, db, t: target(`callhook ${kind}`, service, calls) });
    }
    const all = [bare, ...services.map((s) => s.t)];
    for (const t of all) await load(ctx, t, `ingest ${t.label}: warm-up`, 2);
    for (let round = 1; round <= rounds; round++) {
      for (const t of all) {
        const cpuBefore = cpuSecondsOf(t.pid) ?? NaN;
        const result = await load(ctx, t, `ingest ${t.label}: peak, round ${round}/${rounds}`, seconds);
        t.cpuSeconds += (cpuSecondsOf(t.pid) ?? NaN) - cpuBefore;
        t.answered += result.answered;
        t.rounds.push(result);
      }
    }
    const halfByDatabase: IngestResults['bare']['halfByDatabase'] = {};
    const callhook: IngestResults['callhook'] = [];
    for (const s of services) {
      const rate = Math.max(1, Math.round(peakOf(s.t).peakRps / 2));
      const half = await load(ctx, s.t, `ingest ${s.t.label}: ${rate} req/s fixed`, halfSeconds, rate);
      halfByDatabase[s.kind] = await load(ctx, bare, `ingest bare Express: ${rate} req/s fixed`, halfSeconds, rate);
      callhook.push({ database: s.kind, figures: { ...peakOf(s.t), half }, committed: 0, acknowledged: s.t.accepted, duplicates: s.t.duplicates });
    }
    const bareHalf = await load(ctx, bare, `ingest bare Express: half of its peak`, halfSeconds, Math.round(peakOf(bare).peakRps / 2));
    // Stop the services first: every acknowledged event must then be in the inbox (the 200 follows
    // the commit). A few more may be: requests cut off at the end of a run were committed, unanswered.
    await stopProcesses();
    for (const [i, s] of services.entries()) {
      callhook[i].committed = await countInbox(s.db);
      if (callhook[i].committed < callhook[i].acknowledged) ctx.progress.log(`ingest ${s.kind}: ${callhook[i].acknowledged} events acknowledged but only ${callhook[i].committed} in the inbox`);
      if (callhook[i].duplicates) ctx.progress.log(`ingest ${s.kind}: ${callhook[i].duplicates} events answered as duplicates`);
    }
    return { bare: { ...peakOf(bare), half: bareHalf, halfByDatabase }, callhook };
  } finally {
    await stopProcesses();
    for (const db of databases) await db.drop().catch(() => undefined);
  }
}
