import { Db } from './db';
import { parseFlowEntry } from '../flows/funnel-entries';

/** How a campaign's calls went through one node of its flow; each count is of distinct calls. */
export interface FunnelNode {
  node: string;
  /** Calls that entered the node. */
  reached: number;
  /** Calls that pressed these digits at this gather node. */
  keys: Record<string, number>;
  /** Calls that pressed nothing in time (at least once). */
  noInput: number;
  /** Calls that pressed something not in the node's `valid` list (at least once). */
  invalid: number;
  /** Calls whose callee hung up at this node. */
  hungUp: number;
}

export interface Funnel {
  /** Every call the campaign placed, flow or not: the funnel's 100 %. */
  calls: number;
  /** Most reached first; flows/funnel-order.ts puts them in the flow's order when the flow is known. */
  nodes: FunnelNode[];
}

const emptyNode = (node: string): FunnelNode => ({ node, reached: 0, keys: {}, noInput: 0, invalid: 0, hungUp: 0 });

/**
 * The campaign's funnel from the `flow` timeline entries of its calls: one
 * GROUP BY on the entry name (one name per fact, flows/funnel-entries.ts),
 * counting distinct calls so a retried gather or a re-run handler counts a
 * call once. calls_campaign finds the calls and timeline_call their entries
 * (bench/funnel.ts: a covering index saved 10-15 %, not worth a write on every entry).
 */
export async function campaignFunnel(db: Db, campaignId: string): Promise<Funnel> {
  const calls = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM calls WHERE campaign_id = ?', [campaignId]);
  const rows = await db.all<{ name: string; calls: number }>(
    `SELECT t.name AS name, COUNT(DISTINCT t.call_id) AS calls
       FROM calls c JOIN timeline t ON t.call_id = c.id
      WHERE c.campaign_id = ? AND t.kind = 'flow'
      GROUP BY t.name`,
    [campaignId],
  );
  const nodes = new Map<string, FunnelNode>();
  for (const row of rows) {
    const entry = parseFlowEntry(row.name);
    if (!entry) continue;
    const count = Number(row.calls);
    const node = nodes.get(entry.node) ?? emptyNode(entry.node);
    nodes.set(entry.node, node);
    switch (entry.fact) {
      case 'entered':
        node.reached = count;
        break;
      case 'gathered':
        node.keys[entry.digits!] = count;
        break;
      case 'noInput':
        node.noInput = count;
        break;
      case 'invalid':
        node.invalid = count;
        break;
      case 'hungUp':
        node.hungUp = count;
        break;
    }
  }
  return {
    calls: Number(calls?.n ?? 0),
    nodes: [...nodes.values()].sort((a, b) => b.reached - a.reached || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0)),
  };
}
