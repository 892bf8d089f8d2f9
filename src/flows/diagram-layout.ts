import dagre from '@dagrejs/dagre';
import type { FlowDocument } from './document';
import { DiagramEdge, DiagramNode, flowDiagram } from './diagram';

/** Sizes in SVG user units; the page draws text at these sizes (flow-graph.js), so the boxes fit their text. */
export const DIAGRAM_TEXT = { titlePx: 14, labelPx: 12, lineHeight: 16, charWidth: 7.2, padding: 10, maxChars: 30 };

export interface PlacedNode extends DiagramNode {
  /** Centre of the box. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The label wrapped to the box. */
  lines: string[];
}

export interface PlacedEdge extends DiagramEdge {
  points: Array<{ x: number; y: number }>;
  /** Centre of the label. */
  labelX: number;
  labelY: number;
}

export interface FlowLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Tenths of a unit are finer than any screen shows. */
const round = (n: number) => Math.round(n * 10) / 10;

/** Word-wraps to `max` characters a line, cutting words longer than a line. */
export function wrap(text: string, max = DIAGRAM_TEXT.maxChars): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let rest = word; rest; ) {
      const piece = rest.slice(0, max);
      rest = rest.slice(max);
      const candidate = line ? `${line} ${piece}` : piece;
      if (candidate.length <= max) line = candidate;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/**
 * The flow laid out top to bottom from its start (dagre's layered layout): each
 * node a box sized for its id, type and wrapped label, each exit a polyline
 * with its label placed by dagre so labels do not sit on top of each other.
 */
export function layoutFlow(document: FlowDocument): FlowLayout {
  const { nodes, edges } = flowDiagram(document);
  const t = DIAGRAM_TEXT;
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60, edgesep: 20, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const lines = new Map(nodes.map((n) => [n.id, wrap(n.label)]));
  for (const node of nodes) {
    const text = lines.get(node.id)!;
    const widest = Math.max(`${node.id} · ${node.type}`.length * (t.titlePx / t.labelPx), ...text.map((l) => l.length));
    graph.setNode(node.id, { width: Math.ceil(widest * t.charWidth + 2 * t.padding), height: (text.length + 1) * t.lineHeight + 2 * t.padding });
  }
  for (const edge of edges) {
    // An edge to a node the document lacks cannot be drawn; the API stores only documents that validate, so none has one.
    if (!graph.hasNode(edge.to)) continue;
    graph.setEdge(edge.from, edge.to, { width: edge.label.length * t.charWidth + 8, height: t.lineHeight, labelpos: 'c' }, edge.field);
  }
  dagre.layout(graph);
  const size = graph.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    nodes: nodes.map((n) => {
      const placed = graph.node(n.id);
      return { ...n, x: round(placed.x), y: round(placed.y), width: placed.width, height: placed.height, lines: lines.get(n.id)! };
    }),
    edges: edges
      .filter((e) => graph.hasNode(e.to))
      .map((e) => {
        const placed = graph.edge({ v: e.from, w: e.to, name: e.field });
        return { ...e, points: (placed.points ?? []).map((p: { x: number; y: number }) => ({ x: round(p.x), y: round(p.y) })), labelX: round(placed.x ?? 0), labelY: round(placed.y ?? 0) };
      }),
  };
}
