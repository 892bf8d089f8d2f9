import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FlowDocument, flowDocumentSchema } from '../../src/flows/document';
import { checkVariables, describeIssue, flowVariables, validateFlow } from '../../src/flows/validate';

const ROOT = path.join(__dirname, '..', '..');
const appointment = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/flows/appointment.json'), 'utf8'));

/** A document as the API stores it: parsed, so every default is filled in. */
const flow = (raw: unknown): FlowDocument => flowDocumentSchema.parse(raw);
const ga = (raw: unknown) => validateFlow(flow(raw), { generation: 'ga' });
const preview = (raw: unknown) => validateFlow(flow(raw), { generation: 'preview' });

const audio = (name: string) => ({ audioUri: `https://example.com/${name}.wav` });
const bye = { type: 'hangup', outcome: 'done' };
/** gather → branch → hangups: the smallest flow with a menu. */
const menuFlow = (over: { gather?: object; branch?: object; nodes?: object } = {}) => ({
  start: 'menu',
  nodes: {
    menu: { type: 'gather', prompt: audio('menu'), valid: ['1', '2'], next: 'choice', ...over.gather },
    choice: { type: 'branch', cases: { '1': 'yes', '2': 'no' }, default: 'no', ...over.branch },
    yes: { type: 'hangup', outcome: 'yes' },
    no: { type: 'hangup', outcome: 'no' },
    ...over.nodes,
  },
});

