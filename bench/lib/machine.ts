import fs from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';
import { postgresVersion } from './databases';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  sqlite: string;
  postgres: string;
}

function cpuModel(): string {
  const model = os.cpus()[0]?.model?.trim();
  if (model && model !== 'unknown') return model;
  try {
    return /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Cores this process may use (cgroup limits and affinity included, where Node can tell). */
function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export async function describeMachine(postgresUrl: string | undefined): Promise<Machine> {
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    cpu: cpuModel(),
    cores: cores(),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite: `${sqlite} (better-sqlite3)`,
    postgres: postgresUrl ? ((await postgresVersion(postgresUrl)) ?? 'not reachable') : 'not used',
  };
}
