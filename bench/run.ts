import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCampaign } from './campaign';
import { benchCampaignSizes, DEFAULT_SIZES } from './campaign-sizes';
import { benchFollowUp } from './follow-up';
import { benchIngest } from './ingest';
import type { BenchContext } from './lib/context';
import { DatabaseKind, postgresVersion } from './lib/databases';
import { describeMachine } from './lib/machine';
import { replaceResults, SIZES_MARKERS } from './lib/markdown';
import { ROOT } from './lib/processes';
import { createProgress } from './lib/progress';
import { startWebhookSink } from './lib/webhook-sink';
import { formatSelfTimes, selfTimes } from './profile';
import { BenchResults, renderCampaignSizes, renderResults } from './report';

const USAGE = `npm run bench -- [options]

  --only=ingest,follow-up,campaign,storm   run only these (default: all four)
  --only=campaign-sizes                    the campaign at several sizes, fresh database each (not in the default set: ~20 min)
  --sizes=1000,10000,100000                campaign-sizes: the sizes, in order (default: those three)
  --db=sqlite,postgres                     databases (default: both; Postgres skipped when not reachable)
  --quick                                  short runs and small campaigns, to try the harness out
  --profile                                run callhook under --cpu-prof and print self time per function
  --sql-profile                            count and time every SQL statement callhook runs (bench/tools/sql-profile.js)
  --webhooks                               also run follow-up and campaign with outbound webhooks on (to a local sink), side by side
  --env=NAME=VALUE                         extra environment for every callhook process (repeatable), e.g. --env=DISPATCH_CONCURRENCY=64
  --doc / --no-doc                         write docs/benchmarks.md (default: only for a full, non-quick run)

Postgres: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); each run uses a fresh schema and drops it.
Raw results go to bench/results/ (not committed).`;

const BENCHES = ['ingest', 'follow-up', 'campaign', 'storm'] as const;
/** Benchmarks run only when --only names them. */
const OPTIONAL = ['campaign-sizes'] as const;
type Bench = (typeof BENCHES)[number] | (typeof OPTIONAL)[number];

