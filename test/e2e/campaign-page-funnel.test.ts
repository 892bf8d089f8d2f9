import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { flowDocumentSchema } from '../../src/flows/document';
import { flowEntry } from '../../src/flows/funnel-entries';
import { CHROMIUM, chromium, HAVE_CHROMIUM } from '../helpers/chromium';
import { quietCampaign, settledFlowCampaign } from '../helpers/flow-calls';
import { startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

/** Debian's chromium is installed on some machines, never in CI: the browser checks skip, saying why, without it. */
const browserIt = HAVE_CHROMIUM ? it : it.skip;
const needsChromium = HAVE_CHROMIUM ? '' : ` [skipped: ${CHROMIUM} is not installed]`;

const { entered, gathered, noInput, invalid, hungUp } = flowEntry;

/** 40 calls through a menu: how many do what, so the page's numbers can be checked against them. */
const PATHS: Array<{ count: number; outcome: string; names: string[] }> = [
  { count: 14, outcome: 'confirmed', names: [entered('welcome'), entered('menu'), gathered('menu', '1'), entered('route'), entered('confirmed')] },
  { count: 3, outcome: 'confirmed', names: [entered('welcome'), entered('menu'), invalid('menu'), gathered('menu', '1'), entered('route'), entered('confirmed')] },
  { count: 8, outcome: 'spoke-to-agent', names: [entered('welcome'), entered('menu'), gathered('menu', '2'), entered('route'), entered('agent'), entered('thanks')] },
  { count: 2, outcome: 'hung-up', names: [entered('welcome'), entered('menu'), gathered('menu', '2'), entered('route'), entered('agent'), hungUp('agent')] },
  { count: 6, outcome: 'no-answer-given', names: [entered('welcome'), entered('menu'), noInput('menu'), noInput('menu'), entered('goodbye')] },
  { count: 5, outcome: 'hung-up', names: [entered('welcome'), hungUp('welcome')] },
  { count: 2, outcome: 'not-answered', names: [] },
];

/** The menu the campaign runs; `voicemail` is a node no call reaches. */
const FLOW = flowDocumentSchema.parse({
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompt: { text: 'Hello {{name}}, this is Riverside Clinic about your appointment tomorrow.' }, next: 'menu' },
    menu: {
      type: 'gather',
      prompt: { text: 'Press 1 to confirm, 2 to speak to someone.' },
      valid: ['1', '2'],
      noInput: { retries: 1, next: 'goodbye' },
      invalid: { retries: 1, next: 'goodbye' },
      next: 'route',
    },
    route: { type: 'branch', on: 'menu', cases: { '1': 'confirmed', '2': 'agent' }, default: 'goodbye' },
    goodbye: { type: 'hangup', outcome: 'no-answer-given' },
    confirmed: { type: 'hangup', outcome: 'confirmed' },
    agent: { type: 'connect', next: 'thanks', failure: 'voicemail' },
    thanks: { type: 'hangup', outcome: 'spoke-to-agent' },
    voicemail: { type: 'hangup', outcome: 'agent-unavailable' },
  },
});

/** The funnel table's rows as the page shows them: node, reached text, keys, and the three loss counts. */
function funnelRows(dom: string) {
  const table = dom.slice(dom.indexOf('id="funnel-table"'), dom.indexOf('</table>', dom.indexOf('id="funnel-table"')));
  return [...table.matchAll(/<tr data-node="([^"]+)" data-reached="(\d+)">(.*?)<\/tr>/g)].map(([, node, reached, cells]) => ({
    node,
    reached: Number(reached),
    shown: /<span class="funnel-count">([^<]+)<\/span>/.exec(cells)?.[1],
    keys: Object.fromEntries([...cells.matchAll(/data-key="([^"]+)" data-count="(\d+)">([^<]+)</g)].map(([, k, c, text]) => [k, `${c}|${text}`])),
    losses: [...cells.matchAll(/data-kind="([a-z-]+)">(\d+)</g)].map(([, kind, n]) => `${kind}=${n}`),
  }));
}

