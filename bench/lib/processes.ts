import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

/** Every process the bench started and that still runs: none may outlive the bench, whatever ends it. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping what it started\n`);
    process.exit(130);
  });
}

export { freePort } from '../../test/helpers/process';

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines the process wrote (bounded), for error messages. */
  tail(): string[];
  /** Stops it with SIGTERM (SIGKILL after `graceMs`) and waits for the exit. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * An entry point in a node process of its own: compiled JavaScript as it is,
 * TypeScript through tsx/cjs (as test/helpers/process.ts does). Resolves once a line of its
 * output matches `ready`; rejects if it exits or `timeoutMs` passes first.
 */
export async function startNode(options: {
  name: string;
  script: string;
  env: Record<string, string>;
  ready: RegExp;
  execArgv?: string[];
  timeoutMs?: number;
  /** Every line of its output also goes to this file. */
  logFile?: string;
}): Promise<NodeProcess & { readyLine: string }> {
  const loader = options.script.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [];
  const child = spawn(process.execPath, [...(options.execArgv ?? []), ...loader, options.script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const lines: string[] = [];
  const log = options.logFile ? fs.createWriteStream(options.logFile) : undefined;
  let onReady: (line: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (onReady = resolve));
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        log?.write(`${line}\n`);
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (options.ready.test(line)) onReady(line);
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 60_000)));
  const first = await Promise.race([ready, exited.then(() => 'exited' as const), timeout]);
  clearTimeout(timer);
  if (first === 'exited' || first === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(`${options.name} ${first === 'exited' ? 'exited' : 'did not start in time'}:\n${lines.slice(-30).join('\n')}`);
  }
  return {
    name: options.name,
    child,
    pid: child.pid!,
    readyLine: first,
    tail: () => [...lines],
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Resident set size now and at its peak (VmHWM), in bytes, from /proc; undefined where /proc is absent. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Keeps the highest resident set size seen while it runs (VmHWM covers the rest). */
export function sampleMemory(pid: number, everyMs = 250) {
  let peak = 0;
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (m) peak = Math.max(peak, m.rss, m.peak);
  }, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      const m = memoryOf(pid);
      if (m) peak = Math.max(peak, m.peak);
      return peak;
    },
  };
}
