import type { Handler } from '../src/dispatch/context';
import type { TimerEvent } from '../src/events/domain';
import { workflowFor } from '../src/workflows';
import { closeCampaignAttempt } from '../src/workflows/campaign-attempt';

/** Durable timers come back through the inbox as events of their call (see src/store/timers.ts). */
export const onTimer: Handler<TimerEvent> = async (timer, ctx) => {
  await workflowFor(ctx.call)?.onTimer?.(timer, ctx);
  // A watchdog may have closed a call whose disconnected event never came.
  if (ctx.call.state === 'terminated') await closeCampaignAttempt(ctx.store, ctx.call, ctx.clock.now());
};
