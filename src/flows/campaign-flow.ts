import { z } from 'zod';
import type { Store } from '../store';
import type { ReminderSettings } from '../workflows/reminder-settings';
import type { FlowDocument } from './document';
import { reminderFlow } from '../workflows/reminder';

/** The flow a campaign's calls run: a stored version, or the built-in reminder built from the campaign's settings. */
export type FlowOf = (campaignId: string) => Promise<{ name: string; version: number; document: FlowDocument } | null>;

/** How a campaign names the flow its calls run, in its settings (the engine writes it when the campaign is created). */
const flowRefSchema = z.object({ name: z.string().min(1), version: z.number().int().min(1) });

/**
 * The flow version a campaign runs (null for an unknown campaign). Versions
 * are never rewritten or deleted, so the document is the one its calls ran;
 * a reminder campaign's is the built-in flow for its settings (rows with
 * their own key wait or agent run the same nodes).
 */
export function campaignFlowOf(store: Store): FlowOf {
  return async (campaignId) => {
    const campaign = await store.campaigns.get(campaignId);
    if (!campaign) return null;
    const ref = flowRefSchema.safeParse(campaign.settings.flow);
    if (!ref.success) {
      const reminder = campaign.settings as unknown as ReminderSettings;
      return typeof reminder.audioFileUri === 'string' && reminder.keyMap ? { name: 'reminder', version: 0, document: reminderFlow(reminder) } : null;
    }
    const flow = await store.flows.get(ref.data.name, ref.data.version);
    return flow ? { name: flow.name, version: flow.version, document: flow.document } : null;
  };
}
