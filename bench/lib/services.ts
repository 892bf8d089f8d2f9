import { randomBytes } from 'node:crypto';
import { callbackToken } from '../../src/auth/callback-token';
import { freePort, NodeProcess, startNode } from './processes';

export const BENCH_SECRET = 'bench-callback-secret-0123456789';
export const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';

export function callbackPath(callId: string): string {
  return `/api/callbacks/${encodeURIComponent(callId)}?token=${callbackToken(BENCH_SECRET, callId)}`;
}

export interface Callhook extends NodeProcess {
  url: string;
  /** JSON request to the management API (with the key), throwing on a non-2xx answer. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export interface RunOptions {
  /** Extra node flags for the service (e.g. --cpu-prof). */
  execArgv?: string[];
  /** Extra environment, after the benchmark's own. */
  env?: Record<string, string>;
  /** Keep the service's whole output in this file. */
  logFile?: string;
}

/** callhook as `npm start` and the container run it (the compiled dist/src/server.js), in its own process. */
export async function startCallhook(env: Record<string, string>, options: RunOptions = {}): Promise<Callhook> {
  const port = await freePort();
  const proc = await startNode({
    name: 'callhook',
    script: 'dist/src/server.js',
    execArgv: options.execArgv,
    logFile: options.logFile,
    ready: /"callhook listening"/,
    env: {
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      // Benchmarks run against the emulator: ask for the development defaults (a loopback endpoint alone no longer gives them).
      CALLHOOK_DEV: '1',
      CALLBACK_SECRET: BENCH_SECRET,
      API_KEY: BENCH_API_KEY,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '1000000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...env,
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    ...proc,
    url,
    api: (method, path, body) => jsonRequest(`${url}${path}`, method, body, { Authorization: `Bearer ${BENCH_API_KEY}` }),
  };
}

export interface EmulatorProcess extends NodeProcess {
  url: string;
  connectionString: string;
  control<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** The emulator alone in its own process (bench/servers/emulator.ts). */
export async function startEmulatorProcess(options: Record<string, unknown>): Promise<EmulatorProcess> {
  const accessKey = randomBytes(32).toString('base64');
  const proc = await startNode({
    name: 'emulator',
    script: 'bench/servers/emulator.ts',
    ready: /^emulator listening /,
    env: { EMULATOR_ACCESS_KEY: accessKey, BENCH_EMULATOR_OPTIONS: JSON.stringify(options) },
  });
  const url = proc.readyLine.replace(/^emulator listening /, '').trim();
  return {
    ...proc,
    url,
    connectionString: `endpoint=${url};accesskey=${accessKey}`,
    control: (method, path, body) => jsonRequest(`${url}/emulator${path}`, method, body),
  };
}

export interface BareProcess extends NodeProcess {
  url: string;
}

export async function startBare(mode: 'ack' | 'app', env: Record<string, string> = {}): Promise<BareProcess> {
  const proc = await startNode({ name: `bare (${mode})`, script: 'bench/servers/bare.ts', ready: /^bare receiver listening /, env: { BARE_MODE: mode, ...env } });
  return { ...proc, url: /listening (\S+)/.exec(proc.readyLine)![1] };
}

export async function jsonRequest<T>(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs `fn` over `items` with at most `concurrency` at once. */
export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
