import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE_NAMES, fixture } from '../helpers/fixtures';
import { startTestService, TestService } from '../helpers/service';
import { TEST_SECRET } from '../helpers/tokens';

const GA_FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'events-ga');
const GA_FIXTURE_NAMES = fs.readdirSync(GA_FIXTURE_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'replay.sh');

async function replay(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(SCRIPT, args, { env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe('scripts/replay.sh against a listening service', () => {
  let t: TestService;
  let callId: string;

  beforeAll(async () => {
    t = await startTestService('sqlite');
    callId = (await t.api().post('/api/calls').send({ to: '+14255550188', audioFileUri: 'https://m.example.com/a.wav' })).body.id;
  });
  afterAll(() => t.stop());

  it('replays every seed fixture with a signed token and gets 200 for each', async () => {
    const { code, stdout } = await replay([callId], { CALLHOOK_URL: t.service.url, CALLBACK_SECRET: TEST_SECRET });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(FIXTURE_NAMES);
    expect(lines.every((l) => / 200 \{"accepted":1,"duplicates":0\}$/.test(l))).toBe(true);
    // A second replay is acknowledged as duplicates: the seed's events have id null, so content identifies them.
    const again = await replay([callId, 'dtmf-received'], { CALLHOOK_URL: t.service.url, CALLBACK_SECRET: TEST_SECRET });
    expect(again.stdout).toMatch(/dtmf-received\s+200 \{"accepted":0,"duplicates":1\}/);
    expect((await t.service.store.inbox.list(callId)).filter((e) => e.source === 'callback').length).toBeGreaterThanOrEqual(FIXTURE_NAMES.length);
  });

  it('gets 401 with the wrong secret and exits 1', async () => {
    const { code, stdout } = await replay([callId, 'dtmf-received'], { CALLHOOK_URL: t.service.url, CALLBACK_SECRET: 'not-the-secret-of-this-service' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/dtmf-received\s+401 .*invalid_callback_token/);
  });

  it('gets 400 naming the field for a broken event', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callhook-fixtures-'));
    const broken = fixture('dtmf-received');
    delete broken.data.ToneInfo;
    fs.writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
    const { code, stdout } = await replay([callId, 'broken'], { CALLHOOK_URL: t.service.url, CALLBACK_SECRET: TEST_SECRET, FIXTURES_DIR: dir });
    expect(code).toBe(1);
    expect(stdout).toMatch(/broken\s+400 .*data\.ToneInfo/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('scripts/replay.sh --ga against a listening GA service', () => {
  let t: TestService;
  let callId: string;

  beforeAll(async () => {
    t = await startTestService('sqlite', { ACS_API_VERSION: '2026-03-12' });
    callId = (await t.api().post('/api/calls').send({ to: '+14255550188', audioFileUri: 'https://m.example.com/a.wav' })).body.id;
  });
  afterAll(() => t.stop());

  it('replays every GA fixture with the token and an emulator-minted JWT and gets 200 for each', async () => {
    expect(GA_FIXTURE_NAMES.length).toBeGreaterThan(0);
    const env = { CALLHOOK_URL: t.service.url, CALLBACK_SECRET: TEST_SECRET, EMULATOR_URL: t.service.emulatorUrl! };
    const { code, stdout } = await replay(['--ga', callId], env);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(GA_FIXTURE_NAMES);
    // Each fixture is one CloudEvent; all of them are new to this call.
    expect(lines.every((l) => / 200 \{"accepted":1,"duplicates":0\}$/.test(l))).toBe(true);
    // A second replay is acknowledged as duplicates: GA dedupes by CloudEvent id.
    const again = await replay(['--ga', callId, 'play-completed'], env);
    expect(again.stdout).toMatch(/play-completed\s+200 \{"accepted":0,"duplicates":1\}/);
    const stored = (await t.service.store.inbox.list(callId)).filter((e) => e.source === 'callback').map((e) => e.eventType);
    for (const name of GA_FIXTURE_NAMES) {
      const type = JSON.parse(fs.readFileSync(path.join(GA_FIXTURE_DIR, `${name}.json`), 'utf8'))[0].type;
      expect(stored).toContain(type);
    }
  });

  it('gets 401 when the JWT is for another resource, and exits 1', async () => {
    const env = { CALLHOOK_URL: t.service.url, CALLBACK_SECRET: TEST_SECRET, EMULATOR_URL: t.service.emulatorUrl!, JWT_AUDIENCE: 'another-acs-resource' };
    const { code, stdout } = await replay(['--ga', callId, 'call-connected'], env);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^call-connected\s+401 \{"error"/);
  });
});
