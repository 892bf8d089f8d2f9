import express, { Express } from 'express';
import { callbacksRouter } from '../routes/callbacks';
import { healthRouter, Readiness } from '../routes/health';
import type { Config } from './config';
import type { Ingest } from './dispatch/ingest';
import { errorMiddleware, notFound } from './http/error-middleware';
import { DEFAULT_JSON_LIMITS } from './http/json-body';
import { requestLogger } from './http/request-logger';
import type { Logger } from './logger';

export interface AppDeps {
  config: Config;
  logger: Logger;
  ingest: Ingest;
  readiness: Readiness;
}

/** Builds the HTTP surface; it neither listens nor starts background work (server.ts does). */
export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  app.use(healthRouter({ readiness: deps.readiness }));
  app.use(requestLogger(deps.logger));

  const limits = { ...DEFAULT_JSON_LIMITS, limitBytes: config.bodyLimitBytes };
  app.use('/api/callbacks', callbacksRouter({ callbackSecrets: config.callbackSecrets, limits, ingest: deps.ingest }));

  app.use(notFound);
  app.use(errorMiddleware);
  return app;
}
