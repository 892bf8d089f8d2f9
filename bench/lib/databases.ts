import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface BenchDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL for the service process. */
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Whether Postgres answers at `url`, and its version when it does. */
export async function postgresVersion(url: string): Promise<string | undefined> {
  try {
    return await admin(url, async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
  } catch {
    return undefined;
  }
}

/** A database of its own for one benchmark: a temp SQLite file, or a fresh Postgres schema (dropped by `drop`). */
export async function freshDatabase(kind: DatabaseKind, postgresUrl: string): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callhook-bench-'));
    const file = path.join(dir, 'callhook.db');
    return { kind, url: `sqlite:${file}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_${process.pid}_${randomBytes(5).toString('hex')}`;
  await admin(postgresUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { kind, url: url.toString(), drop: () => admin(postgresUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined) };
}
