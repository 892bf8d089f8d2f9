import { Router } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../src/errors';
import { iso } from '../src/http/views';
import { validate } from '../src/http/validate';
import type { Store } from '../src/store';
import type { Delivery } from '../src/store/webhooks';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/event-types';

const listSchema = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  endpoint: z.string().max(2048).optional(),
  type: z.enum(WEBHOOK_EVENT_TYPES).optional(),
  callId: z.string().max(100).optional(),
  campaignId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().regex(/^\d{1,15}$/, 'is not a cursor from a previous page').optional(),
});

const idSchema = z.strictObject({ id: z.string().regex(/^\d{1,15}$/, 'must be a delivery id (a whole number)') });

function deliveryView(d: Delivery) {
  return {
    id: d.id,
    webhookId: d.eventId,
    type: d.type,
    endpoint: d.endpoint,
    status: d.status,
    attempts: d.attempts,
    callId: d.callId,
    campaignId: d.campaignId,
    createdAt: iso(d.createdAt),
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    deliveredAt: iso(d.deliveredAt),
    payload: JSON.parse(d.body),
  };
}

/** The outbox as users see it: every delivery with its state, and a way to send one again. */
export function webhooksRouter(deps: { store: Store; now: () => number; onRetry(): void }): Router {
  const router = Router();

  router.get('/deliveries', async (req, res) => {
    const { cursor, ...query } = validate(listSchema, req.query, 'query');
    const deliveries = await deps.store.webhooks.list({ ...query, beforeId: cursor === undefined ? undefined : Number(cursor) });
    res.json({
      deliveries: deliveries.map(deliveryView),
      nextCursor: deliveries.length === query.limit ? String(deliveries[deliveries.length - 1].id) : null,
    });
  });

  router.post('/deliveries/:id/retry', async (req, res) => {
    const id = Number(validate(idSchema, req.params, 'params').id);
    const existing = await deps.store.webhooks.get(id);
    if (!existing) throw new NotFoundError(`no webhook delivery with id ${id}`, 'delivery_not_found');
    if (existing.status === 'delivered') {
      throw new ConflictError(`delivery ${id} was already delivered`, 'already_delivered');
    }
    const retried = await deps.store.webhooks.retry(id, deps.now());
    deps.onRetry();
    res.status(202).json(deliveryView(retried ?? existing));
  });

  return router;
}
