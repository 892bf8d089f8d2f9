import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { createLogger } from '../../src/logger';
import { referenceSign } from './acs-hmac-reference';
import { eventually } from './eventually';

/**
 * Real HTTP around the emulator for tests: the emulator on port 0, a
 * receiver standing in for callhook's callback endpoint, requests signed with
 * the independent reference signer, and polling with a deadline.
 */

export const API_VERSION = '2021-06-15-preview';

export interface ReceivedPost {
  path: string;
  body: unknown;
  /** Status the receiver answered with. */
  status: number;
}

export type Responder = (post: { path: string; body: unknown; index: number }) => number | { status: number; delayMs: number };

export interface Receiver {
  baseUrl: string;
  /** Every POST, in arrival order. */
  posts: ReceivedPost[];
  /** Events (batches flattened) from POSTs answered 2xx, optionally only those sent to `path`. */
  events(path?: string): Array<Record<string, any>>;
  /** Every event received, whatever the answer, for counting attempts. */
  allEvents(path?: string): Array<Record<string, any>>;
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const posts: ReceivedPost[] = [];
  let responder: Responder = () => 200;
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      const path = req.url ?? '/';
      const answer = responder({ path, body, index: posts.length });
      const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
      posts.push({ path, body, status });
      const finish = () => {
        timers.delete(timer);
        if (!res.destroyed) res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
      };
      const timer = setTimeout(finish, delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const flatten = (list: ReceivedPost[], path?: string) =>
    list.filter((p) => path === undefined || p.path === path).flatMap((p) => (Array.isArray(p.body) ? p.body : [p.body])) as Array<Record<string, any>>;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    posts,
    events: (path) => flatten(posts.filter((p) => p.status >= 200 && p.status <= 204), path),
    allEvents: (path) => flatten(posts, path),
    respond: (r) => void (responder = r),
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RunningEmulator {
  emulator: Emulator;
  baseUrl: string;
  accessKey: string;
  close(): Promise<void>;
}

export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const accessKey = options.accessKey ?? randomBytes(32).toString('base64');
  const emulator = createEmulator({
    accessKey,
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    timeScale: 0.01,
    // The realistic hang-ups are off unless a test asks for them: at this time scale they would end calls the tests keep open.
    agentTalkMs: 0,
    silentCalleeHangUpMs: 0,
    ...options,
  });
  const server = http.createServer(emulator.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    emulator,
    baseUrl: `http://127.0.0.1:${port}`,
    accessKey,
    async close() {
      await emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

async function asResult(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: unknown = text;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
  } else {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body };
}

export interface SignedOptions {
  headers?: Record<string, string>;
  /** Sign with this key instead of the emulator's. */
  key?: string;
  date?: Date;
  /** Send these bytes instead of the signed body. */
  sendBody?: string;
  /** Leave out the api-version query parameter. */
  noApiVersion?: boolean;
}

/** Calls the Call Automation API, signed by the reference signer (not by callhook's own code). */
export async function callApi(
  acs: RunningEmulator,
  method: 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  options: SignedOptions = {},
): Promise<HttpResult> {
  const url = `${acs.baseUrl}${path}${options.noApiVersion ? '' : `${path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`}`;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const signed = await referenceSign(method, url, payload, options.key ?? acs.accessKey, options.date);
  const sent = options.sendBody ?? payload;
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...signed, ...options.headers },
    body: sent === '' ? undefined : sent,
  });
  return asResult(response);
}

/** The unauthenticated control API. */
export async function control(acs: RunningEmulator, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const response = await fetch(`${acs.baseUrl}/emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return asResult(response);
}

/** Polls until `probe` returns something truthy (see eventually.ts). */
export const waitFor = <T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> =>
  eventually(what, async () => (await probe()) || undefined, timeoutMs) as Promise<NonNullable<T>>;

export const SOURCE = '8:acs:emulator-test_source';

export function createCallBody(callbackUri: string, target: unknown, extra: Record<string, unknown> = {}) {
  return {
    source: { communicationUser: { id: SOURCE } },
    targets: [target],
    subject: 'test call',
    callbackUri,
    requestedModalities: ['audio'],
    requestedCallEvents: ['participantsUpdated', 'dtmfReceived'],
    alternateCallerId: { value: '+18005550100' },
    ...extra,
  };
}

/** Starts an emulator and a receiver for the whole file, and stops them after it; `use` receives both. */
export function useEmulatorAndReceiver(options: Partial<EmulatorOptions>, use: (acs: RunningEmulator, rx: Receiver) => void): void {
  let acs: RunningEmulator;
  let rx: Receiver;
  beforeAll(async () => {
    acs = await startEmulator(options);
    rx = await startReceiver();
    use(acs, rx);
  });
  afterAll(async () => {
    await acs.close();
    await rx.close();
  });
}
