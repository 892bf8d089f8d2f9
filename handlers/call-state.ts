import type { Handler } from '../src/dispatch/context';
import type { CallStateEvent, LegState } from '../src/events/domain';
import type { CallStateName } from '../src/store';
import { workflowFor } from '../src/workflows';
import { closeCampaignAttempt } from '../src/workflows/campaign-attempt';
import { isOwnLeg } from './leg';

const STATE: Record<LegState, CallStateName> = {
  connecting: 'establishing',
  connected: 'established',
  disconnecting: 'terminating',
  disconnected: 'terminated',
};

const RANK: Record<CallStateName, number> = { creating: 0, establishing: 1, established: 2, terminating: 3, terminated: 4, failed: 4 };

/** A leg only moves forward: a late connecting after connected, or anything after disconnected, changes nothing. */
export const onCallState: Handler<CallStateEvent> = async (event, ctx) => {
  if (!(await isOwnLeg(event.legId, ctx))) return;
  const next = STATE[event.state];
  const call = ctx.call;
  if (RANK[next] > RANK[call.state]) {
    await ctx.updateCall({
      state: next,
      conversationId: event.conversationId ?? call.conversationId,
      ...(next === 'terminated' ? { endedAt: ctx.clock.now() } : {}),
    });
  } else if (event.conversationId && !call.conversationId) {
    await ctx.updateCall({ conversationId: event.conversationId });
  }
  await workflowFor(ctx.call)?.onStateChanged?.(event, ctx);
  if (ctx.call.state === 'terminated') await closeCampaignAttempt(ctx.store, ctx.call, ctx.clock.now());
};
