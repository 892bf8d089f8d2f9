import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const AUDIO = 'https://media.example.com/outage.wav';

/** What each group of targets does when called, and the outcome the campaign must report for it. */
const GROUPS = [
  { size: 10, script: { dtmf: [{ afterMs: 200, keys: '2' }] }, outcome: 'answered-acknowledged' },
  { size: 8, script: {}, outcome: 'no-response' },
  { size: 6, script: { answer: 'never' }, outcome: 'not-answered' },
  { size: 6, script: { dtmf: [{ afterMs: 200, keys: '9' }] }, outcome: 'answered-other-key' },
] as const;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a person runs it: its own process, pipes (so not a terminal), no CALLHOOK_* from this environment. */
function cli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run> } {
  const { CALLHOOK_URL: _u, CALLHOOK_API_KEY: _k, ...parentEnv } = process.env;
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', MAIN, ...args], { cwd: ROOT, env: { ...parentEnv, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** The outcome rows of the summary table, e.g. "no-response   8   26.7%". */
function summaryCounts(stdout: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, outcome, count] of stdout.matchAll(/^([A-Za-z-]+|cancelled \(not called\))\s+(\d+)\s+[\d.]+%$/gm)) counts[outcome] = Number(count);
  return counts;
}

describe('callhook CLI against a running service', () => {
  let t: TestService;
  let dir: string;
  let csvPath: string;
  let keyFile: string;
  const expected: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestService('sqlite');
    dir = await mkdtemp(path.join(tmpdir(), 'callhook-cli-'));
    const rows: string[] = ['to,group'];
    let n = 0;
    for (const group of GROUPS) {
      expected[group.outcome] = group.size;
      for (let i = 0; i < group.size; i++, n++) {
        const to = `+1555300${String(n).padStart(4, '0')}`;
        await t.emulator().post('/emulator/scripts').send({ target: to, ...group.script }).expect(201);
        rows.push(`${to},${group.outcome}`);
      }
    }
    csvPath = path.join(dir, 'targets.csv');
    await writeFile(csvPath, `${rows.join('\n')}\n`);
    keyFile = path.join(dir, 'api-key');
    await writeFile(keyFile, `${TEST_API_KEY}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // The key from a file, as the help recommends: --api-key would show it in ps.
  const connection = () => ['--url', t.service.url, '--api-key-file', keyFile];

  it('runs a CSV campaign to the end, printing plain progress lines and a summary that matches the API', async () => {
    const run = await cli([
      'campaign', 'run', csvPath, '--name', 'cli outage alert', '--audio', AUDIO,
      '--cps', '30', '--concurrency', '10', '--wait', '1', '--retry-attempts', '2', '--retry-delay', '0.2', '--interval', '0.3',
      ...connection(),
    ]).done;
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });

    const id = /^Campaign ([0-9a-f-]{36}) "cli outage alert" created with 30 targets\.$/m.exec(run.stderr)?.[1];
    expect(id).toBeDefined();
    expect(run.stderr).toContain(`Report page: ${t.service.url}/campaigns/${id}`);
    // Not a terminal, so no bar: timestamped lines, the last one at 100%.
    const lines = run.stderr.split('\n').filter((l) => /^\d\d:\d\d:\d\d \d+% \d+\/30 settled \| /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatch(/ 100% 30\/30 settled \| completed, 0 in progress, 0 pending \| /);
    expect(run.stderr).not.toMatch(/\u001b\[/);

    const api = (await t.api().get(`/api/campaigns/${id}`).expect(200)).body;
    expect(api.status).toBe('completed');
    expect(api.outcomes).toEqual(expected);
    expect(summaryCounts(run.stdout)).toEqual({ ...api.outcomes, Total: 30 });
    expect(run.stdout).toMatch(new RegExp(`^Campaign "cli outage alert" \\(${id}\\): completed$`, 'm'));
    // Never-answering targets were tried twice; everyone else once.
    expect(api.progress.attempts).toBe(30 + expected['not-answered']);
    expect(run.stdout).toMatch(new RegExp(`^Attempts\\s+${api.progress.attempts} \\(`, 'm'));
    expect(run.stdout).toMatch(/^Calls per second\s+\d+\.\d\d$/m);

    const status = await cli(['campaign', 'status', id!, ...connection()]).done;
    expect(status.code).toBe(0);
    expect(summaryCounts(status.stdout)).toEqual({ ...api.outcomes, Total: 30 });

    const report = await cli(['campaign', 'report', id!, '--csv', ...connection()]).done;
    expect(report.code).toBe(0);
    const csv = report.stdout.trim().split('\n');
    expect(csv[0]).toBe('row,to,status,attempts,outcome,firstDialledAt,lastDialledAt,finishedAt,durationMs,callId,group');
    // The CSV's extra "group" column holds the outcome each row was scripted to reach.
    expect(csv.slice(1).filter((line) => line.split(',')[4] === line.split(',')[10])).toHaveLength(30);
  });

  it('refuses a wrong API key in one line naming the code, and creates nothing', async () => {
    const before = (await t.api().get('/api/campaigns').expect(200)).body.campaigns.length;
    const run = await cli(['campaign', 'run', csvPath, '--name', 'x', '--audio', AUDIO, '--url', t.service.url], { CALLHOOK_API_KEY: 'not-the-key-0123456789' }).done;
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'callhook: the API key was refused (invalid_api_key)\n' });
    expect((await t.api().get('/api/campaigns').expect(200)).body.campaigns).toHaveLength(before);
  });

  it('takes the key from CALLHOOK_API_KEY, and warns that --api-key is visible to other users', async () => {
    const created = await t.api().post('/api/campaigns').send({ name: 'key sources', audioFileUri: AUDIO, targets: [{ to: '+15553999101' }] }).expect(201);
    const id = created.body.id as string;
    const fromEnv = await cli(['campaign', 'status', id, '--json', '--url', t.service.url], { CALLHOOK_API_KEY: TEST_API_KEY }).done;
    expect({ code: fromEnv.code, stderr: fromEnv.stderr, id: JSON.parse(fromEnv.stdout).id }).toEqual({ code: 0, stderr: '', id });

    const fromFlag = await cli(['campaign', 'status', id, '--json', '--url', t.service.url, '--api-key', TEST_API_KEY]).done;
    expect(fromFlag.code).toBe(0);
    expect(fromFlag.stderr).toBe('callhook: warning: --api-key shows the key to every user of this machine (ps, /proc) and in shell history; use CALLHOOK_API_KEY or --api-key-file instead\n');

    const both = await cli(['campaign', 'status', id, '--url', t.service.url, '--api-key', TEST_API_KEY, '--api-key-file', keyFile]).done;
    expect(both).toEqual({ code: 1, stdout: '', stderr: 'callhook: give --api-key-file or --api-key, not both (see callhook --help)\n' });
    const missing = await cli(['campaign', 'status', id, '--url', t.service.url, '--api-key-file', path.join(dir, 'no-key')]).done;
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `callhook: cannot read --api-key-file ${path.join(dir, 'no-key')}: ENOENT\n` });
    await t.api().post(`/api/campaigns/${id}/cancel`);
  });

  it('fails on a missing file before calling the service', async () => {
    const missing = path.join(dir, 'nope.csv');
    const run = await cli(['campaign', 'run', missing, '--name', 'x', '--audio', AUDIO, '--url', 'http://127.0.0.1:9']).done;
    expect(run).toEqual({ code: 1, stdout: '', stderr: `callhook: cannot read ${missing}: no such file (ENOENT)\n` });
  });

  it('runs a campaign on a stored flow with --flow, each row filling its variables, and names a variable no row gives', async () => {
    const flow = {
      start: 'hello',
      nodes: {
        hello: { type: 'play', prompt: { audioUri: 'https://media.example.com/{{greeting}}.wav' }, next: 'bye' },
        bye: { type: 'hangup', outcome: 'informed' },
      },
    };
    await t.api().post('/api/flows/cli-hello').send(flow).expect(201);
    const rows = path.join(dir, 'greetings.csv');
    await writeFile(rows, 'to,greeting\n+15553999201,morning\n+15553999202,evening\n');
    const run = await cli(['campaign', 'run', rows, '--name', 'greetings', '--flow', 'cli-hello', '--detach', ...connection()]).done;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const id = run.stdout.trim().split(/\s+/).pop() as string;
    expect((await t.api().get(`/api/campaigns/${id}`).expect(200)).body.settings).toMatchObject({ flow: { name: 'cli-hello', version: 1 } });

    const noGreeting = path.join(dir, 'no-greeting.csv');
    await writeFile(noGreeting, 'to\n+15553999203\n');
    const refused = await cli(['campaign', 'run', noGreeting, '--name', 'greetings', '--flow', 'cli-hello', ...connection()]).done;
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 1, stderr: expect.stringContaining('uses {{greeting}}, which no target row provides') });
    const both = await cli(['campaign', 'run', rows, '--name', 'x', '--flow', 'cli-hello', '--audio', AUDIO, ...connection()]).done;
    expect(both.stderr).toBe('callhook: give --audio <uri> (the reminder) or --flow <name> (a stored flow), one of them (see callhook campaign run --help)\n');
  });

  it('reports usage mistakes and the API\'s validation errors with exit code 1', async () => {
    const noName = await cli(['campaign', 'run', csvPath, '--audio', AUDIO, ...connection()]).done;
    expect(noName).toEqual({ code: 1, stdout: '', stderr: 'callhook: --name is required (see callhook campaign run --help)\n' });
    const badCps = await cli(['campaign', 'run', csvPath, '--name', 'x', '--audio', AUDIO, '--cps', 'fast', ...connection()]).done;
    expect(badCps.stderr).toBe('callhook: --cps must be a number above 0, not "fast" (see callhook campaign run --help)\n');
    const badAudio = await cli(['campaign', 'run', csvPath, '--name', 'x', '--audio', 'ftp://media/a.wav', ...connection()]).done;
    // Named as the person typed it, not as the CLI sent it (query.audioFileUri).
    expect({ code: badAudio.code, stderr: badAudio.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^callhook: --audio: .* \(validation_failed\)\n$/) });
    const phoneCsv = path.join(dir, 'phone.csv');
    await writeFile(phoneCsv, 'phone\n+14255550100\n');
    const noTo = await cli(['campaign', 'run', phoneCsv, '--name', 'x', '--audio', AUDIO, ...connection()]).done;
    expect(noTo.stderr).toBe(`callhook: ${phoneCsv}: no \`to\` column (found: phone); the first line must name the columns, one of them \`to\` (validation_failed)\n`);
    const unknown = await cli(['campaign', 'status', 'no-such-campaign', ...connection()]).done;
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'callhook: no campaign with id "no-such-campaign" (campaign_not_found)\n' });
  });

  it('pauses, resumes and cancels a detached campaign, and refuses a transition that does not apply', async () => {
    const detached = await cli(['campaign', 'run', csvPath, '--name', 'slow', '--audio', AUDIO, '--cps', '0.5', '--detach', ...connection()]).done;
    expect(detached.code).toBe(0);
    const id = detached.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const pause = await cli(['campaign', 'pause', id, ...connection()]).done;
    expect(pause).toEqual({ code: 0, stdout: `Campaign ${id} "slow" is now paused.\n`, stderr: '' });
    const again = await cli(['campaign', 'pause', id, ...connection()]).done;
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'callhook: cannot pause a campaign that is paused (invalid_campaign_state)\n' });
    expect((await cli(['campaign', 'resume', id, ...connection()]).done).stdout).toBe(`Campaign ${id} "slow" is now running.\n`);
    const cancel = await cli(['campaign', 'cancel', id, ...connection()]).done;
    expect({ code: cancel.code, stdout: cancel.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(new RegExp(`^Campaign ${id} "slow" is now cancelled`)) });
    expect((await t.api().get(`/api/campaigns/${id}`).expect(200)).body.status).toBe('cancelled');
  });

  /** A two-target campaign watched without a terminal, interrupted with Ctrl-C once the first progress line is out. */
  async function interruptedWatch(name: string, targets: string[], env?: Record<string, string>) {
    const created = await t.api().post('/api/campaigns').send({ name, audioFileUri: AUDIO, callsPerSecond: 0.2, targets: targets.map((to) => ({ to })) }).expect(201);
    const id = created.body.id as string;
    const watch = cli(['campaign', 'watch', id, '--interval', '0.2', ...connection()], env);
    let stderr = '';
    watch.child.stderr!.on('data', (d) => (stderr += d));
    await eventually('the first progress line', async () => /\d+% \d+\/2 settled/.test(stderr));
    watch.child.kill('SIGINT');
    return { id, run: await watch.done };
  }

  it('stops watching on Ctrl-C without a terminal, leaving the campaign running and saying how to cancel it', async () => {
    const { id, run } = await interruptedWatch('long', ['+15553999001', '+15553999002']);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(`Stopped watching; campaign ${id} continues.`);
    expect(run.stderr).toContain(`cancel it:    callhook campaign cancel ${id}`);
    expect(run.stdout).toBe('');
    expect((await t.api().get(`/api/campaigns/${id}`).expect(200)).body.status).toBe('running');
    await t.api().post(`/api/campaigns/${id}/cancel`).expect(200);
  });

  // In a checkout the docs run the CLI as `npm run callhook -- …`, where `callhook` alone is "command not found".
  it('under npm run callhook, prints the next commands as npm run callhook -- …', async () => {
    const npm = { npm_lifecycle_event: 'callhook' };
    const { id, run } = await interruptedWatch('npm', ['+15553999011', '+15553999012'], npm);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(`  watch again:  npm run callhook -- campaign watch ${id}\n  cancel it:    npm run callhook -- campaign cancel ${id}\n`);
    await t.api().post(`/api/campaigns/${id}/cancel`).expect(200);
    const usage = await cli(['campaign', 'run', csvPath, '--name', 'x', '--audio', AUDIO, '--cps', 'fast'], npm).done;
    expect(usage).toEqual({ code: 1, stdout: '', stderr: 'callhook: --cps must be a number above 0, not "fast" (see npm run callhook -- campaign run --help)\n' });
  });

  it('prints help for every level', async () => {
    for (const args of [['--help'], ['campaign', '--help'], ['campaign', 'run', '--help'], ['campaign', 'cancel', '-h']]) {
      const run = await cli(args).done;
      expect({ args, code: run.code, usage: run.stdout.startsWith('Usage: callhook') }).toEqual({ args, code: 0, usage: true });
    }
    // Every per-row override the service reads is listed.
    const runHelp = (await cli(['campaign', 'run', '--help']).done).stdout;
    for (const column of ['audioFileUri', 'agentTarget', 'waitSeconds', 'operationContext', 'subject']) expect({ column, listed: runHelp.includes(column) }).toEqual({ column, listed: true });
    const unknown = await cli(['campagin']).done;
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'callhook: unknown command "campagin" (see callhook --help)\n' });
  });
});
