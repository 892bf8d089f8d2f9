import bodyParser from 'body-parser';
import { RequestHandler, Router } from 'express';
import { ConflictError, NotFoundError, ValidationError } from '../src/errors';
import { newId } from '../src/ids';
import { streamReportCsv, streamReportJson } from '../src/http/campaign-report';
import { jsonBody, JsonLimits, verifyUtf8 } from '../src/http/json-body';
import { validate } from '../src/http/validate';
import { iso } from '../src/http/views';
import type { CampaignRecord, CampaignStatus, Store } from '../src/store';
import { campaignFromQuery, campaignSchema, campaignTargets, csvUploadFieldName, MAX_TARGETS } from '../src/workflows/campaign-input';
import { describeOpening, isWithinWindow, nextWindowOpening } from '../src/workflows/calling-window';
import type { FlowOptions } from '../src/flows/call-options';
import type { FlowCallSettings } from '../src/flows/call-settings';
import type { NewTarget } from '../src/store/campaigns';
import { reminderSettings, type ReminderSettings } from '../src/workflows/reminder-settings';

/** The columns a flow's `{{variables}}` can rely on: those no row leaves empty. */
function columnsEveryRowFills(targets: NewTarget[]): Set<string> {
  const columns = new Set(Object.keys(targets[0]?.fields ?? {}));
  for (const { fields } of targets) for (const column of columns) if (!fields[column]) columns.delete(column);
  return columns;
}

export interface CampaignsRouterDeps {
  store: Store;
  limits: JsonLimits;
  defaults: { waitSeconds: number; agentTarget: string | undefined };
  /** Resolves and checks a stored flow for a campaign whose every row fills `provided` (400 naming the node when it cannot run). */
  flowSettings(options: FlowOptions, provided: ReadonlySet<string>): Promise<FlowCallSettings>;
  /** Called when a campaign may have work to dial now. */
  onChange(): void;
  /** Whether a calling window is open now, and when it opens next. */
  now(): number;
  /** Refuses a webhookUrl the service cannot or must not send to (400). */
  checkWebhook?(webhook: ReminderSettings['webhook']): Promise<void>;
}

const CSV_TYPES = ['text/csv', 'application/csv'];

const TRANSITIONS: Record<string, { from: CampaignStatus[]; to: CampaignStatus }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'cancelled' },
};

/**
 * Why a running campaign places no calls now, so a closed window does not look
 * like a stuck campaign (running, 0 in progress, 0 calls/s).
 */
function waitingFor(campaign: CampaignRecord, pending: number, now: number) {
  const window = campaign.callingWindow;
  if (campaign.status !== 'running' || pending === 0 || !window || isWithinWindow(window, now)) return null;
  const opensAt = nextWindowOpening(window, now);
  return {
    reason: 'calling-window' as const,
    opensAt: opensAt === undefined ? null : iso(opensAt),
    message: opensAt === undefined ? 'waiting for the calling window (it never opens: check its days)' : `waiting for the calling window (opens at ${describeOpening(window, opensAt)})`,
  };
}

async function campaignView(store: Store, campaign: CampaignRecord, now: number) {
  const counts = await store.campaigns.counts(campaign.id);
  const byStatus = { pending: 0, dialling: 0, done: 0, cancelled: 0 };
  const outcomes: Record<string, number> = {};
  let attempts = 0;
  for (const row of counts) {
    byStatus[row.status] += row.count;
    attempts += row.attempts;
    if (row.status === 'done' && row.outcome) outcomes[row.outcome] = (outcomes[row.outcome] ?? 0) + row.count;
  }
  const settled = byStatus.done + byStatus.cancelled;
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    settings: campaign.settings,
    callsPerSecond: campaign.callsPerSecond,
    maxConcurrentCalls: campaign.maxConcurrent,
    retry: { attempts: campaign.maxAttempts, delaySeconds: campaign.retryDelayMs / 1000, on: campaign.retryOutcomes },
    window: campaign.callingWindow,
    progress: { total: campaign.total, ...byStatus, attempts, percent: campaign.total ? Math.floor((settled * 100) / campaign.total) : 100 },
    outcomes,
    waiting: waitingFor(campaign, byStatus.pending, now),
    webhooks: { failingDeliveries: await store.webhooks.failingForCampaign(campaign.id) },
    createdAt: iso(campaign.createdAt),
    updatedAt: iso(campaign.updatedAt),
    finishedAt: iso(campaign.finishedAt),
  };
}

