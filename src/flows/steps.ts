import type { HandlerContext } from '../dispatch/context';
import { callSteps } from '../workflows/call-steps';
import { decideOutcome } from '../workflows/outcomes';
import { flowEntry } from './funnel-entries';
import { flowState as state } from './state';

/** How a flow call ends when the flow itself did not say: the callee hung up, or nobody answered. */
export async function onFlowTerminated(ctx: HandlerContext): Promise<void> {
  await ctx.store.timers.cancelAll(ctx.call.id, ctx.clock.now());
  const s = state(ctx);
  if (ctx.call.outcome) return;
  if (!s.establishedAt) {
    await decideOutcome(ctx, 'not-answered', 'the call ended before it was answered');
    return;
  }
  if (s.node) {
    await ctx.store.timeline.append({
      callId: ctx.call.id,
      at: ctx.clock.now(),
      kind: 'flow',
      name: flowEntry.hungUp(s.node),
      detail: { step: s.step },
      dedupeKey: 'hung-up',
    });
  }
  if (s.phase === 'connecting') await decideOutcome(ctx, 'agent-unavailable', 'the call ended while the agent was being invited');
  else await decideOutcome(ctx, 'no-response', `the callee hung up at node "${s.node}"`);
}

export const { request, hangUp } = callSteps({
  ending: (ctx) => state(ctx).phase === 'ending',
  markEnding: (ctx) => ctx.saveWorkflow({ phase: 'ending' }),
  onTerminated: onFlowTerminated,
});
