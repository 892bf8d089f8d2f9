import { exitsOf, FlowDocument, FlowNode, Prompt } from './document';

/** A node as the flow page draws it (graph.ts is the graph the validator walks): its id, its type, and one short line saying what it does. */
export interface DiagramNode {
  id: string;
  type: FlowNode['type'];
  label: string;
  start: boolean;
}

/** One exit of a node, labelled as a person reads it: the keys of a case, `no input`, `failure`, … */
export interface DiagramEdge {
  from: string;
  to: string;
  label: string;
  /** The document field naming the exit (exitsOf), unique per node: several exits may join the same two nodes. */
  field: string;
}

const MAX_LABEL = 80;

const short = (text: string) => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);

/** The file name of an audio URI (`reminder.wav`), the whole URI when it has no path. */
function audioName(uri: string): string {
  const withoutQuery = uri.split(/[?#]/)[0];
  const last = withoutQuery.slice(withoutQuery.indexOf('//') + 2).split('/').filter(Boolean).slice(1).pop();
  return last ? decodeURIComponentSafe(last) : uri;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const promptLabel = (prompt: Prompt) => ('audioUri' in prompt ? `♪ ${audioName(prompt.audioUri)}` : `“${prompt.text}”`);

function hostOf(url: string): string {
  return /^https?:\/\/([^/?#]+)/.exec(url)?.[1] ?? url;
}

/** Prompt text or audio file, the outcome of a hang-up, who a connect calls, whom an ask asks. */
export function nodeLabel(node: FlowNode): string {
  switch (node.type) {
    case 'play':
      return short(promptLabel(node.prompt));
    case 'gather':
      return short(node.prompt ? promptLabel(node.prompt) : `${node.maxDigits} key${node.maxDigits > 1 ? 's' : ''}, no prompt`);
    case 'branch':
      return short(node.on ? `on the keys of ${node.on}` : 'on the latest keys');
    case 'connect':
      return short(node.target ? `to ${node.target}` : 'to the agent (AGENT_TARGET)');
    case 'ask':
      return short(`asks ${hostOf(node.url)}`);
    case 'hangup':
      return `outcome ${node.outcome}`;
  }
}

/** The label of an exit from its exitsOf field: `cases.1` is `1`, `noInput.next` is `no input`, `routes.0` is `route`. */
export function edgeLabel(field: string): string {
  if (field.startsWith('cases.')) return field.slice('cases.'.length);
  if (field.startsWith('routes.')) return 'route';
  switch (field) {
    case 'noInput.next':
      return 'no input';
    case 'invalid.next':
      return 'invalid';
    default:
      return field;
  }
}

/** The flow as nodes and labelled edges, nodes in document order. */
export function flowDiagram(document: FlowDocument): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes = Object.entries(document.nodes).map(([id, node]) => ({ id, type: node.type, label: nodeLabel(node), start: id === document.start }));
  const edges = Object.entries(document.nodes).flatMap(([id, node]) => exitsOf(node).map(({ field, to }) => ({ from: id, to, label: edgeLabel(field), field })));
  return { nodes, edges };
}
