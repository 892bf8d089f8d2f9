import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CHROMIUM, chromium, HAVE_CHROMIUM } from '../helpers/chromium';
import { startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

/** Debian's chromium is installed on some machines, never in CI: the browser checks skip, saying why, without it. */
const browserIt = HAVE_CHROMIUM ? it : it.skip;
const needsChromium = HAVE_CHROMIUM ? '' : ` [skipped: ${CHROMIUM} is not installed]`;

/** Every node type and every kind of exit label: a case's keys, default, no input, invalid, failure, fallback, route, next. */
const FLOW = {
  description: 'Confirms tomorrow’s appointment, or puts the patient through to reception',
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompt: { audioUri: 'https://media.example.com/clinic/welcome%20v2.wav' }, next: 'menu' },
    menu: {
      type: 'gather',
      prompt: { text: 'Press 1 to confirm your appointment, 2 to speak to reception.' },
      valid: ['1', '2'],
      noInput: { retries: 1, next: 'goodbye' },
      invalid: { retries: 1, next: 'goodbye' },
      next: 'route',
    },
    route: { type: 'branch', on: 'menu', cases: { '1': 'check', '2': 'reception' }, default: 'goodbye' },
    check: { type: 'ask', url: 'https://clinic.example.com/hooks/confirm', routes: ['confirmed'], fallback: 'reception' },
    reception: { type: 'connect', target: '4:+14255550123', next: 'connected', failure: 'voicemail' },
    confirmed: { type: 'hangup', outcome: 'confirmed' },
    connected: { type: 'hangup', outcome: 'spoke-to-reception' },
    voicemail: { type: 'hangup', outcome: 'reception-busy' },
    goodbye: { type: 'hangup', outcome: 'no-answer-given' },
  },
};

const EDGES = [
  ['welcome', 'menu', 'next'],
  ['menu', 'route', 'next'],
  ['menu', 'goodbye', 'no input'],
  ['menu', 'goodbye', 'invalid'],
  ['route', 'check', '1'],
  ['route', 'reception', '2'],
  ['route', 'goodbye', 'default'],
  ['check', 'confirmed', 'route'],
  ['check', 'reception', 'fallback'],
  ['reception', 'connected', 'next'],
  ['reception', 'voicemail', 'failure'],
];

const LABELS: Record<string, string> = {
  welcome: '♪ welcome v2.wav',
  menu: '“Press 1 to confirm your appointment, 2 to speak to reception.”',
  route: 'on the keys of menu',
  check: 'asks clinic.example.com',
  reception: 'to 4:+14255550123',
  confirmed: 'outcome confirmed',
  connected: 'outcome spoke-to-reception',
  voicemail: 'outcome reception-busy',
  goodbye: 'outcome no-answer-given',
};

const unescape = (html: string) => html.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What the drawn SVG holds: nodes by their data attributes, and each edge's ends and label text. */
function drawn(dom: string) {
  const svg = dom.slice(dom.indexOf('<svg'), dom.indexOf('</svg>'));
  return {
    nodes: Object.fromEntries(
      [...svg.matchAll(/<g class="node [^"]*" data-node="([^"]+)" data-type="([^"]+)">.*?data-label="([^"]*)"/g)].map(([, id, type, label]) => [id, `${type}|${unescape(label)}`]),
    ),
    edges: [...svg.matchAll(/<g class="edge" data-from="([^"]+)" data-to="([^"]+)" data-label="([^"]+)">.*?<text[^>]*>([^<]+)<\/text>/g)].map(([, from, to, label, text]) => [
      from,
      to,
      label === text ? label : `${label} != ${text}`,
    ]),
  };
}

