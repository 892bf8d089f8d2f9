import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './process';

/**
 * A Postgres server of the test's own (its own data directory and port), so a
 * test may kill its connections and stop it without touching the shared one.
 * Postgres refuses to run as root: as root, it runs as the `postgres` user.
 */
export interface OwnPostgres {
  url: string;
  /** pg_terminate_backend on every other backend of the database; returns how many were ended. */
  terminateConnections(): Promise<number>;
  /** pg_ctl stop -m fast: every connection is closed at once. */
  stop(): void;
  start(): void;
  /** Stops the server and removes its data directory. */
  destroy(): void;
}

const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/14/bin'];

/** The directory holding initdb and pg_ctl, or undefined where no Postgres server is installed. */
export function postgresBinDir(): string | undefined {
  return BIN_DIRS.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl')));
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no Postgres server binaries (initdb, pg_ctl) installed');
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callhook-pg-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : path.join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe', cwd: dir });
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=50`;
  const start = () => run('pg_ctl', ['start', '-w', '-D', data, '-l', path.join(dir, 'server.log'), '-o', options]);
  const stop = () => run('pg_ctl', ['stop', '-w', '-D', data, '-m', 'fast']);
  start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  return {
    url,
    async terminateConnections() {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        );
        return rows.filter((r: { ended: boolean }) => r.ended).length;
      } finally {
        await client.end();
      }
    },
    stop,
    start,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
