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

/**
 * Cuts `items` (joined with `sep`) to `width` at item boundaries, saying how
 * many were left out: a bar cut mid-word at the terminal's edge hid the later
 * outcomes without a sign that there were any.
 */
export function fitItems(items: string[], sep: string, width: number): string {
  const all = items.join(sep);
  if (all.length <= width) return all;
  for (let keep = items.length - 1; keep >= 0; keep--) {
    const more = `+${items.length - keep} more`;
    const text = [...items.slice(0, keep), more].join(sep);
    if (text.length <= width) return text;
  }
  return '';
}

/** One bar line that fits `columns`: the bar narrows first, then whole outcomes give way to "+n more". */
export function barLine(view: CampaignView, columns: number): { barsize: number; text: string } {
  const settled = view.progress.done + view.progress.cancelled;
  const head = `${view.progress.percent}% ${settled}/${view.progress.total}`;
  const state = stateText(view);
  const outcomes = sortedOutcomes(view.outcomes).map(([o, n]) => `${o} ${n}`);
  // The last column stays empty: writing into it makes some terminals wrap.
  const usable = Math.max(20, columns - 1);
  const barsize = Math.max(10, Math.min(24, usable - head.length - state.length - 40));
  const room = usable - barsize - 1;
  const fixed = `${head} | ${state}`;
  if (fixed.length + 3 > room) return { barsize, text: fitItems([head, ...state.split(', ')], ' ', room) };
  const tail = outcomes.length ? fitItems(outcomes, ', ', room - fixed.length - 3) : 'no outcomes yet';
  return { barsize, text: tail ? `${fixed} | ${tail}` : fixed };
}

/** A live bar on a terminal: redrawn on every poll, fitted to the terminal's width, gone when it stops. */
function barRenderer(stream: NodeJS.WritableStream): ProgressRenderer {
  let bar: SingleBar | undefined;
  let size = 0;
  const columns = () => (stream as NodeJS.WriteStream).columns || 80;
  const clear = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(view) {
      const settled = view.progress.done + view.progress.cancelled;
      const { barsize, text } = barLine(view, columns());
      // A new width (the terminal was resized) needs a new bar: cli-progress fixes barsize at construction.
      if (bar && barsize !== size) clear();
      if (!bar) {
        size = barsize;
        // clearOnComplete: what follows the bar (the prompt, the summary) replaces it instead of stacking under it.
        bar = new SingleBar({ stream, format: '{bar} {text}', hideCursor: true, barsize, forceRedraw: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(view.progress.total, settled, { text });
      } else {
        bar.setTotal(view.progress.total);
        bar.update(settled, { text });
      }
    },
    pause: clear,
    stop: clear,
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
