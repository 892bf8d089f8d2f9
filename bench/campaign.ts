import type { BenchContext } from './lib/context';
import { CampaignRun, CampaignView, campaignRows, Row, runCampaign, scriptTargets } from './lib/campaigns';
import { DatabaseKind, freshDatabase } from './lib/databases';
import { cpuSecondsOf, sampleMemory } from './lib/processes';
import { Callhook, EmulatorProcess, startBare, startCallhook, startEmulatorProcess } from './lib/services';
import { sleep } from './lib/stats';

/**
 * Whole campaigns against the emulator (time-scaled, in its own process):
 * calls completed per second, the service's peak resident memory, and every
 * target's outcome checked against what its callee script implies. The storm
 * runs the same kind of campaign with delivery faults switched on.
 */

const TIME_SCALE = 0.01;
const CALLS_PER_SECOND = 1000;
const MAX_CONCURRENT = 300;
const EMULATOR_OPTIONS = { timeScale: TIME_SCALE, ringMs: 300, maxEndedLegs: 2000, requestLogLimit: 1000 };

/** Duplicates, shuffled order and failed deliveries, in the proportions the issue names. */
export const STORM_FAULTS = { duplicateRate: 0.05, reorderRate: 0.1, reorderHoldMs: 50, failureRate: 0.01, seed: 20260101 };

export interface CampaignFigures {
  /** False when the campaign hit the bench's time limit; unfinished targets then count as off their script. */
  completed: boolean;
  targets: number;
  calls: number;
  elapsedMs: number;
  callsPerSecond: number;
  /** Peak resident set size of the service process (VmHWM). */
  peakRssBytes: number;
  /** Cores the service, the emulator and the bench itself used on average while the campaign ran. */
  serviceCpu: number;
  emulatorCpu: number;
  benchCpu: number;
  mismatches: Array<{ to: string; expected: string; got: string }>;
  outcomes: Record<string, number>;
  /** The emulator's delivery counters: duplicates sent, reorders, failed attempts. */
  delivery?: Record<string, number>;
  /** With webhooks on: how long after the campaign's end the outbox had nothing pending (null: not within the limit). */
  webhookDrainMs?: number | null;
  /** Service CPU time per call placed, until the outbox drained when webhooks are on. */
  cpuMsPerCall?: number;
}

export interface CampaignResults {
  baseline: { calls: number; elapsedMs: number; callsPerSecond: number };
  campaign: Array<{ database: DatabaseKind; figures: CampaignFigures }>;
  storm: Array<{ database: DatabaseKind; clean: CampaignFigures; storm: CampaignFigures; differences: number }>;
}

/**
 * The same callees as the campaign, but every call ends on the callee's side
 * (the bare app plays nothing, decides nothing), dialled by the bare app
 * within the same limits: what the emulator and HTTP on this machine allow.
 */
async function baseline(ctx: BenchContext, rows: Row[]): Promise<CampaignResults['baseline']> {
  const emulator = await startEmulatorProcess(EMULATOR_OPTIONS);
  try {
    const bare = await startBare('app', { ACS_CONNECTION_STRING: emulator.connectionString });
    try {
      const scripts = ctx.progress.step('campaign baseline: callee scripts', rows.length, 'targets');
      // Calls the app would end are ended by the callee, after as long as the app would take.
      const selfEnding = rows.map(({ to, behaviour }) => ({
        to,
        behaviour: { ...behaviour, script: behaviour.script.answer ? behaviour.script : { hangUpAfterMs: behaviour.outcome === 'no-response' ? 100_000 : 600 } },
      }));
      await scriptTargets(emulator, selfEnding, scripts);
      const step = ctx.progress.step('campaign baseline: bare app dials', rows.length, 'calls');
      await fetch(`${bare.url}/bench/dial`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ targets: rows.map((r) => r.to), concurrency: MAX_CONCURRENT, callsPerSecond: CALLS_PER_SECOND }),
      });
      for (;;) {
        const s = (await (await fetch(`${bare.url}/bench/dial`)).json()) as { ended: number; failed: number; total: number; startedAt: number; finishedAt: number };
        step.update(s.ended);
        if (s.ended + s.failed >= s.total) {
          const elapsedMs = s.finishedAt - s.startedAt;
          const callsPerSecond = (s.total * 1000) / elapsedMs;
          step.done(`${s.total} calls in ${(elapsedMs / 1000).toFixed(1)} s, ${callsPerSecond.toFixed(0)} calls/s${s.failed ? `, ${s.failed} failed` : ''}`);
          return { calls: s.total, elapsedMs, callsPerSecond };
        }
        await sleep(250);
      }
    } finally {
      await bare.stop();
    }
  } finally {
    await emulator.stop();
  }
}

/** What a bench may do while a campaign runs (after each status poll) and after it ended, before the service stops. */
export interface CampaignHooks {
  onPoll?(service: Callhook, view: CampaignView): void;
  after?(service: Callhook, run: CampaignRun): Promise<void>;
}

