import { visible } from '../dispatch/workflow-state';
import type { CallRecord } from '../store';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A call as the management API shows it. */
export function callView(call: CallRecord) {
  return {
    id: call.id,
    kind: call.kind,
    flow: call.flow,
    target: call.target,
    conversationId: call.conversationId,
    callLegId: call.callLegId,
    state: call.state,
    outcome: call.outcome,
    error: call.error ?? null,
    campaignId: call.campaignId,
    attempt: call.attempt,
    settings: call.settings,
    workflow: visible(call.workflow),
    createdAt: iso(call.createdAt),
    updatedAt: iso(call.updatedAt),
    endedAt: iso(call.endedAt),
  };
}

export { iso };
