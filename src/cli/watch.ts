import { ApiClient, ApiError } from './api-client';
import type { ProgressRenderer } from './progress';
import { CampaignView, isSettled } from './types';

/** What a person chose after Ctrl-C. */
export type InterruptChoice = 'keep' | 'stop' | 'cancel';

export interface WatchDeps {
  client: ApiClient;
  renderer: ProgressRenderer;
  intervalMs: number;
  /** Subscribes to Ctrl-C; returns the unsubscribe function. */
  onInterrupt(handler: () => void): () => void;
  /** Asks what to do after Ctrl-C; absent when nobody can answer (stdin is not a terminal), which means stop. */
  ask?: () => Promise<InterruptChoice>;
  /** Where notes go (stderr), so stdout keeps only the summary. */
  note(line: string): void;
}

export interface WatchResult {
  view: CampaignView;
  /** True when the person stopped watching before the campaign ended. */
  stopped: boolean;
}

/** Polls a few times more before giving up on errors a restart or a busy moment explains. */
const TRANSIENT_TOLERANCE = 5;
const isTransient = (err: unknown) => err instanceof ApiError && (err.status === undefined || err.status === 429 || err.status >= 500);

/** A sleep that Ctrl-C ends early; a Ctrl-C during a request is kept for the next sleep. */
function interruptibleSleep(onInterrupt: WatchDeps['onInterrupt']) {
  let pending = false;
  let wake: (() => void) | undefined;
  const off = onInterrupt(() => {
    pending = true;
    wake?.();
  });
  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (pending) {
        pending = false;
        resolve(true);
        return;
      }
      const timer = setTimeout(() => {
        wake = undefined;
        resolve(false);
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        pending = false;
        resolve(true);
      };
    });
  return { sleep, off };
}

/** Shows progress until the campaign is settled or the person stops watching. */
export async function watchCampaign(deps: WatchDeps, first: CampaignView): Promise<WatchResult> {
  const { client, renderer } = deps;
  const { sleep, off } = interruptibleSleep(deps.onInterrupt);
  let view = first;
  let failures = 0;
  try {
    renderer.update(view);
    while (!isSettled(view)) {
      if (await sleep(deps.intervalMs)) {
        renderer.pause();
        const choice = deps.ask ? await deps.ask() : 'stop';
        if (choice === 'stop') return { view, stopped: true };
        if (choice === 'cancel') {
          try {
            view = await client.act(view.id, 'cancel');
            deps.note(`Cancelled: no new calls will be placed; ${view.progress.dialling} call(s) in progress will finish.`);
          } catch (err) {
            deps.note(`Could not cancel: ${(err as Error).message}`);
          }
        }
      }
      try {
        view = await client.getCampaign(view.id);
        failures = 0;
      } catch (err) {
        if (!isTransient(err) || ++failures > TRANSIENT_TOLERANCE) throw err;
        continue;
      }
      renderer.update(view);
    }
    return { view, stopped: false };
  } finally {
    off();
    renderer.stop();
  }
}
