import type { CampaignFigures, CampaignResults } from './campaign';
import type { CampaignSizesResults } from './campaign-sizes';
import type { FollowUpFigures, FollowUpResults } from './follow-up';
import type { IngestResults } from './ingest';
import type { Machine } from './lib/machine';
import { table } from './lib/markdown';
import { fixed, megabytes, ratio } from './lib/stats';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: Machine & { loadBefore: string; loadAfter: string; /** Share of the run during which some task waited for a CPU. */ cpuPressure: number };
  ingest?: IngestResults;
  followUp?: FollowUpResults;
  campaign?: CampaignResults;
  /** The follow-up and campaign runs again with outbound webhooks on (--webhooks); `delivered` counts what the sink received. */
  webhooks?: { followUp?: FollowUpResults; campaign?: CampaignResults; delivered: number };
  /** --only=campaign-sizes: the campaign at several sizes, per database. */
  campaignSizes?: CampaignSizesResults[];
  /** Benchmarks that failed to run, with why. */
  errors: string[];
}

const TARGETS = {
  ingestRatio: 0.7,
  ingestP99Ms: 5,
  followUpP99Ms: 20,
  campaignCallsPerSecond: 100,
  campaignRssBytes: 300 * 1024 * 1024,
  /** Slowest calls/s at least this share of the fastest (all within 20 % of each other). */
  sizesRateSpread: 0.8,
  /** The page refreshes its status every 2 s (src/http/public/report.js REFRESH_MS): a p99 of a quarter of that keeps it from stacking requests and stays under a wait a person notices. */
  sizesStatusP99Ms: 500,
};

const mark = (ok: boolean) => (ok ? 'met' : '**not met**');

function machineTable(m: BenchResults['machine']): string {
  return table(
    ['Machine', ''],
    [
      ['CPU', m.cpu],
      ['Cores', String(m.cores)],
      ['Memory', m.memory],
      ['OS', m.os],
      ['Node.js', m.node],
      ['SQLite', m.sqlite],
      ['PostgreSQL', m.postgres],
      ['Load average (1, 5, 15 min) before / after', `${m.loadBefore} / ${m.loadAfter}`],
      ['CPU pressure during the run (time some task waited for a CPU)', Number.isFinite(m.cpuPressure) ? `${(m.cpuPressure * 100).toFixed(0)}%` : 'n/a'],
    ],
    ['l', 'l'],
  );
}

