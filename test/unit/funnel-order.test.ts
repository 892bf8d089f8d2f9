import { flowDocumentSchema } from '../../src/flows/document';
import { flowOrder, inFlowOrder } from '../../src/flows/funnel-order';

const document = flowDocumentSchema.parse({
  start: 'welcome',
  nodes: {
    // Declared out of walking order, so document order and flow order differ.
    bye: { type: 'hangup', outcome: 'declined' },
    agent: { type: 'connect', next: 'done', failure: 'bye' },
    welcome: { type: 'play', prompt: { text: 'Hello' }, next: 'menu' },
    menu: { type: 'gather', valid: ['1', '2'], noInput: { retries: 1, next: 'bye' }, next: 'route' },
    route: { type: 'branch', cases: { '1': 'done', '2': 'agent' }, default: 'bye' },
    done: { type: 'hangup', outcome: 'confirmed' },
    orphan: { type: 'hangup', outcome: 'never-reached' },
  },
});

const counted = (node: string, reached: number) => ({ node, reached, keys: {}, noInput: 0, invalid: 0, hungUp: 0 });

describe('the funnel in flow order', () => {
  it('walks the flow breadth-first from start over every exit, then lists nodes no path reaches', () => {
    expect(flowOrder(document)).toEqual(['welcome', 'menu', 'route', 'bye', 'done', 'agent', 'orphan']);
  });

  it('puts counted nodes in flow order, adds the flow nodes nobody reached as zeros, and keeps nodes the flow lacks at the end', () => {
    const nodes = [counted('menu', 90), counted('welcome', 100), counted('old-node', 7), counted('done', 40)];
    expect(inFlowOrder(nodes, document).map((n) => [n.node, n.reached])).toEqual([
      ['welcome', 100],
      ['menu', 90],
      ['route', 0],
      ['bye', 0],
      ['done', 40],
      ['agent', 0],
      ['orphan', 0],
      ['old-node', 7],
    ]);
  });
});