export async function oneCampaign(
  ctx: BenchContext,
  kind: DatabaseKind,
  label: string,
  rows: Row[],
  faults?: Record<string, unknown>,
  hooks: CampaignHooks = {},
): Promise<{ figures: CampaignFigures; perTarget: Map<string, string>; run: CampaignRun }> {
  const db = await freshDatabase(kind, ctx.postgresUrl);
  let emulator: EmulatorProcess | undefined;
  try {
    emulator = await startEmulatorProcess(EMULATOR_OPTIONS);
    if (faults) await emulator.control('PUT', '/faults', { ...faults, retryBaseMs: 1000 });
    await scriptTargets(emulator, rows, ctx.progress.step(`${label}: callee scripts`, rows.length, 'targets'));
    const service = await startCallhook(
      { DATABASE_URL: db.url, ACS_CONNECTION_STRING: emulator.connectionString, DISPATCH_CONCURRENCY: '64' },
      ctx.service,
    );
    try {
      const memory = sampleMemory(service.pid);
      const cpuBefore = cpuSecondsOf(service.pid) ?? NaN;
      const emulatorBefore = cpuSecondsOf(emulator.pid) ?? NaN;
      const benchBefore = process.cpuUsage();
      const run = await runCampaign(
        service,
        emulator,
        {
          name: label,
          rows,
          callsPerSecond: CALLS_PER_SECOND,
          maxConcurrentCalls: MAX_CONCURRENT,
          timeoutMs: Math.max(180_000, rows.length * 60),
          onPoll: hooks.onPoll && ((view) => hooks.onPoll!(service, view)),
        },
        ctx.progress.step(label, rows.length, 'targets'),
      );
      const cpu = ((cpuSecondsOf(service.pid) ?? NaN) - cpuBefore) / (run.elapsedMs / 1000);
      const emulatorCpu = ((cpuSecondsOf(emulator.pid) ?? NaN) - emulatorBefore) / (run.elapsedMs / 1000);
      const benchUsage = process.cpuUsage(benchBefore);
      const benchCpu = (benchUsage.user + benchUsage.system) / 1000 / run.elapsedMs;
      const webhookDrainMs = ctx.service.env?.WEBHOOK_URL ? await outboxDrained(service) : undefined;
      // Including what was left to deliver after the last call.
      const cpuMsPerCall = (((cpuSecondsOf(service.pid) ?? NaN) - cpuBefore) * 1000) / run.view.progress.attempts;
      await hooks.after?.(service, run);
      const peakRssBytes = memory.stop();
      const delivery = faults ? (await emulator.control<{ stats: Record<string, number> }>('GET', '/deliveries')).stats : undefined;
      for (const m of run.mismatches.slice(0, 5)) ctx.progress.log(`${label}: ${m.to} expected ${m.expected}, got ${m.got}`);
      const perTarget = new Map(run.report.map((r) => [r.to, `${r.status} ${r.outcome} after ${r.attempts}`]));
      const figures = {
        completed: run.completed,
        targets: rows.length,
        calls: run.view.progress.attempts,
        elapsedMs: run.elapsedMs,
        callsPerSecond: (run.view.progress.attempts * 1000) / run.elapsedMs,
        peakRssBytes,
        serviceCpu: cpu,
        emulatorCpu,
        benchCpu,
        mismatches: run.mismatches,
        outcomes: run.view.outcomes,
        delivery,
        webhookDrainMs,
        cpuMsPerCall,
      };
      return { figures, perTarget, run };
    } finally {
      await service.stop();
    }
  } finally {
    await emulator?.stop();
    await db.drop();
  }
}

/** Milliseconds until no webhook delivery is pending (what the campaign left to deliver when it ended), or null after 120 s. */
async function outboxDrained(service: Callhook): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    const { deliveries } = await service.api<{ deliveries: unknown[] }>('GET', '/api/webhooks/deliveries?status=pending&limit=1');
    if (!deliveries.length) return Date.now() - started;
    await sleep(100);
  }
  return null;
}

export async function benchCampaign(ctx: BenchContext, what: { campaign: boolean; storm: boolean }): Promise<CampaignResults> {
  const targets = ctx.quick ? 2000 : 10_000;
  const stormTargets = ctx.quick ? 500 : 2000;
  const rows = campaignRows(targets);
  const results: CampaignResults = { baseline: { calls: 0, elapsedMs: 0, callsPerSecond: NaN }, campaign: [], storm: [] };
  if (what.campaign) {
    results.baseline = await baseline(ctx, rows);
    for (const kind of ctx.databases) {
      const { figures } = await oneCampaign(ctx, kind, `campaign ${targets} targets (${kind})`, rows);
      results.campaign.push({ database: kind, figures });
    }
  }
  if (what.storm) {
    const stormRows = campaignRows(stormTargets, 500_000);
    for (const kind of ctx.databases) {
      const clean = await oneCampaign(ctx, kind, `storm ${stormTargets}: clean run (${kind})`, stormRows);
      const storm = await oneCampaign(ctx, kind, `storm ${stormTargets}: with faults (${kind})`, stormRows, STORM_FAULTS);
      // Same targets, same scripts: every target must end the same way with and without faults.
      let differences = 0;
      for (const [to, result] of clean.perTarget) {
        if (storm.perTarget.get(to) !== result) {
          differences += 1;
          if (differences <= 5) ctx.progress.log(`storm (${kind}): ${to} ended "${result}" in the clean run but "${storm.perTarget.get(to) ?? 'missing'}" with faults`);
        }
      }
      results.storm.push({ database: kind, clean: clean.figures, storm: storm.figures, differences });
    }
  }
  return results;
}
