import type { WebhookSubscription } from '../webhooks/event-types';

/** Stored on a flow call when it is created; the flow version it runs never changes under it. */
export interface FlowCallSettings {
  flow: { name: string; version: number };
  /** Fill the flow's `{{variables}}`: a campaign row's columns, or the call's `variables`. */
  variables: Record<string, string>;
  operationContext: string | null;
  subject: string | null;
  /** Who a `connect` without a target brings in (AGENT_TARGET, or the row's agentTarget). */
  agentTarget: string | null;
  webhook?: WebhookSubscription | null;
}
