import { isCallAutomationError } from '../client';
import type { CallAutomationPort } from '../client/port';
import type { Clock } from '../clock';
import type { WorkflowSettings } from '../dispatch/context';
import { UpstreamError } from '../errors';
import { deterministicUuid, newId } from '../ids';
import { parseRawId } from '../identifiers';
import type { CallRecord, Store } from '../store';
import { isDatabaseFault } from '../store/db-errors';
import type { FlowCallSettings } from '../flows/call-settings';
import { closeCampaignAttempt } from './campaign-attempt';
import { scheduleWatchdog } from './watchdog';
import { ANSWER_WATCHDOG_SECONDS, type ReminderSettings } from './reminder-settings';

/** Longer than the client's worst case (every retry timing out), so a live creator is never overtaken. */
export const CREATE_LEASE_MS = 120_000;

export interface PlaceCallDeps {
  store: Store;
  client: CallAutomationPort;
  clock: Clock;
  settings: WorkflowSettings;
  /** This process's lease owner name (shared with its dispatcher). */
  instanceId: string;
  /** Called once the call can be dispatched (events may already be waiting). */
  onReady?: () => void;
}

function upstreamDetails(err: unknown) {
  if (!isCallAutomationError(err)) return { message: String(err) };
  return { operation: err.operation, status: err.upstreamStatus ?? null, code: err.upstreamCode, message: err.message, requestId: err.requestId ?? null };
}

/**
 * Sends (or re-sends) the create-call request of a stored call. The
 * Repeatability-Request-ID is derived from our call id, so re-sending after a
 * crash is applied once by the service and answers with the same call leg.
 */
export async function sendCreateCall(deps: PlaceCallDeps, call: CallRecord): Promise<CallRecord> {
  const settings = call.settings as unknown as ReminderSettings;
  try {
    const { legId: callLegId } = await deps.client.createCall(
      {
        target: call.target as string,
        sourceIdentity: deps.settings.sourceIdentity,
        callerId: deps.settings.alternateCallerId,
        subject: settings.subject ?? undefined,
        callbackUri: deps.settings.callbackUriFor(call.id),
      },
      { callId: call.id, requestId: deterministicUuid(call.id, 'create-call') },
    );
    let updated: CallRecord | undefined;
    try {
      updated = await deps.store.calls.bindLeg(call.id, callLegId, deps.instanceId);
      await scheduleWatchdog({ store: deps.store, clock: deps.clock, call }, 'answer', ANSWER_WATCHDOG_SECONDS);
    } catch (dbErr) {
      if (!isDatabaseFault(dbErr)) throw dbErr;
      // The call is placed: failing here would make a client retry place it twice. Its leg is
      // bound from its events once the database is back (resumeInterruptedCreates).
      return { ...call, callLegId };
    }
    deps.onReady?.();
    return updated as CallRecord;
  } catch (err) {
    if (!isCallAutomationError(err)) throw err;
    const details = upstreamDetails(err);
    await deps.store.tx(async (r) => {
      const at = deps.clock.now();
      await r.calls.releaseLease(call.id);
      const failed = await r.calls.update(call.id, { state: 'failed', endedAt: at });
      if (await r.calls.decideOutcome(call.id, 'failed', details, 'the call could not be placed')) {
        await r.timeline.append({ callId: call.id, at, kind: 'outcome', name: 'failed', detail: { reason: 'the call could not be placed', error: details } });
      }
      await closeCampaignAttempt(r, { ...(failed as CallRecord), outcome: 'failed' }, at);
    });
    throw new UpstreamError(`the Call Automation service refused the call: ${err.message}`, { callId: call.id, ...details });
  }
}

/** The workflow a call's settings run: a stored flow's name, or the built-in reminder. */
export function flowNameOf(settings: ReminderSettings | FlowCallSettings): string {
  return 'flow' in settings ? settings.flow.name : 'reminder';
}

/** Stores the call first (so events that beat the create-call answer find it), then places it. */
export async function placeCall(
  deps: PlaceCallDeps,
  input: { to: string; settings: ReminderSettings | FlowCallSettings; campaignId?: string; campaignTargetId?: number; attempt?: number; id?: string },
): Promise<CallRecord> {
  const target = parseRawId(input.to);
  const call = await deps.store.calls.insert({
    id: input.id ?? newId(),
    kind: 'call',
    flow: flowNameOf(input.settings),
    target: target.rawId,
    settings: input.settings as unknown as Record<string, unknown>,
    campaignId: input.campaignId,
    campaignTargetId: input.campaignTargetId,
    attempt: input.attempt,
    lease: { owner: deps.instanceId, until: deps.clock.now() + CREATE_LEASE_MS },
  });
  return sendCreateCall(deps, call);
}