/** Each outcome's swatch colour in the legend, and the colours of the donut's slices, as the browser serialised them. */
function outcomeColours(dom: string) {
  return {
    legend: Object.fromEntries([...dom.matchAll(/<tr data-outcome="([^"]+)"[^>]*><td><span class="swatch" aria-hidden="true" style="background-color: ([^;]+);">/g)].map(([, o, c]) => [o, c])),
    slices: [...dom.slice(dom.indexOf('id="chart"'), dom.indexOf('</svg>', dom.indexOf('id="chart"'))).matchAll(/stroke="(#[0-9a-f]{6})"/g)].map(([, c]) => c),
  };
}

const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

describe('the campaign page funnel', () => {
  let t: TestService;
  let dir: string;

  beforeAll(async () => {
    t = await startTestService('sqlite');
    dir = await mkdtemp(path.join(tmpdir(), 'callhook-funnel-page-'));
    const store = t.service.store;
    await store.flows.create('appointments', FLOW, Date.now());
    await settledFlowCampaign(
      store,
      { id: 'page-funnel', name: 'Appointment confirmations', settings: { flow: { name: 'appointments', version: 1 } } },
      PATHS.flatMap(({ count, outcome, names }) => Array.from({ length: count }, () => ({ outcome, names }))),
    );
    await quietCampaign(store, 'page-no-flow', {}, 'Plain reminder');
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the funnel script beside the report script, before it', async () => {
    const page = await request(t.service.url).get('/campaigns/page-funnel').expect(200);
    expect(page.text.indexOf('<script src="assets/funnel.js" defer></script>')).toBeGreaterThan(-1);
    expect(page.text.indexOf('assets/funnel.js')).toBeLessThan(page.text.indexOf('assets/report.js'));
    const script = await request(t.service.url).get('/campaigns/assets/funnel.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain('CallhookFunnel');
  });

  browserIt(`draws a bar per node with its keys, timeouts, invalid inputs and hang-ups, as the API counts them${needsChromium}`, async () => {
    const api = (await t.api().get('/api/campaigns/page-funnel/funnel').expect(200)).body;
    const url = `${t.service.url}/campaigns/page-funnel#key=${TEST_API_KEY}`;
    // CAMPAIGN_FUNNEL_SCREENSHOT=docs/campaign-funnel.png regenerates the docs' picture from this campaign.
    const screenshot = process.env.CAMPAIGN_FUNNEL_SCREENSHOT;
    if (screenshot) await chromium(url, [`--screenshot=${path.resolve(screenshot)}`], path.join(dir, 'shot'));
    const dom = await chromium(url, ['--dump-dom'], path.join(dir, 'p1'));
    expect(dom).toContain('<span id="status" class="badge completed">completed</span>');

    expect(dom).toMatch(/<section id="funnel-section" aria-labelledby="funnel-heading" class="card">/);
    expect(dom).toContain('Calls that reached each node, of the 40 calls placed (flow "appointments" version 1, in its order from the start). Each count is of calls.');
    const none = ['no-input=0', 'invalid=0', 'hung-up=0'];
    expect(funnelRows(dom)).toEqual([
      { node: 'welcome', reached: 38, shown: '38 (95.0%)', keys: {}, losses: ['no-input=0', 'invalid=0', 'hung-up=5'] },
      { node: 'menu', reached: 33, shown: '33 (82.5%)', keys: { '1': '17|1 × 17', '2': '10|2 × 10' }, losses: ['no-input=6', 'invalid=3', 'hung-up=0'] },
      { node: 'route', reached: 27, shown: '27 (67.5%)', keys: {}, losses: none },
      { node: 'goodbye', reached: 6, shown: '6 (15.0%)', keys: {}, losses: none },
      { node: 'confirmed', reached: 17, shown: '17 (42.5%)', keys: {}, losses: none },
      { node: 'agent', reached: 10, shown: '10 (25.0%)', keys: {}, losses: ['no-input=0', 'invalid=0', 'hung-up=2'] },
      { node: 'thanks', reached: 8, shown: '8 (20.0%)', keys: {}, losses: none },
      { node: 'voicemail', reached: 0, shown: '0 (0.0%)', keys: {}, losses: none },
    ]);
    // What the page shows is what the API answered, node for node.
    expect(funnelRows(dom).map((r) => [r.node, r.reached])).toEqual(api.nodes.map((n: { node: string; reached: number }) => [n.node, n.reached]));
    // Each bar is as wide as its node's share of the calls.
    expect(dom).toContain('<span class="funnel-bar" style="width: 82.5%;">');

    // The flow's own outcomes each get a colour of their own; a built-in one keeps its colour.
    const { legend, slices } = outcomeColours(dom);
    expect(Object.keys(legend).sort()).toEqual(['confirmed', 'hung-up', 'no-answer-given', 'not-answered', 'spoke-to-agent']);
    expect(new Set(Object.values(legend)).size).toBe(5);
    expect(legend['not-answered']).toBe('rgb(110, 119, 129)');
    // The donut's slices (after its background ring) are the legend's colours, in the legend's order.
    expect(slices.slice(1).map(rgb)).toEqual(Object.values(legend));
  });

  browserIt(`shows no funnel for a campaign whose calls ran no flow${needsChromium}`, async () => {
    const dom = await chromium(`${t.service.url}/campaigns/page-no-flow#key=${TEST_API_KEY}`, ['--dump-dom'], path.join(dir, 'p2'));
    expect(dom).toContain('<h1 id="name">Plain reminder</h1>');
    expect(dom).toMatch(/<section id="funnel-section" aria-labelledby="funnel-heading" class="card" hidden="">/);
  });
});
