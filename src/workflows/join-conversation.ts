import { isCallAutomationError } from '../client';
import { UpstreamError } from '../errors';
import { deterministicUuid, newId } from '../ids';
import type { CallRecord } from '../store';
import { CREATE_LEASE_MS, PlaceCallDeps } from './place-call';

/** Sends (or re-sends, after a crash: same Repeatability-Request-ID) the join request of a stored monitor. */
export async function sendJoin(deps: PlaceCallDeps, call: CallRecord): Promise<CallRecord> {
  try {
    const { legId: callLegId } = await deps.client.join(
      call.conversationId as string,
      { sourceIdentity: deps.settings.sourceIdentity, callbackUri: deps.settings.callbackUriFor(call.id) },
      { callId: call.id, requestId: deterministicUuid(call.id, 'join') },
    );
    const joined = await deps.store.calls.bindLeg(call.id, callLegId, deps.instanceId);
    deps.onReady?.();
    return joined as CallRecord;
  } catch (err) {
    if (!isCallAutomationError(err)) throw err;
    const error = { code: err.upstreamCode, status: err.upstreamStatus ?? null, message: err.message };
    await deps.store.calls.releaseLease(call.id);
    await deps.store.calls.update(call.id, { state: 'failed', endedAt: deps.clock.now(), error });
    throw new UpstreamError(`the Call Automation service refused to join: ${err.message}`, { id: call.id, ...error });
  }
}

/** Joins an existing conversation (or group call) with a callbackUri of ours, to monitor its roster. */
export async function joinConversation(deps: PlaceCallDeps, conversationId: string): Promise<CallRecord> {
  const call = await deps.store.calls.insert({
    id: newId(),
    kind: 'conversation',
    flow: 'monitor',
    conversationId,
    settings: {},
    lease: { owner: deps.instanceId, until: deps.clock.now() + CREATE_LEASE_MS },
  });
  return sendJoin(deps, call);
}
