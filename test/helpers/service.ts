import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Clock } from '../../src/clock';
import { loadConfig, Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { RunningService, startService } from '../../src/server';
import { DatabaseKind, freshDatabase, TestDatabase } from './databases';
import { TEST_API_KEY, TEST_SECRET } from './tokens';

export interface TestService {
  service: RunningService;
  config: Config;
  database: TestDatabase;
  /** Every log line the service wrote, for asserting what reaches (and never reaches) the logs. */
  logs: string[];
  /** supertest against the listening service, with the API key set. */
  api: () => { get(path: string): request.Test; post(path: string): request.Test; put(path: string): request.Test; delete(path: string): request.Test };
  /** supertest against the embedded emulator (its control API). */
  emulator: () => request.Agent;
  stop(): Promise<void>;
}

/**
 * The whole service, as `npm start` runs it, on port 0 with the embedded
 * emulator and a database of its own. `env` adds or overrides variables.
 */
export async function startTestService(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  database?: TestDatabase,
  clock?: Clock,
): Promise<TestService> {
  const db = database ?? (await freshDatabase(kind));
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    // Tests run against emulators, embedded or not: the development defaults are wanted (and must be asked for).
    CALLHOOK_DEV: '1',
    CALLBACK_SECRET: TEST_SECRET,
    API_KEY: TEST_API_KEY,
    DATABASE_URL: db.url,
    EMULATOR_ACCESS_KEY: randomBytes(32).toString('base64'),
    EMULATOR_TIME_SCALE: '0.01',
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Tests poll calls and campaigns many times a second; the rate limit has a test of its own (http-security).
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger({ level: config.logLevel, destination: { write: (line: string) => void logs.push(line) } });
  const service = await startService(config, { logger, clock });
  const auth = `Bearer ${TEST_API_KEY}`;
  return {
    service,
    config,
    database: db,
    logs,
    api: () => ({
      get: (path) => request(service.url).get(path).set('Authorization', auth),
      post: (path) => request(service.url).post(path).set('Authorization', auth),
      put: (path) => request(service.url).put(path).set('Authorization', auth),
      delete: (path) => request(service.url).delete(path).set('Authorization', auth),
    }),
    emulator: () => request.agent(service.emulatorUrl!),
    stop: async () => {
      await service.close();
      if (!database) await db.drop();
    },
  };
}

export { eventually } from './eventually';
