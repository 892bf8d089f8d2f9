import { setMaxListeners } from 'node:events';
import express, { type Express } from 'express';
import { formatConnectionString } from '../client/connection-string';
import { systemClock } from '../clock';
import { createEmulatorControlRouter } from '../../routes/emulator';
import { createAudioCatalog } from './audio';
import type { EmulatorContext } from './context';
import { createControl } from './control';
import { createConversationRegistry } from './conversations';
import { createDelivery } from './delivery/delivery';
import { createPoster } from './delivery/http-post';
import { createEventTime } from './event-time';
import { createFaultState } from './fault-state';
import { createOpenIdRouter } from './ga/openid';
import { createGaCallingRouter } from './ga/rest-router';
import { createSigningKeys } from './ga/signing-keys';
import { createLegRegistry } from './legs';
import { resolveOptions, type EmulatorOptions } from './options';
import { createRepeatabilityStore } from './repeatability';
import { createRequestLog } from './request-log';
import { createCallingRouter } from './preview/rest-router';
import { createScriptStore } from './scripts';
import { createTimers } from './timers';

export type { EmulatorOptions } from './options';

export interface Emulator {
  /** Serves the Call Automation API under /calling and the control API under /emulator. */
  app: Express;
  /** `endpoint=<baseUrl>/;accesskey=<key>`, what callhook's ACS_CONNECTION_STRING takes. */
  connectionString(baseUrl: string): string;
  /** Stops every timer and pending delivery; the app answers nothing useful afterwards. */
  close(): Promise<void>;
}

/** A local stand-in for the Call Automation service (see docs/emulator.md). All state lives in the returned object. */
export function createEmulator(options: EmulatorOptions): Emulator {
  const resolved = resolveOptions(options);
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const timers = createTimers(clock, resolved.timeScale, (err) => logger.error({ err }, 'emulator timer failed'));
  const faults = createFaultState(options.random ?? Math.random);
  const closing = new AbortController();
  // Each REST answer held back by the response-delay fault listens to it.
  setMaxListeners(0, closing.signal);

  const ctx: EmulatorContext = {
    options: resolved,
    clock,
    logger,
    timers,
    eventTime: createEventTime(clock),
    legs: createLegRegistry({ maxEnded: resolved.maxEndedLegs, maxForgotten: 200_000 }),
    conversations: createConversationRegistry(timers, () => clock.now()),
    scripts: createScriptStore(),
    audio: createAudioCatalog(resolved.audioDurationMs),
    delivery: createDelivery({ clock, timers, poster: createPoster(), logger, settings: faults.settings, random: faults.random }),
    callbackKeys: createSigningKeys(() => clock.now(), resolved.keyGraceMs),
  };
  const repeatability = createRepeatabilityStore({ windowMs: resolved.repeatabilityWindowMs, maxEntries: 500_000 });
  const requestLog = createRequestLog(resolved.requestLogLimit);
  const control = createControl({ ctx, faults, repeatability, requestLog });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const callingDeps = { ctx, accessKey: options.accessKey, repeatability, requestLog, settings: faults.settings, closing: closing.signal };
  // Both generations on one port: GA under /calling/callConnections (and its keys), the seed under /calling/calls and /calling/conversations.
  app.use('/calling', createOpenIdRouter(ctx.callbackKeys));
  app.use('/calling', createGaCallingRouter(callingDeps));
  app.use(
    '/calling',
    createCallingRouter({ ctx, accessKey: options.accessKey, repeatability, requestLog, settings: faults.settings, closing: closing.signal }),
  );
  app.use('/emulator', createEmulatorControlRouter(control, logger));

  return {
    app,
    connectionString: (baseUrl) => formatConnectionString({ endpoint: baseUrl.replace(/\/+$/, ''), accessKey: options.accessKey }),
    async close() {
      closing.abort();
      timers.cancelAll();
      await ctx.delivery.close();
    },
  };
}
