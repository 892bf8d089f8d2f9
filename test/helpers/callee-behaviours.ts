/** Agents a campaign's rows can name: one who answers, one who cannot be reached. */
export const AGENT_OK = '8:acs:agent-available';
export const AGENT_DOWN = '8:acs:agent-unreachable';

/** What a kind of callee does when called (an emulator script), and what the campaign must conclude about it. */
export interface Behaviour {
  name: string;
  script: Record<string, unknown>;
  agent?: string;
  /** Seconds to wait for a key, when not the default (only silent callees get a short one). */
  wait?: number;
  outcome: string;
  attempts: number;
}

export const BEHAVIOURS: readonly Behaviour[] = [
  { name: 'acknowledges', script: { dtmf: [{ afterMs: 300, keys: '2' }] }, outcome: 'answered-acknowledged', attempts: 1 },
  { name: 'talks to an agent', script: { dtmf: [{ afterMs: 300, keys: '1' }] }, agent: AGENT_OK, outcome: 'connected-to-agent', attempts: 1 },
  { name: 'presses nothing', script: {}, wait: 1, outcome: 'no-response', attempts: 1 },
  { name: 'never answers', script: { answer: 'never' }, outcome: 'not-answered', attempts: 2 },
  { name: 'rejects', script: { answer: 'reject' }, outcome: 'not-answered', attempts: 2 },
  { name: 'asks for an unreachable agent', script: { dtmf: [{ afterMs: 300, keys: '1' }] }, agent: AGENT_DOWN, outcome: 'agent-unavailable', attempts: 1 },
];

/**
 * The campaign CSV for these callees: each row names its agent and, for the
 * silent ones, a 1 s key wait, so a key delivered late on a loaded machine is
 * still a key, never a no-response.
 */
export function campaignCsv(rows: ReadonlyArray<{ to: string; behaviour: Behaviour }>): string {
  return [
    'to,agentTarget,waitSeconds,group',
    ...rows.map(({ to, behaviour }) => `${to},${behaviour.agent ?? ''},${behaviour.wait ?? ''},${behaviour.name}`),
  ].join('\n');
}
