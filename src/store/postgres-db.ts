import { Pool, PoolClient, types } from 'pg';
import { Db, Param, sqlFor } from './db';

// BIGINT columns hold epoch milliseconds and counts: safe as JS numbers.
const INT8_OID = 20;
const parseInt8 = (value: string) => Number(value);

/** `?` placeholders become `$1…$n` once per distinct statement. */
const converted = new Map<string, string>();
function toPg(sql: string): string {
  let out = converted.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sqlFor('postgres', sql).replace(/\?/g, () => `$${++n}`);
    converted.set(sql, out);
  }
  return out;
}

function bind(query: (text: string, values: Param[]) => Promise<{ rows: unknown[]; rowCount: number | null }>): Omit<Db, 'tx' | 'close'> {
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: Param[] = []) => (await query(toPg(sql), params)).rows as T[],
    get: async <T>(sql: string, params: Param[] = []) => (await query(toPg(sql), params)).rows[0] as T | undefined,
    run: async (sql: string, params: Param[] = []) => (await query(toPg(sql), params)).rowCount ?? 0,
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
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const inClient = (client: PoolClient): Db => {
    const db: Db = { ...bind((text, values) => client.query(text, values)), tx: (fn) => fn(db), close: async () => undefined };
    return db;
  };

  return {
    ...bind((text, values) => pool.query(text, values)),
    tx: async (fn, options) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        if (options?.durable) await client.query('SET LOCAL synchronous_commit = on');
        const result = await fn(inClient(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
