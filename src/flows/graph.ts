import { exitsOf, FlowDocument } from './document';

export interface Edge {
  field: string;
  to: string;
}

/** Each node's exits that name a node of the flow (an unknown name is validate.ts's to report, not an edge). */
export type Graph = Map<string, Edge[]>;

export function graphOf(doc: FlowDocument): Graph {
  const graph: Graph = new Map();
  for (const [id, node] of Object.entries(doc.nodes)) {
    graph.set(id, exitsOf(node).filter((e) => Object.hasOwn(doc.nodes, e.to)));
  }
  return graph;
}

/**
 * Every node reachable from `from` (included), following exits, or against
 * them when `reverse`. A node `through` refuses is reached but not passed
 * (the nodes of `from` are always passed).
 */
export function reachable(graph: Graph, from: Iterable<string>, options: { reverse?: boolean; through?: (id: string) => boolean } = {}): Set<string> {
  const step = options.reverse ? predecessors(graph) : new Map([...graph].map(([id, edges]) => [id, edges.map((e) => e.to)]));
  const starts = new Set([...from].filter((id) => graph.has(id)));
  const seen = new Set(starts);
  const queue = [...starts];
  while (queue.length) {
    const id = queue.shift()!;
    if (options.through && !starts.has(id) && !options.through(id)) continue;
    for (const next of step.get(id)!) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

function predecessors(graph: Graph): Map<string, string[]> {
  const preds = new Map<string, string[]>([...graph.keys()].map((id) => [id, []]));
  for (const [id, edges] of graph) for (const e of edges) preds.get(e.to)!.push(id);
  return preds;
}

/**
 * The loops of the subgraph of nodes `inside` accepts: its strongly connected
 * components that hold a cycle (more than one node, or a node that goes to
 * itself), each in document order (Tarjan's algorithm; flows have at most 200 nodes).
 */
export function loopsWithin(graph: Graph, inside: (id: string) => boolean): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const order = [...graph.keys()];
  const visit = (id: string) => {
    index.set(id, index.size);
    low.set(id, index.get(id)!);
    stack.push(id);
    onStack.add(id);
    for (const { to } of graph.get(id)!) {
      if (!inside(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(id, Math.min(low.get(id)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(id, Math.min(low.get(id)!, index.get(to)!));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      components.push(component);
    }
  };
  for (const id of order) if (inside(id) && !index.has(id)) visit(id);
  return components
    .filter((c) => c.length > 1 || graph.get(c[0])!.some((e) => e.to === c[0]))
    .map((c) => order.filter((id) => c.includes(id)))
    .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

/** The shortest way round a loop from `from` back to it inside `within`: the nodes in order (`from` first and last), and the exit taken first. */
export function wayRound(graph: Graph, from: string, within: ReadonlySet<string>): { path: string[]; field: string } {
  const cameFrom = new Map<string, string>();
  const queue = [from];
  while (queue.length) {
    const id = queue.shift()!;
    for (const { to } of graph.get(id)!) {
      if (!within.has(to)) continue;
      if (to === from) {
        const path = [to];
        for (let at: string | undefined = id; at !== undefined && at !== from; at = cameFrom.get(at)) path.unshift(at);
        path.unshift(from);
        const field = graph.get(from)!.find((e) => e.to === path[1])!.field;
        return { path, field };
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, id);
        queue.push(to);
      }
    }
  }
  throw new Error(`${from} is on no loop`);
}
