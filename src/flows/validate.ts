import { exitsOf, FlowDocument, FlowNode, NodeOf, templatesOf, variablesIn } from './document';
import { Graph, graphOf, loopsWithin, reachable, wayRound } from './graph';

/**
 * One thing wrong with a flow's graph (the shape is zod's to check). `field` is
 * relative to the node (`next`, `cases.1`, `prompt.text`); `start` for the
 * document's start; empty when the node as a whole is at fault (unreachable,
 * or no way to end from it).
 */
export interface FlowIssue {
  node: string;
  field: string;
  message: string;
}

export type Generation = 'preview' | 'ga';

/**
 * Variables every flow call has without a target row providing them: `to`
 * (the number or id called) and `callId` (callhook's id of the call).
 */
export const ALWAYS_PROVIDED: ReadonlySet<string> = new Set(['to', 'callId']);

const notANode = (id: string) => `names "${id}", which is not a node of this flow`;

/** One issue as one line: `node "menu": next: names "confrim", which is not a node of this flow`. */
export function describeIssue(issue: FlowIssue): string {
  if (issue.field === 'start') return `start: ${issue.message}`;
  return issue.field ? `node "${issue.node}": ${issue.field}: ${issue.message}` : `node "${issue.node}": ${issue.message}`;
}

/** The graph checks of docs/flows.md, "Validation"; an empty list means the flow can run on `generation`. */
export function validateFlow(doc: FlowDocument, opts: { generation: Generation }): FlowIssue[] {
  const graph = graphOf(doc);
  const issues: FlowIssue[] = [];
  const has = (id: string) => Object.hasOwn(doc.nodes, id);
  if (!has(doc.start)) issues.push({ node: doc.start, field: 'start', message: notANode(doc.start) });
  for (const [id, node] of Object.entries(doc.nodes)) {
    for (const exit of exitsOf(node)) if (!has(exit.to)) issues.push({ node: id, field: exit.field, message: notANode(exit.to) });
    issues.push(...templateIssues(id, node, opts.generation));
    if (node.type === 'play' && node.prompt.loop) {
      issues.push({
        node: id,
        field: 'prompt.loop',
        message: 'a play node whose prompt loops never finishes, so its "next" is never entered; loop the prompt of a gather node instead, which a key press stops',
      });
    }
    if (node.type === 'gather') issues.push(...gatherIssues(id, node));
    if (node.type === 'branch') issues.push(...branchIssues(doc, graph, id, node));
  }
  issues.push(...endingIssues(doc, graph));
  return issues;
}

function templateIssues(id: string, node: FlowNode, generation: Generation): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const { field, template } of templatesOf(node)) {
    if (generation === 'preview' && field.endsWith('.text')) {
      issues.push({
        node: id,
        field,
        message: 'the seed generation (the 2021 preview API) cannot speak text: use a pre-recorded audioUri instead',
      });
    }
    // What is left once every well-formed {{variable}} is taken out; a `{{` there starts none.
    const rest = template.replace(/\{\{\s*[A-Za-z][A-Za-z0-9_]{0,63}\s*\}\}/g, '');
    const at = rest.indexOf('{{');
    if (at >= 0) {
      const end = rest.indexOf('}}', at);
      const snippet = end >= 0 && end - at <= 70 ? rest.slice(at, end + 2) : rest.length - at > 20 ? `${rest.slice(at, at + 20)}…` : rest.slice(at);
      issues.push({
        node: id,
        field,
        message: `"${snippet}" is not a variable: write {{name}}, the name a letter then up to 63 letters, digits or _`,
      });
    }
  }
  return issues;
}

/** Why a gather node could never accept `digits`, or undefined when it could. */
function cannotGather(gatherId: string, gather: NodeOf<'gather'>, digits: string): string | undefined {
  if (digits.length > gather.maxDigits) return `gather "${gatherId}" takes at most ${gather.maxDigits} digit${gather.maxDigits === 1 ? '' : 's'}`;
  if (gather.finishKey !== undefined && digits.includes(gather.finishKey)) {
    return `"${gather.finishKey}" is the finishKey of gather "${gatherId}": it ends the input and is not part of the digits`;
  }
  if (gather.valid && !gather.valid.includes(digits)) return `gather "${gatherId}" accepts only ${gather.valid.join(', ')}`;
  return undefined;
}

function gatherIssues(id: string, node: NodeOf<'gather'>): FlowIssue[] {
  const issues: FlowIssue[] = [];
  (node.valid ?? []).forEach((digits, i) => {
    const why = cannotGather(id, { ...node, valid: undefined }, digits);
    if (why) issues.push({ node: id, field: `valid.${i}`, message: `"${digits}" can never be entered: ${why}` });
  });
  return issues;
}

