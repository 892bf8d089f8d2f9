import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createEmulator, EmulatorOptions } from '../../src/emulator';
import { createLogger } from '../../src/logger';

export interface RunningEmulator {
  url: string;
  accessKey: string;
  /** ACS_CONNECTION_STRING for a service that should use this emulator. */
  connectionString: string;
  control: () => request.Agent;
  close(): Promise<void>;
}

/** An emulator of its own on port 0, for tests whose service process comes and goes while calls continue. */
export async function startEmulator(options: Partial<EmulatorOptions> = {}, port = 0): Promise<RunningEmulator> {
  const accessKey = randomBytes(32).toString('base64');
  const emulator = createEmulator({ accessKey, logger: createLogger({ level: 'silent' }), timeScale: 0.01, ...options });
  const server = http.createServer(emulator.app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accessKey,
    connectionString: emulator.connectionString(url),
    control: () => request.agent(url),
    close: async () => {
      await emulator.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
