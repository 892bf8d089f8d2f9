import { isCallAutomationError } from '../client';
import type { HandlerContext } from '../dispatch/context';
import { deterministicUuid } from '../ids';

export const WATCHDOG = 'watchdog';
/** After a watchdog's hang-up, how long to wait for Terminated before closing the call here. */
export const HANGUP_GRACE_SECONDS = 60;

export async function scheduleWatchdog(
  ctx: Pick<HandlerContext, 'store' | 'clock'> & { call: { id: string } },
  stage: 'answer' | 'call' | 'hangup',
  seconds: number,
): Promise<void> {
  await ctx.store.timers.schedule({
    id: deterministicUuid(ctx.call.id, WATCHDOG, stage),
    callId: ctx.call.id,
    kind: WATCHDOG,
    dueAt: ctx.clock.now() + seconds * 1000,
    payload: { stage },
  });
}

/**
 * A watchdog fired: the events that should have ended this stage never came.
 * Hang up; when the service no longer knows the call (404), or still has not
 * said Terminated a while after our hang-up, close it here.
 */
export async function onWatchdog(ctx: HandlerContext, stage: string, onTerminated: (ctx: HandlerContext) => Promise<void>): Promise<void> {
  if (ctx.call.state === 'terminated' || ctx.call.state === 'failed') return;
  if (stage === 'answer' && ctx.call.state !== 'creating' && ctx.call.state !== 'establishing') return;
  let gone = stage === 'hangup';
  if (!gone) {
    try {
      await ctx.client.hangUp(ctx.call.callLegId as string, { callId: ctx.call.id, requestId: ctx.requestId(`watchdog-${stage}`) });
    } catch (err) {
      if (!isCallAutomationError(err)) throw err;
      gone = err.upstreamStatus === 404;
    }
  }
  if (!gone) return scheduleWatchdog(ctx, 'hangup', HANGUP_GRACE_SECONDS);
  await ctx.store.timeline.append({
    callId: ctx.call.id,
    at: ctx.clock.now(),
    kind: 'note',
    name: 'closed_without_terminated_event',
    detail: { stage },
    dedupeKey: `watchdog:${stage}`,
  });
  await ctx.updateCall({ state: 'terminated', endedAt: ctx.clock.now() });
  await onTerminated(ctx);
}
