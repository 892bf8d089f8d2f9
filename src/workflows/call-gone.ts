import { CallAutomationError, isCallAutomationError } from '../client';
import type { HandlerContext } from '../dispatch/context';
import { closeCampaignAttempt } from './campaign-attempt';

/**
 * A 404 on a follow-up request (CallLegNotFound, an ended or unknown call)
 * means the Call Automation service no longer has the call: no Terminated
 * event will come for it (the service restarted, lost or already ended the
 * leg). Waiting for one would hold the call open, and its campaign slot, until
 * the 4-hour watchdog.
 */
export function isCallGone(err: unknown): boolean {
  return isCallAutomationError(err) && err.upstreamStatus === 404;
}

/**
 * GA's 8501, "action is not valid when the call is not established": the
 * callee hung up while the request was on its way. The call's own
 * disconnected event decides the outcome, not this refusal.
 */
export function isCallEnding(err: unknown): boolean {
  return isCallAutomationError(err) && err.upstreamStatus === 400 && (err.upstreamCode === '8501' || /\b8501\b/.test(err.message));
}

/**
 * Closes a call the service no longer has, as its Terminated event would:
 * says why on the timeline, ends the call, lets the workflow decide the
 * outcome (`onTerminated`), and frees its campaign slot. Re-runs change nothing.
 */
export async function closeGoneCall(ctx: HandlerContext, err: CallAutomationError, onTerminated: (ctx: HandlerContext) => Promise<void>): Promise<void> {
  if (ctx.call.state === 'terminated' || ctx.call.state === 'failed') return;
  const at = ctx.clock.now();
  ctx.logger.info({ operation: err.operation, code: err.upstreamCode }, 'the Call Automation service no longer knows the call; closing it');
  await ctx.store.timeline.append({
    callId: ctx.call.id,
    at,
    kind: 'note',
    name: 'call_gone',
    status: String(err.upstreamStatus),
    detail: { reason: `${err.operation} answered 404: the service no longer has the call`, operation: err.operation, code: err.upstreamCode, requestId: err.requestId },
    dedupeKey: 'call_gone',
  });
  await ctx.updateCall({ state: 'terminated', endedAt: at });
  await onTerminated(ctx);
  await closeCampaignAttempt(ctx.store, ctx.call, ctx.clock.now());
}