function branchIssues(doc: FlowDocument, graph: Graph, id: string, node: NodeOf<'branch'>): FlowIssue[] {
  const gathers: string[] = [];
  if (node.on !== undefined) {
    if (!Object.hasOwn(doc.nodes, node.on)) return [{ node: id, field: 'on', message: notANode(node.on) }];
    const read = doc.nodes[node.on];
    if (read.type !== 'gather') return [{ node: id, field: 'on', message: `names "${node.on}", a ${read.type} node; a branch reads the digits of a gather node` }];
    if (!reachable(graph, [node.on]).has(id)) {
      return [{ node: id, field: 'on', message: `names gather "${node.on}", from which no path leads to this branch, so it has no digits of "${node.on}" to read` }];
    }
    gathers.push(node.on);
  } else {
    // The most recent gather: walking back from the branch, the first gather met on each way in.
    const isGather = (n: string) => doc.nodes[n].type === 'gather';
    const before = reachable(graph, [id], { reverse: true, through: (n) => !isGather(n) });
    gathers.push(...Object.keys(doc.nodes).filter((n) => n !== id && before.has(n) && isGather(n)));
    if (gathers.length === 0) {
      return [{ node: id, field: 'on', message: 'is left out, so the branch reads the most recent gather, but no gather node leads to this branch' }];
    }
  }
  const issues: FlowIssue[] = [];
  for (const digits of Object.keys(node.cases)) {
    const reasons = gathers.map((g) => cannotGather(g, doc.nodes[g] as NodeOf<'gather'>, digits));
    if (reasons.every((r) => r !== undefined)) {
      issues.push({ node: id, field: `cases.${digits}`, message: `"${digits}" can never be gathered: ${reasons.join('; ')}` });
    }
  }
  return issues;
}

/** Whether a call at this node can end without going on to another node (a gather's hang-up with `no-response`). */
function endsHere(node: FlowNode): boolean {
  if (node.type === 'hangup') return true;
  if (node.type !== 'gather') return false;
  return !node.noInput || (node.valid !== undefined && !node.invalid);
}

/** Unreachable nodes, nodes from which the call can never end, and loops no input can change. */
function endingIssues(doc: FlowDocument, graph: Graph): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const ids = [...graph.keys()];
  const startKnown = graph.has(doc.start);
  // Without a start (already an issue) every node is checked as if it could be reached.
  const live = startKnown ? reachable(graph, [doc.start]) : new Set(ids);
  if (startKnown) for (const id of ids) if (!live.has(id)) issues.push({ node: id, field: '', message: `cannot be reached from start "${doc.start}"` });

  const inLoops = new Set<string>();
  const fixed = (id: string) => live.has(id) && (doc.nodes[id].type === 'play' || doc.nodes[id].type === 'branch');
  for (const loop of loopsWithin(graph, fixed)) {
    const { path, field } = wayRound(graph, loop[0], new Set(loop));
    for (const id of loop) inLoops.add(id);
    const kinds = loop.some((id) => doc.nodes[id].type === 'branch') ? 'play and branch nodes only (a branch reads the same digits each time round)' : 'play nodes only';
    issues.push({
      node: loop[0],
      field,
      message: `goes round the loop ${path.join(' → ')}, made of ${kinds}: no input can change its path, so a call that goes round it once goes round it forever`,
    });
  }

  const canEnd = reachable(
    graph,
    ids.filter((id) => endsHere(doc.nodes[id])),
    { reverse: true },
  );
  for (const id of ids) {
    if (live.has(id) && !canEnd.has(id) && !inLoops.has(id)) {
      issues.push({ node: id, field: '', message: 'no hangup can be reached from this node, so a call that gets here never ends (unless the callee hangs up)' });
    }
  }
  return issues;
}

/**
 * The `{{variables}}` the flow uses that `provided` (a campaign's CSV columns)
 * does not name; `to` and `callId` are always provided (ALWAYS_PROVIDED).
 */
export function checkVariables(doc: FlowDocument, provided: ReadonlySet<string>): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const [id, node] of Object.entries(doc.nodes)) {
    for (const { field, template } of templatesOf(node)) {
      for (const name of new Set(variablesIn(template))) {
        if (!provided.has(name) && !ALWAYS_PROVIDED.has(name)) issues.push({ node: id, field, message: `uses {{${name}}}, which no target row provides` });
      }
    }
  }
  return issues;
}

/** The distinct `{{variables}}` a flow uses, in the order they first appear. */
export function flowVariables(doc: FlowDocument): string[] {
  const names = new Set<string>();
  for (const node of Object.values(doc.nodes)) for (const { template } of templatesOf(node)) for (const name of variablesIn(template)) names.add(name);
  return [...names];
}
