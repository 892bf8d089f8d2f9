import { performance } from 'node:perf_hooks';
import { AGENT_DOWN, AGENT_OK, BEHAVIOURS, Behaviour, campaignCsv } from '../../test/helpers/callee-behaviours';
import type { Step } from './progress';
import { Callhook, EmulatorProcess, inParallel } from './services';
import { sleep } from './stats';

export const AUDIO = 'https://media.example.com/outage.wav';
/**
 * A lighter mix than the e2e test: most people acknowledge or reject, a few
 * wait out the timer or need an agent. Deterministic by row, so two runs
 * dial the same people with the same behaviour.
 */
const MIX = [0, 0, 0, 0, 1, 2, 3, 4, 4, 5];

export interface Row {
  to: string;
  behaviour: Behaviour;
}

export function campaignRows(count: number, offset = 0): Row[] {
  return Array.from({ length: count }, (_, i) => ({ to: `+1555${String(1_000_000 + offset + i)}`, behaviour: BEHAVIOURS[MIX[i % MIX.length]] }));
}

export async function scriptTargets(emulator: EmulatorProcess, rows: Row[], step: Step): Promise<void> {
  await emulator.control('POST', '/scripts', { target: AGENT_OK, answer: 'accept' });
  await emulator.control('POST', '/scripts', { target: AGENT_DOWN, answer: 'fail' });
  let done = 0;
  await inParallel(rows, 16, async ({ to, behaviour }) => {
    await emulator.control('POST', '/scripts', { target: to, ...behaviour.script });
    if (++done % 100 === 0) step.update(done);
  });
  step.done(`${rows.length} callee scripts set`);
}

export interface CampaignView {
  id: string;
  status: string;
  createdAt: string;
  finishedAt: string | null;
  progress: { total: number; pending: number; dialling: number; done: number; attempts: number; percent: number };
  outcomes: Record<string, number>;
}

export interface ReportRow {
  row: number;
  to: string;
  status: string;
  attempts: number;
  outcome: string | null;
}

export interface CampaignRun {
  id: string;
  /** False when the time limit passed first: the figures then cover the run up to the limit. */
  completed: boolean;
  /** From the campaign's creation to its completion, as the service recorded them. */
  elapsedMs: number;
  view: CampaignView;
  report: ReportRow[];
  /** Targets whose outcome or number of attempts is not what their behaviour implies. */
  mismatches: Array<{ to: string; expected: string; got: string }>;
  /** How long each GET /api/campaigns/:id (the page's status call) took while the campaign ran, in ms. */
  statusMs: number[];
  /** Each status poll: ms since the campaign's creation (bench clock), calls placed and targets done. */
  samples: Array<{ atMs: number; attempts: number; done: number }>;
}

/** Callee and agent talk until someone ends their conversation, as people would: the bench does, once they are connected. */
async function endAgentConversations(service: Callhook, emulator: EmulatorProcess): Promise<void> {
  const { calls } = await service.api<{ calls: Array<{ callLegId: string }> }>('GET', '/api/calls?outcome=connected-to-agent&state=established&limit=500');
  for (const call of calls) await emulator.control('POST', `/calls/${call.callLegId}/hangup`).catch(() => undefined);
}

export async function runCampaign(
  service: Callhook,
  emulator: EmulatorProcess,
  options: {
    name: string;
    rows: Row[];
    callsPerSecond: number;
    maxConcurrentCalls: number;
    timeoutMs: number;
    /** Called after every status poll (not awaited by the poll loop's timing). */
    onPoll?: (view: CampaignView) => void;
  },
  step: Step,
): Promise<CampaignRun> {
  const { rows } = options;
  const csv = campaignCsv(rows);
  const created = await service.api<CampaignView>('POST', '/api/campaigns', {
    name: options.name,
    audioFileUri: AUDIO,
    callsPerSecond: options.callsPerSecond,
    maxConcurrentCalls: options.maxConcurrentCalls,
    retry: { attempts: 2, delaySeconds: 0.2, on: ['not-answered', 'failed'] },
    targetsCsv: csv,
  });
  const deadline = Date.now() + options.timeoutMs;
  let view = created;
  let completed = true;
  const createdAt = Date.now();
  const statusMs: number[] = [];
  const samples: CampaignRun['samples'] = [];
  while (view.status !== 'completed') {
    if (Date.now() > deadline) {
      completed = false;
      break;
    }
    await sleep(250);
    await endAgentConversations(service, emulator);
    const t0 = performance.now();
    view = await service.api<CampaignView>('GET', `/api/campaigns/${created.id}`);
    statusMs.push(performance.now() - t0);
    samples.push({ atMs: Date.now() - createdAt, attempts: view.progress.attempts, done: view.progress.done });
    options.onPoll?.(view);
    const rate = view.progress.attempts / Math.max(0.001, (Date.now() - Date.parse(created.createdAt)) / 1000);
    step.update(view.progress.done, `${view.progress.dialling} dialling, ${rate.toFixed(0)} calls/s`);
  }
  const { targets: report } = await service.api<{ targets: ReportRow[] }>('GET', `/api/campaigns/${created.id}/report`);
  const mismatches: CampaignRun['mismatches'] = [];
  rows.forEach(({ to, behaviour }, i) => {
    const got = report[i];
    const expected = `${behaviour.outcome} after ${behaviour.attempts}`;
    const actual = got ? `${got.outcome} after ${got.attempts}` : 'missing';
    if (!got || got.to !== `4:${to}` || got.status !== 'done' || actual !== expected) mismatches.push({ to, expected, got: got ? `${got.status} ${actual}` : actual });
  });
  const elapsedMs = (completed ? Date.parse(view.finishedAt!) : Date.now()) - Date.parse(view.createdAt);
  step.done(
    `${view.progress.attempts} calls in ${(elapsedMs / 1000).toFixed(1)} s, ${mismatches.length} targets off their script${completed ? '' : `; NOT COMPLETED within ${options.timeoutMs / 1000} s`}`,
  );
  return { id: created.id, completed, elapsedMs, view, report, mismatches, statusMs, samples };
}
