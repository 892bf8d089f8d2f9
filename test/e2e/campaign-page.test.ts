import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CHROMIUM, chromium, HAVE_CHROMIUM } from '../helpers/chromium';
import { eventually, startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const AUDIO = 'https://media.example.com/outage.wav';
/** Debian's chromium is installed on some machines, never in CI: the browser checks skip, saying why, without it. */
const browserIt = HAVE_CHROMIUM ? it : it.skip;
const needsChromium = HAVE_CHROMIUM ? '' : ` [skipped: ${CHROMIUM} is not installed]`;

/** A name no page may contain, so the test can tell the page holds no data of its own. */
const CAMPAIGN_NAME = 'Wildfire evacuation notice 7f3a';

const GROUPS = [
  { size: 4, script: { dtmf: [{ afterMs: 200, keys: '2' }] }, outcome: 'answered-acknowledged' },
  { size: 3, script: {}, outcome: 'no-response' },
  { size: 3, script: { answer: 'never' }, outcome: 'not-answered' },
  { size: 2, script: { answer: 'reject' }, outcome: 'not-answered' },
] as const;

/** The legend's outcome rows: the count in the data attribute and the count a person reads must agree. */
function legendCounts(dom: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, outcome, data, shown] of dom.matchAll(/<tr data-outcome="([^"]+)" data-count="(\d+)"><td>.*?<\/td><td class="num">(\d+)<\/td>/g)) {
    expect({ outcome, shown }).toEqual({ outcome, shown: data });
    counts[outcome] = Number(data);
  }
  return counts;
}

const between = (dom: string, start: string, end: string) => dom.slice(dom.indexOf(start), dom.indexOf(end, dom.indexOf(start)));

