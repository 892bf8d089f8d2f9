import type { Handler } from '../src/dispatch/context';
import type { CallEventOf } from '../src/events/schemas';
import type { CallState } from '../src/events/types';
import type { CallStateName } from '../src/store';
import { workflowFor } from '../src/workflows';
import { closeCampaignAttempt } from '../src/workflows/campaign-attempt';
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
    await ctx.updateCall({
      state: next,
      conversationId: event.data.ConversationId ?? call.conversationId,
      ...(next === 'terminated' ? { endedAt: ctx.clock.now() } : {}),
    });
  } else if (event.data.ConversationId && !call.conversationId) {
    await ctx.updateCall({ conversationId: event.data.ConversationId });
  }
  await workflowFor(ctx.call.flow)?.onStateChanged?.(event, ctx);
  if (ctx.call.state === 'terminated') await closeCampaignAttempt(ctx.store, ctx.call, ctx.clock.now());
};