describe('the flow page', () => {
  let t: TestService;
  let dir: string;

  beforeAll(async () => {
    // GA: text prompts are refused on the seed generation, which cannot speak them.
    t = await startTestService('sqlite', { ACS_API_VERSION: '2026-03-12' });
    dir = await mkdtemp(path.join(tmpdir(), 'callhook-flow-page-'));
    await t.api().post('/api/flows/appointment').send({ start: 'welcome', nodes: { welcome: FLOW.nodes.welcome, menu: { ...FLOW.nodes.menu, next: 'goodbye' }, goodbye: FLOW.nodes.goodbye } }).expect(201);
    const v2 = await request(t.service.url).put('/api/flows/appointment').set('Authorization', `Bearer ${TEST_API_KEY}`).send(FLOW);
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers the laid-out graph: every node placed with its label, every exit routed with its label', async () => {
    const res = await t.api().get('/api/flows/appointment/graph').expect(200);
    expect(res.body).toMatchObject({ name: 'appointment', version: 2, versions: [1, 2], description: FLOW.description });
    expect(Object.fromEntries(res.body.nodes.map((n: { id: string; label: string }) => [n.id, n.label]))).toEqual(LABELS);
    expect(res.body.edges.map((e: { from: string; to: string; label: string }) => [e.from, e.to, e.label])).toEqual(EDGES);
    for (const node of res.body.nodes) {
      expect(node.x - node.width / 2).toBeGreaterThanOrEqual(0);
      expect(node.y + node.height / 2).toBeLessThanOrEqual(res.body.height);
    }
    for (const edge of res.body.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    // The start is on top: a layered layout from it.
    const y = (id: string) => res.body.nodes.find((n: { id: string }) => n.id === id).y;
    expect(y('welcome')).toBeLessThan(y('menu'));
    expect(y('menu')).toBeLessThan(y('route'));

    const v1 = await t.api().get('/api/flows/appointment/graph?version=1').expect(200);
    expect(v1.body.nodes.map((n: { id: string }) => n.id)).toEqual(['welcome', 'menu', 'goodbye']);
  });

  it('404s an unknown flow or version with its code, 400s a bad version, 401s without the key', async () => {
    const unknown = await t.api().get('/api/flows/no-such-flow/graph').expect(404);
    expect(unknown.body.error).toMatchObject({ code: 'flow_not_found', message: 'no flow named "no-such-flow"' });
    const version = await t.api().get('/api/flows/appointment/graph?version=9').expect(404);
    expect(version.body.error).toMatchObject({ code: 'flow_version_not_found', message: 'flow "appointment" has no version 9 (its latest is 2)' });
    const bad = await t.api().get('/api/flows/appointment/graph?version=latest').expect(400);
    expect(bad.body.error.message).toContain('query.version');
    await request(t.service.url).get('/api/flows/appointment/graph').expect(401);
  });

  it('serves the page without a key, as HTML that holds no flow, with its own script and style', async () => {
    const res = await request(t.service.url).get('/flows/appointment').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    expect(res.text).not.toContain('reception');
    expect(res.text.indexOf('<script src="assets/api-key.js" defer></script>')).toBeGreaterThan(-1);
    expect(res.text.indexOf('assets/api-key.js')).toBeLessThan(res.text.indexOf('assets/flow-graph.js'));
    for (const [file, type] of [
      ['api-key.js', 'text/javascript; charset=utf-8'],
      ['flow-graph.js', 'text/javascript; charset=utf-8'],
      ['flow-graph.css', 'text/css; charset=utf-8'],
      ['report.css', 'text/css; charset=utf-8'],
    ]) {
      expect({ file, type: (await request(t.service.url).get(`/flows/assets/${file}`).expect(200)).headers['content-type'] }).toEqual({ file, type });
    }
    expect((await request(t.service.url).get('/flows/appointment/').expect(301)).headers.location).toBe('../appointment');
    expect((await request(t.service.url).get('/flows/Not_A_Name').expect(404)).body.error.code).toBe('route_not_found');
  });

  browserIt(`draws every node and every exit label in a real browser${needsChromium}`, async () => {
    const url = `${t.service.url}/flows/appointment#key=${TEST_API_KEY}`;
    // FLOW_GRAPH_SCREENSHOT=docs/flows-graph.png regenerates the docs' picture from this flow.
    const screenshot = process.env.FLOW_GRAPH_SCREENSHOT;
    if (screenshot) await chromium(url, [`--screenshot=${path.resolve(screenshot)}`, '--window-size=1200,1100'], path.join(dir, 'shot'));
    const dom = await chromium(url, ['--dump-dom'], path.join(dir, 'p1'));
    expect(dom).toContain('<h1 id="name">appointment</h1>');
    expect(dom).toContain('<span id="version" class="badge">version 2</span>');
    const { nodes, edges } = drawn(dom);
    expect(nodes).toEqual(Object.fromEntries(Object.entries(LABELS).map(([id, label]) => [id, `${FLOW.nodes[id as keyof typeof FLOW.nodes].type}|${label}`])));
    expect(edges).toEqual(EDGES);
    expect(dom).toMatch(/<g class="node play start" data-node="welcome"/);
  });

  browserIt(`draws the version asked for, says so when the flow does not exist, and asks for the key when it has none or a refused one${needsChromium}`, async () => {
    const v1 = await chromium(`${t.service.url}/flows/appointment?version=1#key=${TEST_API_KEY}`, ['--dump-dom'], path.join(dir, 'p2'));
    expect(v1).toContain('<span id="version" class="badge">version 1</span>');
    expect(Object.keys(drawn(v1).nodes)).toEqual(['welcome', 'menu', 'goodbye']);

    const missing = await chromium(`${t.service.url}/flows/no-such-flow#key=${TEST_API_KEY}`, ['--dump-dom'], path.join(dir, 'p3'));
    expect(missing).toContain('No flow named "no-such-flow" (flow_not_found).');
    expect(missing).toMatch(/<article id="flow" hidden="">/);

    const noKey = await chromium(`${t.service.url}/flows/appointment`, ['--dump-dom'], path.join(dir, 'p4'));
    expect(noKey).toMatch(/<section id="key-section">/);
    expect(noKey).not.toContain('reception');

    const wrongKey = await chromium(`${t.service.url}/flows/appointment#key=not-the-key-0123456789`, ['--dump-dom'], path.join(dir, 'p5'));
    expect(wrongKey).toMatch(/<section id="key-section">/);
    expect(wrongKey).toContain('The API key was refused (invalid_api_key).');
    expect(wrongKey).toMatch(/<input id="api-key"[^>]* aria-invalid="true">/);
    expect(wrongKey).not.toContain('reception');
  });
});
