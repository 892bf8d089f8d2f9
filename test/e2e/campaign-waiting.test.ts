import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, CHROMIUM, HAVE_CHROMIUM } from '../helpers/chromium';
import { startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const browserIt = HAVE_CHROMIUM ? it : it.skip;
const needsChromium = HAVE_CHROMIUM ? '' : ` [skipped: ${CHROMIUM} is not installed]`;
const ROOT = path.resolve(__dirname, '../..');

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('a campaign whose calling window is closed', () => {
  let t: TestService;
  let dir: string;
  let id: string;
  let opensAt: number;

  beforeAll(async () => {
    t = await startTestService('sqlite');
    dir = await mkdtemp(path.join(tmpdir(), 'callhook-window-'));
    // A UTC window that opens two hours from now (whole minutes), so it is closed for the whole test.
    opensAt = Math.ceil((Date.now() + 2 * 3600_000) / 60_000) * 60_000;
    const created = await t
      .api()
      .post('/api/campaigns')
      .send({
        name: 'After hours',
        audioFileUri: 'https://media.example.com/a.wav',
        window: { start: hhmm(opensAt), end: hhmm(opensAt + 3600_000), timeZone: 'UTC' },
        targets: [{ to: '+15554200001' }, { to: '+15554200002' }],
      })
      .expect(201);
    id = created.body.id;
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expectedOpening = () => {
    const d = new Date(opensAt);
    const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(d).replace(',', '');
    return `${day} ${hhmm(opensAt)} UTC`;
  };

  it('says so in the API, with when the window opens', async () => {
    const view = (await t.api().get(`/api/campaigns/${id}`).expect(200)).body;
    expect(view.status).toBe('running');
    expect(view.progress).toMatchObject({ dialling: 0, pending: 2 });
    expect(view.waiting).toEqual({
      reason: 'calling-window',
      opensAt: new Date(opensAt).toISOString(),
      message: `waiting for the calling window (opens at ${expectedOpening()})`,
    });
  });

  it('says so in `callhook campaign status`', async () => {
    const { CALLHOOK_URL: _u, CALLHOOK_API_KEY: _k, ...env } = process.env;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--require', 'tsx/cjs', 'src/cli/main.ts', 'campaign', 'status', id, '--url', t.service.url, '--api-key', TEST_API_KEY], { cwd: ROOT, env }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    expect(stdout.split('\n')[0]).toBe(`Campaign "After hours" (${id}): running, 0% settled, waiting for the calling window (opens at ${expectedOpening()})`);
  });

  browserIt(`says so on the report page${needsChromium}`, async () => {
    const dom = await chromium(`${t.service.url}/campaigns/${id}#key=${TEST_API_KEY}`, ['--dump-dom'], path.join(dir, 'p'));
    expect(dom).toContain(`<p id="waiting" class="notice" role="status">Waiting for the calling window (opens at ${expectedOpening()}).</p>`);
  });
});
