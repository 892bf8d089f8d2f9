import fs from 'node:fs';
import path from 'node:path';
import Database, { Statement } from 'better-sqlite3';
import { Db, Param, sqlFor } from './db';

/**
 * better-sqlite3 is synchronous; every statement and transaction runs through
 * one queue (whichever of the two connections below it uses), so a
 * transaction's statements can never interleave with another caller's.
 */
export function openSqlite(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const open = (synchronous: 'NORMAL' | 'FULL') => {
    const conn = new Database(file);
    conn.pragma('journal_mode = WAL');
    conn.pragma(`synchronous = ${synchronous}`);
    conn.pragma('busy_timeout = 5000');
    conn.pragma('foreign_keys = ON');
    return conn;
  };
  // NORMAL is crash-safe in WAL mode; durable transactions run on a second connection at FULL, so an
  // acknowledged callback also survives power loss (a FULL commit syncs the WAL file, and with it every
  // commit before it, whichever connection wrote them). Two connections instead of switching one back
  // and forth: that cost two PRAGMA statements per durable commit. Both see one file and run through
  // the queue below, so they never wait on each other's locks. An in-memory database is one
  // connection (a second would be another database); it has nothing to flush.
  const db = open('NORMAL');
  const durableDb = file === ':memory:' ? db : open('FULL');

  const direct = (conn: Database.Database): Db => {
    const statements = new Map<string, Statement>();
    const prepare = (sql: string) => {
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = conn.prepare(sqlFor('sqlite', sql));
        statements.set(sql, stmt);
      }
      return stmt;
    };
    const on: Db = {
      dialect: 'sqlite',
      all: async <T>(sql: string, params: Param[] = []) => prepare(sql).all(...params) as T[],
      get: async <T>(sql: string, params: Param[] = []) => prepare(sql).get(...params) as T | undefined,
      run: async (sql: string, params: Param[] = []) => {
        const stmt = prepare(sql);
        return stmt.reader ? stmt.all(...params).length : stmt.run(...params).changes;
      },
      tx: (fn) => fn(on),
      close: async () => statements.clear(),
    };
    return on;
  };
  const normal = direct(db);
  const durable = durableDb === db ? normal : direct(durableDb);

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    dialect: 'sqlite',
    all: (sql, params) => exclusive(() => normal.all(sql, params)),
    get: (sql, params) => exclusive(() => normal.get(sql, params)),
    run: (sql, params) => exclusive(() => normal.run(sql, params)),
    tx: (fn, options) =>
      exclusive(async () => {
        const [conn, on] = options?.durable ? [durableDb, durable] : [db, normal];
        conn.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(on);
          conn.exec('COMMIT');
          return result;
        } catch (err) {
          if (conn.inTransaction) conn.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () =>
      exclusive(async () => {
        await normal.close();
        await durable.close();
        if (durableDb !== db) durableDb.close();
        db.close();
      }),
  };
}
