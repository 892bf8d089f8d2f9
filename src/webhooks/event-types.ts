/** Every event callhook sends to the organisation's systems; the list types subscriptions and filters. */
export const WEBHOOK_EVENT_TYPES = [
  'call.outcome',
  'call.ended',
  'campaign.progress',
  'campaign.finished',
  'conversation.participant.joined',
  'conversation.participant.left',
  'conversation.participant.muted',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Bumped only for a change a receiver could trip on (a field removed or its meaning changed); fields are only ever added within a version. */
export const WEBHOOK_EVENT_VERSION = 1;

/** Where one call's or campaign's events go instead of WEBHOOK_URL; `events` null means every type. */
export interface WebhookSubscription {
  url: string;
  events: WebhookEventType[] | null;
}
