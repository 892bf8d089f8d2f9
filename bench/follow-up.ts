import type { BenchContext } from './lib/context';
import { AUDIO } from './lib/campaigns';
import { DatabaseKind, freshDatabase } from './lib/databases';
import { cpuSecondsOf } from './lib/processes';
import { BareProcess, Callhook, EmulatorProcess, inParallel, startBare, startCallhook, startEmulatorProcess } from './lib/services';
import { sleep, summarize } from './lib/stats';
import type { Step } from './lib/progress';

/**
 * Event to follow-up: from the emulator starting to POST a call's Established
 * event to the emulator receiving that call's PlayAudio request. Both times
 * come from the emulator's own clock (its per-leg event attempts and request
 * log), so no clocks are compared across processes.
 */

const RING_MS = 50;
/** How long each callee stays on the line once answered; with the rate below, about 200 calls are up at once. */
const TALK_MS = 2000;
const CALLS_PER_SECOND = 100;
const IN_FLIGHT = 200;

export interface FollowUpFigures {
  calls: number;
  /** Calls up at the emulator (Establishing or Established), sampled every 100 ms while Established events flowed. */
  inFlight: { peak: number; mean: number };
  latencyMs: ReturnType<typeof summarize>;
  /** Established calls for which no PlayAudio arrived. */
  missing: number;
  /** Share of one core each process used while the calls ran. */
  cpu: { emulator: number; app: number };
}

export interface FollowUpResults {
  bare: { loaded: FollowUpFigures; single: FollowUpFigures };
  callhook: Array<{ database: DatabaseKind; loaded: FollowUpFigures; single: FollowUpFigures }>;
}

interface LegView {
  callLegId: string;
  establishedAt: number | null;
  requests: Array<{ at: number; operation: string }>;
  events: Array<{ eventType: string; eventTime: string; attempts: Array<{ at: number }> }>;
}

/** The event that says a leg is up, and the request that plays its message, in each generation's words. */
const CONNECTED_EVENTS = new Set(['Microsoft.Communication.CallLegStateChanged', 'Microsoft.Communication.CallConnected']);
const PLAY_OPERATIONS = new Set(['playAudio', 'play']);

/** Per established leg: first attempt of its Established (GA: CallConnected) event → receipt of its first PlayAudio (GA: :play). */
async function latencies(emulator: EmulatorProcess): Promise<{ values: number[]; missing: number; calls: number }> {
  const { calls } = await emulator.control<{ calls: Array<{ callLegId: string; establishedAt: number | null }> }>('GET', '/calls?limit=10000');
  const values: number[] = [];
  let missing = 0;
  await inParallel(
    calls.filter((c) => c.establishedAt !== null),
    16,
    async ({ callLegId }) => {
      const leg = await emulator.control<LegView>('GET', `/calls/${callLegId}`);
      const stamp = new Date(leg.establishedAt!).toISOString().slice(0, -1);
      const established = leg.events.find((e) => CONNECTED_EVENTS.has(e.eventType) && e.eventTime.startsWith(stamp) && e.attempts.length > 0);
      const play = leg.requests.find((r) => PLAY_OPERATIONS.has(r.operation));
      if (!established || !play) {
        missing += 1;
        return;
      }
      values.push(play.at - established.attempts[0].at);
    },
  );
  return { values, missing, calls: calls.length };
}

/** Samples how many calls are up, and the CPU the emulator and the application use, while `work` runs. */
async function whileSampling<T>(emulator: EmulatorProcess, appPid: number, work: Promise<T>): Promise<{ result: T; peak: number; mean: number; cpu: FollowUpFigures['cpu'] }> {
  const samples: number[] = [];
  let running = true;
  const started = Date.now();
  const cpuBefore = { emulator: cpuSecondsOf(emulator.pid) ?? NaN, app: cpuSecondsOf(appPid) ?? NaN };
  const sampler = (async () => {
    while (running) {
      const info = await emulator.control<{ legs: Record<string, number> }>('GET', '').catch(() => undefined);
      if (info) samples.push((info.legs.Establishing ?? 0) + (info.legs.Established ?? 0));
      await sleep(100);
    }
  })();
  try {
    const result = await work;
    const seconds = (Date.now() - started) / 1000;
    const cpu = {
      emulator: ((cpuSecondsOf(emulator.pid) ?? NaN) - cpuBefore.emulator) / seconds,
      app: ((cpuSecondsOf(appPid) ?? NaN) - cpuBefore.app) / seconds,
    };
    return { result, peak: Math.max(0, ...samples), mean: meanOfBusy(samples), cpu };
  } finally {
    running = false;
    await sampler;
  }
}

/** Mean over the samples where calls were up, so ramp-up and the tail do not dilute it. */
function meanOfBusy(samples: number[]): number {
  const peak = Math.max(0, ...samples);
  const busy = samples.filter((s) => s >= peak * 0.5);
  return busy.length ? busy.reduce((a, b) => a + b, 0) / busy.length : 0;
}

