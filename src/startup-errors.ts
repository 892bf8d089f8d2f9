import type { DatabaseConfig } from './config';

/** Start-up failed for a reason the operator can fix; the message names the variable and the likely cause. */
export class StartupError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'StartupError';
  }
}

/** Node puts a system error's code on the error, or (several addresses: localhost is ::1 and 127.0.0.1) on each of `errors`. */
function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: Array<{ code?: unknown }> };
  if (typeof e?.code === 'string') return e.code;
  const inner = e?.errors?.find((x) => typeof x?.code === 'string')?.code;
  return typeof inner === 'string' ? inner : undefined;
}

/** host:port of a postgres URL, never its user name or password. */
function postgresAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the address in DATABASE_URL';
  }
}

/** Why the database could not be opened, in the terms of DATABASE_URL. */
export function databaseStartupError(err: unknown, database: DatabaseConfig): Error {
  const code = codeOf(err);
  if (database.kind === 'sqlite') {
    const where = `the SQLite file ${database.path}`;
    if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'ENOENT') return new StartupError('DATABASE_URL', `cannot open ${where} (${code}): does its directory exist, and may this user write to it?`);
    if (code === 'SQLITE_BUSY') return new StartupError('DATABASE_URL', `${where} is locked (${code}): is another process holding it open?`);
    return err instanceof Error ? err : new Error(String(err));
  }
  const at = postgresAddress(database.url);
  const why: Record<string, string> = {
    ECONNREFUSED: 'nothing listens there: is PostgreSQL running, and is the host and port right?',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name could not be resolved (DNS)',
    ETIMEDOUT: 'the connection timed out: a firewall, or the wrong host?',
    EHOSTUNREACH: 'the host is unreachable',
    '28P01': 'the user name or password was refused',
    '28000': 'the server refused this user or client address (pg_hba.conf)',
    '3D000': 'the database does not exist (create it first)',
    '42501': 'the user may not create the tables callhook needs',
  };
  const cause = code && why[code];
  if (!cause) return err instanceof Error ? err : new Error(String(err));
  return new StartupError('DATABASE_URL', `cannot use PostgreSQL at ${at} (${code}): ${cause}`);
}

/** Why a port could not be listened on, naming the variable that chose it. */
export function listenStartupError(err: unknown, variable: 'PORT' | 'EMULATOR_PORT', port: number): Error {
  const code = codeOf(err);
  if (code === 'EADDRINUSE') {
    const who = variable === 'EMULATOR_PORT' ? 'the embedded emulator' : 'callhook';
    return new StartupError(
      variable,
      `port ${port} for ${who} is already in use (EADDRINUSE): another callhook (npm start, or npm run emulator) may be running; stop it, or set ${variable} to a free port`,
    );
  }
  if (code === 'EACCES') return new StartupError(variable, `port ${port} needs privileges this user lacks (EACCES): use a port above 1023`);
  if (code === 'EADDRNOTAVAIL') return new StartupError(variable, `cannot listen on port ${port} (EADDRNOTAVAIL): the address is not one of this machine's`);
  return err instanceof Error ? err : new Error(String(err));
}
