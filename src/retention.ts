import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Store } from './store';
import type { Pruned } from './store/retention';

const DAY_MS = 24 * 3600_000;

export interface RetentionOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Ended calls and campaigns older than this are deleted; 0 keeps everything. */
  retentionDays: number;
  /** Calls (or campaign targets) per transaction: small, so no batch holds the database for long. */
  batchSize?: number;
  /** How often a pruning run starts. */
  intervalMs?: number;
}

/** Yields to the event loop, so callbacks and the dispatcher run between two batches. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes ended calls (with their inbox, timeline, timers, roster) and ended
 * campaigns (with their targets) once they are older than the retention
 * period. Runs on a timer, one small transaction per batch, yielding between
 * batches; each run that deletes something logs what it deleted.
 */
export function createRetention(options: RetentionOptions) {
  const { store, clock, logger } = options;
  const batchSize = options.batchSize ?? 50;
  const intervalMs = options.intervalMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Pruned> | undefined;
  let stopped = false;

  async function drain(prune: (cutoff: number, limit: number) => Promise<Pruned>, cutoff: number, total: Pruned): Promise<void> {
    while (!stopped) {
      const pruned = await prune(cutoff, batchSize);
      for (const [table, n] of Object.entries(pruned)) total[table] = (total[table] ?? 0) + n;
      if (Object.keys(pruned).length === 0) return;
      await yieldToLoop();
    }
  }

  /** One run over everything due; resolves with the rows it deleted, by table. */
  async function runOnce(): Promise<Pruned> {
    const total: Pruned = {};
    if (options.retentionDays <= 0) return total;
    const cutoff = clock.now() - options.retentionDays * DAY_MS;
    await drain((c, l) => store.retention.pruneCalls(c, l), cutoff, total);
    await drain((c, l) => store.retention.pruneCampaigns(c, l), cutoff, total);
    if (Object.keys(total).length) logger.info({ pruned: total, olderThan: new Date(cutoff).toISOString() }, 'retention pruned ended calls and campaigns');
    return total;
  }

  const run = () => {
    if (running || stopped) return;
    running = runOnce()
      .catch((err) => {
        logger.warn({ err }, 'retention run failed; trying again on the next one');
        return {};
      })
      .finally(() => (running = undefined));
  };

  return {
    runOnce,
    start(): void {
      if (options.retentionDays <= 0 || timer) return;
      timer = setInterval(run, intervalMs);
      timer.unref();
      run();
    },
    /** Stops starting runs and waits for the current batch to end. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
