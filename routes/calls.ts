import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../src/errors';
import { IdentifierError, parseRawId } from '../src/identifiers';
import { validate } from '../src/http/validate';
import { callView, iso } from '../src/http/views';
import type { CallRecord, Store } from '../src/store';
import type { FlowCallSettings } from '../src/flows/call-settings';
import { flowOptionsSchema, variablesSchema, type FlowOptions } from '../src/flows/call-options';
import { outcomeNameSchema } from '../src/flows/document';
import { reminderOptionsSchema, ReminderSettings } from '../src/workflows/reminder-settings';

export const rawIdSchema = z
  .string()
  .max(256)
  .superRefine((value, ctx) => {
    try {
      parseRawId(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as IdentifierError).message });
    }
  });

const placeCallSchema = z.strictObject({
  to: rawIdSchema,
  flow: z.literal('reminder').default('reminder'),
  ...reminderOptionsSchema.shape,
});

const placeFlowCallSchema = z.strictObject({
  to: rawIdSchema,
  ...flowOptionsSchema.shape,
  variables: variablesSchema.optional(),
});

const namesStoredFlow = (body: unknown) => {
  const flow = (body as { flow?: unknown } | null)?.flow;
  return typeof flow === 'string' && flow !== 'reminder';
};

const STATES = ['creating', 'establishing', 'established', 'terminating', 'terminated', 'failed'] as const;

const listSchema = z.strictObject({
  state: z.enum(STATES).optional(),
  outcome: outcomeNameSchema.optional(),
  campaignId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

function decodeCursor(cursor: string | undefined): { createdAt: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Both go into the query as parameters: a fraction, an out-of-range number (BIGINT) or a NUL (text) fails there as a 500.
    if (Number.isSafeInteger(value?.createdAt) && typeof value?.id === 'string' && value.id.length <= 200 && !value.id.includes('\0')) {
      return { createdAt: value.createdAt, id: value.id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('query.cursor: is not a cursor from a previous page', [{ field: 'query.cursor', message: 'invalid cursor' }]);
}

const encodeCursor = (call: CallRecord) => Buffer.from(JSON.stringify({ createdAt: call.createdAt, id: call.id })).toString('base64url');

export interface CallsRouterDeps {
  store: Store;
  placeCall(input: { to: string; settings: ReminderSettings | FlowCallSettings }): Promise<CallRecord>;
  reminderSettings(options: z.infer<typeof reminderOptionsSchema>): ReminderSettings;
  /** Resolves and checks a stored flow for one call with these variables (400 naming the node when it cannot run). */
  flowSettings(options: FlowOptions, variables: Record<string, string>): Promise<FlowCallSettings>;
  isKnownOutcome(outcome: string): Promise<boolean>;
  callbackUriFor(callId: string): string;
  /** Refuses a webhookUrl the service cannot or must not send to (400). */
  checkWebhook?(webhook: ReminderSettings['webhook']): Promise<void>;
}

/**
 * Webhook attempts live with their deliveries, not in the timeline table: each goes in before the
 * first entry written after it started; the entries themselves keep the order they were written in.
 */
function mergeByTime<T extends { at: number }>(entries: T[], attempts: T[]): T[] {
  const merged: T[] = [];
  let next = 0;
  for (const entry of entries) {
    while (next < attempts.length && attempts[next].at < entry.at) merged.push(attempts[next++]);
    merged.push(entry);
  }
  return merged.concat(attempts.slice(next));
}

/** `POST /api/calls` places a reminder call; `GET` reads one with its timeline, or lists them. */
export function callsRouter(deps: CallsRouterDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    let to: string;
    let settings: ReminderSettings | FlowCallSettings;
    if (namesStoredFlow(req.body)) {
      const { to: target, variables, ...options } = validate(placeFlowCallSchema, req.body);
      to = target;
      settings = await deps.flowSettings(options, variables ?? {});
    } else {
      const { to: target, flow: _flow, ...options } = validate(placeCallSchema, req.body ?? {});
      to = target;
      settings = deps.reminderSettings(options);
    }
    await deps.checkWebhook?.(settings.webhook);
    const call = await deps.placeCall({ to, settings });
    res.status(201).json({ ...callView(call), callbackUri: deps.callbackUriFor(call.id) });
  });

  router.get('/', async (req, res) => {
    const query = validate(listSchema, req.query, 'query');
    if (query.outcome !== undefined && !(await deps.isKnownOutcome(query.outcome))) {
      throw new ValidationError(`query.outcome: no call can end with "${query.outcome}" (neither a built-in outcome nor one of a stored flow)`, [
        { field: 'query.outcome', message: 'unknown outcome' },
      ]);
    }
    const calls = await deps.store.calls.list({ ...query, before: decodeCursor(query.cursor), limit: query.limit });
    res.json({
      calls: calls.map(callView),
      nextCursor: calls.length === query.limit ? encodeCursor(calls[calls.length - 1]) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    const id = String(req.params.id);
    const call = await deps.store.calls.get(id);
    if (!call) throw new NotFoundError(`no call with id "${id}"`, 'call_not_found');
    const [entries, webhooks, timers, inbox] = await Promise.all([
      deps.store.timeline.list(id),
      deps.store.webhooks.timelineFor(id),
      deps.store.timers.pending(id),
      deps.store.inbox.list(id),
    ]);
    const bySeq = new Map(inbox.map((e) => [e.seq, e]));
    const timeline = mergeByTime(entries, webhooks.map((w) => ({ ...w, seq: 0, inboxSeq: null })));
    res.json({
      ...callView(call),
      timers: timers.map((t) => ({ kind: t.kind, dueAt: iso(t.dueAt) })),
      // `at` is when an event was handled; receivedAt when it arrived, eventTime when the service says it happened.
      timeline: timeline.map(({ seq: _seq, inboxSeq, at, ...entry }) => {
        const event = inboxSeq === null ? undefined : bySeq.get(inboxSeq);
        return { at: iso(at), ...entry, ...(event && event.source === 'callback' ? { receivedAt: iso(event.receivedAt), eventTime: iso(event.eventTime) } : {}) };
      }),
    });
  });

  return router;
}
