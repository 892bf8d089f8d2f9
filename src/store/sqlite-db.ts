import fs from 'node:fs';
import path from 'node:path';
import Database, { Statement } from 'better-sqlite3';
import { Db, Param, sqlFor } from './db';

/**
 * better-sqlite3 is synchronous and has one connection, so every statement and
 * transaction runs through one queue: a transaction's statements can never
 * interleave with another caller's.
 */
export function openSqlite(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is crash-safe in WAL mode; durable transactions switch to FULL so an
  // acknowledged callback also survives power loss (a FULL commit flushes everything before it).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');

  const statements = new Map<string, Statement>();
  const prepare = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sqlFor('sqlite', sql));
      statements.set(sql, stmt);
    }
    return stmt;
  };

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  };

  const direct: Db = {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: Param[] = []) => prepare(sql).all(...params) as T[],
    get: async <T>(sql: string, params: Param[] = []) => prepare(sql).get(...params) as T | undefined,
    run: async (sql: string, params: Param[] = []) => {
      const stmt = prepare(sql);
      return stmt.reader ? stmt.all(...params).length : stmt.run(...params).changes;
    },
    tx: (fn) => fn(direct),
    close: async () => undefined,
  };

  return {
    dialect: 'sqlite',
    all: (sql, params) => exclusive(() => direct.all(sql, params)),
    get: (sql, params) => exclusive(() => direct.get(sql, params)),
    run: (sql, params) => exclusive(() => direct.run(sql, params)),
    tx: (fn, options) =>
      exclusive(async () => {
        if (options?.durable) db.pragma('synchronous = FULL');
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        } finally {
          if (options?.durable) db.pragma('synchronous = NORMAL');
        }
      }),
    close: () =>
      exclusive(() => {
        statements.clear();
        db.close();
      }),
  };
}
