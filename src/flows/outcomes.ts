import { OUTCOMES } from '../workflows/outcomes';
import type { FlowDocument } from './document';

interface Flows {
  list(): Promise<{ name: string }[]>;
  versions(name: string): Promise<{ version: number }[]>;
  get(name: string, version: number): Promise<{ document: FlowDocument } | undefined>;
}

/** Whether any call can end with `outcome`: one of callhook's own, or a hang-up outcome of a stored flow version. */
export async function isKnownOutcome(flows: Flows, outcome: string): Promise<boolean> {
  if ((OUTCOMES as readonly string[]).includes(outcome)) return true;
  for (const { name } of await flows.list()) {
    for (const { version } of await flows.versions(name)) {
      const found = await flows.get(name, version);
      if (found && Object.values(found.document.nodes).some((node) => node.type === 'hangup' && node.outcome === outcome)) return true;
    }
  }
  return false;
}
