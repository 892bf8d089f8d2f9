import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, type WebhookSubscription } from '../webhooks/event-types';

export const KEY_ACTIONS = ['agent', 'acknowledge', 'hangup'] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];

/** 1 brings in an agent, 2 acknowledges; every other key hangs up. */
export const DEFAULT_KEY_MAP: Record<string, KeyAction> = { '1': 'agent', '2': 'acknowledge' };
export const DEFAULT_INVITE_RETRIES = 2;
export const DEFAULT_INVITE_TIMEOUT_SECONDS = 60;
/**
 * Watchdogs for events that never come: a call not established this long
 * after it was placed, or still up this long after it was answered, is hung
 * up; if the service no longer knows it, it is closed here.
 */
export const ANSWER_WATCHDOG_SECONDS = 300;
export const MAX_CALL_SECONDS = 4 * 3600;

const key = z.string().regex(/^[0-9*#A-D]$/, 'keys are 0-9, *, # or A-D');

/** What a caller may choose per call or per campaign; the rest comes from the service's configuration. */
export const reminderOptionsSchema = z.object({
  audioFileUri: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
  operationContext: z.string().max(256).optional(),
  subject: z.string().max(256).optional(),
  keyMap: z.record(key, z.enum(KEY_ACTIONS)).optional(),
  waitSeconds: z.number().int().min(1).max(3600).optional(),
  inviteRetries: z.number().int().min(0).max(5).optional(),
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).optional(),
  webhookEvents: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length).optional(),
});
export type ReminderOptions = z.infer<typeof reminderOptionsSchema>;

/** Stored on the call when it is created, so a later change of defaults never changes a call in progress. */
export interface ReminderSettings {
  audioFileUri: string;
  operationContext: string | null;
  subject: string | null;
  keyMap: Record<string, KeyAction>;
  waitSeconds: number;
  inviteRetries: number;
  inviteTimeoutSeconds: number;
  agentTarget: string | null;
  /** This call's (or campaign's) own webhook target instead of WEBHOOK_URL. */
  webhook?: WebhookSubscription | null;
}

export function reminderSettings(options: ReminderOptions, defaults: { waitSeconds: number; agentTarget: string | undefined }): ReminderSettings {
  return {
    audioFileUri: options.audioFileUri,
    operationContext: options.operationContext ?? null,
    subject: options.subject ?? null,
    keyMap: options.keyMap ?? DEFAULT_KEY_MAP,
    waitSeconds: options.waitSeconds ?? defaults.waitSeconds,
    inviteRetries: options.inviteRetries ?? DEFAULT_INVITE_RETRIES,
    inviteTimeoutSeconds: DEFAULT_INVITE_TIMEOUT_SECONDS,
    agentTarget: defaults.agentTarget ?? null,
    webhook: webhookOf(options),
  };
}

/** The call's or campaign's own webhook target, when it names one. */
export function webhookOf(options: Pick<ReminderOptions, 'webhookUrl' | 'webhookEvents'>): WebhookSubscription | null {
  return options.webhookUrl ? { url: options.webhookUrl, events: options.webhookEvents ?? null } : null;
}
