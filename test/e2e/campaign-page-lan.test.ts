import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { chromium, CHROMIUM, HAVE_CHROMIUM } from '../helpers/chromium';
import { eventually, startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const browserIt = HAVE_CHROMIUM ? it : it.skip;
const needsChromium = HAVE_CHROMIUM ? '' : ` [skipped: ${CHROMIUM} is not installed]`;

/**
 * A name that is not "potentially trustworthy" as localhost and 127.0.0.1 are,
 * so Chromium treats the page as a LAN address would be treated; the resolver
 * rule sends it to the loopback address the test service listens on.
 */
const HOST = 'callhook.test';
const NAME = 'Outage notice over plain http 41c2';

describe('the campaign report page at a non-loopback http address', () => {
  let t: TestService;
  let dir: string;
  let campaignId: string;

  beforeAll(async () => {
    t = await startTestService('sqlite');
    dir = await mkdtemp(path.join(tmpdir(), 'callhook-lan-'));
    const created = await t
      .api()
      .post('/api/campaigns')
      .send({ name: NAME, audioFileUri: 'https://media.example.com/a.wav', waitSeconds: 1, targets: [{ to: '+15554100001' }] })
      .expect(201);
    campaignId = created.body.id;
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps a CSP but does not ask browsers to upgrade plain-http requests', async () => {
    const res = await request(t.service.url).get(`/campaigns/${campaignId}`).expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  browserIt(`loads its script and style over http://${HOST} and shows the campaign${needsChromium}`, async () => {
    await eventually('the campaign to be readable', async () => (await t.api().get(`/api/campaigns/${campaignId}`)).status === 200);
    const port = new URL(t.service.url).port;
    const url = `http://${HOST}:${port}/campaigns/${campaignId}#key=${TEST_API_KEY}`;
    const dom = await chromium(url, ['--dump-dom', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`], path.join(dir, 'p'));
    expect(dom).toContain(`<h1 id="name">${NAME}</h1>`);
    expect(dom).toMatch(/<section id="key-section" hidden="">/);
  });
});
