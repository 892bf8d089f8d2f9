import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulator, EmulatorOptions } from '../../src/emulator';
import { createLogger } from '../../src/logger';

/**
 * The Call Automation emulator in a process of its own, so the service under
 * test does not share its event loop. Options come as JSON in
 * BENCH_EMULATOR_OPTIONS; prints `emulator listening <url>` when ready.
 */
function main(): void {
  const options = JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? '{}') as Partial<EmulatorOptions>;
  const accessKey = process.env.EMULATOR_ACCESS_KEY;
  if (!accessKey) throw new Error('EMULATOR_ACCESS_KEY is required');
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'bench-emulator' });
  const emulator = createEmulator({ ...options, accessKey, logger });
  const server = http.createServer(emulator.app);
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`emulator listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void emulator.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}

main();
