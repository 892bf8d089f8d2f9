import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createHandlerRegistry } from '../handlers';
import { createApp } from './app';
import { callbackUri } from './auth/callback-token';
import { createJwksCache } from './auth/jwks-cache';
import { createCallAutomationClient, formatConnectionString, RequestRecord } from './client';
import type { CallAutomationPort } from './client/port';
import { previewPort } from './client/preview/port';
import { Clock, systemClock } from './clock';
import { Config, loadConfig } from './config';
import { ConfigError } from './errors';
import type { WorkflowSettings } from './dispatch/context';
import { createDispatcher } from './dispatch/dispatcher';
import { createIngest } from './dispatch/ingest';
import { createEmulator } from './emulator';
import { answerClientError } from './http/client-error';
import { createLogger, Logger } from './logger';
import { createMetrics } from './metrics';
import { createReadiness } from './readiness';
import { openStore, Store } from './store';
import { joinConversation } from './workflows/join-conversation';
import { createCampaignDialer } from './workflows/campaign-dialer';
import { placeReminderCall } from './workflows/place-call';
import { resumeInterruptedCreates } from './workflows/resume-creates';

const RESUME_INTERVAL_MS = 5_000;

export interface RunningService {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Set when the emulator runs embedded. */
  emulatorUrl: string | undefined;
  store: Store;
  /** Stops accepting, finishes in-flight requests and handlers (at most the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), deadlineMs).unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function timelineRecorder(store: Store) {
  return async (r: RequestRecord) => {
    if (!r.callId) return;
    await store.timeline.append({
      callId: r.callId,
      at: Date.parse(r.startedAt),
      kind: 'request',
      name: r.operation,
      status: r.ok ? String(r.status ?? 'ok') : (r.errorCode ?? String(r.status ?? 'failed')),
      latencyMs: r.latencyMs,
      detail: {
        method: r.method,
        path: r.path,
        requestId: r.requestId,
        attempts: r.attempts,
        ...(r.ok ? { response: r.response ?? null } : { error: { status: r.status ?? null, code: r.errorCode, message: r.errorMessage } }),
      },
    });
  };
}

/** Wires every dependency from the config, listens, and starts handling. Used by `npm start` and by tests. */
export async function startService(config: Config, options: { logger: Logger; clock?: Clock }): Promise<RunningService> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const store = await openStore(config.database, clock.now);
  const servers: http.Server[] = [];

  let acs = config.acs;
  let emulator: ReturnType<typeof createEmulator> | undefined;
  let emulatorUrl: string | undefined;
  if (!acs) {
    emulator = createEmulator({ accessKey: config.emulator.accessKey, logger: logger.child({ component: 'emulator' }), clock, timeScale: config.emulator.timeScale });
    const emulatorServer = http.createServer(emulator.app);
    const port = await listen(emulatorServer, config.emulator.port, '127.0.0.1');
    servers.push(emulatorServer);
    emulatorUrl = `http://127.0.0.1:${port}`;
    acs = { endpoint: emulatorUrl, accessKey: config.emulator.accessKey };
    logger.info({ emulatorUrl }, 'no ACS_CONNECTION_STRING: calls go to the embedded Call Automation emulator');
  }

  // With the emulator the callback JWT issuer defaults to the emulator's own base URL.
  const jwtIssuer = config.callbackJwt.issuer ?? new URL(acs.endpoint).origin;
  const jwks = createJwksCache({ issuer: jwtIssuer, clock, logger: logger.child({ component: 'jwks' }) });
  logger.info(
    { generation: config.acsGeneration, apiVersion: config.acsApiVersion, callbackIssuer: jwtIssuer, callbackAudience: config.callbackJwt.audience },
    `Call Automation ${({ ga: 'GA', preview: 'seed preview' } as const)[config.acsGeneration]} API, api-version ${config.acsApiVersion}`,
  );

