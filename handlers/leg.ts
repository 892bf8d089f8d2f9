import type { Handler, HandlerContext } from '../src/dispatch/context';
import type { CallEventOf } from '../src/events/schemas';
import type { EventType } from '../src/events/types';
import { workflowFor } from '../src/workflows';

/**
 * Whether an event is about this call's own leg. The leg id is bound from the
 * create-call (or join) answer; an event for any other leg (a replayed sample,
 * a leg we did not start) is recorded and otherwise left alone.
 */
export async function isOwnLeg(callLegId: string, ctx: HandlerContext): Promise<boolean> {
  if (ctx.call.callLegId === callLegId) return true;
  if (ctx.call.callLegId === null) {
    await ctx.updateCall({ callLegId });
    return true;
  }
  await ctx.store.timeline.append({
    callId: ctx.call.id,
    at: ctx.clock.now(),
    kind: 'note',
    name: 'foreign_leg',
    status: 'ignored',
    detail: { callLegId, ownCallLegId: ctx.call.callLegId },
    dedupeKey: `foreign:${ctx.inbox.seq}`,
  });
  return false;
}

type WorkflowMethod = 'onDtmf' | 'onPlayAudioResult' | 'onInviteResult' | 'onParticipantsUpdated';

/** The common shape of a handler: events of our own leg go to the call's workflow. */
export function toWorkflow<K extends EventType>(method: WorkflowMethod): Handler<CallEventOf<K>> {
  return async (event, ctx) => {
    if (!(await isOwnLeg(event.data.CallLegId, ctx))) return;
    const workflow = workflowFor(ctx.call.flow) as Record<WorkflowMethod, ((e: CallEventOf<K>, c: HandlerContext) => Promise<void>) | undefined> | undefined;
    await workflow?.[method]?.(event, ctx);
  };
}
