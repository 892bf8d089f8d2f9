import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DatabaseConfig } from '../config';

/** The backup could not be made; its message is ready to print. */
export class BackupError extends Error {}

const POSTGRES_ADVICE =
  'DATABASE_URL is Postgres: back it up with pg_dump -Fc (or your provider\'s point-in-time recovery), see docs/operations.md "Backups"';

/**
 * An online, consistent copy of the SQLite database through SQLite's backup
 * API (what the sqlite3 shell's .backup does, which the image does not ship),
 * safe while the service writes. It is written next to the target and renamed
 * when complete, so an interrupted backup never leaves a file that looks whole.
 */
export async function backupSqlite(database: DatabaseConfig, target: string, progress: (line: string) => void): Promise<{ pages: number; bytes: number }> {
  if (database.kind !== 'sqlite') throw new BackupError(POSTGRES_ADVICE);
  if (database.path === ':memory:') throw new BackupError('DATABASE_URL is an in-memory database: there is nothing on disk to back up');
  if (!existsSync(database.path)) throw new BackupError(`no database at ${database.path} (DATABASE_URL): is this where the service keeps it?`);
  if (existsSync(target)) throw new BackupError(`${target} already exists; choose a new file name (backups never overwrite)`);

  const partial = `${target}.partial`;
  const source = new Database(database.path, { fileMustExist: true });
  let pages = 0;
  let lastShown = -1;
  try {
    const done = await source.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        const percent = totalPages ? Math.floor(((totalPages - remainingPages) * 100) / totalPages) : 100;
        // A line per tenth: enough to see it move on a large file without flooding a log.
        if (percent >= lastShown + 10 && percent < 100) {
          lastShown = percent;
          progress(`backup: ${percent}% (${totalPages - remainingPages}/${totalPages} pages)`);
        }
        return 256;
      },
    });
    // The callback is not called for the step that finishes the copy.
    pages = done.totalPages;
    progress(`backup: 100% (${pages}/${pages} pages)`);
  } catch (err) {
    rmSync(partial, { force: true });
    const code = (err as { code?: string }).code;
    throw new BackupError(`cannot write ${target}${code ? ` (${code})` : ''}: ${(err as Error).message}`);
  } finally {
    source.close();
  }
  const copy = new Database(partial, { readonly: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy failed its integrity check (${String(check)}); ${partial} is kept for inspection`);
  } finally {
    copy.close();
  }
  renameSync(partial, target);
  return { pages, bytes: statSync(target).size };
}
