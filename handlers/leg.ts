import type { Handler, HandlerContext } from '../src/dispatch/context';
import type { DomainEvent } from '../src/events/domain';
import { workflowFor } from '../src/workflows';
import type { Workflow } from '../src/workflows/workflow';

/**
 * Whether an event is about this call's own leg. The leg id is bound from the
 * create-call (or join) answer; an event for any other leg (a replayed sample,
 * a leg we did not start) is recorded and otherwise left alone.
 */
export async function isOwnLeg(legId: string, ctx: HandlerContext): Promise<boolean> {
  if (ctx.call.callLegId === legId) return true;
  if (ctx.call.callLegId === null) {
    await ctx.updateCall({ callLegId: legId });
    return true;
  }
  await ctx.store.timeline.append({
    callId: ctx.call.id,
    at: ctx.clock.now(),
    kind: 'note',
    name: 'foreign_leg',
    status: 'ignored',
    detail: { legId, ownLegId: ctx.call.callLegId },
    dedupeKey: `foreign:${ctx.inbox.seq}`,
  });
  return false;
}

type LegMethod = 'onKeyPressed' | 'onPlayback' | 'onParticipantResult' | 'onRoster';
type EventOfMethod<M extends LegMethod> = Parameters<NonNullable<Workflow[M]>>[0];

/** The common shape of a handler: events of our own leg go to the call's workflow. */
export function toWorkflow<M extends LegMethod>(method: M): Handler<EventOfMethod<M> & DomainEvent> {
  return async (event, ctx) => {
    if (event.legId === null || !(await isOwnLeg(event.legId, ctx))) return;
    const fn = workflowFor(ctx.call)?.[method] as ((e: EventOfMethod<M>, c: HandlerContext) => Promise<void>) | undefined;
    await fn?.(event, ctx);
  };
}
