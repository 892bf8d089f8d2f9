import { Pool, PoolClient, types } from 'pg';
import { Db, Param, sqlFor } from './db';

// BIGINT columns hold epoch milliseconds and counts: safe as JS numbers.
const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);

interface Statement {
  text: string;
  /** Set for statements Postgres parses and plans once per connection, then only executes. */
  name?: string;
}

/**
 * Most statements are the same few dozen strings: each is prepared once per
 * connection and then only executed, sparing the server a parse and plan per
 * call. Statements built with a variable shape (batch inserts, optional
 * filters) stop getting names past a bound, so no connection accumulates
 * prepared statements without limit. Statements without parameters (DDL,
 * migrations with several commands) use the simple protocol, unnamed.
 */
const MAX_NAMED = 200;
const statements = new Map<string, Statement>();
function toPg(sql: string, hasParams: boolean): Statement {
  let out = statements.get(sql);
  if (out === undefined) {
    let n = 0;
    const text = sqlFor('postgres', sql).replace(/\?/g, () => `$${++n}`);
    const named = hasParams && statements.size < MAX_NAMED;
    out = named ? { text, name: `callhook_${statements.size}` } : { text };
    statements.set(sql, out);
  }
  return out;
}

type Query = (statement: Statement, values: Param[]) => Promise<{ rows: unknown[]; rowCount: number | null }>;

function bind(query: Query): Omit<Db, 'tx' | 'close'> {
  const run = (sql: string, params: Param[]) => query(toPg(sql, params.length > 0), params);
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: Param[] = []) => (await run(sql, params)).rows as T[],
    get: async <T>(sql: string, params: Param[] = []) => (await run(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params: Param[] = []) => (await run(sql, params)).rowCount ?? 0,
  };
}

export function openPostgres(url: string, options: { max?: number } = {}): Db {
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    // A database that drops packets must fail a request (and readiness), not hang it.
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID ? parseInt8 : types.getTypeParser(oid, format as 'text'))) as typeof types.getTypeParser },
    // Bookkeeping commits do not wait for the WAL flush; durable transactions (acknowledgements) turn it back on.
    // Awaited before the client is handed out: a 'connect' listener would race the first query (deprecated in pg 8, an error in pg 9).
    onConnect: async (client) => {
      await client.query('SET synchronous_commit = off').catch(() => undefined);
    },
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it
  // (pool.query guards the clients it checks out itself; tx() below guards its own).
  pool.on('error', () => undefined);

  const inClient = (client: PoolClient): Db => {
    const db: Db = { ...bind((statement, values) => client.query({ ...statement, values })), tx: (fn) => fn(db), close: async () => undefined };
    return db;
  };

  return {
    ...bind((statement, values) => pool.query({ ...statement, values })),
    tx: async (fn, options) => {
      const client = await pool.connect();
      // pg-pool takes its own 'error' listener off a client while it is checked out: without one of
      // ours, a connection lost mid-transaction (pg_terminate_backend, a fast server stop) is an
      // unhandled 'error' event and kills the process. The queries in flight fail on their own.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken ??= err;
      };
      client.on('error', onError);
      try {
        // A durable transaction turns the WAL flush back on in the same round trip as its BEGIN (two
        // commands in one simple-protocol query; they run, or fail, in order).
        await client.query(options?.durable ? 'BEGIN; SET LOCAL synchronous_commit = on' : 'BEGIN');
        const result = await fn(inClient(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (!broken) await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken ??= rollbackErr));
        throw err;
      } finally {
        client.off('error', onError);
        // A client whose connection broke is handed back with the error, so the pool discards it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
