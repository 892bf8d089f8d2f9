import type { Handler } from '../src/dispatch/context';
import type { CallEventOf } from '../src/events/schemas';
import type { CallState } from '../src/events/types';
import type { CallStateName } from '../src/store';
import { workflowFor } from '../src/workflows';
import { isOwnLeg } from './leg';

const STATE: Record<CallState, CallStateName> = {
  Establishing: 'establishing',
  Established: 'established',
  Terminating: 'terminating',
  Terminated: 'terminated',
};

const RANK: Record<CallStateName, number> = { creating: 0, establishing: 1, established: 2, terminating: 3, terminated: 4, failed: 4 };

/** A leg only moves forward: a late Establishing after Established, or anything after Terminated, changes nothing. */
export const onCallLegStateChanged: Handler<CallEventOf<'Microsoft.Communication.CallLegStateChanged'>> = async (event, ctx) => {
  if (!(await isOwnLeg(event.data.CallLegId, ctx))) return;
  const next = STATE[event.data.CallState];
  const call = ctx.call;
  if (RANK[next] > RANK[call.state]) {
    const updated = await ctx.store.calls.update(call.id, {
      state: next,
      conversationId: event.data.ConversationId ?? call.conversationId,
      ...(next === 'terminated' ? { endedAt: ctx.clock.now() } : {}),
    });
    if (updated) ctx.call = updated;
  } else if (event.data.ConversationId && !call.conversationId) {
    const updated = await ctx.store.calls.update(call.id, { conversationId: event.data.ConversationId });
    if (updated) ctx.call = updated;
  }
  await workflowFor(ctx.call.flow)?.onStateChanged?.(event, ctx);
};
