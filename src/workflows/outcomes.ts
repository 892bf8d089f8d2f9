import type { HandlerContext } from '../dispatch/context';

/** How a reminder or alert call ended, decided once per call. */
export const OUTCOMES = [
  'answered-acknowledged',
  'answered-other-key',
  'connected-to-agent',
  'agent-unavailable',
  'no-response',
  'not-answered',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** A flow's hang-up node names its own outcomes (`confirmed`, `reschedule`) beside these. */
export type OutcomeName = Outcome | (string & {});

/** Records the call's outcome if it has none yet; returns false when an earlier decision stands. */
export async function decideOutcome(ctx: HandlerContext, outcome: OutcomeName, reason: string, error?: unknown): Promise<boolean> {
  // Read fresh for this event: an outcome on it is the stored one, which stands.
  if (ctx.call.outcome) return false;
  const decided = await ctx.store.tx(async (r) => {
    if (!(await r.calls.decideOutcome(ctx.call.id, outcome, error ?? null, reason, ctx.call.workflow))) return false;
    await r.timeline.append({
      callId: ctx.call.id,
      at: ctx.clock.now(),
      kind: 'outcome',
      name: outcome,
      detail: { reason, ...(error ? { error } : {}) },
    });
    return true;
  });
  if (decided) {
    ctx.call = { ...ctx.call, outcome, error: error ?? null };
    ctx.logger.info({ outcome, reason }, 'call outcome decided');
  }
  return decided;
}
