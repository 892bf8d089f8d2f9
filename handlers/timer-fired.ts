import type { Handler } from '../src/dispatch/context';
import type { TimerBody } from '../src/store/timers';
import { workflowFor } from '../src/workflows';

/** Durable timers come back through the inbox as events of their call (see src/store/timers.ts). */
export const onTimerFired: Handler<TimerBody> = async (timer, ctx) => {
  await workflowFor(ctx.call.flow)?.onTimer?.(timer, ctx);
};