describe('validateFlow', () => {
  it('finds nothing wrong with the documented example, on either generation', () => {
    expect(ga(appointment)).toEqual([]);
    expect(preview(appointment)).toEqual([]);
    expect(ga(menuFlow())).toEqual([]);
  });

  it('names a start that is no node', () => {
    expect(ga({ start: 'welcom', nodes: { welcome: bye } })).toEqual([{ node: 'welcom', field: 'start', message: 'names "welcom", which is not a node of this flow' }]);
  });

  describe('exits naming unknown nodes', () => {
    const connect = { type: 'connect', next: 'done', failure: 'done' };
    const ask = { type: 'ask', url: 'https://example.com/ask', routes: ['done'], fallback: 'done' };
    const retry = { next: 'done' };
    it.each([
      ['next', { type: 'play', prompt: audio('a'), next: 'gone' }],
      ['next', { type: 'gather', noInput: retry, next: 'gone' }],
      ['noInput.next', { type: 'gather', noInput: { next: 'gone' }, next: 'done' }],
      ['invalid.next', { type: 'gather', valid: ['1'], noInput: retry, invalid: { retries: 2, next: 'gone' }, next: 'done' }],
      ['next', { ...connect, next: 'gone' }],
      ['failure', { ...connect, failure: 'gone' }],
      ['routes.1', { ...ask, routes: ['done', 'gone'] }],
      ['fallback', { ...ask, fallback: 'gone' }],
    ])('%s of %j', (field, node) => {
      expect(ga({ start: 'first', nodes: { first: node, done: bye } })).toContainEqual({ node: 'first', field, message: 'names "gone", which is not a node of this flow' });
    });

    it.each([
      ['cases.2', { cases: { '1': 'yes', '2': 'gone' } }],
      ['default', { default: 'gone' }],
    ])('%s of a branch', (field, branch) => {
      expect(ga(menuFlow({ branch }))).toContainEqual({ node: 'choice', field, message: 'names "gone", which is not a node of this flow' });
    });

    it('does not take a name of Object.prototype for a node', () => {
      const issues = ga({ start: 'menu', nodes: { menu: { type: 'play', prompt: audio('a'), next: 'toString' } } });
      expect(issues).toContainEqual({ node: 'menu', field: 'next', message: 'names "toString", which is not a node of this flow' });
    });
  });

  it('names a node the start cannot reach, once', () => {
    const issues = ga(menuFlow({ nodes: { orphan: { type: 'play', prompt: audio('o'), next: 'yes' } } }));
    expect(issues).toEqual([{ node: 'orphan', field: '', message: 'cannot be reached from start "menu"' }]);
  });

  describe('loops that never end', () => {
    it('names every node from which no hangup can be reached', () => {
      const issues = ga({
        start: 'menu',
        nodes: {
          menu: { type: 'gather', prompt: audio('menu'), valid: ['1'], noInput: { retries: 1, next: 'menu' }, invalid: { next: 'menu' }, next: 'agent' },
          agent: { type: 'connect', next: 'menu', failure: 'menu' },
        },
      });
      const message = 'no hangup can be reached from this node, so a call that gets here never ends (unless the callee hangs up)';
      expect(issues).toEqual([
        { node: 'menu', field: '', message },
        { node: 'agent', field: '', message },
      ]);
    });

    it("counts a gather's hang-up on no input, or on invalid input, as an end", () => {
      const loop = (gather: object) => ({
        start: 'menu',
        nodes: { menu: { type: 'gather', prompt: audio('menu'), next: 'again', ...gather }, again: { type: 'play', prompt: audio('again'), next: 'menu' } },
      });
      expect(ga(loop({}))).toEqual([]);
      expect(ga(loop({ noInput: { next: 'menu' }, valid: ['1'] }))).toEqual([]);
      expect(ga(loop({ noInput: { next: 'menu' } }))).toHaveLength(2);
    });

    it('names a loop of play nodes once, at its first node, with the way round', () => {
      const issues = ga({
        start: 'intro',
        nodes: {
          intro: { type: 'play', prompt: audio('intro'), next: 'a' },
          a: { type: 'play', prompt: audio('a'), next: 'b' },
          b: { type: 'play', prompt: audio('b'), next: 'a' },
        },
      });
      expect(issues).toEqual([
        {
          node: 'a',
          field: 'next',
          message: 'goes round the loop a → b → a, made of play nodes only: no input can change its path, so a call that goes round it once goes round it forever',
        },
        // intro is outside the loop but can still never end.
        { node: 'intro', field: '', message: expect.stringMatching(/^no hangup can be reached/) },
      ]);
    });

    it('names a play node that goes to itself', () => {
      expect(ga({ start: 'a', nodes: { a: { type: 'play', prompt: audio('a'), next: 'a' } } })).toEqual([
        { node: 'a', field: 'next', message: expect.stringContaining('the loop a → a, made of play nodes only') },
      ]);
    });

    it('names a loop through a branch that no gather interrupts, though the branch could leave it', () => {
      const issues = ga(menuFlow({ branch: { cases: { '1': 'yes', '2': 'info' } }, nodes: { info: { type: 'play', prompt: audio('info'), next: 'choice' } } }));
      expect(issues).toEqual([
        {
          node: 'choice',
          field: 'cases.2',
          message: expect.stringContaining('the loop choice → info → choice, made of play and branch nodes only (a branch reads the same digits each time round)'),
        },
      ]);
    });

    it('accepts a loop back through a gather', () => {
      expect(ga(menuFlow({ branch: { cases: { '1': 'yes', '2': 'info' } }, nodes: { info: { type: 'play', prompt: audio('info'), next: 'menu' } } }))).toEqual([]);
    });

    it('names a play node whose prompt loops, which never finishes', () => {
      const issues = ga({ start: 'hold', nodes: { hold: { type: 'play', prompt: { ...audio('music'), loop: true }, next: 'done' }, done: bye } });
      expect(issues).toEqual([{ node: 'hold', field: 'prompt.loop', message: expect.stringContaining('never finishes') }]);
      // A gather's looping prompt is stopped by a key.
      expect(ga({ start: 'menu', nodes: { menu: { type: 'gather', prompt: { ...audio('menu'), loop: true }, next: 'done' }, done: bye } })).toEqual([]);
    });
  });

  describe('branches', () => {
    it('names an `on` that is no node, or no gather', () => {
      expect(ga(menuFlow({ branch: { on: 'men' } }))).toEqual([{ node: 'choice', field: 'on', message: 'names "men", which is not a node of this flow' }]);
      expect(ga(menuFlow({ branch: { on: 'yes' } }))).toEqual([{ node: 'choice', field: 'on', message: 'names "yes", a hangup node; a branch reads the digits of a gather node' }]);
      expect(ga(menuFlow({ branch: { on: 'constructor' } }))).toEqual([{ node: 'choice', field: 'on', message: 'names "constructor", which is not a node of this flow' }]);
    });

    it('names an `on` gather that never leads to the branch', () => {
      const issues = ga(
        menuFlow({
          branch: { on: 'other' },
          nodes: { yes: { type: 'gather', prompt: audio('other'), next: 'no' }, other: { type: 'gather', next: 'no' } },
        }),
      );
      expect(issues).toContainEqual({ node: 'choice', field: 'on', message: 'names gather "other", from which no path leads to this branch, so it has no digits of "other" to read' });
    });

    it('names a branch without `on` that no gather leads to', () => {
      const issues = ga({ start: 'choice', nodes: { choice: { type: 'branch', cases: { '1': 'done' }, default: 'done' }, done: bye } });
      expect(issues).toEqual([{ node: 'choice', field: 'on', message: 'is left out, so the branch reads the most recent gather, but no gather node leads to this branch' }]);
    });

    it('names a case longer than the gather takes', () => {
      const issues = ga(menuFlow({ gather: { valid: undefined }, branch: { cases: { '1': 'yes', '12': 'no' } } }));
      expect(issues).toEqual([{ node: 'choice', field: 'cases.12', message: '"12" can never be gathered: gather "menu" takes at most 1 digit' }]);
    });

    it('names a case not in the valid list of the gather it reads', () => {
      const issues = ga(menuFlow({ branch: { on: 'menu', cases: { '1': 'yes', '3': 'no' } } }));
      expect(issues).toEqual([{ node: 'choice', field: 'cases.3', message: '"3" can never be gathered: gather "menu" accepts only 1, 2' }]);
    });

    it('names a case holding the finish key', () => {
      const issues = ga(menuFlow({ gather: { valid: undefined, maxDigits: 4, finishKey: '#' }, branch: { cases: { '12#': 'yes' } } }));
      expect(issues).toEqual([
        { node: 'choice', field: 'cases.12#', message: '"12#" can never be gathered: "#" is the finishKey of gather "menu": it ends the input and is not part of the digits' },
      ]);
    });

    it('accepts a case without `on` that one of the gathers leading to the branch can gather', () => {
      const twoMenus = menuFlow({
        gather: { valid: ['1', '2', '9'], next: 'pick' },
        branch: { cases: { '1': 'yes', '42': 'no', '7': 'no' } },
        nodes: {
          pick: { type: 'branch', cases: { '9': 'long' }, default: 'choice' },
          long: { type: 'gather', maxDigits: 2, valid: ['42'], next: 'choice' },
        },
      });
      expect(ga(twoMenus)).toEqual([
        { node: 'choice', field: 'cases.7', message: '"7" can never be gathered: gather "menu" accepts only 1, 2, 9; gather "long" accepts only 42' },
      ]);
    });
  });

  it('names a valid input a gather could never take', () => {
    const issues = ga(menuFlow({ gather: { valid: ['1', '22', '3#'], maxDigits: 2, finishKey: '#' }, branch: { cases: { '1': 'yes' } } }));
    expect(issues).toEqual([{ node: 'menu', field: 'valid.2', message: '"3#" can never be entered: "#" is the finishKey of gather "menu": it ends the input and is not part of the digits' }]);
    expect(ga(menuFlow({ gather: { valid: ['12'] }, branch: { cases: {} } }))).toContainEqual({
      node: 'menu',
      field: 'valid.0',
      message: '"12" can never be entered: gather "menu" takes at most 1 digit',
    });
  });

  describe('text prompts', () => {
    const spoken = { text: 'Press 1 to confirm', voice: 'en-US-JennyNeural' };
    const withText = menuFlow({ gather: { prompt: spoken, noInput: { prompt: { text: 'Sorry?' }, next: 'no' } } });
    const message = 'the seed generation (the 2021 preview API) cannot speak text: use a pre-recorded audioUri instead';

    it('are refused on the seed generation, naming each', () => {
      expect(preview(withText)).toEqual([
        { node: 'menu', field: 'prompt.text', message },
        { node: 'menu', field: 'noInput.prompt.text', message },
      ]);
      expect(preview({ start: 'p', nodes: { p: { type: 'play', prompt: spoken, next: 'done' }, done: bye } })).toEqual([{ node: 'p', field: 'prompt.text', message }]);
    });

    it('are accepted on GA', () => {
      expect(ga(withText)).toEqual([]);
    });
  });

  describe('{{variables}}', () => {
    const play = (audioUri: string) => ({ start: 'p', nodes: { p: { type: 'play', prompt: { audioUri }, next: 'done' }, done: bye } });

    it('accepts well-formed ones, spaces inside the braces included', () => {
      expect(ga(play('https://example.com/{{ name }}/{{id_2}}.wav'))).toEqual([]);
    });

    it.each([
      ['https://example.com/{{first name}}.wav', '{{first name}}'],
      ['https://example.com/{{1st}}.wav', '{{1st}}'],
      ['https://example.com/{{}}.wav', '{{}}'],
      ['https://example.com/{{name.wav', '{{name.wav'],
      ['https://example.com/{{name-with-a-long-tail.wav', '{{name-with-a-long-t…'],
      ['https://example.com/{{ok}}/{{bad-name}}', '{{bad-name}}'],
    ])('names a {{ that starts no variable in %s', (audioUri, snippet) => {
      expect(ga(play(audioUri))).toEqual([
        { node: 'p', field: 'prompt.audioUri', message: `"${snippet}" is not a variable: write {{name}}, the name a letter then up to 63 letters, digits or _` },
      ]);
    });

    it('checks the connect target and the ask URL too', () => {
      const issues = ga({
        start: 'agent',
        nodes: {
          agent: { type: 'connect', target: '{{ agent id }}', next: 'ask', failure: 'ask' },
          ask: { type: 'ask', url: 'https://example.com/?a={{a b}}', routes: ['done'], fallback: 'done' },
          done: bye,
        },
      });
      expect(issues.map((i) => [i.node, i.field])).toEqual([
        ['agent', 'target'],
        ['ask', 'url'],
      ]);
    });
  });

  describe('describeIssue', () => {
    it('writes one line naming the node and field', () => {
      expect(describeIssue({ node: 'menu', field: 'next', message: 'names "confrim", which is not a node of this flow' })).toBe(
        'node "menu": next: names "confrim", which is not a node of this flow',
      );
      expect(describeIssue({ node: 'welcom', field: 'start', message: 'names "welcom", which is not a node of this flow' })).toBe(
        'start: names "welcom", which is not a node of this flow',
      );
      expect(describeIssue({ node: 'orphan', field: '', message: 'cannot be reached from start "menu"' })).toBe('node "orphan": cannot be reached from start "menu"');
    });
  });

  describe('properties', () => {
    /** A random flow that goes straight from its first node to a hangup, each node of any kind. */
    const linearFlow = fc
      .array(fc.constantFrom('play', 'gather', 'branch', 'connect', 'ask', 'text'), { minLength: 0, maxLength: 30 })
      .chain((kinds) => fc.tuple(fc.constant(kinds), fc.array(fc.constantFrom('1', '2', '3', '*', '#'), { minLength: kinds.length, maxLength: kinds.length })));
    const build = ([kinds, keys]: [string[], string[]]) => {
      const nodes: Record<string, object> = {};
      const id = (i: number) => (i === kinds.length ? 'end' : `n${i}`);
      kinds.forEach((kind, i) => {
        const next = id(i + 1);
        const after = i > 0 ? kinds[i - 1] : undefined;
        nodes[id(i)] =
          kind === 'play'
            ? { type: 'play', prompt: audio(`p${i}`), next }
            : kind === 'text'
              ? { type: 'play', prompt: { text: `prompt ${i}` }, next }
              : kind === 'gather'
                ? { type: 'gather', prompt: audio(`g${i}`), valid: [keys[i]], noInput: { retries: 1, next }, invalid: { next }, next }
                : kind === 'branch'
                  ? // Reads the gather just before it (cases it can gather), or its own default when no gather is.
                    after === 'gather'
                    ? { type: 'branch', on: id(i - 1), cases: { [keys[i - 1]]: next }, default: next }
                    : { type: 'play', prompt: audio(`b${i}`), next }
                  : kind === 'connect'
                    ? { type: 'connect', next, failure: next }
                    : { type: 'ask', url: `https://example.com/ask/${i}`, routes: [next], fallback: next };
      });
      nodes.end = bye;
      return flow({ start: id(0), nodes });
    };

    it('finds nothing wrong with a linear flow on GA', () => {
      fc.assert(fc.property(linearFlow, (input) => validateFlow(build(input), { generation: 'ga' }).length === 0));
    });

    it('names the unknown node when one exit of a linear flow is renamed', () => {
      fc.assert(
        fc.property(linearFlow, fc.nat(), (input, pick) => {
          const doc = build(input);
          const ids = Object.keys(doc.nodes).filter((id) => id !== 'end');
          fc.pre(ids.length > 0);
          const id = ids[pick % ids.length];
          const node = doc.nodes[id] as { next?: string; fallback?: string; default?: string };
          const field = 'next' in node ? 'next' : 'fallback' in node ? 'fallback' : 'default';
          (node as Record<string, unknown>)[field] = 'nowhere';
          const issues = validateFlow(doc, { generation: 'ga' });
          return issues.some((i) => i.node === id && i.field === field && i.message === 'names "nowhere", which is not a node of this flow');
        }),
      );
    });
  });
});

