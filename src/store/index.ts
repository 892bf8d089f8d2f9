import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../config';
import { callsRepo } from './calls';
import { campaignsRepo } from './campaigns';
import { Db } from './db';
import { flowsRepo } from './flows';
import { inboxRepo } from './inbox';
import { migrate } from './migrations';
import { retentionRepo } from './retention';
import { openPostgres } from './postgres-db';
import { rosterRepo } from './roster';
import { openSqlite } from './sqlite-db';
import { timelineRepo } from './timeline';
import { timersRepo } from './timers';
import { OutboxOptions, webhooksRepo } from './webhooks';
import { participantEvent } from '../webhooks/events';

export interface Repos {
  calls: ReturnType<typeof callsRepo>;
  inbox: ReturnType<typeof inboxRepo>;
  timeline: ReturnType<typeof timelineRepo>;
  timers: ReturnType<typeof timersRepo>;
  roster: ReturnType<typeof rosterRepo>;
  campaigns: ReturnType<typeof campaignsRepo>;
  webhooks: ReturnType<typeof webhooksRepo>;
  retention: ReturnType<typeof retentionRepo>;
  flows: ReturnType<typeof flowsRepo>;
}

export interface Store extends Repos {
  readonly db: Db;
  readonly kind: DatabaseConfig['kind'];
  /** Runs `fn` in one transaction with repositories bound to it (see Db.tx for `durable`). */
  tx<T>(fn: (repos: Repos) => Promise<T>, options?: { durable?: boolean }): Promise<T>;
  ping(): Promise<void>;
  /** Throws unless a write can be committed now (and, on SQLite, its disk has room for more). */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Below this much free space on the SQLite file's filesystem the database is
 * reported unable to write: a small probe can still succeed on a nearly full
 * disk (SQLite reuses its WAL file's space) while callback bodies fail.
 */
export const MIN_FREE_BYTES = 8 * 1024 * 1024;

function repos(db: Db, now: () => number, outbox: OutboxOptions): Repos {
  // Each change's webhook event is written on the same connection, in the same transaction, as the change.
  const webhooksOn = (on: Db) => webhooksRepo(on, outbox);
  const calls = callsRepo(db, now, webhooksOn);
  const webhooks = webhooksOn(db);
  return {
    calls,
    inbox: inboxRepo(db),
    timeline: timelineRepo(db),
    timers: timersRepo(db),
    roster: rosterRepo(db, async (callId, seq, at, action, p) => {
      // Conversations have no subscription of their own: without WEBHOOK_URL there is nowhere to send these.
      if (!outbox.defaultUrl) return;
      const call = await calls.get(callId);
      if (call) await webhooks.enqueue(participantEvent(call, seq, at, action, p));
    }),
    campaigns: campaignsRepo(db, now, webhooksOn),
    webhooks,
    retention: retentionRepo(db),
    flows: flowsRepo(db),
  };
}

function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

function storeOver(db: Db, config: DatabaseConfig, now: () => number, outbox: OutboxOptions): Store {
  const { kind } = config;
  const sqliteDir = config.kind === 'sqlite' && config.path !== ':memory:' ? path.dirname(config.path) : undefined;
  return {
    ...repos(db, now, outbox),
    db,
    kind,
    tx: (fn, options) => db.tx((txDb) => fn(repos(txDb, now, outbox)), options),
    ping: async () => {
      await db.get('SELECT 1 AS ok');
    },
    probeWrite: async () => {
      await db.tx((tx) => tx.run('INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [now()]), { durable: true });
      if (sqliteDir !== undefined) {
        const free = freeBytes(sqliteDir);
        if (free < MIN_FREE_BYTES) throw new Error(`only ${Math.floor(free / 1024)} KiB free on the database's disk`);
      }
    },
    close: () => db.close(),
  };
}

/** Opens the configured database as it is, without migrating it; `maxConnections` bounds the Postgres pool. */
export function openDb(config: DatabaseConfig, options: { maxConnections?: number } = {}): Db {
  return config.kind === 'postgres' ? openPostgres(config.url, { max: options.maxConnections }) : openSqlite(config.path);
}

/** Opens the configured database and brings its schema up to date. */
/** `outbox` routes outbound webhook events (see OutboxOptions); without it only calls and campaigns with their own webhookUrl send any. */
export async function openStore(config: DatabaseConfig, now: () => number = Date.now, outbox: OutboxOptions = {}): Promise<Store> {
  const db = openDb(config);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return storeOver(db, config, now, outbox);
}

export type { CallRecord, CallStateName, CallKind, NewCall, CallPatch } from './calls';
export type { InboxEvent, IncomingEvent } from './inbox';
export type { TimelineEntry, TimelineKind } from './timeline';
export type { FlowVersion, FlowSummary } from './flows';
export type { CampaignRecord, CampaignStatus, TargetRecord, CallingWindow } from './campaigns';
