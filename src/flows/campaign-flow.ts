import { z } from 'zod';
import type { Store } from '../store';
import type { FlowDocument } from './document';

/** The flow a campaign's calls run, when it runs one (the built-in reminder is none). */
export type FlowOf = (campaignId: string) => Promise<{ name: string; version: number; document: FlowDocument } | null>;

/** How a campaign names the flow its calls run, in its settings (the engine writes it when the campaign is created). */
const flowRefSchema = z.object({ name: z.string().min(1), version: z.number().int().min(1) });

/**
 * The flow version a campaign runs, or null for a campaign of the built-in
 * reminder. Versions are never rewritten or deleted, so the document is the
 * one its calls ran.
 */
export function campaignFlowOf(store: Store): FlowOf {
  return async (campaignId) => {
    const campaign = await store.campaigns.get(campaignId);
    const ref = flowRefSchema.safeParse(campaign?.settings.flow);
    if (!ref.success) return null;
    const flow = await store.flows.get(ref.data.name, ref.data.version);
    return flow ? { name: flow.name, version: flow.version, document: flow.document } : null;
  };
}
