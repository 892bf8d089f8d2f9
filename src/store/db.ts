/**
 * The small SQL surface both databases share. Statements use `?` placeholders
 * and portable SQL; the few dialect differences are named tokens that
 * `sqlFor` expands, so every repository is written once for both.
 */
export type Dialect = 'sqlite' | 'postgres';

export type Param = string | number | null;

export interface Db {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: Param[]): Promise<number>;
  /**
   * Runs `fn` in one transaction. Never await network I/O inside it.
   * `durable` transactions are flushed to disk before they resolve (what an
   * acknowledgement promises); the others may trail by a moment after a power
   * loss, which costs a re-run of idempotent handling, never a lost event.
   */
  tx<T>(fn: (db: Db) => Promise<T>, options?: { durable?: boolean }): Promise<T>;
  close(): Promise<void>;
}

const TOKENS: Record<string, Record<Dialect, string>> = {
  '{{serial}}': { sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT', postgres: 'BIGSERIAL PRIMARY KEY' },
  '{{skip_locked}}': { sqlite: '', postgres: 'FOR UPDATE SKIP LOCKED' },
  '{{for_update}}': { sqlite: '', postgres: 'FOR UPDATE' },
};

export function sqlFor(dialect: Dialect, sql: string): string {
  return sql.replace(/\{\{\w+\}\}/g, (token) => {
    const replacement = TOKENS[token];
    if (!replacement) throw new Error(`unknown SQL token ${token}`);
    return replacement[dialect];
  });
}
