import { Db } from './db';

/** Rows deleted, by table. */
export type Pruned = Record<string, number>;

/** What belongs to a call and goes with it, children first (they reference calls). */
const CALL_CHILDREN = ['inbox', 'timeline', 'timers', 'roster', 'participant_log', 'webhook_outbox'] as const;

const add = (into: Pruned, table: string, n: number) => {
  if (n > 0) into[table] = (into[table] ?? 0) + n;
};

/**
 * Deletes what ended before a cutoff, a bounded batch per call, each batch in
 * a transaction of its own so no statement holds the database for long.
 */
export function retentionRepo(db: Db) {
  return {
    /**
     * Up to `limit` calls that ended before `cutoff`, with their inbox, timeline, timers,
     * roster and webhook deliveries. A campaign's call is kept while its campaign is kept (its report links to it).
     */
    async pruneCalls(cutoff: number, limit: number): Promise<Pruned> {
      return db.tx(async (tx) => {
        const pruned: Pruned = {};
        const ids = await tx.all<{ id: string }>(
          `SELECT id FROM calls
           WHERE ended_at IS NOT NULL AND ended_at < ?
             AND (campaign_id IS NULL OR NOT EXISTS (
               SELECT 1 FROM campaigns k WHERE k.id = calls.campaign_id AND (k.finished_at IS NULL OR k.finished_at >= ?)))
           ORDER BY ended_at LIMIT ? {{skip_locked}}`,
          [cutoff, cutoff, limit],
        );
        for (const { id } of ids) {
          for (const table of CALL_CHILDREN) add(pruned, table, await tx.run(`DELETE FROM ${table} WHERE call_id = ?`, [id]));
          add(pruned, 'calls', await tx.run('DELETE FROM calls WHERE id = ?', [id]));
        }
        return pruned;
      });
    },

    /**
     * Up to `limit` targets of one campaign that finished before `cutoff`; the campaign itself
     * once it has no targets left. A campaign of 100,000 targets goes in many small batches.
     */
    async pruneCampaigns(cutoff: number, limit: number): Promise<Pruned> {
      return db.tx(async (tx) => {
        const pruned: Pruned = {};
        const campaign = await tx.get<{ id: string }>(
          'SELECT id FROM campaigns WHERE finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at LIMIT 1 {{skip_locked}}',
          [cutoff],
        );
        if (!campaign) return pruned;
        add(
          pruned,
          'campaign_targets',
          await tx.run('DELETE FROM campaign_targets WHERE id IN (SELECT id FROM campaign_targets WHERE campaign_id = ? LIMIT ?)', [campaign.id, limit]),
        );
        if (!(await tx.get('SELECT 1 AS one FROM campaign_targets WHERE campaign_id = ? LIMIT 1', [campaign.id]))) {
          add(pruned, 'webhook_outbox', await tx.run('DELETE FROM webhook_outbox WHERE campaign_id = ? AND call_id IS NULL', [campaign.id]));
          add(pruned, 'campaigns', await tx.run('DELETE FROM campaigns WHERE id = ?', [campaign.id]));
        }
        return pruned;
      });
    },
  };
}

export type RetentionRepo = ReturnType<typeof retentionRepo>;
