import type { Clock } from './clock';
import type { Store } from './store';
import type { Readiness } from '../routes/health';

/** Oldest unhandled event older than this while dispatching means handling is stuck. */
export const INBOX_STUCK_MS = 5 * 60_000;
const PING_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PING_TIMEOUT_MS).unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createReadiness(deps: { store: Store; clock: Clock; dispatching: () => boolean }): Readiness {
  return {
    async check() {
      const problems: Record<string, string> = {};
      try {
        await withTimeout(deps.store.ping());
      } catch (err) {
        problems.database = `unreachable: ${(err as Error).message}`;
        return problems;
      }
      // Reads can go on working while every write fails (a full disk): prove a write commits.
      try {
        await withTimeout(deps.store.probeWrite());
      } catch (err) {
        problems.database = `cannot write: ${(err as Error).message}`;
        return problems;
      }
      if (deps.dispatching()) {
        const { oldestReceivedAt } = await deps.store.inbox.stats();
        if (oldestReceivedAt !== null && deps.clock.now() - oldestReceivedAt > INBOX_STUCK_MS) {
          problems.inbox = `oldest unhandled event is ${Math.round((deps.clock.now() - oldestReceivedAt) / 1000)} s old`;
        }
      }
      return Object.keys(problems).length ? problems : null;
    },
  };
}
