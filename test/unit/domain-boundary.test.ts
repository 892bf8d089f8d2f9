import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Workflows, dispatch and handlers see the domain vocabulary only: a wire name
 * of either API generation here means an adapter's job leaked past the edge.
 */
const ROOT = join(__dirname, '..', '..');
const GUARDED = ['src/workflows', 'src/dispatch', 'handlers'];
const WIRE_NAMES = ['Microsoft.Communication.', 'CallLegId', 'ToneInfo', 'ResultInfo', 'callConnectionId', 'resultInformation', 'specversion'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the domain boundary', () => {
  const guarded = GUARDED.flatMap((dir) => files(join(ROOT, dir)));

  it('finds the files it guards', () => {
    expect(guarded.length).toBeGreaterThan(10);
  });

  it.each(WIRE_NAMES)('no file under workflows, dispatch or handlers names %s', (name) => {
    const offenders = guarded.filter((path) => readFileSync(path, 'utf8').includes(name)).map((p) => p.slice(ROOT.length + 1));
    expect(offenders).toEqual([]);
  });
});
