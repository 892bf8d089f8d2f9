import type { DatabaseConfig } from '../config';
import { loadConfig } from '../config';
import { ConfigError } from '../errors';
import { openDb } from '../store';
import { migrate, MIGRATIONS } from '../store/migrations';

/** Where the database is, without credentials: the URL may carry a password. */
function describe(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return `SQLite ${database.path}`;
  const url = new URL(database.url);
  return `Postgres ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

/** pg reports a refused dual-stack connection as an AggregateError with an empty message. */
function reason(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: unknown[] };
  if (e?.message) return e.message;
  if (e?.errors?.length) return reason(e.errors[0]);
  return e?.code ?? String(err);
}

/** Applies the missing migrations; a report line per migration, or one saying there was nothing to do. */
export async function runMigrations(database: DatabaseConfig, write: (line: string) => void): Promise<number[]> {
  const db = openDb(database, { maxConnections: 1 });
  try {
    const applied = await migrate(db);
    const latest = MIGRATIONS[MIGRATIONS.length - 1].id;
    for (const id of applied) write(`applied migration ${id}: ${MIGRATIONS.find((m) => m.id === id)!.name}`);
    write(applied.length ? `${describe(database)} is at version ${latest}` : `${describe(database)} is current (version ${latest}); nothing to apply`);
    return applied;
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** `npm run migrate`: brings the configured database's schema up to date, then exits. */
async function main(): Promise<void> {
  let database: DatabaseConfig;
  try {
    database = loadConfig().database;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`callhook migrate: invalid configuration: ${err.message}\n`);
    process.exit(1);
  }
  try {
    await runMigrations(database, (line) => process.stdout.write(`${line}\n`));
  } catch (err) {
    process.stderr.write(`callhook migrate: cannot migrate ${describe(database)}: ${reason(err).split('\n')[0]}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
