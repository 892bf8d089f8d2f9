import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../src/errors';
import { validate } from '../src/http/validate';
import { callView, iso } from '../src/http/views';
import type { CallRecord, Store } from '../src/store';

const conversationIdSchema = z.object({
  conversationId: z
    .string()
    .min(1)
    // Bytes, not characters: the id is indexed, and a Postgres index entry cannot exceed about 2.7 kB.
    .refine((id) => Buffer.byteLength(id, 'utf8') <= 2048, 'must be at most 2048 bytes of UTF-8')
    // The client refuses these dot-segments as a URL path part; caught here, before a monitor row is stored that no join could ever complete.
    .refine((id) => id !== '.' && id !== '..', 'is not a conversation id'),
});

export interface ConversationsRouterDeps {
  store: Store;
  join(conversationId: string): Promise<CallRecord>;
  callbackUriFor(callId: string): string;
}

/** Monitors joined conversations: join, then read the live roster and the join/leave/mute log. */
export function conversationsRouter(deps: ConversationsRouterDeps): Router {
  const router = Router();

  router.post('/:conversationId/join', async (req, res) => {
    const { conversationId } = validate(conversationIdSchema, req.params, 'params');
    const call = await deps.join(conversationId);
    res.status(201).json({ ...callView(call), callbackUri: deps.callbackUriFor(call.id) });
  });

  /** `:id` is the monitor's id from the join answer, or the conversation id (its latest monitor). */
  router.get('/:id/participants', async (req, res) => {
    const id = String(req.params.id);
    let monitor = await deps.store.calls.get(id);
    if (!monitor || monitor.kind !== 'conversation') {
      [monitor] = await deps.store.calls.list({ kind: 'conversation', conversationId: id, limit: 1 });
    }
    if (!monitor) throw new NotFoundError(`no joined conversation "${id}"`, 'conversation_not_found');
    const [participants, log] = await Promise.all([deps.store.roster.current(monitor.id), deps.store.roster.log(monitor.id)]);
    res.json({
      ...callView(monitor),
      participants: participants.map((p) => ({ ...p, joinedAt: iso(p.joinedAt) })),
      log: log.map(({ seq: _seq, at, ...entry }) => ({ at: iso(at), ...entry })),
    });
  });

  return router;
}
