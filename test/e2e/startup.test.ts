import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { freePort } from '../helpers/process';
import { eventually } from '../helpers/service';

const ROOT = path.join(__dirname, '..', '..');
const KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');

interface Started {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** `sh -c` so a test can source .env.example first, as the README tells people to. */
function start(script: string, env: Record<string, string>): Started {
  const child = spawn('sh', ['-c', `${script}exec "${process.execPath}" --require tsx/cjs src/server.ts`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '2000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (c: Buffer) => output.push(...c.toString('utf8').split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

const messages = (output: string[]) =>
  output.flatMap((line) => {
    try {
      return [JSON.parse(line) as { msg: string; level: number; [k: string]: unknown }];
    } catch {
      return [];
    }
  });

async function stop(s: Started): Promise<void> {
  if (s.child.exitCode === null) s.child.kill('SIGTERM');
  await s.exited;
}

describe('start-up', () => {
  const running: Started[] = [];
  const launch = (env: Record<string, string>, script = '') => {
    const s = start(script, env);
    running.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map(stop));
  });

  it('names DATABASE_URL and the likely cause when PostgreSQL is not there', async () => {
    const port = await freePort();
    const s = launch({ PORT: '0', EMULATOR_PORT: '0', DATABASE_URL: `postgres://callhook:hunter2-password@127.0.0.1:${port}/callhook` });
    expect(await s.exited).toBe(1);
    expect(s.output).toContain(
      `callhook: failed to start: DATABASE_URL: cannot use PostgreSQL at 127.0.0.1:${port}/callhook (ECONNREFUSED): nothing listens there: is PostgreSQL running, and is the host and port right?`,
    );
    expect(s.output.join('\n')).not.toContain('hunter2');
  });

  it('names EMULATOR_PORT, and PORT, when another process holds the port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const emulatorClash = launch({ PORT: '0', EMULATOR_PORT: String(taken), DATABASE_URL: 'sqlite::memory:' });
      expect(await emulatorClash.exited).toBe(1);
      expect(emulatorClash.output).toContain(
        `callhook: failed to start: EMULATOR_PORT: port ${taken} for the embedded emulator is already in use (EADDRINUSE): another callhook (npm start, or npm run emulator) may be running; stop it, or set EMULATOR_PORT to a free port`,
      );
      const first = launch({ PORT: '0', EMULATOR_PORT: '0', DATABASE_URL: 'sqlite::memory:' });
      const listening = await eventually('the first instance', () => messages(first.output).find((m) => m.msg === 'callhook listening'));
      const second = launch({ PORT: String(listening.port), EMULATOR_PORT: '0', DATABASE_URL: 'sqlite::memory:' });
      expect(await second.exited).toBe(1);
      expect(second.output.some((l) => l.startsWith(`callhook: failed to start: PORT: port ${listening.port} for callhook is already in use (EADDRINUSE)`))).toBe(true);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('names every missing required variable at once with the real service', async () => {
    const s = launch({ ACS_CONNECTION_STRING: `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}` });
    expect(await s.exited).toBe(1);
    expect(s.output).toEqual([
      'callhook: invalid configuration: ACS_RESOURCE_ID, PUBLIC_BASE_URL, SOURCE_IDENTITY, CALLBACK_SECRET, API_KEY: are required when ACS_CONNECTION_STRING is set, local or not (CALLHOOK_DEV=1 for development defaults; see .env.production.example)',
    ]);
  });

  it('with .env.example sourced as the README says: says where it listens, the control API and the dev key, and a curl call runs', async () => {
    const port = await freePort();
    // The example's own PORT and EMULATOR_PORT are fixed numbers other tests may hold, and its database a file: only those are overridden.
    const s = launch({}, `set -a; . ./.env.example; PORT=${port}; EMULATOR_PORT=0; DATABASE_URL=sqlite::memory:; EMULATOR_TIME_SCALE=0.01; set +a; `);
    const logged = await eventually('the development key line', () => {
      const all = messages(s.output);
      return all.some((m) => m.msg === 'development API key (emulator only): dev-api-key') ? all : undefined;
    });
    expect(logged.find((m) => m.msg === 'callhook listening')).toMatchObject({ listening: `http://localhost:${port}`, publicBaseUrl: `http://localhost:${port}` });
    expect(logged.find((m) => m.msg === 'emulator control API ready (see docs/emulator.md)')?.controlApi).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/emulator$/);

    const created = await request(`http://127.0.0.1:${port}`)
      .post('/api/calls')
      .set('Authorization', 'Bearer dev-api-key')
      .send({ to: '+14255550123', audioFileUri: 'https://media.example.com/reminder.wav' })
      .expect(201);
    expect(created.body.callbackUri).toMatch(new RegExp(`^http://localhost:${port}/api/callbacks/`));
    await eventually('the call to be established', async () => {
      const call = await request(`http://127.0.0.1:${port}`).get(`/api/calls/${created.body.id}`).set('Authorization', 'Bearer dev-api-key');
      return call.body.state === 'established' || call.body.state === 'terminated';
    });
    expect(messages(s.output).filter((m) => m.level >= 40).map((m) => m.msg)).toEqual([]);
  });

  it('warns when the emulator cannot reach PUBLIC_BASE_URL', async () => {
    const closed = await freePort();
    const local = launch({ PORT: '0', EMULATOR_PORT: '0', DATABASE_URL: 'sqlite::memory:', PUBLIC_BASE_URL: `http://127.0.0.1:${closed}` });
    await eventually('the unreachable warning', () => messages(local.output).some((m) => m.level === 40 && m.msg.startsWith('the emulator cannot reach PUBLIC_BASE_URL: calls will sit in establishing')));
    const remote = launch({ PORT: '0', EMULATOR_PORT: '0', DATABASE_URL: 'sqlite::memory:', PUBLIC_BASE_URL: 'https://callhook.example.com' });
    await eventually('the not-local warning', () => messages(remote.output).some((m) => m.level === 40 && m.msg.startsWith('PUBLIC_BASE_URL is not a local address')));
  });
});
