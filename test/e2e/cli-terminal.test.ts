import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { eventually, startTestService, TestService } from '../helpers/service';
import { TEST_API_KEY } from '../helpers/tokens';

const ROOT = path.resolve(__dirname, '../..');
const HAVE_TMUX = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
/** tmux gives the CLI a real pseudo-terminal and lets the test read the screen as a person sees it. */
const terminalIt = HAVE_TMUX ? it : it.skip;
const needsTmux = HAVE_TMUX ? '' : ' [skipped: tmux is not installed]';
const COLUMNS = 100;

const GROUPS = [
  { size: 2, script: { dtmf: [{ afterMs: 200, keys: '2' }] } },
  { size: 2, script: { dtmf: [{ afterMs: 200, keys: '9' }] } },
  { size: 1, script: {} },
  { size: 1, script: { answer: 'reject' } },
] as const;

describe('callhook CLI on a terminal', () => {
  let t: TestService;
  const socket = `callhook-test-${process.pid}`;
  const tmux = (...args: string[]) =>
    new Promise<string>((resolve, reject) => execFile('tmux', ['-L', socket, ...args], (err, out) => (err ? reject(err) : resolve(out))));
  const screen = () => tmux('capture-pane', '-p', '-t', 'cli');

  beforeAll(async () => {
    t = await startTestService('sqlite');
  });
  afterAll(async () => {
    if (HAVE_TMUX) await tmux('kill-server').catch(() => undefined);
    await t?.stop();
  });

  terminalIt(`answers Ctrl-C with one keypress, fits the bar to the terminal, and replaces it with the summary${needsTmux}`, async () => {
    const targets: Array<{ to: string }> = [];
    for (const group of GROUPS) {
      for (let i = 0; i < group.size; i++) {
        const to = `+1555430${String(targets.length).padStart(4, '0')}`;
        await t.emulator().post('/emulator/scripts').send({ target: to, ...group.script }).expect(201);
        targets.push({ to });
      }
    }
    const created = await t.api().post('/api/campaigns').send({ name: 'Terminal', audioFileUri: 'https://media.example.com/a.wav', waitSeconds: 1, callsPerSecond: 3, targets }).expect(201);
    const id = created.body.id as string;
    // Paused while the test talks to the prompt, so the campaign cannot end first.
    await t.api().post(`/api/campaigns/${id}/pause`).expect(200);

    const cli = ['node', '--require', 'tsx/cjs', 'src/cli/main.ts', 'campaign', 'watch', id, '--interval', '0.2', '--url', t.service.url, '--api-key', TEST_API_KEY];
    await tmux('new-session', '-d', '-s', 'cli', '-x', String(COLUMNS), '-y', '50', '-c', ROOT, `env PATH="${process.env.PATH}" ${cli.join(' ')}; echo EXIT=$?; sleep 60`);
    await eventually('the bar', async () => /\d+% \d+\/6 \| paused/.test(await screen()), 20_000);

    for (let round = 1; round <= 2; round++) {
      await tmux('send-keys', '-t', 'cli', 'C-c');
      await eventually(`prompt ${round}`, async () => ((await screen()).match(/press k to keep watching/g) ?? []).length === round);
      // One key, no Enter: the old line prompt waited here for Enter, and its next Ctrl-C stopped watching.
      await tmux('send-keys', '-t', 'cli', 'k');
      await eventually(`keep watching ${round}`, async () => ((await screen()).match(/keep watching$/gm) ?? []).length === round);
    }

    await t.api().post(`/api/campaigns/${id}/resume`).expect(200);
    const barLines = new Set<string>();
    const final = await eventually(
      'the summary',
      async () => {
        const shown = await screen();
        for (const line of shown.split('\n')) if (/[█░]/.test(line)) barLines.add(line.trimEnd());
        return /^EXIT=\d+$/m.test(shown) ? shown : undefined;
      },
      30_000,
    );
    if (process.env.SHOW_SCREEN) console.log(final, [...barLines]);
    expect(final).toMatch(/^EXIT=0$/m);
    expect(final).toMatch(new RegExp(`^Campaign "Terminal" \\(${id}\\): completed$`, 'm'));
    // The summary replaced the bar: no bar is left anywhere on the screen.
    expect(final).not.toMatch(/[█░]/);
    expect(barLines.size).toBeGreaterThan(0);
    for (const line of barLines) {
      expect(line.length).toBeLessThan(COLUMNS);
      // Whatever the width left for outcomes holds whole ones, or says how many it left out.
      const outcomes = line.split(' | ')[2] ?? '';
      for (const item of outcomes.split(', ').filter(Boolean)) expect({ line, item }).toEqual({ line, item: expect.stringMatching(/^([a-z-]+ \d+|\+\d+ more|no outcomes yet)$/) });
    }
  }, 60_000);
});