function ingestTable(r: IngestResults): string {
  const base = r.bare.peakRps;
  const spread = (rounds: number[]) => (rounds.length > 1 ? ` (${Math.round(Math.min(...rounds))}–${Math.round(Math.max(...rounds))})` : '');
  const rows = [
    ['bare Express 5 (parse JSON, answer 200)', '—', `${fixed(base, 0)}${spread(r.bare.rounds)}`, '1.00×', fixed(r.bare.cpuMicrosPerRequest, 0), '1.00×', `${r.bare.peakP99}`, fixed(r.bare.half.rps, 0), `${r.bare.half.p50}`, `${r.bare.half.p99}`, '—'],
    ...r.callhook.flatMap((c) => {
      const bareSame = r.bare.halfByDatabase[c.database];
      return [
        [
          'callhook, dispatcher off',
          c.database,
          `${fixed(c.figures.peakRps, 0)}${spread(c.figures.rounds)}`,
          ratio(c.figures.peakRps, base),
          fixed(c.figures.cpuMicrosPerRequest, 0),
          ratio(r.bare.cpuMicrosPerRequest, c.figures.cpuMicrosPerRequest),
          `${c.figures.peakP99}`,
          fixed(c.figures.half.rps, 0),
          `${c.figures.half.p50}`,
          `${c.figures.half.p99}`,
          `${c.acknowledged} / ${c.committed}`,
        ],
        ...(bareSame ? [['bare Express 5 at the same fixed rate', '—', '', '', '', '', '', fixed(bareSame.rps, 0), `${bareSame.p50}`, `${bareSame.p99}`, '—']] : []),
      ];
    }),
  ];
  return table(
    ['Server', 'Database', 'Peak req/s, median (range)', 'Ratio to bare', 'CPU µs per request', 'Ratio to bare (bare CPU / CPU)', 'p99 at peak (ms)', 'Fixed rate (req/s)', 'p50 (ms)', 'p99 (ms)', 'Acknowledged / in inbox'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function followUpRow(label: string, db: string, f: FollowUpFigures, baseline: FollowUpFigures | undefined): string[] {
  return [
    label,
    db,
    `${f.inFlight.peak} / ${fixed(f.inFlight.mean, 0)}`,
    String(f.latencyMs.count),
    `${f.latencyMs.p50}`,
    `${f.latencyMs.p90}`,
    `${f.latencyMs.p99}`,
    `${f.latencyMs.max}`,
    baseline ? ratio(f.latencyMs.p99, baseline.latencyMs.p99) : '1.00×',
    `${fixed(f.cpu.app * 100, 0)}% / ${fixed(f.cpu.emulator * 100, 0)}%`,
    String(f.missing),
  ];
}

function followUpTable(r: FollowUpResults): string {
  const rows = [
    followUpRow('bare app (PlayAudio from memory), 1 in flight', '—', r.bare.single, undefined),
    followUpRow('bare app, 200 in flight', '—', r.bare.loaded, undefined),
    ...r.callhook.flatMap((c) => [
      followUpRow('callhook, 1 in flight', c.database, c.single, r.bare.single),
      followUpRow('callhook, 200 in flight', c.database, c.loaded, r.bare.loaded),
    ]),
  ];
  return table(
    ['App', 'Database', 'Calls up (peak / mean)', 'Calls', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'max (ms)', 'p99 ratio to bare app, same load', 'CPU app / emulator (one core = 100%)', 'No PlayAudio'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function campaignTable(r: CampaignResults): string {
  const rows = [
    ['bare app + emulator (callees end every call)', '—', String(r.baseline.calls), String(r.baseline.calls), fixed(r.baseline.elapsedMs / 1000), fixed(r.baseline.callsPerSecond, 0), '1.00×', '—', '—', '—'],
    ...r.campaign.map(({ database, figures: f }) => [
      f.completed ? 'callhook campaign' : 'callhook campaign (**stopped at the time limit**)',
      database,
      String(f.targets),
      String(f.calls),
      fixed(f.elapsedMs / 1000),
      fixed(f.callsPerSecond, 0),
      ratio(f.callsPerSecond, r.baseline.callsPerSecond),
      megabytes(f.peakRssBytes),
      `${fixed(f.serviceCpu, 2)} / ${fixed(f.emulatorCpu, 2)} / ${fixed(f.benchCpu, 2)}`,
      String(f.mismatches.length),
    ]),
  ];
  return table(
    ['Run', 'Database', 'Targets', 'Calls', 'Seconds', 'Calls/s', 'Ratio to baseline', 'Peak RSS (service)', 'CPU cores: service / emulator / bench', 'Targets off their script'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function stormTable(r: CampaignResults): string {
  return table(
    ['Database', 'Targets', 'Clean calls/s', 'Storm calls/s', 'Ratio storm / clean', 'Duplicates sent', 'Reordered', 'Failed attempts', 'Peak RSS (storm)', 'Targets ending differently', 'Targets off their script (clean / storm)'],
    r.storm.map((s) => [
      s.database,
      String(s.storm.targets),
      fixed(s.clean.callsPerSecond, 0),
      fixed(s.storm.callsPerSecond, 0),
      ratio(s.storm.callsPerSecond, s.clean.callsPerSecond),
      String(s.storm.delivery?.duplicatesSent ?? 'n/a'),
      String(s.storm.delivery?.reordered ?? 'n/a'),
      String(s.storm.delivery?.failedAttempts ?? 'n/a'),
      megabytes(s.storm.peakRssBytes),
      String(s.differences),
      `${s.clean.mismatches.length} / ${s.storm.mismatches.length}`,
    ]),
  );
}

function targetsTable(r: BenchResults): string {
  const rows: string[][] = [];
  for (const c of r.ingest?.callhook ?? []) {
    const rel = c.figures.peakRps / r.ingest!.bare.peakRps;
    rows.push([`Ingest ${c.database}: peak req/s ≥ 0.7× bare Express`, `${rel.toFixed(2)}×`, mark(rel >= TARGETS.ingestRatio)]);
    rows.push([`Ingest ${c.database}: p99 < 5 ms at half of peak`, `${c.figures.half.p99} ms`, mark(c.figures.half.p99 < TARGETS.ingestP99Ms)]);
    rows.push([`Ingest ${c.database}: every acknowledged event is in the inbox`, `${c.acknowledged} acknowledged, ${c.committed} stored`, mark(c.committed >= c.acknowledged)]);
  }
  for (const c of r.followUp?.callhook ?? []) {
    rows.push([`Established → PlayAudio ${c.database}: p99 < 20 ms, 200 in flight`, `${c.loaded.latencyMs.p99} ms`, mark(c.loaded.latencyMs.p99 < TARGETS.followUpP99Ms)]);
  }
  for (const c of r.campaign?.campaign ?? []) {
    rows.push([`Campaign ${c.database}: ≥ 100 calls/s`, `${fixed(c.figures.callsPerSecond, 0)} calls/s`, mark(c.figures.callsPerSecond >= TARGETS.campaignCallsPerSecond)]);
    rows.push([`Campaign ${c.database}: peak RSS < 300 MB`, megabytes(c.figures.peakRssBytes), mark(c.figures.peakRssBytes < TARGETS.campaignRssBytes)]);
    rows.push([`Campaign ${c.database}: no target lost or off its script`, `${c.figures.mismatches.length} off`, mark(c.figures.mismatches.length === 0)]);
  }
  for (const s of r.campaign?.storm ?? []) {
    rows.push([`Storm ${s.database}: same per-target outcomes as the clean run`, `${s.differences} differ`, mark(s.differences === 0)]);
  }
  return table(['Target', 'Measured', ''], rows, ['l', 'r', 'l']);
}

/** Webhooks off and on, side by side: what the outbox and its delivery cost the call flow. */
function webhooksTable(r: BenchResults): string {
  const w = r.webhooks!;
  const rows: string[][] = [];
  for (const on of w.followUp?.callhook ?? []) {
    const off = r.followUp?.callhook.find((c) => c.database === on.database);
    if (!off) continue;
    rows.push([`Established → PlayAudio p50, 200 in flight`, on.database, `${off.loaded.latencyMs.p50} ms`, `${on.loaded.latencyMs.p50} ms`, ratio(on.loaded.latencyMs.p50, off.loaded.latencyMs.p50)]);
    rows.push([`Established → PlayAudio p99, 200 in flight`, on.database, `${off.loaded.latencyMs.p99} ms`, `${on.loaded.latencyMs.p99} ms`, ratio(on.loaded.latencyMs.p99, off.loaded.latencyMs.p99)]);
  }
  for (const on of w.campaign?.campaign ?? []) {
    const off = r.campaign?.campaign.find((c) => c.database === on.database);
    if (!off) continue;
    rows.push(['Campaign calls/s', on.database, fixed(off.figures.callsPerSecond, 0), fixed(on.figures.callsPerSecond, 0), ratio(on.figures.callsPerSecond, off.figures.callsPerSecond)]);
    rows.push(['Campaign peak RSS', on.database, megabytes(off.figures.peakRssBytes), megabytes(on.figures.peakRssBytes), ratio(on.figures.peakRssBytes, off.figures.peakRssBytes)]);
    const perCall = (f: CampaignFigures) => f.cpuMsPerCall ?? NaN;
    rows.push(['Campaign service CPU per call (with the drain)', on.database, `${fixed(perCall(off.figures), 2)} ms`, `${fixed(perCall(on.figures), 2)} ms`, ratio(perCall(on.figures), perCall(off.figures))]);
    const drain = on.figures.webhookDrainMs;
    rows.push(['Outbox pending after the last call', on.database, '—', drain === null || drain === undefined ? 'not drained in 120 s' : `drained in ${fixed(drain / 1000, 1)} s`, '']);
  }
  return `${table(['Figure', 'Database', 'Webhooks off', 'Webhooks on', 'On / off'], rows, ['l', 'l', 'r', 'r', 'r'])}\n\nWebhooks received by the sink: ${w.delivered}.`;
}

export function renderResults(r: BenchResults): string {
  const parts = [
    `Run ${r.startedAt} → ${r.finishedAt}${r.quick ? ' (**--quick**: shorter runs, smaller campaigns; not reference figures)' : ''}.`,
    '',
    machineTable(r.machine),
    '',
    '### Targets',
    '',
    targetsTable(r),
  ];
  if (r.errors.length) parts.push('', '**Benchmarks that failed to run:**', '', ...r.errors.map((e) => `- ${e}`));
  if (r.ingest) parts.push('', '### 1. Callback ingest (autocannon, 50 connections, dispatcher off; peak: median of interleaved rounds; fixed rate: half of callhook\'s peak)', '', ingestTable(r.ingest));
  if (r.followUp) parts.push('', '### 2. Event to follow-up: Established sent → PlayAudio received (emulator clock)', '', followUpTable(r.followUp));
  if (r.campaign?.campaign.length) parts.push('', '### 3. Campaign against the emulator (time scale 0.01)', '', campaignTable(r.campaign));
  if (r.campaign?.storm.length) parts.push('', '### 4. Storm: the same campaign with delivery faults', '', stormTable(r.campaign));
  if (r.webhooks) parts.push('', '### 5. Outbound webhooks off and on (--webhooks; each call sends call.outcome and call.ended)', '', webhooksTable(r));
  return parts.join('\n');
}

/** The campaign-sizes section (its own block in docs/benchmarks.md). */
export function renderCampaignSizes(r: BenchResults): string {
  const parts = [
    `Run ${r.startedAt} → ${r.finishedAt}${r.quick ? ' (**--quick**)' : ''}; ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory}, Node ${r.machine.node}, SQLite ${r.machine.sqlite}, PostgreSQL ${r.machine.postgres}.`,
    `Load average (1, 5, 15 min) at the start / end of the run: ${r.machine.loadBefore} / ${r.machine.loadAfter}; CPU pressure during the run ${Number.isFinite(r.machine.cpuPressure) ? `${(r.machine.cpuPressure * 100).toFixed(0)}%` : 'n/a'} (share of the time some task waited for a CPU).`,
  ];
  if (r.errors.length) parts.push('', '**Benchmarks that failed to run:**', '', ...r.errors.map((e) => `- ${e}`));
  for (const db of r.campaignSizes ?? []) {
    if (!db.sizes.length) continue;
    const base = db.sizes[0];
    const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(0));
    const rows = db.sizes.map((s) => {
      const f = s.figures;
      const report = s.reportDuring || s.reportAfter ? `during: ${(s.reportDuring ?? []).map((x) => ms(x.ms)).join(' / ') || '—'}; after: ${ms(s.reportAfter?.ms)}` : '—';
      const status = `during: p50 ${ms(s.statusDuring.p50)}, p99 ${ms(s.statusDuring.p99)}, max ${ms(s.statusDuring.max)} (${s.statusDuring.count})${s.statusAfter ? `; after: p50 ${ms(s.statusAfter.p50)}, p99 ${ms(s.statusAfter.p99)}` : ''}`;
      return [
        String(s.size),
        `${fixed(f.callsPerSecond, 0)}${f.completed ? '' : ' (not completed)'}`,
        ratio(f.callsPerSecond, base.figures.callsPerSecond),
        fixed(s.steadyCallsPerSecond, 0),
        fixed(f.cpuMsPerCall ?? NaN, 2),
        (f.peakRssBytes / 1024 / 1024).toFixed(0),
        report,
        status,
        String(f.calls),
        fixed(f.elapsedMs / 1000, 1),
        `${s.loadStart.split(', ')[0]} → ${s.loadEnd.split(', ')[0]}`,
        String(f.mismatches.length),
      ];
    });
    parts.push(
      '',
      `### ${db.database}`,
      '',
      table(
        [
          'Size (targets)',
          'Calls/s',
          `Ratio to the ${base.size}-target rate`,
          'Steady calls/s (10–90 % done)',
          'Service CPU ms/call',
          'Peak RSS (MB)',
          'Report fetch ms (JSON, streamed)',
          'Status fetch ms (GET /api/campaigns/:id)',
          'Calls',
          'Seconds',
          'Load (1 min) start → end',
          'Targets off their script',
        ],
        rows,
        ['r', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'r', 'r', 'l', 'r'],
      ),
    );
    const rates = db.sizes.map((s) => s.figures.callsPerSecond);
    const spread = Math.min(...rates) / Math.max(...rates);
    const steady = db.sizes.map((s) => s.steadyCallsPerSecond);
    const steadySpread = Math.min(...steady) / Math.max(...steady);
    const largest = db.sizes.reduce((a, b) => (b.size > a.size ? b : a));
    const targets: string[][] = [
      [`Calls/s within 20 % of each other (slowest ≥ ${TARGETS.sizesRateSpread}× fastest)`, `${spread.toFixed(2)}× (steady: ${Number.isFinite(steadySpread) ? steadySpread.toFixed(2) : 'n/a'}×)`, mark(spread >= TARGETS.sizesRateSpread)],
      ...db.sizes.map((s) => [`Peak RSS < 300 MB at ${s.size} targets`, megabytes(s.figures.peakRssBytes), mark(s.figures.peakRssBytes < TARGETS.campaignRssBytes)]),
      [`Page responsive at ${largest.size} targets: status fetch p99 < ${TARGETS.sizesStatusP99Ms} ms while the campaign runs`, `${ms(largest.statusDuring.p99)} ms`, mark(largest.statusDuring.p99 < TARGETS.sizesStatusP99Ms)],
      [
        `Report at ${largest.size} targets fetched while the campaign runs and after (every fetch 200)`,
        `${(largest.reportDuring ?? []).length} during, ${largest.reportAfter ? 1 : 0} after`,
        mark((largest.reportDuring ?? []).length > 0 && (largest.reportDuring ?? []).every((x) => x.status === 200) && largest.reportAfter?.status === 200),
      ],
      ...db.sizes.map((s) => [`No target lost or off its script at ${s.size} targets`, `${s.figures.mismatches.length} off`, mark(s.figures.mismatches.length === 0 && s.figures.completed)]),
    ];
    parts.push('', table(['Target', 'Measured', ''], targets, ['l', 'r', 'l']));
  }
  return parts.join('\n');
}