function parseArgs(argv: string[]) {
  const options = { sizes: DEFAULT_SIZES, only: [...BENCHES] as Bench[], databases: ['sqlite', 'postgres'] as DatabaseKind[], quick: false, profile: false, sqlProfile: false, env: {} as Record<string, string>, doc: undefined as boolean | undefined, webhooks: false };
  for (const arg of argv) {
    const [flag] = arg.split('=', 1);
    const value = arg.slice(flag.length + 1);
    if (flag === '--only') {
      const picked = value.split(',').map((s) => s.trim());
      const known: readonly string[] = [...BENCHES, ...OPTIONAL];
      const unknown = picked.filter((p) => !known.includes(p));
      if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')} (have ${known.join(', ')})`);
      options.only = picked as Bench[];
    } else if (flag === '--db') {
      const picked = value.split(',').map((s) => s.trim());
      if (picked.some((p) => p !== 'sqlite' && p !== 'postgres')) throw new Error('--db takes sqlite and/or postgres');
      options.databases = picked as DatabaseKind[];
    } else if (flag === '--sizes') {
      const sizes = value.split(',').map((v) => Number(v.trim()));
      if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) throw new Error('--sizes takes whole numbers of targets from 1 to 100000, like 1000,10000,100000');
      options.sizes = sizes;
    } else if (flag === '--quick') options.quick = true;
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--sql-profile') options.sqlProfile = true;
    else if (flag === '--webhooks') options.webhooks = true;
    else if (flag === '--env' && /^[A-Z_][A-Z0-9_]*=/.test(value)) options.env[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    else if (flag === '--doc') options.doc = true;
    else if (flag === '--no-doc') options.doc = false;
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n\n${USAGE}`);
  }
  return options;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

/** Microseconds during which some task waited for a CPU (Linux pressure stall information), or NaN. */
function cpuStallMicros(): number {
  try {
    return Number(/^some .*total=(\d+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const progress = createProgress();
  const postgresUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let databases = options.databases;
  if (databases.includes('postgres') && !(await postgresVersion(postgresUrl))) {
    progress.log(`Postgres does not answer at ${new URL(postgresUrl).host}: running SQLite only`);
    databases = databases.filter((d) => d !== 'postgres');
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(ROOT, 'bench', 'results');
  const profileDir = path.join(resultsDir, `profile-${stamp}`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const ctx: BenchContext = {
    progress,
    databases,
    postgresUrl,
    quick: options.quick,
    service: {
      execArgv: [
        ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        ...(options.sqlProfile ? ['--require', path.join(ROOT, 'bench', 'tools', 'sql-profile.js')] : []),
      ],
      env: { ...options.env, ...(options.sqlProfile ? { BENCH_SQL_PROFILE_DIR: profileDir } : {}) },
    },
  };

  const startedAt = new Date().toISOString();
  const loadBefore = loadAverage();
  const stallBefore = cpuStallMicros();
  const started = Date.now();
  const machine = await describeMachine(databases.includes('postgres') ? postgresUrl : undefined);
  progress.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}; load average ${loadBefore}`);
  const results: BenchResults = { startedAt, finishedAt: '', quick: options.quick, machine: { ...machine, loadBefore, loadAfter: '', cpuPressure: NaN }, errors: [] };
  const jsonFile = path.join(resultsDir, `${stamp}.json`);
  const save = () => fs.writeFileSync(jsonFile, JSON.stringify(results, null, 2));
  const run = (b: Bench) => options.only.includes(b);
  // One benchmark failing (a process that will not start, say) must not lose the others' figures.
  const stage = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      progress.log(`${name} failed: ${message}`);
      results.errors.push(`${name}: ${message.split('\n')[0]}`);
    }
    save();
  };
  if (run('ingest')) await stage('ingest', async () => void (results.ingest = await benchIngest(ctx)));
  if (run('follow-up')) await stage('follow-up', async () => void (results.followUp = await benchFollowUp(ctx)));
  if (run('campaign') || run('storm')) {
    await stage('campaign', async () => void (results.campaign = await benchCampaign(ctx, { campaign: run('campaign'), storm: run('storm') })));
  }
  if (options.webhooks && (run('follow-up') || run('campaign'))) {
    // The same runs again with every call's outcome and end written to the outbox and delivered.
    const sink = await startWebhookSink();
    const secret = `whsec_${Buffer.from('callhook-bench-webhook-secret-0').toString('base64')}`;
    const withHooks: BenchContext = {
      ...ctx,
      service: { ...ctx.service, env: { ...ctx.service.env, WEBHOOK_URL: sink.url, WEBHOOK_SECRET: secret, WEBHOOK_ALLOW_PRIVATE: '1' } },
    };
    results.webhooks = { delivered: 0 };
    if (run('follow-up')) await stage('follow-up with webhooks', async () => void (results.webhooks!.followUp = await benchFollowUp(withHooks)));
    if (run('campaign')) await stage('campaign with webhooks', async () => void (results.webhooks!.campaign = await benchCampaign(withHooks, { campaign: true, storm: false })));
    results.webhooks.delivered = sink.received();
    await sink.close();
  }
  if (run('campaign-sizes')) await stage('campaign-sizes', async () => void (results.campaignSizes = await benchCampaignSizes(ctx, options.sizes)));
  results.finishedAt = new Date().toISOString();
  results.machine.loadAfter = loadAverage();
  results.machine.cpuPressure = (cpuStallMicros() - stallBefore) / 1000 / (Date.now() - started);
  save();
  const mainRan = options.only.some((b) => (BENCHES as readonly string[]).includes(b));
  const markdown = mainRan ? renderResults(results) : '';
  const sizesMarkdown = results.campaignSizes ? renderCampaignSizes(results) : '';
  process.stdout.write(`\n${[markdown, sizesMarkdown].filter(Boolean).join('\n\n')}\n\nRaw results: ${path.relative(ROOT, jsonFile)}\n`);

  const full = BENCHES.every((b) => options.only.includes(b)) && !options.quick;
  if (options.doc ?? full) {
    const docFile = path.join(ROOT, 'docs', 'benchmarks.md');
    let doc = fs.existsSync(docFile) ? fs.readFileSync(docFile, 'utf8') : '# Benchmarks\n';
    // Each its own block: a campaign-sizes run leaves the main results as they are, and the other way round.
    if (markdown) doc = replaceResults(doc, markdown);
    if (sizesMarkdown) doc = replaceResults(doc, sizesMarkdown, SIZES_MARKERS);
    fs.writeFileSync(docFile, doc);
    process.stdout.write(`Wrote ${path.relative(ROOT, docFile)}\n`);
  } else {
    process.stdout.write('docs/benchmarks.md left as it is (partial or --quick run; --doc writes it anyway)\n');
  }

  if (options.sqlProfile && fs.existsSync(profileDir)) {
    for (const f of fs.readdirSync(profileDir).filter((name) => name.startsWith('sql-'))) {
      const rows = JSON.parse(fs.readFileSync(path.join(profileDir, f), 'utf8')) as Array<{ sql: string; count: number; ms: number }>;
      process.stdout.write(`\nSQL ${path.relative(ROOT, path.join(profileDir, f))}: ${rows.reduce((n, r) => n + r.count, 0)} statements\n`);
      for (const r of rows.slice(0, 25)) process.stdout.write(`${r.ms.toFixed(0).padStart(8)} ms ${String(r.count).padStart(8)}×  ${r.sql}\n`);
    }
  }
  if (options.profile && fs.existsSync(profileDir)) {
    const files = fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    for (const f of files) {
      process.stdout.write(`\nProfile ${path.relative(ROOT, path.join(profileDir, f))}\n`);
      process.stdout.write(`${formatSelfTimes(selfTimes(JSON.parse(fs.readFileSync(path.join(profileDir, f), 'utf8'))), 25)}\n`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