async function scriptCallees(emulator: EmulatorProcess, targets: string[], talkMs: number): Promise<void> {
  await inParallel(targets, 16, (to) => emulator.control('POST', '/scripts', { target: to, hangUpAfterMs: talkMs }));
}

const targetsFor = (count: number, offset: number) => Array.from({ length: count }, (_, i) => `+1556${String(1_000_000 + offset + i)}`);

async function callhookRun(service: Callhook, emulator: EmulatorProcess, targets: string[], maxConcurrent: number, step: Step): Promise<FollowUpFigures> {
  await emulator.control('POST', '/reset');
  // One call at a time need not talk long: its latency is what is measured, and the run stays short.
  await scriptCallees(emulator, targets, maxConcurrent === 1 ? 200 : TALK_MS);
  const campaign = await service.api<{ id: string }>('POST', '/api/campaigns', {
    name: `follow-up latency, ${maxConcurrent} in flight`,
    audioFileUri: AUDIO,
    callsPerSecond: CALLS_PER_SECOND,
    maxConcurrentCalls: maxConcurrent,
    retry: { attempts: 1, delaySeconds: 0, on: [] },
    targets: targets.map((to) => ({ to })),
  });
  const finished = (async () => {
    for (;;) {
      const view = await service.api<{ status: string; progress: { done: number } }>('GET', `/api/campaigns/${campaign.id}`);
      step.update(view.progress.done);
      if (view.status === 'completed') return;
      await sleep(250);
    }
  })();
  const { peak, mean, cpu } = await whileSampling(emulator, service.pid, finished);
  const { values, missing, calls } = await latencies(emulator);
  const latencyMs = summarize(values);
  step.done(`${calls} calls, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, peak ${peak} in flight`);
  return { calls, inFlight: { peak, mean }, latencyMs, missing, cpu };
}

async function bareRun(bare: BareProcess, emulator: EmulatorProcess, targets: string[], concurrency: number, step: Step): Promise<FollowUpFigures> {
  await emulator.control('POST', '/reset');
  await scriptCallees(emulator, targets, concurrency === 1 ? 200 : TALK_MS);
  await fetch(`${bare.url}/bench/dial`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ targets, concurrency, callsPerSecond: CALLS_PER_SECOND }),
  });
  const finished = (async () => {
    for (;;) {
      const status = (await (await fetch(`${bare.url}/bench/dial`)).json()) as { ended: number; failed: number; total: number };
      step.update(status.ended);
      if (status.ended + status.failed >= status.total) return;
      await sleep(250);
    }
  })();
  const { peak, mean, cpu } = await whileSampling(emulator, bare.pid, finished);
  const { values, missing, calls } = await latencies(emulator);
  const latencyMs = summarize(values);
  step.done(`${calls} calls, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, peak ${peak} in flight`);
  return { calls, inFlight: { peak, mean }, latencyMs, missing, cpu };
}

export async function benchFollowUp(ctx: BenchContext): Promise<FollowUpResults> {
  const loadedCalls = ctx.quick ? 600 : 2000;
  const singleCalls = ctx.quick ? 20 : 50;
  const emulatorOptions = { timeScale: 1, ringMs: RING_MS, maxEndedLegs: 20_000, requestLogLimit: 200_000 };

  const emulator = await startEmulatorProcess(emulatorOptions);
  let bareFigures: FollowUpResults['bare'];
  try {
    const bare = await startBare('app', { ACS_CONNECTION_STRING: emulator.connectionString });
    try {
      const single = await bareRun(bare, emulator, targetsFor(singleCalls, 0), 1, ctx.progress.step('follow-up bare app: 1 in flight', singleCalls, 'calls'));
      const loaded = await bareRun(bare, emulator, targetsFor(loadedCalls, 1000), IN_FLIGHT, ctx.progress.step(`follow-up bare app: ${IN_FLIGHT} in flight`, loadedCalls, 'calls'));
      bareFigures = { single, loaded };
    } finally {
      await bare.stop();
    }
  } finally {
    await emulator.stop();
  }

  const callhook: FollowUpResults['callhook'] = [];
  for (const kind of ctx.databases) {
    const db = await freshDatabase(kind, ctx.postgresUrl);
    const emu = await startEmulatorProcess(emulatorOptions);
    try {
      const service = await startCallhook({ DATABASE_URL: db.url, ACS_CONNECTION_STRING: emu.connectionString }, ctx.service);
      try {
        const single = await callhookRun(service, emu, targetsFor(singleCalls, 100_000), 1, ctx.progress.step(`follow-up callhook ${kind}: 1 in flight`, singleCalls, 'calls'));
        const loaded = await callhookRun(service, emu, targetsFor(loadedCalls, 200_000), IN_FLIGHT, ctx.progress.step(`follow-up callhook ${kind}: ${IN_FLIGHT} in flight`, loadedCalls, 'calls'));
        callhook.push({ database: kind, loaded, single });
      } finally {
        await service.stop();
      }
    } finally {
      await emu.stop();
      await db.drop();
    }
  }
  return { bare: bareFigures, callhook };
}
