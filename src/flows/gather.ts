import { deterministicUuid } from '../ids';
import type { NodeOf, Prompt } from './document';
import { flowEntry } from './funnel-entries';
import { enter, playPrompt, stopPrompt } from './nodes';
import { hangUp, request } from './steps';
import { decideOutcome } from '../workflows/outcomes';
import { leg, note, opts, save, stateOf, type FlowRun } from './state';

/** Waiting for the first key, and for the next one; the kinds the call's pending timers show. */
export const FIRST_KEY_TIMEOUT = 'no-key';
export const NEXT_KEY_TIMEOUT = 'next-key';
export const GATHER_TIMEOUTS: readonly string[] = [FIRST_KEY_TIMEOUT, NEXT_KEY_TIMEOUT];

/**
 * Gathering keys: they arrive one event per key on both generations (the
 * seed's DtmfReceived, GA's continuous DTMF), so digits, timeouts and retries
 * are kept here, durably, and both generations gather the same way.
 */

const current = (run: FlowRun) => run.doc.nodes[stateOf(run).node as string] as NodeOf<'gather'>;

export async function startGather(run: FlowRun, node: NodeOf<'gather'>): Promise<void> {
  if (!(await ask(run, node, node.prompt))) return;
  const s = stateOf(run);
  if (s.listening) return;
  await save(run, { listening: true });
  await request(run.ctx, 'listening for keys', () =>
    run.ctx.client.listenForKeys(leg(run), { target: run.ctx.call.target as string, operationContext: `keys:${run.ctx.call.id}` }, opts(run, 'keys')),
  );
}

/**
 * Plays the prompt (or re-prompt, stopping the one before) and waits for the
 * first key: from the prompt's end, or from now when it loops or there is none.
 */
async function ask(run: FlowRun, node: NodeOf<'gather'>, prompt: Prompt | undefined): Promise<boolean> {
  if (!(await stopPrompt(run))) return false;
  await save(run, { digits: '' });
  if (!prompt) {
    await save(run, { phase: 'waiting' });
    await arm(run, FIRST_KEY_TIMEOUT, node.firstKeyTimeoutSeconds);
    return true;
  }
  await save(run, { phase: 'prompting' });
  const loop = prompt.loop ?? false;
  if (!(await playPrompt(run, prompt, loop))) return false;
  if (loop) await arm(run, FIRST_KEY_TIMEOUT, node.firstKeyTimeoutSeconds);
  return true;
}

async function arm(run: FlowRun, kind: string, seconds: number): Promise<void> {
  const { ctx } = run;
  const s = stateOf(run);
  const seq = (s.timerSeq ?? 0) + 1;
  await save(run, { timerSeq: seq });
  await ctx.store.timers.schedule({
    id: deterministicUuid(ctx.call.id, 'flow-gather', String(seq)),
    callId: ctx.call.id,
    kind,
    dueAt: ctx.clock.now() + seconds * 1000,
    payload: { seq },
  });
}

/** The prompt of the current gather ended without a key: the first-key timeout starts. */
export async function onPromptEnded(run: FlowRun): Promise<void> {
  await save(run, { phase: 'waiting' });
  await arm(run, FIRST_KEY_TIMEOUT, current(run).firstKeyTimeoutSeconds);
}

/**
 * A key. The prompt stops at the first of several digits (barge-in); a
 * single key stops it once accepted, so a key that only leads to a hang-up
 * sends nothing but the hang-up.
 */
export async function onKey(run: FlowRun, key: string): Promise<void> {
  const s = stateOf(run);
  const node = current(run);
  await save(run, { phase: 'waiting', key });
  if (node.maxDigits > 1 && !(await stopPrompt(run))) return;
  await run.ctx.store.timers.cancel(run.ctx.call.id, s.digits ? NEXT_KEY_TIMEOUT : FIRST_KEY_TIMEOUT, run.ctx.clock.now());
  if (key === node.finishKey) return complete(run, node, s.digits ?? '');
  const digits = (s.digits ?? '') + key;
  await save(run, { digits });
  if (digits.length >= node.maxDigits) return complete(run, node, digits);
  await arm(run, NEXT_KEY_TIMEOUT, node.interDigitTimeoutSeconds);
}

/** A gather timer fired: no first key (no input), or no further key (the input is complete). */
export async function onGatherTimer(run: FlowRun, seq: number): Promise<void> {
  const s = stateOf(run);
  if (seq !== s.timerSeq || (s.phase !== 'waiting' && s.phase !== 'prompting')) return;
  return complete(run, current(run), s.digits ?? '');
}

async function complete(run: FlowRun, node: NodeOf<'gather'>, digits: string): Promise<void> {
  const s = stateOf(run);
  const nodeId = s.node as string;
  if (!digits) return retry(run, node, 'noInput');
  if (node.valid && !node.valid.includes(digits)) return retry(run, node, 'invalid', digits);
  if (!(await stopPrompt(run))) return;
  await note(run, flowEntry.gathered(nodeId, digits), `keys:${s.step}`, { step: s.step, digits });
  await save(run, { gathered: { ...s.gathered, [nodeId]: digits }, lastGather: nodeId });
  return enter(run, node.next);
}

async function retry(run: FlowRun, node: NodeOf<'gather'>, why: 'noInput' | 'invalid', digits?: string): Promise<void> {
  const s = stateOf(run);
  const nodeId = s.node as string;
  const counter = why === 'noInput' ? 'noInputs' : 'invalids';
  const n = (s[counter] ?? 0) + 1;
  const entry = why === 'noInput' ? flowEntry.noInput(nodeId) : flowEntry.invalid(nodeId);
  await note(run, entry, `${why}:${s.step}:${n}`, { step: s.step, attempt: n, ...(digits ? { digits } : {}) });
  await save(run, { [counter]: n });
  const reason = why === 'noInput' ? `no key within ${node.firstKeyTimeoutSeconds} s` : `"${digits}" is not an accepted input`;
  const handling = node[why];
  if (handling && n <= handling.retries) {
    await ask(run, node, handling.prompt ?? node.prompt);
    return;
  }
  if (handling) return enter(run, handling.next, reason);
  await decideOutcome(run.ctx, 'no-response', reason);
  await hangUp(run.ctx);
}
