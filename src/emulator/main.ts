import http from 'node:http';
import { loadConfig } from '../config';
import { ConfigError } from '../errors';
import { createLogger } from '../logger';
import { createEmulator } from './index';

/**
 * `npm run emulator`: the emulator alone on EMULATOR_PORT, all interfaces.
 * It prints the connection string to give callhook, key included: that key
 * is the emulator's own and useless anywhere else.
 */
function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name: 'callhook-emulator' });
  const emulator = createEmulator({ accessKey: config.emulator.accessKey, logger, timeScale: config.emulator.timeScale, resourceId: config.emulator.resourceId });
  const server = http.createServer(emulator.app);
  server.keepAliveTimeout = 65_000;

  server.on('error', (err) => {
    logger.fatal({ err }, 'emulator could not listen');
    process.exit(1);
  });
  server.listen(config.emulator.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.emulator.port;
    const base = `http://localhost:${port}`;
    process.stdout.write(
      [
        `Call Automation emulator listening on port ${port} (time scale ${config.emulator.timeScale})`,
        `ACS_CONNECTION_STRING=${emulator.connectionString(base)}`,
        '  (EMULATOR_ACCESS_KEY keeps the same key across restarts)',
        'CALLHOOK_DEV=1   (for callhook too, unless you set API_KEY, CALLBACK_SECRET and SOURCE_IDENTITY)',
        `control API: ${base}/emulator   (no authentication: keep it on this machine)`,
        '',
      ].join('\n'),
    );
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'emulator shutting down');
    server.close();
    server.closeIdleConnections();
    emulator
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'emulator did not close cleanly');
        process.exit(1);
      });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
