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
import { Config, DEV_DEFAULTS, loadConfig } from './config';
import { checkEmulatorCanReach } from './emulator-reach';
import { ConfigError } from './errors';
import { databaseStartupError, listenStartupError, StartupError } from './startup-errors';
import type { WorkflowSettings } from './dispatch/context';
import { createDispatcher } from './dispatch/dispatcher';
import { createIngest } from './dispatch/ingest';
import { createEmulator } from './emulator';
import { createLimitedServer } from './http/server-limits';
import { answerClientError } from './http/client-error';
import { createLogger, Logger } from './logger';
import { createMetrics } from './metrics';
import { createReadiness } from './readiness';
import { createRetention } from './retention';
import { openStore, Store } from './store';
import { joinConversation } from './workflows/join-conversation';
import { createCampaignDialer } from './workflows/campaign-dialer';
import { createFlowRuntime } from './flows/runtime';
import { placeCall } from './workflows/place-call';
import { resumeInterruptedCreates } from './workflows/resume-creates';
import { createDeliverer } from './webhooks/deliverer';
import { webhookMetrics } from './webhooks/metrics';

// Also how late a call whose create answer was lost is bound from its events (see resumeInterruptedCreates).
const RESUME_INTERVAL_MS = 2_000;

export interface RunningService {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Set when the emulator runs embedded. */
  emulatorUrl: string | undefined;
  store: Store;
  /** Stops accepting, finishes in-flight requests and handlers, closes the database: all of it within one SHUTDOWN_TIMEOUT_MS. */
  close(): Promise<void>;
}

/** Where this process can reach its own listener: loopback for a wildcard HOST, else HOST itself. */
function reachableHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
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
function loadGaClient(): typeof import('./client/ga/ga-client') & typeof import('./client/ga/port') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { ...require('./client/ga/ga-client'), ...require('./client/ga/port') };
}