describe('the campaign report page', () => {
  let t: TestService;
  let campaignId: string;
  let dir: string;

  beforeAll(async () => {
    t = await startTestService('sqlite');
    dir = await mkdtemp(path.join(tmpdir(), 'callhook-page-'));
    const targets: Array<{ to: string }> = [];
    for (const group of GROUPS) {
      for (let i = 0; i < group.size; i++) {
        const to = `+1555400${String(targets.length).padStart(4, '0')}`;
        await t.emulator().post('/emulator/scripts').send({ target: to, ...group.script }).expect(201);
        targets.push({ to });
      }
    }
    const created = await t
      .api()
      .post('/api/campaigns')
      .send({ name: CAMPAIGN_NAME, audioFileUri: AUDIO, waitSeconds: 1, callsPerSecond: 50, retry: { attempts: 2, delaySeconds: 0.2 }, targets })
      .expect(201);
    campaignId = created.body.id;
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the page without a key, as HTML that holds no campaign data, under the security headers', async () => {
    const res = await request(t.service.url).get(`/campaigns/${campaignId}`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain('<script src="assets/report.js" defer></script>');
    // report.js uses the API-key script's CallhookApiKey, so that script must come first.
    expect(res.text.indexOf('<script src="assets/api-key.js" defer></script>')).toBeGreaterThan(-1);
    expect(res.text.indexOf('assets/api-key.js')).toBeLessThan(res.text.indexOf('assets/report.js'));
    expect(res.text).toContain('<link rel="stylesheet" href="assets/report.css">');
    // CSP allows no inline script: every <script> must load a file.
    expect(res.text.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    expect(res.text).not.toContain(CAMPAIGN_NAME);
    expect(res.text).not.toContain(TEST_API_KEY);
  });

  it('serves the scripts and style sheet with their content types, and revalidates with an ETag', async () => {
    for (const [file, type, sample] of [
      ['api-key.js', 'text/javascript; charset=utf-8', 'sessionStorage'],
      ['report.js', 'text/javascript; charset=utf-8', 'CallhookApiKey'],
      ['report.css', 'text/css; charset=utf-8', '.badge'],
    ] as const) {
      const res = await request(t.service.url).get(`/campaigns/assets/${file}`).expect(200);
      expect({ file, type: res.headers['content-type'], nosniff: res.headers['x-content-type-options'], has: res.text.includes(sample) }).toEqual({
        file,
        type,
        nosniff: 'nosniff',
        has: true,
      });
      await request(t.service.url).get(`/campaigns/assets/${file}`).set('If-None-Match', res.headers.etag).expect(304);
    }
  });

  it('redirects a trailing slash (relative asset URLs would break) and 404s what is not a campaign id', async () => {
    const res = await request(t.service.url).get(`/campaigns/${campaignId}/`).expect(301);
    expect(res.headers.location).toBe(`../${campaignId}`);
    const bad = await request(t.service.url).get('/campaigns/not.an.id').expect(404);
    expect(bad.body.error.code).toBe('route_not_found');
    await request(t.service.url).get('/campaigns/assets/other.js').expect(404);
  });

  browserIt(`shows the campaign in a real browser, with the outcome counts the API reports${needsChromium}`, async () => {
    const done = await eventually(
      'the campaign to complete',
      async () => {
        const res = await t.api().get(`/api/campaigns/${campaignId}`);
        return res.body.status === 'completed' ? res.body : undefined;
      },
      20_000,
    );
    expect(done.outcomes).toEqual({ 'answered-acknowledged': 4, 'no-response': 3, 'not-answered': 5 });

    const url = `${t.service.url}/campaigns/${campaignId}#key=${TEST_API_KEY}`;
    // CAMPAIGN_PAGE_SCREENSHOT=docs/campaign-report.png regenerates the README's picture from this campaign.
    const screenshot = process.env.CAMPAIGN_PAGE_SCREENSHOT;
    if (screenshot) await chromium(url, [`--screenshot=${path.resolve(screenshot)}`], path.join(dir, 'shot'));
    const dom = await chromium(url, ['--dump-dom'], path.join(dir, 'p1'));

    expect(legendCounts(dom)).toEqual(done.outcomes);
    expect(dom).toContain(`<h1 id="name">${CAMPAIGN_NAME}</h1>`);
    expect(dom).toContain('<span id="status" class="badge completed">completed</span>');
    expect(dom).toMatch(/<progress id="progress" max="12" value="12"/);
    expect(between(dom, 'id="progress-text"', '</p>')).toContain('12 of 12 targets settled (100%)');
    expect(between(dom, 'id="stat-attempts"', '</dd>')).toContain(`>${done.progress.attempts}`);
    expect(between(dom, 'id="stat-webhooks"', '</dd>')).toMatch(new RegExp(`>${done.webhooks.failingDeliveries}$`));
    // Five targets never picked up: each is a failed target, called twice.
    const failedRows = [...between(dom, 'id="failed-table"', '</table>').matchAll(/<tr data-row="\d+"><td class="num">\d+<\/td><td>(\+1555400\d{4})<\/td><td>not-answered<\/td><td class="num">2<\/td>/g)];
    expect(failedRows).toHaveLength(5);
    expect(between(dom, 'id="slowest-table"', '</table>').match(/<tr data-row=/g)).toHaveLength(10);
    // A finished campaign offers no transitions.
    expect(dom).toMatch(/<button type="button" id="pause" hidden="">/);
    expect(dom).toMatch(/<button type="button" id="cancel" class="danger" hidden="">/);
    expect(dom).toMatch(/<section id="key-section" hidden="">/);
  });

  browserIt(`asks for the key when it has none, and again when the API refuses it${needsChromium}`, async () => {
    const url = `${t.service.url}/campaigns/${campaignId}`;
    const noKey = await chromium(url, ['--dump-dom'], path.join(dir, 'p2'));
    expect(noKey).toMatch(/<section id="key-section">/);
    expect(noKey).toMatch(/<article id="report" hidden="">/);

    const wrongKey = await chromium(`${url}#key=not-the-key-0123456789`, ['--dump-dom'], path.join(dir, 'p3'));
    expect(wrongKey).toMatch(/<section id="key-section">/);
    expect(wrongKey).toContain('The API key was refused (invalid_api_key).');
    expect(wrongKey).not.toContain(CAMPAIGN_NAME);
  });
});
