import { UpstreamError } from '../errors';
import type { Logger } from '../logger';
import { sendJoin } from './join-conversation';
import { CREATE_LEASE_MS, PlaceCallDeps, sendCreateCall } from './place-call';
import { scheduleWatchdog } from './watchdog';
import { ANSWER_WATCHDOG_SECONDS } from './reminder-settings';

/**
 * Finds calls whose create (or join) request was cut off by a crash and sends
 * it again. The Repeatability-Request-ID is derived from the call id, so a
 * request that did reach the service is not applied twice: nobody is called
 * twice for the same attempt.
 *
 * First, calls whose events already name their leg are bound from them: the
 * create succeeded, and the callee may be listening to silence. Waiting for
 * their create lease (CREATE_LEASE_MS) to lapse would keep them waiting for
 * up to two minutes after a database error while binding the leg, or after a
 * creator crashed without a stable INSTANCE_ID.
 */
export async function resumeInterruptedCreates(deps: PlaceCallDeps & { logger: Logger }): Promise<number> {
  const bound = await deps.store.calls.bindLegsFromEvents(50);
  for (const call of bound) {
    deps.logger.info({ callId: call.id, callLegId: call.callLegId }, 'bound a call leg from its events; its create answer was lost');
    // Its creator may have died before setting the answer watchdog; it is idempotent (one per call).
    if (call.kind === 'call') await scheduleWatchdog({ store: deps.store, clock: deps.clock, call }, 'answer', ANSWER_WATCHDOG_SECONDS);
  }
  if (bound.length) deps.onReady?.();

  const calls = await deps.store.calls.claimInterruptedCreates(deps.instanceId, 50, deps.clock.now(), CREATE_LEASE_MS);
  await Promise.all(
    calls.map(async (call) => {
      deps.logger.info({ callId: call.id, kind: call.kind }, 'resuming an interrupted create request');
      try {
        await (call.kind === 'conversation' ? sendJoin(deps, call) : sendCreateCall(deps, call));
      } catch (err) {
        if (!(err instanceof UpstreamError)) deps.logger.error({ err, callId: call.id }, 'resuming a create request failed');
      }
    }),
  );
  return bound.length + calls.length;
}
