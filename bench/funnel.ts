/**
 * The campaign funnel query (src/store/funnel.ts) on a 100,000-call campaign
 * with ~6 flow entries and 4 other entries per call, beside a second campaign,
 * so the index has to pick the campaign's rows out of a bigger timeline.
 *
 *   npx tsx bench/funnel.ts [--db=sqlite,postgres] [--calls=100000] [--explain]
 *
 * Postgres: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), a fresh schema, dropped after.
 * Rows are seeded with multi-row INSERTs (the repositories write one row a statement, minutes for a million).
 */
import { openStore, Store } from '../src/store';
import type { Db, Param } from '../src/store/db';
import { flowEntry } from '../src/flows/funnel-entries';
import { DatabaseKind, freshDatabase, postgresVersion } from './lib/databases';
import { summarize } from './lib/stats';

const BATCH = 500;
const OTHER_CAMPAIGN_CALLS = 20_000;
const ROUNDS = 7;

/** One call's entries: welcome, a menu with a key (or silence, or a wrong key and a retry), then a branch's target. */
function entriesOf(i: number): Array<[string, string]> {
  const flow = (name: string): [string, string] => ['flow', name];
  const other: Array<[string, string]> = [
    ['request', 'createCall'],
    ['event', 'CallConnected'],
    ['event', 'PlayCompleted'],
    ['event', 'CallDisconnected'],
  ];
  const start = [flow(flowEntry.entered('welcome')), flow(flowEntry.entered('menu'))];
  switch (i % 10) {
    case 0:
      return [...other, ...start, flow(flowEntry.noInput('menu')), flow(flowEntry.entered('goodbye')), flow(flowEntry.entered('bye'))];
    case 1:
      return [...other, ...start, flow(flowEntry.invalid('menu')), flow(flowEntry.gathered('menu', '1')), flow(flowEntry.entered('route'))];
    case 2:
      return [...other, ...start, flow(flowEntry.hungUp('menu'))];
    default: {
      const key = i % 3 === 0 ? '2' : '1';
      return [...other, ...start, flow(flowEntry.gathered('menu', key)), flow(flowEntry.decided('route')), flow(flowEntry.entered('route')), flow(flowEntry.entered(key === '1' ? 'confirmed' : 'agent'))];
    }
  }
}

async function insertRows(db: Db, table: string, columns: string[], rows: Param[][]): Promise<void> {
  const one = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    await db.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => one).join(', ')}`, batch.flat());
  }
}

async function seed(store: Store, campaignId: string, calls: number, prefix: string): Promise<number> {
  const at = Date.now();
  let entries = 0;
  for (let from = 0; from < calls; from += 10_000) {
    const callRows: Param[][] = [];
    const timelineRows: Param[][] = [];
    for (let i = from; i < Math.min(calls, from + 10_000); i++) {
      const id = `${prefix}-${i}`;
      callRows.push([id, 'call', 'flow', `4:+1425${String(i).padStart(7, '0')}`, 'terminated', '{}', '{}', campaignId, at, at]);
      for (const [kind, name] of entriesOf(i)) {
        timelineRows.push([id, at, kind, name]);
        if (kind === 'flow') entries++;
      }
    }
    await store.db.tx(async (tx) => {
      await insertRows(tx, 'calls', ['id', 'kind', 'flow', 'target', 'state', 'settings', 'workflow', 'campaign_id', 'created_at', 'updated_at'], callRows);
      await insertRows(tx, 'timeline', ['call_id', 'at', 'kind', 'name'], timelineRows);
    });
  }
  return entries;
}

async function explain(store: Store, kind: DatabaseKind, campaignId: string): Promise<string> {
  const sql = `SELECT t.name AS name, COUNT(DISTINCT t.call_id) AS calls FROM calls c JOIN timeline t ON t.call_id = c.id WHERE c.campaign_id = ? AND t.kind = 'flow' GROUP BY t.name`;
  if (kind === 'sqlite') return (await store.db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, [campaignId])).map((r) => r.detail).join('\n');
  await store.db.run('ANALYZE');
  return (await store.db.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql.replace('?', '$1')}`, [campaignId])).map((r) => r['QUERY PLAN']).join('\n');
}

async function benchOne(kind: DatabaseKind, postgresUrl: string, calls: number, showPlan: boolean): Promise<void> {
  const database = await freshDatabase(kind, postgresUrl);
  const config = kind === 'sqlite' ? { kind, path: database.url.slice('sqlite:'.length) } : { kind, url: database.url };
  const store = await openStore(config);
  try {
    const seededAt = Date.now();
    const entries = await seed(store, 'big', calls, 'c');
    await seed(store, 'other', OTHER_CAMPAIGN_CALLS, 'o');
    if (kind === 'postgres') await store.db.run('ANALYZE');
    const seedSeconds = (Date.now() - seededAt) / 1000;
    if (showPlan) process.stdout.write(`${kind} plan:\n${await explain(store, kind, 'big')}\n`);
    const times: number[] = [];
    let funnel;
    for (let round = 0; round < ROUNDS; round++) {
      const started = process.hrtime.bigint();
      funnel = await store.campaigns.funnel('big');
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const s = summarize(times.slice(1));
    // The smaller campaign beside it, a sixth of the calls: what its index lookups cost.
    const small: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = process.hrtime.bigint();
      await store.campaigns.funnel('other');
      small.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    if (showPlan) process.stdout.write(`${kind} plan for the smaller campaign:\n${await explain(store, kind, 'other')}\n`);
    process.stdout.write(
      `${kind}: ${calls} calls, ${entries} flow entries (+${calls * 4} others, +${OTHER_CAMPAIGN_CALLS} calls of another campaign; seeded in ${seedSeconds.toFixed(0)} s); ` +
        `funnel over ${ROUNDS - 1} warm rounds p50 ${s.p50.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (first ${times[0].toFixed(0)} ms); ` +
        `${funnel!.nodes.length} nodes, menu reached ${funnel!.nodes.find((n) => n.node === 'menu')?.reached}; ` +
        `the ${OTHER_CAMPAIGN_CALLS}-call campaign p50 ${summarize(small.slice(1)).p50.toFixed(0)} ms\n`,
    );
  } finally {
    await store.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  const args = new Map(process.argv.slice(2).map((a) => [a.split('=')[0], a.split('=')[1] ?? '']));
  const postgresUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const calls = Number(args.get('--calls') ?? 100_000);
  let kinds = (args.get('--db') ?? 'sqlite,postgres').split(',') as DatabaseKind[];
  if (kinds.includes('postgres') && !(await postgresVersion(postgresUrl))) {
    process.stdout.write(`Postgres does not answer at ${new URL(postgresUrl).host}: SQLite only\n`);
    kinds = kinds.filter((k) => k !== 'postgres');
  }
  for (const kind of kinds) await benchOne(kind, postgresUrl, calls, args.has('--explain'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
