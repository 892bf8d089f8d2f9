import { isCallAutomationError } from '../client';
import type { HandlerContext } from '../dispatch/context';
import { closeGoneCall, isCallEnding, isCallGone } from './call-gone';
import { decideOutcome } from './outcomes';
import { HANGUP_GRACE_SECONDS, scheduleWatchdog } from './watchdog';

/** What a workflow tells the shared steps: whether it is already hanging up, how to say it is, and how it closes a call. */
export interface StepHooks {
  ending(ctx: HandlerContext): boolean;
  markEnding(ctx: HandlerContext): Promise<void>;
  onTerminated(ctx: HandlerContext): Promise<void>;
}

export interface CallSteps {
  /**
   * Runs a follow-up request. The client has already retried what is worth
   * retrying, so a failure here is final for the call: outcome `failed`, with
   * the error, and the line is hung up. A 404 means the call is already gone:
   * it is closed here (see call-gone.ts), since no Terminated event may come.
   */
  request(ctx: HandlerContext, what: string, send: () => Promise<unknown>): Promise<boolean>;
  /** Best effort: a hang-up that fails (the call is already gone, say) is on the timeline and changes nothing else. */
  hangUp(ctx: HandlerContext): Promise<void>;
}

export function callSteps(hooks: StepHooks): CallSteps {
  async function hangUp(ctx: HandlerContext): Promise<void> {
    if (hooks.ending(ctx) || ctx.call.state === 'terminated') return;
    await hooks.markEnding(ctx);
    try {
      await ctx.client.hangUp(ctx.call.callLegId as string, { callId: ctx.call.id, requestId: ctx.requestId('hangup') });
    } catch (err) {
      if (!isCallAutomationError(err)) throw err;
      if (isCallGone(err)) return closeGoneCall(ctx, err, hooks.onTerminated);
      ctx.logger.warn({ code: err.upstreamCode, status: err.upstreamStatus }, 'hang-up failed');
    }
  }

  async function request(ctx: HandlerContext, what: string, send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (err) {
      if (!isCallAutomationError(err)) throw err;
      if (isCallGone(err)) {
        await closeGoneCall(ctx, err, hooks.onTerminated);
        return false;
      }
      if (isCallEnding(err)) {
        ctx.logger.info({ operation: err.operation }, 'the call is ending; its disconnected event decides the outcome');
        // Should that event never come, the call is closed here a minute from now.
        await scheduleWatchdog(ctx, 'hangup', HANGUP_GRACE_SECONDS);
        return false;
      }
      await decideOutcome(ctx, 'failed', `${what} failed`, {
        operation: err.operation,
        status: err.upstreamStatus ?? null,
        code: err.upstreamCode,
        message: err.message,
        requestId: err.requestId ?? null,
      });
      await hangUp(ctx);
      return false;
    }
  }

  return { request, hangUp };
}
