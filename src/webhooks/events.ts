import type { CallRecord } from '../store/calls';
import type { CampaignRecord } from '../store/campaigns';
import { WEBHOOK_EVENT_VERSION, WebhookEventType, WebhookSubscription } from './event-types';

/** One event, ready for the outbox: what it says, and who it concerns (for ordering and for the call's timeline). */
export interface OutgoingEvent {
  type: WebhookEventType;
  /** Unique per change: a handler re-run after a crash writes the same key, and the outbox keeps one row. */
  dedupeKey: string;
  /** Events with the same key are delivered in the order they were committed. */
  orderKey: string;
  callId: string | null;
  campaignId: string | null;
  at: number;
  data: Record<string, unknown>;
  /** The call's or campaign's own subscription; null means WEBHOOK_URL. */
  subscription: WebhookSubscription | null;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The body as the Standard Webhooks specification recommends: type, timestamp, data. */
export function webhookBody(event: Pick<OutgoingEvent, 'type' | 'at' | 'data'>): string {
  return JSON.stringify({ type: event.type, timestamp: new Date(event.at).toISOString(), version: WEBHOOK_EVENT_VERSION, data: event.data });
}

export function subscriptionOf(settings: Record<string, unknown>): WebhookSubscription | null {
  const webhook = settings.webhook as WebhookSubscription | null | undefined;
  return webhook && typeof webhook.url === 'string' ? webhook : null;
}

function callFields(call: CallRecord) {
  const workflow = call.workflow as { key?: string; establishedAt?: number };
  return {
    callId: call.id,
    target: call.target,
    campaignId: call.campaignId,
    attempt: call.attempt,
    operationContext: (call.settings.operationContext as string | null | undefined) ?? null,
    key: workflow.key ?? null,
    placedAt: iso(call.createdAt),
    answeredAt: iso(workflow.establishedAt),
  };
}

function forCall(call: CallRecord, type: WebhookEventType, at: number, data: Record<string, unknown>): OutgoingEvent {
  return {
    type,
    dedupeKey: `${type}:${call.id}`,
    orderKey: `call:${call.id}`,
    callId: call.id,
    campaignId: call.campaignId,
    at,
    data,
    subscription: subscriptionOf(call.settings),
  };
}

export function callOutcomeEvent(call: CallRecord, reason: string | null, at: number): OutgoingEvent {
  return forCall(call, 'call.outcome', at, { ...callFields(call), outcome: call.outcome, reason, error: call.error ?? null, decidedAt: iso(at) });
}

export function callEndedEvent(call: CallRecord, at: number): OutgoingEvent {
  const ended = call.endedAt ?? at;
  return forCall(call, 'call.ended', at, {
    ...callFields(call),
    kind: call.kind,
    state: call.state,
    outcome: call.outcome,
    endedAt: iso(ended),
    durationSeconds: Math.max(0, Math.round((ended - call.createdAt) / 1000)),
  });
}

export interface CampaignCounts {
  total: number;
  pending: number;
  dialling: number;
  done: number;
  cancelled: number;
  outcomes: Record<string, number>;
}

export function campaignCounts(total: number, rows: Array<{ status: string; outcome: string | null; count: number }>): CampaignCounts {
  const counts: CampaignCounts = { total, pending: 0, dialling: 0, done: 0, cancelled: 0, outcomes: {} };
  for (const row of rows) {
    if (row.status in counts && row.status !== 'total' && row.status !== 'outcomes') (counts as unknown as Record<string, number>)[row.status] += row.count;
    if (row.status === 'done' && row.outcome) counts.outcomes[row.outcome] = (counts.outcomes[row.outcome] ?? 0) + row.count;
  }
  return counts;
}

function forCampaign(campaign: CampaignRecord, type: WebhookEventType, dedupeKey: string, at: number, data: Record<string, unknown>): OutgoingEvent {
  return {
    type,
    dedupeKey,
    orderKey: `campaign:${campaign.id}`,
    callId: null,
    campaignId: campaign.id,
    at,
    data: { campaignId: campaign.id, name: campaign.name, ...data },
    subscription: subscriptionOf(campaign.settings),
  };
}

/** `window` names the progress interval the event belongs to, so two instances racing write one event per interval. */
export function campaignProgressEvent(campaign: CampaignRecord, counts: CampaignCounts, at: number, window: number): OutgoingEvent {
  return forCampaign(campaign, 'campaign.progress', `campaign.progress:${campaign.id}:${window}`, at, { status: campaign.status, ...counts, at: iso(at) });
}

export function campaignFinishedEvent(campaign: CampaignRecord, status: string, counts: CampaignCounts, at: number, reportUrl: string): OutgoingEvent {
  return forCampaign(campaign, 'campaign.finished', `campaign.finished:${campaign.id}`, at, {
    status,
    ...counts,
    createdAt: iso(campaign.createdAt),
    finishedAt: iso(at),
    reportUrl,
  });
}

export type ParticipantAction = 'joined' | 'left' | 'muted' | 'unmuted';

export function participantEvent(
  call: CallRecord,
  logSeq: number,
  at: number,
  action: ParticipantAction,
  p: { participantId: string; rawId: string; isMuted: boolean },
): OutgoingEvent {
  // Unmuting is a change of the same fact; receivers read `isMuted`.
  const type: WebhookEventType = action === 'unmuted' ? 'conversation.participant.muted' : `conversation.participant.${action}`;
  return {
    ...forCall(call, type, at, {
      callId: call.id,
      conversationId: call.conversationId,
      participantId: p.participantId,
      rawId: p.rawId,
      isMuted: p.isMuted,
      at: iso(at),
    }),
    dedupeKey: `${type}:${call.id}:${logSeq}`,
  };
}
