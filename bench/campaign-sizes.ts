import os from 'node:os';
import { CampaignFigures, oneCampaign } from './campaign';
import type { BenchContext } from './lib/context';
import { campaignRows } from './lib/campaigns';
import type { DatabaseKind } from './lib/databases';
import { timedGet } from './lib/report-fetch';
import { summarize } from './lib/stats';

/**
 * Issue #18, "cost flat as work grows": the campaign bench's own campaign
 * (same callee mix, rate and concurrency limits, retries) at several sizes, one
 * after the other, each on a fresh database and fresh service and emulator
 * processes. For the largest size, the report (JSON, streamed) and the page's
 * status call are also timed while the campaign runs and after it.
 */

export const DEFAULT_SIZES = [1000, 10_000, 100_000];
/** Status calls after the run, one after the other. */
const STATUS_AFTER = 20;
/** Reports fetched while the largest campaign runs: at these shares of its targets done. */
const REPORT_DURING_AT = [0.25, 0.5, 0.75];

export interface Latencies {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface SizeFigures {
  size: number;
  figures: CampaignFigures;
  /** Targets done per second between 10 % and 90 % done, in calls (× calls per target): the rate without the first burst and the tail. */
  steadyCallsPerSecond: number;
  loadStart: string;
  loadEnd: string;
  /** Every status poll the bench made while the campaign ran (every 250 ms, the page polls every 2 s). */
  statusDuring: Latencies;
  /** Largest size only. */
  statusAfter?: Latencies;
  reportDuring?: Array<{ atDone: number; ms: number; bytes: number; status: number }>;
  reportAfter?: { ms: number; bytes: number; status: number };
}

export interface CampaignSizesResults {
  database: DatabaseKind;
  sizes: SizeFigures[];
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

/**
 * Targets finished per second between 10 % and 90 % done, times the campaign's calls per target:
 * the rate once the first burst (every free slot dialled at once) and before the tail (timers, retries).
 * Counted by targets done, not calls placed, since the burst places a large share of a small campaign's calls at once.
 */
function steadyRate(samples: Array<{ atMs: number; attempts: number; done: number }>, total: number, callsPerTarget: number): number {
  const from = samples.find((s) => s.done >= total * 0.1);
  const to = samples.find((s) => s.done >= total * 0.9);
  if (!from || !to || to.atMs <= from.atMs) return NaN;
  return ((to.done - from.done) * callsPerTarget * 1000) / (to.atMs - from.atMs);
}

export async function benchCampaignSizes(ctx: BenchContext, sizes: number[]): Promise<CampaignSizesResults[]> {
  const out: CampaignSizesResults[] = [];
  const largest = Math.max(...sizes);
  for (const kind of ctx.databases) {
    const results: CampaignSizesResults = { database: kind, sizes: [] };
    out.push(results);
    for (const size of sizes) {
      const rows = campaignRows(size);
      const loadStart = loadAverage();
      const isLargest = size === largest;
      const reportDuring: NonNullable<SizeFigures['reportDuring']> = [];
      const pending: Array<Promise<void>> = [];
      let statusAfter: Latencies | undefined;
      let reportAfter: SizeFigures['reportAfter'];
      const label = `campaign-sizes ${size} targets (${kind})`;
      const { figures, run } = await oneCampaign(ctx, kind, label, rows, undefined, {
        onPoll: isLargest
          ? (service, view) => {
              // A report fetch in the background, as a person downloading it while the campaign runs; the status polls go on meanwhile.
              const share = view.progress.done / view.progress.total;
              if (pending.length < REPORT_DURING_AT.length && share >= REPORT_DURING_AT[pending.length]) {
                const atDone = view.progress.done;
                pending.push(
                  timedGet(service.url, `/api/campaigns/${view.id}/report`).then(
                    (r) => {
                      reportDuring.push({ atDone, ...r });
                      ctx.progress.log(`${label}: report fetched at ${atDone} done in ${r.ms.toFixed(0)} ms (${(r.bytes / 1e6).toFixed(1)} MB, ${r.status})`);
                    },
                    (err: unknown) => ctx.progress.log(`${label}: report fetch failed: ${String(err)}`),
                  ),
                );
              }
            }
          : undefined,
        after: isLargest
          ? async (service, r) => {
              await Promise.all(pending);
              const times: number[] = [];
              for (let i = 0; i < STATUS_AFTER; i++) times.push((await timedGet(service.url, `/api/campaigns/${r.id}`)).ms);
              statusAfter = summarize(times);
              reportAfter = await timedGet(service.url, `/api/campaigns/${r.id}/report`);
              ctx.progress.log(`${label}: after the run, status p99 ${statusAfter.p99.toFixed(0)} ms, report ${reportAfter.ms.toFixed(0)} ms (${(reportAfter.bytes / 1e6).toFixed(1)} MB)`);
            }
          : undefined,
      });
      const entry: SizeFigures = {
        size,
        figures,
        steadyCallsPerSecond: steadyRate(run.samples, size, figures.calls / size),
        loadStart,
        loadEnd: loadAverage(),
        statusDuring: summarize(run.statusMs),
        statusAfter,
        reportDuring: isLargest ? reportDuring.sort((a, b) => a.atDone - b.atDone) : undefined,
        reportAfter,
      };
      results.sizes.push(entry);
      ctx.progress.log(
        `${label}: ${figures.callsPerSecond.toFixed(0)} calls/s (steady ${entry.steadyCallsPerSecond.toFixed(0)}), ${figures.cpuMsPerCall?.toFixed(2)} ms CPU/call, peak RSS ${(figures.peakRssBytes / 1024 / 1024).toFixed(0)} MB, status p99 ${entry.statusDuring.p99.toFixed(0)} ms; load ${loadStart} → ${entry.loadEnd}`,
      );
    }
  }
  return out;
}
