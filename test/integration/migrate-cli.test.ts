import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/store';
import { MIGRATIONS } from '../../src/store/migrations';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';

const ROOT = path.join(__dirname, '..', '..');
const TABLES = ['calls', 'campaign_targets', 'campaigns', 'flows', 'inbox', 'participant_log', 'roster', 'schema_migrations', 'timeline', 'timers', 'webhook_outbox', 'write_probe'];

/** The CLI as `npm run migrate` runs it, but from source so the test needs no build. */
function migrateCli(databaseUrl: string) {
  return spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/cli/migrate.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

async function tablesOf(database: TestDatabase): Promise<string[]> {
  const db = openDb(database.config, { maxConnections: 1 });
  try {
    const rows =
      db.dialect === 'sqlite'
        ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        : await db.all<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()');
    return rows.map((r) => r.name).sort();
  } finally {
    await db.close();
  }
}

describe.each(DATABASE_KINDS)('npm run migrate on a fresh %s database', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase(kind);
  });
  afterAll(() => database.drop());

  it('applies every migration, then finds the schema current on a second run', async () => {
    expect(await tablesOf(database)).toEqual([]);

    const first = migrateCli(database.url);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1)).toEqual(MIGRATIONS.map((m) => `applied migration ${m.id}: ${m.name}`));
    expect(lines.at(-1)).toMatch(new RegExp(`is at version ${MIGRATIONS.at(-1)!.id}$`));
    expect(await tablesOf(database)).toEqual(TABLES);

    const second = migrateCli(database.url);
    expect(second.status).toBe(0);
    expect(second.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/is current \(version \d+\); nothing to apply$/)]);
    expect(await tablesOf(database)).toEqual(TABLES);
  });
});

describe('npm run migrate with an unreachable database', () => {
  it('prints one line naming the database, without its password, and exits 1', () => {
    const result = migrateCli('postgres://callhook:S3CRET-PASSWORD@127.0.0.1:1/callhook');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^callhook migrate: cannot migrate Postgres 127\.0\.0\.1:1\/callhook: .*ECONNREFUSED/)]);
    expect(result.stderr).not.toContain('S3CRET');
  });

  it('exits 1 with one line when the SQLite file cannot be created', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callhook-migrate-'));
    try {
      // A regular file where the database's directory should be.
      fs.writeFileSync(path.join(dir, 'not-a-dir'), '');
      const result = migrateCli(`sqlite:${path.join(dir, 'not-a-dir', 'callhook.db')}`);
      expect(result.status).toBe(1);
      expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^callhook migrate: cannot migrate SQLite /)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 with one line naming a bad DATABASE_URL', () => {
    const result = migrateCli('mysql://db/callhook');
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^callhook migrate: invalid configuration: DATABASE_URL: /)]);
  });
});
