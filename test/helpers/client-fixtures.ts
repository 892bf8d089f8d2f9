import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { createCallAutomationClient, CallAutomationClientDeps } from '../../src/client/client';
import type { RequestRecord } from '../../src/client/recorder';
import { createRecordingClock } from './recording-clock';
import { startScriptedAcsServer, type ScriptedAcsServer } from './scripted-acs-server';

/** A fresh base64 access key, like the one in a connection string. */
export function newAccessKey(): string {
  return randomBytes(32).toString('base64');
}

/** A debug-level logger whose lines are kept, to prove what is (not) logged. */
export function createCapturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** A client against `endpoint` with a clock that does not really sleep, keeping records and logs. */
export function createTestClient(
  endpoint: string,
  accessKey: string,
  overrides: Partial<CallAutomationClientDeps> = {},
  clockStart = Date.now(),
) {
  const { clock, sleeps } = createRecordingClock(clockStart);
  const { logger, lines } = createCapturingLogger();
  const records: RequestRecord[] = [];
  const client = createCallAutomationClient({
    endpoint,
    accessKey,
    apiVersion: '2021-06-15-preview',
    clock,
    logger,
    retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 100 },
    recorder: (record) => void records.push(record),
    ...overrides,
  });
  return { client, sleeps, records, logLines: lines };
}

/** A fresh scripted server and a client of ours pointed at it for every test; `use` receives both. */
export function useScriptedServerAndClient(accessKey: string, use: (server: ScriptedAcsServer, harness: ReturnType<typeof createTestClient>) => void): void {
  let server: ScriptedAcsServer;
  let harness: ReturnType<typeof createTestClient>;
  beforeEach(async () => {
    server = await startScriptedAcsServer(accessKey);
    harness = createTestClient(server.url, accessKey);
    use(server, harness);
  });
  afterEach(async () => {
    harness.client.close();
    await server.close();
  });
}