describe('checkVariables and flowVariables', () => {
  const doc = flow({
    start: 'p',
    nodes: {
      p: { type: 'play', prompt: { audioUri: 'https://example.com/{{firstName}}/{{appointmentTime}}/{{firstName}}.wav' }, next: 'agent' },
      agent: { type: 'connect', target: '{{agent}}', next: 'done', failure: 'done' },
      ask: { type: 'ask', url: 'https://example.com/?to={{to}}&call={{callId}}', routes: ['done'], fallback: 'done' },
      done: bye,
    },
  });

  it('names each variable no row provides, once per field', () => {
    expect(checkVariables(doc, new Set(['firstName']))).toEqual([
      { node: 'p', field: 'prompt.audioUri', message: 'uses {{appointmentTime}}, which no target row provides' },
      { node: 'agent', field: 'target', message: 'uses {{agent}}, which no target row provides' },
    ]);
  });

  it('takes `to` and `callId` as always provided', () => {
    expect(checkVariables(doc, new Set(['firstName', 'appointmentTime', 'agent']))).toEqual([]);
  });

  it('lists the distinct variables in the order they first appear', () => {
    expect(flowVariables(doc)).toEqual(['firstName', 'appointmentTime', 'agent', 'to', 'callId']);
    expect(flowVariables(flow(appointment))).toEqual(['appointmentTime', 'to']);
  });
});

describe('docs/flows.md', () => {
  const docs = fs.readFileSync(path.join(ROOT, 'docs/flows.md'), 'utf8');
  const documents = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1])).filter((block) => 'nodes' in block);

  it('holds the example the tests use, verbatim', () => {
    expect(documents).toContainEqual(appointment);
  });

  it.each(documents.map((d, i) => [i, d]))('document %i is a flow with nothing wrong on GA', (_i, document) => {
    expect(ga(document)).toEqual([]);
  });
});
