import { spawn } from 'node:child_process';
import path from 'node:path';
import { flowEntry } from '../../src/flows/funnel-entries';
import { flowCall, quietCampaign } from '../helpers/flow-calls';
import { startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

/** The CLI as a person runs it, in its own process, with the key from the environment. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { CALLHOOK_URL: _u, CALLHOOK_API_KEY: _k, ...env } = process.env;
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', MAIN, ...args], { cwd: ROOT, env: { ...env, CALLHOOK_API_KEY: TEST_API_KEY }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The funnel table's rows, split on its two-space column gaps: node, reached, share, keys, no input, invalid, hung up. */
function funnelRows(stdout: string): string[][] {
  const lines = stdout.slice(stdout.indexOf('Funnel (')).split('\n');
  return lines
    .slice(4)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/ {2,}/));
}

const { entered, gathered, noInput, invalid, hungUp } = flowEntry;

describe('callhook campaign status with a flow funnel', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService('sqlite');
    const store = t.service.store;
    await quietCampaign(store, 'cli-funnel', {}, 'Appointment menu');
    await flowCall(store, 'f1', 'cli-funnel', [entered('welcome'), entered('menu'), gathered('menu', '1'), entered('confirmed')]);
    await flowCall(store, 'f2', 'cli-funnel', [entered('welcome'), entered('menu'), invalid('menu'), gathered('menu', '1'), entered('confirmed')]);
    await flowCall(store, 'f3', 'cli-funnel', [entered('welcome'), entered('menu'), gathered('menu', '*9')]);
    await flowCall(store, 'f4', 'cli-funnel', [entered('welcome'), entered('menu'), noInput('menu'), hungUp('menu')]);
    await flowCall(store, 'f5', 'cli-funnel', [entered('welcome'), hungUp('welcome')]);
    await quietCampaign(store, 'cli-no-flow', {}, 'Reminder only');
  }, 60_000);
  afterAll(() => t?.stop());

  it('prints the funnel table under the summary, one row per node with the counts the API reports', async () => {
    const run = await cli(['campaign', 'status', 'cli-funnel', '--url', t.service.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Campaign "Appointment menu" (cli-funnel): paused');
    expect(run.stdout).toContain('Funnel (5 calls)');
    expect(funnelRows(run.stdout)).toEqual([
      ['welcome', '5', '100.0%', '-', '0', '0', '1'],
      ['menu', '4', '80.0%', '1: 2, *9: 1', '1', '1', '1'],
      ['confirmed', '2', '40.0%', '-', '0', '0', '0'],
    ]);
    const header = run.stdout.split('\n')[run.stdout.split('\n').indexOf('Funnel (5 calls)') + 2];
    expect(header.split(/ {2,}/)).toEqual(['Node', 'Reached', 'Of calls', 'Keys', 'No input', 'Invalid', 'Hung up']);
  });

  it('prints no funnel for a campaign whose calls ran no flow, and keeps --json the campaign view alone', async () => {
    const plain = await cli(['campaign', 'status', 'cli-no-flow', '--url', t.service.url]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Campaign "Reminder only" (cli-no-flow): paused');
    expect(plain.stdout).not.toContain('Funnel');
    const json = await cli(['campaign', 'status', 'cli-funnel', '--json', '--url', t.service.url]);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'cli-funnel', name: 'Appointment menu' });
  });
});
