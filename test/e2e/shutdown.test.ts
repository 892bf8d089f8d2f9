import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { newAccessKey } from '../helpers/client-fixtures';
import { fixture } from '../helpers/fixtures';
import { freePort, startServiceProcess } from '../helpers/process';
import { startScriptedAcsServer } from '../helpers/scripted-acs-server';
import { eventually } from '../helpers/service';
import { TEST_API_KEY, TEST_SECRET } from '../helpers/tokens';

const ROOT = path.join(__dirname, '..', '..');
const DEADLINE_MS = 2000;

type LogLine = { time: number; msg: string; pid: number };
const parsed = (output: string[]): LogLine[] =>
  output.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });

/** Resolves once the server has closed the socket (the service cut the slow client off). */
function openSlowRequest(url: string, path: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      // Headers and a tenth of the promised body: the request stays in flight until the server gives up on it.
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"id":"x"`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('shutting down', () => {
  it('stops within one SHUTDOWN_TIMEOUT_MS for the whole shutdown, with a slow request and a slow handler, and exits 0', async () => {
    const accessKey = newAccessKey();
    const acs = await startScriptedAcsServer(accessKey);
    try {
      // The create call is answered; every later request (the handler's play) never is.
      acs.reply({ status: 201, body: { callLegId: 'leg-slow-handler' } });
      acs.setFallback({ hang: true });
      const service = await startServiceProcess({
        ACS_CONNECTION_STRING: `endpoint=${acs.url}/;accesskey=${accessKey}`,
        DATABASE_URL: 'sqlite::memory:',
        SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
      });
      const created = await request(service.url)
        .post('/api/calls')
        .set('Authorization', `Bearer ${TEST_API_KEY}`)
        .send({ to: '+14255550123', audioFileUri: 'https://media.example.com/a.wav' })
        .expect(201);
      const callbackPath = new URL(created.body.callbackUri).pathname + new URL(created.body.callbackUri).search;
      const established = fixture('call-state-established');
      established.data.CallLegId = 'leg-slow-handler';
      established.subject = 'callLeg/leg-slow-handler/callState';
      await request(service.url).post(callbackPath).send([established]).expect(200);
      await eventually('the handler to be waiting on its play request', () => acs.requests.some((r) => r.path.endsWith('/PlayAudio')));
      const slow = await openSlowRequest(service.url, callbackPath);
      const cutOff = new Promise<void>((resolve) => slow.on('close', () => resolve()));
      slow.on('error', () => undefined);

      const exit = await service.kill('SIGTERM');
      await cutOff;

      expect(exit).toEqual({ code: 0, signal: null });
      const lines = parsed(service.output);
      const shuttingDown = lines.find((l) => l.msg === 'shutting down');
      const stopped = lines.find((l) => l.msg === 'callhook stopped');
      expect(stopped).toBeDefined();
      expect(lines.map((l) => l.msg)).toContain('shutdown deadline passed with handlers still running; their events stay in the inbox');
      // The process's own log clock: a container engine kills at the deadline, so all of shutdown must fit in it.
      expect(stopped!.time - shuttingDown!.time).toBeLessThanOrEqual(DEADLINE_MS + 1000);
    } finally {
      await acs.close();
    }
  }, 30_000);

  it('stops the service when the npm process of `npm start` gets SIGTERM, as a process manager sends it', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: String(port), EMULATOR_PORT: '0', DATABASE_URL: 'sqlite::memory:', CALLBACK_SECRET: TEST_SECRET, API_KEY: TEST_API_KEY, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    npm.stdout!.on('data', (c: Buffer) => output.push(...c.toString('utf8').split('\n')));
    npm.stderr!.on('data', (c: Buffer) => output.push(...c.toString('utf8').split('\n')));
    const npmExited = new Promise<void>((resolve) => npm.on('exit', () => resolve()));
    try {
      const listening = await eventually('npm start to listen (it builds first)', () => parsed(output).find((l) => l.msg === 'callhook listening'), 60_000);
      await request(`http://127.0.0.1:${port}`).get('/healthz').expect(200);

      npm.kill('SIGTERM');
      await npmExited;
      await eventually('node to log that it stopped', () => parsed(output).some((l) => l.msg === 'callhook stopped'));
      await eventually('the node process to be gone', () => {
        try {
          process.kill(listening.pid, 0);
          return false;
        } catch {
          return true;
        }
      });
      await expect(request(`http://127.0.0.1:${port}`).get('/healthz')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      const node = parsed(output).find((l) => l.msg === 'callhook listening')?.pid;
      if (node) {
        try {
          process.kill(node, 'SIGKILL');
        } catch {
          // already gone, as it should be
        }
      }
    }
  }, 90_000);
});
