import { Db, Dialect, sqlFor } from './db';

/**
 * Append-only: a released migration is never edited, a change is a new entry.
 * Times are epoch milliseconds (BIGINT); JSON is stored as TEXT in both databases.
 */
export interface Migration {
  id: number;
  name: string;
  /** Portable statements separated by `;` (see sqlFor for the dialect tokens). */
  sql: string;
  /** Statements that differ by database or contain `;` themselves (trigger bodies), run after `sql`, one by one. */
  statements?: Record<Dialect, string[]>;
}

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'calls, inbox, timeline, timers',
    sql: `
CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  flow TEXT NOT NULL,
  target TEXT,
  conversation_id TEXT,
  call_leg_id TEXT UNIQUE,
  state TEXT NOT NULL,
  outcome TEXT,
  error TEXT,
  settings TEXT NOT NULL,
  workflow TEXT NOT NULL,
  campaign_id TEXT,
  campaign_target_id BIGINT,
  attempt INTEGER,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  ended_at BIGINT,
  lease_owner TEXT,
  lease_until BIGINT
);
CREATE INDEX calls_state ON calls (state, created_at);
CREATE INDEX calls_outcome ON calls (outcome, created_at);
CREATE INDEX calls_created ON calls (created_at);
CREATE INDEX calls_conversation ON calls (conversation_id);

CREATE TABLE inbox (
  seq {{serial}},
  call_id TEXT NOT NULL REFERENCES calls (id),
  dedupe_key TEXT NOT NULL,
  source TEXT NOT NULL,
  event_type TEXT NOT NULL,
  known INTEGER NOT NULL,
  call_leg_id TEXT,
  event_time BIGINT NOT NULL,
  event_tick INTEGER NOT NULL,
  body TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  handled_at BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before BIGINT,
  last_error TEXT,
  UNIQUE (call_id, dedupe_key)
);
CREATE INDEX inbox_pending ON inbox (call_id, event_time, event_tick, seq) WHERE handled_at IS NULL;
CREATE INDEX inbox_pending_age ON inbox (received_at) WHERE handled_at IS NULL;

CREATE TABLE timeline (
  seq {{serial}},
  call_id TEXT NOT NULL REFERENCES calls (id),
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT,
  latency_ms INTEGER,
  detail TEXT,
  dedupe_key TEXT,
  UNIQUE (call_id, dedupe_key)
);
CREATE INDEX timeline_call ON timeline (call_id, seq);

CREATE TABLE timers (
  id TEXT PRIMARY KEY,
  call_id TEXT NOT NULL REFERENCES calls (id),
  kind TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  payload TEXT NOT NULL,
  fired_at BIGINT,
  cancelled_at BIGINT
);
CREATE INDEX timers_due ON timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX timers_call ON timers (call_id, kind);
`,
  },
  {
    id: 2,
    name: 'conversation roster and join/leave log',
    sql: `
CREATE TABLE roster (
  call_id TEXT NOT NULL REFERENCES calls (id),
  participant_id TEXT NOT NULL,
  raw_id TEXT NOT NULL,
  is_muted INTEGER NOT NULL,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (call_id, participant_id)
);

CREATE TABLE participant_log (
  seq {{serial}},
  call_id TEXT NOT NULL REFERENCES calls (id),
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  raw_id TEXT NOT NULL,
  is_muted INTEGER NOT NULL
);
CREATE INDEX participant_log_call ON participant_log (call_id, seq);
`,
  },
  {
    id: 3,
    name: 'campaigns and their targets',
    sql: `
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  settings TEXT NOT NULL,
  calls_per_second DOUBLE PRECISION NOT NULL,
  max_concurrent INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  retry_delay_ms BIGINT NOT NULL,
  retry_outcomes TEXT NOT NULL,
  calling_window TEXT,
  next_slot_at BIGINT NOT NULL,
  total INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX campaigns_status ON campaigns (status);

CREATE TABLE campaign_targets (
  id {{serial}},
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  row_no INTEGER NOT NULL,
  target TEXT NOT NULL,
  fields TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  outcome TEXT,
  call_id TEXT,
  first_dialled_at BIGINT,
  last_dialled_at BIGINT,
  finished_at BIGINT,
  UNIQUE (campaign_id, row_no)
);
CREATE INDEX campaign_targets_due ON campaign_targets (campaign_id, status, next_attempt_at);
CREATE INDEX calls_campaign ON calls (campaign_id) WHERE campaign_id IS NOT NULL;
`,
  },
  {
    id: 4,
    name: 'campaign target indexes for ending an attempt and claiming in order',
    // Ending an attempt looked its target up by call id with a full scan; claiming sorted every
    // pending target of the campaign to take the first few in (next_attempt_at, row_no) order.
    sql: `
CREATE INDEX campaign_targets_call ON campaign_targets (call_id) WHERE call_id IS NOT NULL;
DROP INDEX campaign_targets_due;
CREATE INDEX campaign_targets_due ON campaign_targets (campaign_id, status, next_attempt_at, row_no);
`,
  },
  {
    id: 5,
    name: 'retention indexes and the readiness write probe',
    // Retention finds ended calls and campaigns by when they ended; readiness proves the database
    // can still commit a write (a full disk fails writes while reads go on working).
    sql: `
CREATE INDEX calls_ended ON calls (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX campaigns_finished ON campaigns (finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE write_probe (id INTEGER PRIMARY KEY, at BIGINT NOT NULL);
`,
  },
  {
    id: 6,
    name: 'callback bytes stored per call',
    // A running total, so bounding what one call's token may store costs no scan of its inbox rows.
    sql: `
ALTER TABLE calls ADD COLUMN callback_bytes BIGINT NOT NULL DEFAULT 0;
`,
  },
  {
    id: 8,
    name: 'outbound webhook outbox',
    sql: `
CREATE TABLE webhook_outbox (
  id {{serial}},
  event_id TEXT NOT NULL UNIQUE,
  dedupe_key TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  order_key TEXT NOT NULL,
  call_id TEXT,
  campaign_id TEXT,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_attempt_at BIGINT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at BIGINT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_outbox_order ON webhook_outbox (order_key, id) WHERE status = 'pending';
CREATE INDEX webhook_outbox_progress ON webhook_outbox (order_key, event_type, created_at);
CREATE INDEX webhook_outbox_call ON webhook_outbox (call_id) WHERE call_id IS NOT NULL;
CREATE INDEX webhook_outbox_campaign ON webhook_outbox (campaign_id) WHERE campaign_id IS NOT NULL;
`,
  },
  {
    id: 9,
    name: 'webhook attempts on the outbox row, pending deliveries by id',
    // Each attempt is kept with its delivery (a JSON array), not as a timeline row of its own:
    // the deliverer then records a whole round of attempts in one statement. The claim takes the
    // oldest pending rows first; without an index of those, SQLite walked the whole table in id order.
    // The campaign page counts failing deliveries without reading the campaign's delivered ones, and
    // only campaign.progress rows are indexed for its interval (every row was, for one kind of lookup).
    sql: `
ALTER TABLE webhook_outbox ADD COLUMN attempt_log TEXT;
CREATE INDEX webhook_outbox_pending ON webhook_outbox (id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_outbox_failing ON webhook_outbox (campaign_id) WHERE status = 'failed' OR (status = 'pending' AND attempts > 0);
DROP INDEX webhook_outbox_progress;
CREATE INDEX webhook_outbox_progress_at ON webhook_outbox (order_key, created_at) WHERE event_type = 'campaign.progress';
`,
  },
  {
    id: 10,
    name: 'call flows, every version kept',
    // A version is never changed once written: a call placed with version 3 runs version 3 however
    // often the flow is edited after. Retention leaves the table alone (flows are configuration).
    sql: `
CREATE TABLE flows (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  document TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);
`,
  },
  {
    id: 11,
    name: 'callback bytes counted by the database',
    // The running total of migration 6, kept by the insert that stores a callback instead of an
    // UPDATE of its own: storing a callback is then one statement. Bytes of the stored JSON text,
    // as Buffer.byteLength counted them (SQLite and Postgres both hold it as UTF-8).
    sql: '',
    statements: {
      sqlite: [
        `CREATE TRIGGER inbox_callback_bytes AFTER INSERT ON inbox FOR EACH ROW WHEN NEW.source = 'callback'
         BEGIN UPDATE calls SET callback_bytes = callback_bytes + length(CAST(NEW.body AS BLOB)) WHERE id = NEW.call_id; END`,
      ],
      postgres: [
        `CREATE FUNCTION inbox_callback_bytes() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN UPDATE calls SET callback_bytes = callback_bytes + octet_length(NEW.body) WHERE id = NEW.call_id; RETURN NULL; END $$`,
        `CREATE TRIGGER inbox_callback_bytes AFTER INSERT ON inbox FOR EACH ROW WHEN (NEW.source = 'callback') EXECUTE FUNCTION inbox_callback_bytes()`,
      ],
    },
  },
];

const LOCK_ID = 724_113_001;

/** A transaction that holds the migration lock on Postgres (SQLite's write transaction is lock enough). */
function underMigrationLock<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.tx(async (tx) => {
    if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?)', [LOCK_ID]);
    return fn(tx);
  });
}

/** Applies what is missing, in order, each in its own transaction. Safe to run from several instances at once. */
export async function migrate(db: Db, migrations = MIGRATIONS): Promise<number[]> {
  // Under the lock too: two CREATE TABLE IF NOT EXISTS racing on Postgres can both try to create it.
  await underMigrationLock(db, (tx) =>
    tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)'),
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await underMigrationLock(db, async (tx) => {
      if (await tx.get('SELECT id FROM schema_migrations WHERE id = ?', [migration.id])) return false;
      for (const statement of sqlFor(tx.dialect, migration.sql).split(';').map((s) => s.trim()).filter(Boolean)) {
        await tx.run(statement);
      }
      for (const statement of migration.statements?.[tx.dialect] ?? []) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [migration.id, migration.name, Date.now()]);
      return true;
    });
    if (done) applied.push(migration.id);
  }
  return applied;
}
