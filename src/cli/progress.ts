import { Presets, SingleBar } from 'cli-progress';
import { sortedOutcomes } from './format';
import type { CampaignView } from './types';

export interface ProgressRenderer {
  update(view: CampaignView): void;
  /** Takes the bar off the screen (for a prompt); the next update draws it again. */
  pause(): void;
  stop(): void;
}

const outcomesText = (view: CampaignView) =>
  sortedOutcomes(view.outcomes)
    .map(([o, n]) => `${o} ${n}`)
    .join(', ') || 'no outcomes yet';

const stateText = (view: CampaignView) => {
  const { dialling, pending } = view.progress;
  if (view.waiting) return `${view.status}, ${view.waiting.message}, ${dialling} in progress, ${pending} pending`;
  return `${view.status}, ${dialling} in progress, ${pending} pending`;
};

/** A live bar on a terminal: redrawn on every poll. */
function barRenderer(stream: NodeJS.WritableStream): ProgressRenderer {
  let bar: SingleBar | undefined;
  return {
    update(view) {
      const settled = view.progress.done + view.progress.cancelled;
      const payload = { state: stateText(view), outcomes: outcomesText(view) };
      if (!bar) {
        bar = new SingleBar(
          { stream, format: '{bar} {percentage}% {value}/{total} | {state} | {outcomes}', hideCursor: true, barsize: 24, forceRedraw: true },
          Presets.shades_classic,
        );
        bar.start(view.progress.total, settled, payload);
      } else {
        bar.setTotal(view.progress.total);
        bar.update(settled, payload);
      }
    },
    pause() {
      bar?.stop();
      bar = undefined;
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/**
 * Plain lines for logs and pipes, where a redrawn bar would be noise: one line
 * whenever something changed since the last line, and a repeat at least every
 * minute so a quiet campaign still shows the watcher is alive.
 */
function lineRenderer(stream: NodeJS.WritableStream, now: () => number): ProgressRenderer {
  const HEARTBEAT_MS = 60_000;
  let last = '';
  let lastAt = 0;
  return {
    update(view) {
      const { total, done, cancelled, percent } = view.progress;
      const text = `${percent}% ${done + cancelled}/${total} settled | ${stateText(view)} | ${outcomesText(view)}`;
      if (text === last && now() - lastAt < HEARTBEAT_MS) return;
      last = text;
      lastAt = now();
      stream.write(`${new Date(lastAt).toISOString().slice(11, 19)} ${text}\n`);
    },
    pause() {},
    stop() {},
  };
}

export function createProgress(options: { stream: NodeJS.WritableStream; tty: boolean; now: () => number }): ProgressRenderer {
  return options.tty ? barRenderer(options.stream) : lineRenderer(options.stream, options.now);
}