  const metrics = createMetrics({ store, clock });
  const recordOnTimeline = timelineRecorder(store);
  const recorder = async (record: RequestRecord) => {
    metrics.followUp(record);
    await recordOnTimeline(record);
  };
  // The one place the generation picks the follow-up client; workflows see the port only.
  const seedClient =
    config.acsGeneration === 'preview'
      ? createCallAutomationClient({
          endpoint: acs.endpoint,
          accessKey: acs.accessKey,
          apiVersion: config.acsApiVersion,
          retry: { maxRetries: config.acsMaxRetries },
          clock,
          logger: logger.child({ component: 'client' }),
          recorder,
        })
      : undefined;
  // The SDK is loaded only for the GA generation: it costs a noticeable part of a seed service's start-up.
  const ga = seedClient ? undefined : { ...(await import('./client/ga/ga-client')), ...(await import('./client/ga/port')) };
  const client: CallAutomationPort = seedClient
    ? previewPort(seedClient)
    : ga!.gaPort(
        ga!.createGaClient({
          connectionString: formatConnectionString(acs),
          apiVersion: config.acsApiVersion,
          maxRetries: config.acsMaxRetries,
          clock,
          logger: logger.child({ component: 'client' }),
          recorder,
        }),
      );

  // Known once the server listens when PUBLIC_BASE_URL is unset and PORT is 0 (tests).
  let publicBaseUrl = config.publicBaseUrl ?? `http://localhost:${config.port}`;
  const callbackUriFor = (callId: string) => callbackUri(publicBaseUrl, callId, config.callbackSecrets[0]);
  const settings: WorkflowSettings = {
    sourceIdentity: config.sourceIdentity,
    alternateCallerId: config.alternateCallerId,
    agentTarget: config.agentTarget,
    waitSeconds: config.reminder.waitSeconds,
    callbackUriFor,
  };
  const instanceId = config.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const dispatcher = createDispatcher({
    owner: instanceId,
    ownerIsStable: config.instanceId !== undefined,
    store,
    registry: createHandlerRegistry(),
    context: { store, client, clock, settings },
    clock,
    logger: logger.child({ component: 'dispatcher' }),
    concurrency: config.dispatchConcurrency,
    onHandled: metrics.handled,
  });

  const placeDeps = { store, client, clock, settings, instanceId, onReady: () => dispatcher.wake() };
  const dialer = createCampaignDialer({ ...placeDeps, logger: logger.child({ component: 'dialer' }) });
  const resumer = setInterval(() => {
    resumeInterruptedCreates({ ...placeDeps, logger }).catch((err) => logger.error({ err }, 'resuming interrupted creates failed'));
  }, RESUME_INTERVAL_MS);
  const app = createApp({
    config,
    logger,
    store,
    metrics,
    ingest: createIngest({
      store,
      clock,
      onCommitted: (committed) => {
        metrics.committed(committed);
        dispatcher.wake();
      },
    }),
    readiness: createReadiness({ store, clock, dispatching: () => config.dispatchConcurrency > 0 }),
    placeCall: (input) => placeReminderCall(placeDeps, input),
    joinConversation: (conversationId) => joinConversation(placeDeps, conversationId),
    callbackUriFor,
    onCampaignChange: () => dialer.wake(),
    gaCallbackAuth: { issuer: () => jwtIssuer, audience: config.callbackJwt.audience, keys: jwks.getKey, clock },
  });
  const server = http.createServer(app);
  server.on('clientError', answerClientError);
  const port = await listen(server, config.port);
  servers.unshift(server);
  if (!config.publicBaseUrl) publicBaseUrl = `http://localhost:${port}`;
  await dispatcher.start();
  if (config.dispatchConcurrency > 0) dialer.start();
  void resumeInterruptedCreates({ ...placeDeps, logger }).catch((err) => logger.error({ err }, 'resuming interrupted creates failed'));
  const url = `http://127.0.0.1:${port}`;
  logger.info({ port, database: config.database.kind, dispatchConcurrency: config.dispatchConcurrency }, 'callhook listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    emulatorUrl,
    store,
    close: () =>
      (closing ??= (async () => {
        const deadline = config.shutdownTimeoutMs;
        clearInterval(resumer);
        await closeServer(server, deadline);
        await dialer.stop(deadline);
        const drained = await dispatcher.stop(deadline);
        if (!drained) logger.warn('shutdown deadline passed with handlers still running; their events stay in the inbox');
        await emulator?.close();
        await Promise.all(servers.slice(1).map((s) => closeServer(s, 1000)));
        seedClient?.close();
        await store.close();
        logger.info('callhook stopped');
      })()),
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`callhook: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const service = await startService(config, { logger });
  if (service.emulatorUrl) logger.info({ controlApi: `${service.emulatorUrl}/emulator` }, 'emulator control API ready (see docs/emulator.md)');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`callhook: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