/** Campaigns: many reminder or alert calls, dialled within rate, concurrency and calling-window limits. */
export function campaignsRouter(deps: CampaignsRouterDeps): Router {
  const { store } = deps;
  const router = Router();
  const load = async (id: string) => {
    const campaign = await store.campaigns.get(id);
    if (!campaign) throw new NotFoundError(`no campaign with id "${id}"`, 'campaign_not_found');
    return campaign;
  };

  const limits = { ...deps.limits, limitBytes: Math.max(deps.limits.limitBytes, 20 * 1024 * 1024), maxArrayLength: MAX_TARGETS };
  const csvText = bodyParser.text({
    type: CSV_TYPES,
    limit: limits.limitBytes,
    // Another declared charset (latin1 exports) is decoded as declared; UTF-8 must really be UTF-8.
    verify: (_req, _res, buf, encoding) => (/^utf-?8$/i.test(encoding) ? verifyUtf8(buf) : undefined),
  });
  const csv: RequestHandler = (req, res, next) =>
    csvText(req, res, (err?: unknown) => {
      // Same rule as JSON bodies: no U+0000, which Postgres text cannot store.
      if (!err && typeof req.body === 'string' && req.body.includes('\0')) {
        return next(new ValidationError('body has a NUL character (\\u0000)', undefined, 'invalid_character'));
      }
      next(err);
    });
  const json = Router().use(...jsonBody(limits));
  const body: RequestHandler = (req, res, next) => (req.is(CSV_TYPES) ? csv(req, res, next) : json(req, res, next));

  router.post('/', body, async (req, res) => {
    const input =
      typeof req.body === 'string'
        ? validate(campaignSchema, campaignFromQuery(req.query as Record<string, unknown>, req.body), 'query', csvUploadFieldName)
        : validate(campaignSchema, req.body ?? {});
    const targets = campaignTargets(input);
    const settings =
      input.flow !== undefined && input.flow !== 'reminder'
        ? await deps.flowSettings({ ...input, flow: input.flow }, columnsEveryRowFills(targets))
        : reminderSettings({ ...input, audioFileUri: input.audioFileUri as string }, deps.defaults);
    await deps.checkWebhook?.(settings.webhook);
    const campaign = await store.tx((r) =>
      r.campaigns.create(
        {
          id: newId(),
          name: input.name,
          settings: settings as unknown as Record<string, unknown>,
          callsPerSecond: input.callsPerSecond,
          maxConcurrent: input.maxConcurrentCalls,
          maxAttempts: input.retry.attempts,
          retryDelayMs: Math.round(input.retry.delaySeconds * 1000),
          retryOutcomes: input.retry.on,
          callingWindow: input.window ?? null,
        },
        targets,
      ),
    );
    deps.onChange();
    res.status(201).location(`/api/campaigns/${campaign.id}`).json(await campaignView(store, campaign, deps.now()));
  });

  router.get('/', async (_req, res) => {
    const campaigns = await store.campaigns.list(100);
    res.json({ campaigns: await Promise.all(campaigns.map((c) => campaignView(store, c, deps.now()))) });
  });

  router.get('/:id', async (req, res) => {
    res.json(await campaignView(store, await load(String(req.params.id)), deps.now()));
  });

  for (const [action, { from, to }] of Object.entries(TRANSITIONS)) {
    router.post(`/:id/${action}`, async (req, res) => {
      const campaign = await load(String(req.params.id));
      if (!(await store.tx((r) => r.campaigns.transition(campaign.id, from, to)))) {
        throw new ConflictError(`cannot ${action} a campaign that is ${campaign.status}`, 'invalid_campaign_state');
      }
      deps.onChange();
      res.json(await campaignView(store, await load(campaign.id), deps.now()));
    });
  }

  router.get('/:id/report', async (req, res) => {
    const campaign = await load(String(req.params.id));
    if (req.query.format === 'csv' || (req.query.format === undefined && req.accepts(['json', 'text/csv']) === 'text/csv')) {
      await streamReportCsv(res, store, campaign.id);
      return;
    }
    await streamReportJson(res, store, campaign.id, await campaignView(store, campaign, deps.now()));
  });

  return router;
}
