import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../helpers/process';
import { eventually, startTestService, TestService } from '../helpers/service';
import { webhookSecret } from '../helpers/webhook-receiver';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = webhookSecret('listen');

/** `callhook webhooks listen` in its own process, receiving a real call's webhooks from a running service. */
describe('callhook webhooks listen', () => {
  let t: TestService;
  let child: ChildProcess | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    t = await startTestService('sqlite', { WEBHOOK_URL: `http://127.0.0.1:${port}/`, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_BASE_MS: '50' });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await t.stop();
  });

  it('prints each verified event and rejects a forged one', async () => {
    let stdout = '';
    let stderr = '';
    child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/cli/main.ts', 'webhooks', 'listen', '--port', String(port)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, WEBHOOK_SECRET: SECRET },
      stdio: 'pipe',
    });
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    await eventually('the listener to start', () => stderr.includes('Listening for callhook webhooks'), 20_000);

    const to = '+14255550142';
    await t.emulator().post('/emulator/scripts').send({ target: to, dtmf: [{ afterMs: 300, keys: '2' }] }).expect(201);
    const placed = await t.api().post('/api/calls').send({ to, audioFileUri: 'https://media.example.com/a.wav' }).expect(201);
    await eventually('call.ended to be printed', () => stdout.includes('call.ended'), 20_000);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+  call\\.outcome  msg_\\w+  \\{.*"callId":"${placed.body.id}".*"outcome":"answered-acknowledged"`));

    const forged = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    await eventually('the rejection to be printed', () => stderr.includes('rejected msg_forged'));

    child.kill('SIGINT');
    const code = await new Promise((resolve) => child!.on('close', resolve));
    expect(code).toBe(0);
  });

  it('refuses to start without a secret, saying where to give one', async () => {
    const run = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/cli/main.ts', 'webhooks', 'listen'], { cwd: ROOT, env: { PATH: process.env.PATH }, stdio: 'pipe' });
    let stderr = '';
    run.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => run.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('--secret whsec_');
  });
});
