import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { fixture } from '../helpers/fixtures';
import { startTestService, TestService, eventually } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

/** A 24 MiB tmpfs of the test's own, or undefined (with the reason) where mounting is not permitted. */
function mountSmallDisk(): { dir: string; unmount(): void } | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callhook-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${String((err as Error).message).split('\n')[0]})`;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a file until the filesystem refuses more. */
function fill(file: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const fd = fs.openSync(file, 'w');
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

const disk = mountSmallDisk();
if (typeof disk === 'string') console.warn(`disk-full.test.ts skipped: ${disk}`);
const describeWithDisk = typeof disk === 'string' ? describe.skip : describe;

describeWithDisk('a full disk under SQLite', () => {
  const { dir, unmount } = disk as { dir: string; unmount(): void };
  let t: TestService;

  beforeAll(async () => {
    const file = path.join(dir, 'callhook.db');
    const database = { config: { kind: 'sqlite' as const, path: file }, url: `sqlite:${file}`, drop: async () => undefined };
    // Ingest only: the test's callbacks stay in the inbox, nothing else writes meanwhile.
    t = await startTestService('sqlite', { DISPATCH_CONCURRENCY: '0' }, database);
    await t.service.store.calls.insert({ id: 'disk-call', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing' });
  });
  afterAll(async () => {
    await t?.stop();
    unmount();
  });

  it('reports it on /readyz, answers callbacks 503 with Retry-After, and recovers when space returns', async () => {
    const readyz = () => request(t.service.url).get('/readyz');
    expect((await readyz()).status).toBe(200);
    // A body of half a megabyte needs new pages in the WAL, whatever space it kept from before.
    const big = { ...fixture('call-state-established'), id: 'big-event-1', padding: 'x'.repeat(512 * 1024) };
    const post = () => request(t.service.url).post(callbackPath('disk-call')).set('Content-Type', 'application/json').send(JSON.stringify(big));

    const filler = path.join(dir, 'filler');
    fill(filler);
    const unready = await readyz();
    expect(unready.status).toBe(503);
    expect(unready.body.problems.database).toMatch(/cannot write/);
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('database_unavailable');
    expect(await t.service.store.inbox.list('disk-call')).toEqual([]);

    fs.rmSync(filler);
    await eventually('/readyz to be ready again', async () => (await readyz()).status === 200);
    const accepted = await post();
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await t.service.store.inbox.list('disk-call')).map((e) => e.eventType)).toEqual(['Microsoft.Communication.CallLegStateChanged']);
  });
});
