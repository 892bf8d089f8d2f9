import fs from 'node:fs';
import path from 'node:path';

/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time per
 * function, and self time per package or source directory, highest first.
 *
 *   tsx bench/profile.ts <file.cpuprofile | directory> [--top 30]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/** Where a frame's code lives: a package name, a source directory of ours, or a V8/Node category. */
function area(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const ours = /\/work\/[^/]+\/((?:src|routes|handlers|bench)(?:\/[^/]+)?)/.exec(url.replace(/^file:\/\//, ''));
  if (ours) return ours[1].replace(/\.[jt]s$/, '');
  return path.basename(url);
}

export function selfTimes(profile: CpuProfile): { byFunction: SelfTime[]; byArea: SelfTime[]; totalMs: number } {
  // Sample-weighted self time: each sample's delta is charged to the node it hit.
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length) {
    for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  } else {
    const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0));
    for (const node of profile.nodes) self.set(node.id, (node.hitCount ?? 0) * interval);
  }
  const byFunction = new Map<string, SelfTime>();
  const byArea = new Map<string, SelfTime>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '~/').replace(/^\/work\/[^/]+\//, '')}:${lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const f = byFunction.get(key) ?? { name, where, ms: 0, share: 0 };
    f.ms += us / 1000;
    byFunction.set(key, f);
    const a = area(url, name);
    const g = byArea.get(a) ?? { name: a, where: '', ms: 0, share: 0 };
    g.ms += us / 1000;
    byArea.set(a, g);
  }
  const finish = (m: Map<string, SelfTime>) =>
    [...m.values()].map((s) => ({ ...s, share: total ? (s.ms * 1000) / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { byFunction: finish(byFunction), byArea: finish(byArea), totalMs: total / 1000 };
}

function merge(files: string[]): ReturnType<typeof selfTimes> {
  const parts = files.map((f) => selfTimes(JSON.parse(fs.readFileSync(f, 'utf8')) as CpuProfile));
  const sum = (pick: (p: ReturnType<typeof selfTimes>) => SelfTime[], keyOf: (s: SelfTime) => string) => {
    const m = new Map<string, SelfTime>();
    for (const p of parts) for (const s of pick(p)) {
      const e = m.get(keyOf(s)) ?? { ...s, ms: 0 };
      e.ms += s.ms;
      m.set(keyOf(s), e);
    }
    return m;
  };
  const totalMs = parts.reduce((n, p) => n + p.totalMs, 0);
  const finish = (m: Map<string, SelfTime>) => [...m.values()].map((s) => ({ ...s, share: s.ms / totalMs })).sort((a, b) => b.ms - a.ms);
  return {
    byFunction: finish(sum((p) => p.byFunction, (s) => `${s.name} ${s.where}`)),
    byArea: finish(sum((p) => p.byArea, (s) => s.name)),
    totalMs,
  };
}

export function formatSelfTimes(result: ReturnType<typeof selfTimes>, top = 30): string {
  const pct = (s: SelfTime) => `${(s.share * 100).toFixed(1).padStart(5)}%`;
  const lines = [`total sampled: ${(result.totalMs / 1000).toFixed(1)} s`, '', 'self time by area:'];
  for (const s of result.byArea.slice(0, 15)) lines.push(`  ${pct(s)} ${s.ms.toFixed(0).padStart(7)} ms  ${s.name}`);
  lines.push('', 'self time by function:');
  for (const s of result.byFunction.slice(0, top)) lines.push(`  ${pct(s)} ${s.ms.toFixed(0).padStart(7)} ms  ${s.name}  ${s.where}`);
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 30;
  if (args.length === 0) {
    process.stderr.write('usage: tsx bench/profile.ts <file.cpuprofile | directory>... [--top N]\n');
    process.exit(2);
  }
  const files = args.flatMap((a) =>
    fs.statSync(a).isDirectory()
      ? fs.readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(a, f))
      : [a],
  );
  process.stdout.write(`${formatSelfTimes(merge(files), top)}\n`);
}

if (require.main === module) main();
