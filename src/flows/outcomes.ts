import { OUTCOMES } from '../workflows/outcomes';
import type { FlowDocument } from './document';

/** Whether any call can end with `outcome`: one of callhook's own, or a hang-up outcome of a stored flow version. */
export async function isKnownOutcome(flows: { documents(): Promise<FlowDocument[]> }, outcome: string): Promise<boolean> {
  if ((OUTCOMES as readonly string[]).includes(outcome)) return true;
  return (await flows.documents()).some((doc) => Object.values(doc.nodes).some((node) => node.type === 'hangup' && node.outcome === outcome));
}
