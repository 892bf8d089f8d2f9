/**
 * Whether an error is the database failing us (gone, restarting, out of disk,
 * locked), not a request the database refused. Such a fault is ours, and
 * passes: a callback it hits is answered 503 so the sender retries, instead of
 * a 500 that reads as "your request is broken".
 */

/** Postgres SQLSTATE classes of a server that is away or out of resources (08 connection, 53 resources, 57 operator intervention, 58 system). */
const PG_FAULT_CLASSES = new Set(['08', '53', '57', '58']);
/** Postgres SQLSTATEs that succeed when tried again (serialization failure, deadlock, lock not available). */
const PG_RETRYABLE = new Set(['40001', '40P01', '55P03']);
/** Network failures on the way to the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLite result codes (better-sqlite3 reports extended ones, e.g. SQLITE_IOERR_WRITE) of a disk or lock problem. */
const SQLITE_FAULTS = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;
/** What node-postgres says when a connection breaks or cannot be made in time. */
const PG_CLIENT_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end/;

export function isDatabaseFault(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message, name } = err as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string') {
    if (name === 'SqliteError') return SQLITE_FAULTS.test(code);
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return PG_FAULT_CLASSES.has(code.slice(0, 2)) || PG_RETRYABLE.has(code);
  }
  return typeof message === 'string' && PG_CLIENT_MESSAGES.test(message);
}
