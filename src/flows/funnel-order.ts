import { exitsOf, FlowDocument } from './document';
import type { FunnelNode } from '../store/funnel';

/** The flow's node ids breadth-first from `start` over each node's exits, then any node no path reaches, in document order. */
export function flowOrder(document: FlowDocument): string[] {
  const seen = new Set<string>([document.start]);
  const queue = [document.start];
  for (let i = 0; i < queue.length; i++) {
    const node = document.nodes[queue[i]];
    for (const { to } of node ? exitsOf(node) : []) {
      if (seen.has(to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  return [...queue.filter((id) => id in document.nodes), ...Object.keys(document.nodes).filter((id) => !seen.has(id))];
}

/**
 * The funnel in the order a call walks the flow, every node of the flow in
 * it (a node no call reached is a finding too). Nodes the entries name but the
 * document lacks (written under another version) follow, most reached first.
 */
export function inFlowOrder(nodes: FunnelNode[], document: FlowDocument): FunnelNode[] {
  const byId = new Map(nodes.map((n) => [n.node, n]));
  const ordered = flowOrder(document).map((id) => byId.get(id) ?? { node: id, reached: 0, keys: {}, noInput: 0, invalid: 0, hungUp: 0 });
  const known = new Set(Object.keys(document.nodes));
  return [...ordered, ...nodes.filter((n) => !known.has(n.node))];
}
