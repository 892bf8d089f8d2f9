import { flowDocumentSchema } from '../../src/flows/document';

/** The shape's messages as the API answers them: path and message of each zod issue. */
const issues = (nodes: unknown) => flowDocumentSchema.safeParse({ start: 'a', nodes }).error?.issues.map((i) => [i.path.join('.'), i.message]);

describe('the flow document shape', () => {
  it('says what a node id must be, not "Invalid key in record"', () => {
    expect(issues({ 'my node': { type: 'hangup', outcome: 'x' } })).toEqual([['nodes.my node', 'node ids are a letter then up to 63 letters, digits, _ or -']]);
  });

  it("says what a branch case's digits must be", () => {
    expect(issues({ a: { type: 'branch', cases: { one: 'a' }, default: 'a' } })).toEqual([['nodes.a.cases.one', 'digits are 1 to 32 of 0-9, * or #']]);
  });

  it('says what a prompt is when it is neither kind, or both', () => {
    const message = 'a prompt is an object, either {"audioUri": "https://…"} or {"text": "…"}, not both';
    expect(issues({ a: { type: 'play', prompt: { audioUri: 'https://example.com/a.wav', text: 'hi' }, next: 'a' } })).toEqual([['nodes.a.prompt', message]]);
    expect(issues({ a: { type: 'play', prompt: 'hello', next: 'a' } })).toEqual([['nodes.a.prompt', message]]);
  });

  it("keeps the matching kind's own message", () => {
    expect(issues({ a: { type: 'play', prompt: { audioUri: 'ftp://example.com/a.wav' }, next: 'a' } })).toEqual([['nodes.a.prompt.audioUri', 'must be an http(s) URL']]);
  });
});
