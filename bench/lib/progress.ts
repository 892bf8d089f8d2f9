import { Presets, SingleBar } from 'cli-progress';

export interface Step {
  /** `value` out of the step's total, with a short status text. */
  update(value: number, status?: string): void;
  done(summary: string): void;
}

export interface Progress {
  /** A step with a known amount of work (requests, seconds, targets). */
  step(name: string, total: number, unit: string): Step;
  log(line: string): void;
}

/** A bar on a terminal; plain lines (at most one every 5 s per step) when output goes to a file or a pipe. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  const started = Date.now();
  const stamp = () => `[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`;
  let bar: SingleBar | undefined;

  return {
    log(line) {
      if (bar) bar.stop();
      bar = undefined;
      stream.write(`${stamp()} ${line}\n`);
    },
    step(name, total, unit) {
      if (tty) {
        bar?.stop();
        const own = new SingleBar(
          { stream, format: `${name.padEnd(34)} {bar} {value}/{total} ${unit} | {status}`, hideCursor: true, barsize: 20, etaBuffer: 50 },
          Presets.shades_classic,
        );
        bar = own;
        own.start(total, 0, { status: '' });
        return {
          update: (value, status = '') => own.update(Math.min(value, total), { status }),
          done: (summary) => {
            own.update(total, { status: summary });
            own.stop();
            if (bar === own) bar = undefined;
          },
        };
      }
      let lastAt = 0;
      stream.write(`${stamp()} ${name}: started (${total} ${unit})\n`);
      return {
        update(value, status = '') {
          if (Date.now() - lastAt < 5000) return;
          lastAt = Date.now();
          stream.write(`${stamp()} ${name}: ${value}/${total} ${unit}${status ? ` | ${status}` : ''}\n`);
        },
        done: (summary) => void stream.write(`${stamp()} ${name}: ${summary}\n`),
      };
    },
  };
}