export async function startService(config: Config, options: { logger: Logger; clock?: Clock }): Promise<RunningService> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const hooks = config.webhooks;
  const store = await openStore(config.database, clock.now, {
    // No secret, no webhooks: nothing is written to the outbox that could never be signed.
    defaultUrl: hooks.secrets.length ? hooks.url : undefined,
    defaultEvents: hooks.events,
    progressIntervalMs: hooks.progressIntervalMs,
    reportUrlFor: (campaignId) => `${publicBaseUrl}/api/campaigns/${campaignId}/report`,
  }).catch((err: unknown) => {
    throw databaseStartupError(err, config.database);
  });
  const servers: http.Server[] = [];

  let acs = config.acs;
  let emulator: ReturnType<typeof createEmulator> | undefined;
  let emulatorUrl: string | undefined;
  if (!acs) {
    emulator = createEmulator({ accessKey: config.emulator.accessKey, logger: logger.child({ component: 'emulator' }), clock, timeScale: config.emulator.timeScale, resourceId: config.emulator.resourceId });
    const emulatorServer = http.createServer(emulator.app);
    const port = await listen(emulatorServer, config.emulator.port, '127.0.0.1').catch(async (err: unknown) => {
      await store.close();
      throw listenStartupError(err, 'EMULATOR_PORT', config.emulator.port);
    });
    servers.push(emulatorServer);
    emulatorUrl = `http://127.0.0.1:${port}`;
    acs = { endpoint: emulatorUrl, accessKey: config.emulator.accessKey, auth: 'accessKey' };
    logger.info({ emulatorUrl }, 'no ACS_CONNECTION_STRING: calls go to the embedded Call Automation emulator');
  }

  // With the emulator the callback JWT issuer defaults to the emulator's own base URL.
  const jwtIssuer = config.callbackJwt.issuer ?? new URL(acs.endpoint).origin;
  const jwks = createJwksCache({ issuer: jwtIssuer, clock, logger: logger.child({ component: 'jwks' }) });
  logger.info(
    { generation: config.acsGeneration, apiVersion: config.acsApiVersion, auth: acs.auth, callbackIssuer: jwtIssuer, callbackAudience: config.callbackJwt.audience },
    `Call Automation ${({ ga: 'GA', preview: 'seed preview' } as const)[config.acsGeneration]} API, api-version ${config.acsApiVersion}, ${acs.auth === 'entraId' ? 'Microsoft Entra ID (DefaultAzureCredential)' : 'access key'}`,
  );

  const metrics = createMetrics({ store, clock });
  const recordOnTimeline = timelineRecorder(store);
  const recorder = async (record: RequestRecord) => {
    metrics.followUp(record);
    await recordOnTimeline(record);
  };
  // The one place the generation picks the follow-up client; workflows see the port only.
  // config refuses the seed generation with Entra ID, so a preview target always has its access key.
  const seedClient =
    config.acsGeneration === 'preview' && acs.auth === 'accessKey'
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
  // require, not import(): tsc compiles both to require, but a runner that transpiles on the fly
  // (tsx/cjs, as the process tests start the service) leaves import() to Node's ESM loader, which cannot load .ts.
  const ga = seedClient ? undefined : loadGaClient();
  const client: CallAutomationPort = seedClient
    ? previewPort(seedClient)
    : ga!.gaPort(
        ga!.createGaClient({
          ...(acs.auth === 'accessKey'
            ? { connectionString: formatConnectionString(acs) }
            : // DefaultAzureCredential: environment, workload identity, managed identity, then developer sign-ins (Azure CLI…).
              { endpoint: acs.endpoint, credential: new (await import('@azure/identity')).DefaultAzureCredential() }),
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
    flows: createFlowRuntime({ flows: store.flows, secrets: hooks.secrets, allowPrivate: hooks.allowPrivate, logger: logger.child({ component: 'flows' }) }),
  };
  const instanceId = config.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const deliverer =
    hooks.secrets.length && config.dispatchConcurrency > 0
      ? createDeliverer({
          store,
          clock,
          logger: logger.child({ component: 'webhooks' }),
          owner: instanceId,
          ownerIsStable: config.instanceId !== undefined,
          secrets: hooks.secrets,
          allowPrivate: hooks.allowPrivate,
          timeoutMs: hooks.timeoutMs,
          horizonMs: hooks.horizonMs,
          retryBaseMs: hooks.retryBaseMs,
          onAttempt: webhookMetrics(metrics.registry, { store, clock }),
        })
      : undefined;
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
      limits: config.callbacks,
      onCommitted: (committed) => {
        metrics.committed(committed);
        dispatcher.wake();
      },
    }),
    readiness: createReadiness({ store, clock, dispatching: () => config.dispatchConcurrency > 0 }),
    placeCall: (input) => placeCall(placeDeps, input),
    joinConversation: (conversationId) => joinConversation(placeDeps, conversationId),
    callbackUriFor,
    onCampaignChange: () => dialer.wake(),
    clock,
    onWebhookRetry: () => deliverer?.wake(),
    gaCallbackAuth: { issuer: () => jwtIssuer, audience: config.callbackJwt.audience, keys: jwks.getKey, clock },
  });
  const server = createLimitedServer(config.http, app);
  server.on('clientError', answerClientError);
  const port = await listen(server, config.port, config.host).catch(async (err: unknown) => {
    clearInterval(resumer);
    await Promise.all(servers.map((s) => closeServer(s, 0)));
    await emulator?.close();
    seedClient?.close();
    await store.close();
    throw listenStartupError(err, 'PORT', config.port);
  });
  servers.unshift(server);
  if (!config.publicBaseUrl) publicBaseUrl = `http://localhost:${port}`;
  await dispatcher.start();
  if (config.dispatchConcurrency > 0) dialer.start();
  await deliverer?.start();
  const retention = createRetention({ store, clock, logger: logger.child({ component: 'retention' }), retentionDays: config.retentionDays });
  retention.start();
  void resumeInterruptedCreates({ ...placeDeps, logger }).catch((err) => logger.error({ err }, 'resuming interrupted creates failed'));
  const url = `http://${reachableHost(config.host)}:${port}`;
  logger.info(
    { port, listening: `http://localhost:${port}`, publicBaseUrl, database: config.database.kind, dispatchConcurrency: config.dispatchConcurrency },
    'callhook listening',
  );
  if (config.usesEmulator) void checkEmulatorCanReach(publicBaseUrl, logger);

  let closing: Promise<void> | undefined;
  return {
    url,
    emulatorUrl,
    store,
    close: () =>
      (closing ??= (async () => {
        // One budget for the whole shutdown: a container stop gives SHUTDOWN_TIMEOUT_MS in
        // total, so each phase gets what the ones before it left. Wall-clock on purpose:
        // an injected test clock may never advance.
        const endsAt = performance.now() + config.shutdownTimeoutMs;
        const left = () => Math.max(0, Math.floor(endsAt - performance.now()));
        clearInterval(resumer);
        await closeServer(server, left());
        await dialer.stop(left());
        const drained = await dispatcher.stop(left());
        await retention.stop();
        if (!drained) logger.warn('shutdown deadline passed with handlers still running; their events stay in the inbox');
        await deliverer?.stop(left());
        await emulator?.close();
        await Promise.all(servers.slice(1).map((s) => closeServer(s, left())));
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
  // The well-known development key, never a configured one: it is what the README's curl examples send.
  if (service.emulatorUrl && config.apiKeys.includes(DEV_DEFAULTS.apiKey)) logger.info(`development API key (emulator only): ${DEV_DEFAULTS.apiKey}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down');
    // close() keeps to the deadline; this only catches a dependency that ignores it (a hung database close).
    setTimeout(() => {
      logger.error('shutdown did not finish within SHUTDOWN_TIMEOUT_MS; exiting anyway');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1000).unref();
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
    // A StartupError already names the variable and the likely cause; anything else is ours, so keep its stack.
    const text = err instanceof StartupError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`callhook: failed to start: ${text}\n`);
    process.exit(1);
  });
}
