import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store';
import { startTestService, TestService } from '../helpers/service';

const ROOT = path.resolve(__dirname, '../..');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ['--require', 'tsx/cjs', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('callhook backup', () => {
  let t: TestService;
  let dir: string;
  beforeAll(async () => {
    t = await startTestService('sqlite');
    dir = await mkdtemp(path.join(tmpdir(), 'callhook-backup-'));
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('copies the SQLite database while the service runs, with progress, and the copy opens with its data', async () => {
    const call = (await t.api().post('/api/calls').send({ to: '+14255550123', audioFileUri: 'https://media.example.com/a.wav' }).expect(201)).body;
    const target = path.join(dir, 'backup.db');
    const run = await cli(['backup', target], { DATABASE_URL: t.database.url });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^backup: 100% \(\d+\/\d+ pages\)$/m);
    expect(run.stdout).toMatch(new RegExp(`^backed up .+ to ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ pages, [\\d.]+ MB, integrity ok\\)\\n$`));
    expect(existsSync(`${target}.partial`)).toBe(false);

    const copy = await openStore({ kind: 'sqlite', path: target });
    try {
      expect((await copy.calls.get(call.id))?.target).toBe('4:+14255550123');
    } finally {
      await copy.close();
    }
  });

  it('never overwrites a file, and says what to do for Postgres or a missing database', async () => {
    const existing = path.join(dir, 'taken.db');
    await writeFile(existing, 'keep me');
    const taken = await cli(['backup', existing], { DATABASE_URL: t.database.url });
    expect({ code: taken.code, stderr: taken.stderr }).toEqual({ code: 1, stderr: `callhook: ${existing} already exists; choose a new file name (backups never overwrite)\n` });

    const pg = await cli(['backup', path.join(dir, 'pg.db')], { DATABASE_URL: 'postgres://callhook:secret@db.internal:5432/callhook' });
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/^callhook: DATABASE_URL is Postgres: back it up with pg_dump -Fc/);
    expect(pg.stderr).not.toContain('secret');

    const missing = await cli(['backup', path.join(dir, 'none.db')], { DATABASE_URL: `sqlite:${path.join(dir, 'nothing-here.db')}` });
    expect(missing.stderr).toBe(`callhook: no database at ${path.join(dir, 'nothing-here.db')} (DATABASE_URL): is this where the service keeps it?\n`);

    const usage = await cli(['backup'], {});
    expect(usage.stderr).toBe('callhook: backup needs exactly one file to write (see callhook backup --help)\n');
  });
});
