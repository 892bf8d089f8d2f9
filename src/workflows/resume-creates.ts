import { UpstreamError } from '../errors';
import type { Logger } from '../logger';
import { sendJoin } from './join-conversation';
import { CREATE_LEASE_MS, PlaceCallDeps, sendCreateCall } from './place-call';

/**
 * Finds calls whose create (or join) request was cut off by a crash and sends
 * it again. The Repeatability-Request-ID is derived from the call id, so a
 * request that did reach the service is not applied twice: nobody is called
 * twice for the same attempt.
 */
export async function resumeInterruptedCreates(deps: PlaceCallDeps & { logger: Logger }): Promise<number> {
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
  return calls.length;
}
