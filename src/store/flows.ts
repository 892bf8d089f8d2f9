import { ConflictError, NotFoundError } from '../errors';
import type { FlowDocument } from '../flows/document';
import { Db } from './db';

export interface FlowVersion {
  name: string;
  version: number;
  /** As validated when it was stored: zod's defaults filled in. */
  document: FlowDocument;
  createdAt: number;
}

export interface FlowSummary {
  name: string;
  latestVersion: number;
  /** When version 1 was stored. */
  createdAt: number;
  /** When the latest version was stored. */
  updatedAt: number;
}

interface FlowRow {
  name: string;
  version: number;
  document: string;
  created_at: number;
}

const toFlow = (row: FlowRow): FlowVersion => ({ name: row.name, version: Number(row.version), document: JSON.parse(row.document), createdAt: Number(row.created_at) });

/** Key order never makes two documents different (a client may re-serialise the same flow). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Writers racing for one flow's next version number: each lost race is a retry, bounded so a storm ends in a 409. */
const MAX_TRIES = 20;

export const flowNotFound = (name: string) => new NotFoundError(`no flow named "${name}"`, 'flow_not_found');

/**
 * Call flows and every version of each. A version, once written, never
 * changes, so a call can name the exact version it runs; nothing is ever
 * deleted (retention leaves flows alone).
 */
export function flowsRepo(db: Db) {
  const latest = async (name: string) => {
    const row = await db.get<FlowRow>('SELECT name, version, document, created_at FROM flows WHERE name = ? ORDER BY version DESC LIMIT 1', [name]);
    return row && toFlow(row);
  };

  /** Inserts the version after the latest, unless `keep` says the latest should stay as it is. */
  const next = async (name: string, document: FlowDocument, at: number, keep: (current: FlowVersion) => boolean) => {
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const current = await latest(name);
      if (!current) throw flowNotFound(name);
      if (keep(current)) return { flow: current, changed: false };
      const version = current.version + 1;
      // The primary key settles a race: the loser inserts nothing and reads the winner's version next time round.
      const inserted = await db.run('INSERT INTO flows (name, version, document, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, version) DO NOTHING', [
        name,
        version,
        JSON.stringify(document),
        at,
      ]);
      if (inserted === 1) return { flow: { name, version, document, createdAt: at }, changed: true };
    }
    throw new ConflictError(`flow "${name}" is being changed by other requests at the same moment; try again`, 'flow_busy');
  };

  return {
    /** Version 1 of a new flow; ConflictError `flow_exists` when the name is taken. */
    async create(name: string, document: FlowDocument, at: number): Promise<FlowVersion> {
      const inserted = await db.run('INSERT INTO flows (name, version, document, created_at) VALUES (?, 1, ?, ?) ON CONFLICT (name, version) DO NOTHING', [
        name,
        JSON.stringify(document),
        at,
      ]);
      if (inserted !== 1) throw new ConflictError(`a flow named "${name}" already exists; PUT /api/flows/${name} stores a new version of it`, 'flow_exists');
      return { name, version: 1, document, createdAt: at };
    },

    /** The next version of a flow; NotFoundError `flow_not_found` when there is no flow of that name. */
    async addVersion(name: string, document: FlowDocument, at: number): Promise<FlowVersion> {
      return (await next(name, document, at, () => false)).flow;
    },

    /** addVersion, unless the latest version already is this document: then that version, `changed` false. */
    async putVersion(name: string, document: FlowDocument, at: number): Promise<{ flow: FlowVersion; changed: boolean }> {
      const wanted = canonical(document);
      return next(name, document, at, (current) => canonical(current.document) === wanted);
    },

    /** One version, or the latest when `version` is left out. */
    async get(name: string, version?: number): Promise<FlowVersion | undefined> {
      if (version === undefined) return latest(name);
      const row = await db.get<FlowRow>('SELECT name, version, document, created_at FROM flows WHERE name = ? AND version = ?', [name, version]);
      return row && toFlow(row);
    },

    /** Every flow by name, with its latest version number. */
    async list(): Promise<FlowSummary[]> {
      const rows = await db.all<{ name: string; latest_version: number; created_at: number; updated_at: number }>(
        `SELECT f.name, f.version AS latest_version, first.created_at AS created_at, f.created_at AS updated_at
         FROM flows f JOIN flows first ON first.name = f.name AND first.version = 1
         WHERE f.version = (SELECT MAX(m.version) FROM flows m WHERE m.name = f.name)`,
      );
      // Sorted here: Postgres would order by its locale's collation, SQLite by bytes.
      return rows
        .map((r) => ({ name: r.name, latestVersion: Number(r.latest_version), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    },

    /** Every version of every flow. */
    async documents(): Promise<FlowDocument[]> {
      return (await db.all<{ document: string }>('SELECT document FROM flows')).map((r) => JSON.parse(r.document));
    },

    /** A flow's versions, oldest first; empty for an unknown name. */
    async versions(name: string): Promise<{ version: number; createdAt: number }[]> {
      const rows = await db.all<{ version: number; created_at: number }>('SELECT version, created_at FROM flows WHERE name = ? ORDER BY version', [name]);
      return rows.map((r) => ({ version: Number(r.version), createdAt: Number(r.created_at) }));
    },
  };
}

export type FlowsRepo = ReturnType<typeof flowsRepo>;
