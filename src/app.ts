import express, { Express, Router } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { callbacksRouter } from '../routes/callbacks';
import { campaignPageRouter } from '../routes/campaign-page';
import { callsRouter } from '../routes/calls';
import { campaignFunnelRouter } from '../routes/campaign-funnel';
import { campaignsRouter } from '../routes/campaigns';
import { conversationsRouter } from '../routes/conversations';
import { flowGraphRouter } from '../routes/flow-graph';
import { flowPageRouter } from '../routes/flow-page';
import { flowsRouter } from '../routes/flows';
import { healthRouter, Readiness } from '../routes/health';
import { metricsRouter } from '../routes/metrics';
import type { Clock } from './clock';
import { webhooksRouter } from '../routes/webhooks';
import { checkSubscription } from './webhooks/subscription';
import type { GaCallbackAuth } from './auth/ga-callback-auth';
import type { Config } from './config';
import type { Ingest } from './dispatch/ingest';
import { AppError } from './errors';
import { campaignFlowOf } from './flows/campaign-flow';
import { bearerAuth } from './http/bearer-auth';
import { errorMiddleware, notFound } from './http/error-middleware';
import { DEFAULT_JSON_LIMITS, jsonBody } from './http/json-body';
import { rejectNulInUrl } from './http/reject-nul';
import { requestLogger } from './http/request-logger';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { CallRecord, Store } from './store';
import { flowCallSettings } from './flows/call-options';
import type { FlowCallSettings } from './flows/call-settings';
import { isKnownOutcome } from './flows/outcomes';
import { reminderSettings, ReminderSettings } from './workflows/reminder-settings';

export interface AppDeps {
  config: Config;
  logger: Logger;
  store: Store;
  ingest: Ingest;
  readiness: Readiness;
  metrics: Metrics;
  placeCall(input: { to: string; settings: ReminderSettings | FlowCallSettings }): Promise<CallRecord>;
  joinConversation(conversationId: string): Promise<CallRecord>;
  callbackUriFor(callId: string): string;
  onCampaignChange(): void;
  clock: Clock;
  /** Wakes the webhook deliverer (a delivery was queued again by hand). */
  onWebhookRetry?(): void;
  /** Checks the JWT on GA callbacks. */
  gaCallbackAuth: GaCallbackAuth;
}

/** Builds the HTTP surface; it neither listens nor starts background work (server.ts does). */
export function createApp(deps: AppDeps): Express {
  const { config, store } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // upgrade-insecure-requests would make a browser fetch the page's own script and
  // style over https when it is served over plain http at a LAN address (blank page);
  // every asset URL is relative, so over https the page never loads http anyway.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));

  app.use(healthRouter({ readiness: deps.readiness }));
  app.use(metricsRouter(deps.metrics.registry));
  app.use(requestLogger(deps.logger));
  app.use(rejectNulInUrl);

  const limits = { ...DEFAULT_JSON_LIMITS, limitBytes: config.bodyLimitBytes };
  const { callbackUriFor } = deps;
  app.use('/api/callbacks', (_req, res, next) => {
    res.on('finish', () => deps.metrics.callbackAnswered(res.statusCode));
    next();
  });
  app.use('/api/callbacks', callbacksRouter({ callbackSecrets: config.callbackSecrets, limits, ingest: deps.ingest, gaAuth: deps.gaCallbackAuth }));

  const management = Router();
  management.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new AppError('rate_limited', `more than ${config.rateLimitPerMinute} requests a minute`, 429)),
    }),
  );
  management.use(bearerAuth(config.apiKeys));
  management.use(
    '/campaigns',
    campaignsRouter({
      store,
      limits,
      defaults: { waitSeconds: config.reminder.waitSeconds, agentTarget: config.agentTarget },
      flowSettings: (options, provided) =>
        flowCallSettings(store.flows, options, { generation: config.acsGeneration, provided, variables: {}, agentTarget: config.agentTarget }),
      onChange: deps.onCampaignChange,
      now: () => deps.clock.now(),
      checkWebhook: (webhook) => checkSubscription(config.webhooks, webhook),
    }),
  );
  management.use('/campaigns', campaignFunnelRouter({ store, flowOf: campaignFlowOf(store) }));
  management.use(...jsonBody(limits, { optional: true }));
  management.use(
    '/calls',
    callsRouter({
      store,
      placeCall: deps.placeCall,
      reminderSettings: (options) => reminderSettings(options, { waitSeconds: config.reminder.waitSeconds, agentTarget: config.agentTarget }),
      flowSettings: (options, variables) =>
        flowCallSettings(store.flows, options, {
          generation: config.acsGeneration,
          provided: new Set(Object.keys(variables)),
          variables,
          agentTarget: config.agentTarget,
        }),
      isKnownOutcome: (outcome) => isKnownOutcome(store.flows, outcome),
      callbackUriFor,
      checkWebhook: (webhook) => checkSubscription(config.webhooks, webhook),
    }),
  );
  management.use('/webhooks', webhooksRouter({ store, now: Date.now, onRetry: () => deps.onWebhookRetry?.() }));
  management.use('/conversations', conversationsRouter({ store, join: deps.joinConversation, callbackUriFor }));
  management.use('/flows', flowGraphRouter({ store }));
  management.use('/flows', flowsRouter({ store, generation: config.acsGeneration, now: () => deps.clock.now() }));
  app.use('/api', management);

  // Browsers ask for it on every page; a 404 there is noise in the console and the logs.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).set('Cache-Control', 'public, max-age=86400').end();
  });
  app.use('/campaigns', campaignPageRouter());
  app.use('/flows', flowPageRouter());
  app.use(notFound);
  app.use(errorMiddleware);
  return app;
}
