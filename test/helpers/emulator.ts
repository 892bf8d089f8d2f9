import request from 'supertest';
import type { EmulatorOptions } from '../../src/emulator';
import { startEmulator as startHarnessEmulator } from './emulator-harness';

export interface RunningEmulator {
  url: string;
  accessKey: string;
  /** ACS_CONNECTION_STRING for a service that should use this emulator. */
  connectionString: string;
  control: () => request.Agent;
  close(): Promise<void>;
}

/** An emulator of its own on port 0, for tests whose service process comes and goes while calls continue. */
export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const running = await startHarnessEmulator(options);
  return {
    url: running.baseUrl,
    accessKey: running.accessKey,
    connectionString: running.emulator.connectionString(running.baseUrl),
    control: () => request.agent(running.baseUrl),
    close: running.close,
  };
}
