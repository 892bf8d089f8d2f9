import { deterministicUuid } from '../ids';
import { parseRawId } from '../identifiers';
import { decideOutcome } from '../workflows/outcomes';
import { fill, nodeOf, type NodeOf, type Prompt } from './document';
import { flowEntry } from './funnel-entries';
import { startGather } from './gather';
import { hangUp, request } from './steps';
import { leg, note, opts, save, stateOf, type FlowRun } from './state';

/** More nodes than this on one call is a flow that loops without end (validation catches the ones it can see). */
export const MAX_STEPS = 200;
export const CONNECT_TIMEOUT = 'invite-timeout';

/** The prompt with the call's variables filled in, as the port plays it. */
export function filled(run: FlowRun, prompt: Prompt) {
  const vars = { ...run.settings.variables, to: run.ctx.call.target ?? '', callId: run.ctx.call.id };
  return 'audioUri' in prompt
    ? { audioUri: fill(prompt.audioUri, vars, true) }
    : { text: fill(prompt.text, vars), voice: prompt.voice, language: prompt.language };
}

/**
 * Moves the call to `nodeId` and does what that node does first. `why` says
 * what led here; a hang-up node gives it as its outcome's reason. A prompt
 * still playing is stopped first, unless the call is about to hang up anyway.
 */
export async function enter(run: FlowRun, nodeId: string, why?: string): Promise<void> {
  const { ctx, doc } = run;
  const step = (stateOf(run).step ?? 0) + 1;
  const node = nodeOf(doc, nodeId);
  if (step > MAX_STEPS || !node) {
    const reason = node ? `the flow entered more than ${MAX_STEPS} nodes` : `the flow has no node "${nodeId}"`;
    await decideOutcome(ctx, 'failed', reason);
    return hangUp(ctx);
  }
  if (node.type !== 'hangup' && !(await stopPrompt(run))) return;
  await save(run, { step, node: nodeId, phase: undefined, prompts: 0, digits: '', noInputs: 0, invalids: 0, connectAttempts: 0 });
  await note(run, flowEntry.entered(nodeId), `step:${step}`, { step, type: node.type });
  switch (node.type) {
    case 'play':
      return play(run, node);
    case 'gather':
      return startGather(run, node);
    case 'branch':
      return branch(run, nodeId, node, why);
    case 'connect':
      return connect(run, node);
    case 'ask':
      return ask(run, nodeId, node);
    case 'hangup':
      return hangup(run, nodeId, node, why);
  }
}

/** Plays a prompt of the current step; its end (or failure) comes back as a playback event with this context. */
export async function playPrompt(run: FlowRun, prompt: Prompt, loop: boolean): Promise<boolean> {
  const s = stateOf(run);
  const n = (s.prompts ?? 0) + 1;
  const playContext = `${run.settings.operationContext ?? 'flow'}:${run.ctx.call.id}:${s.step}:${n}`;
  await save(run, { prompts: n, playContext, promptLive: true });
  return request(run.ctx, 'playing a prompt', () =>
    run.ctx.client.play(leg(run), { ...filled(run, prompt), loop, operationContext: playContext }, opts(run, `play-${s.step}-${n}`)),
  );
}

/** Stops the prompt if it may still be playing; false when the stop failed (and the call with it). */
export async function stopPrompt(run: FlowRun): Promise<boolean> {
  const s = stateOf(run);
  if (!s.promptLive) return true;
  await save(run, { promptLive: false });
  return request(run.ctx, 'stopping the message', () =>
    run.ctx.client.stopMedia(leg(run), { operationContext: `stop:${s.playContext}` }, opts(run, `stop-${s.step}-${s.prompts}`)),
  );
}

async function play(run: FlowRun, node: NodeOf<'play'>): Promise<void> {
  await save(run, { phase: 'playing' });
  // A play node moves on when its prompt ends, so it never loops.
  await playPrompt(run, node.prompt, false);
}

async function branch(run: FlowRun, nodeId: string, node: NodeOf<'branch'>, why: string | undefined): Promise<void> {
  const s = stateOf(run);
  const on = node.on ?? s.lastGather;
  const digits = on ? s.gathered?.[on] : undefined;
  const next = digits !== undefined && node.cases[digits] !== undefined ? node.cases[digits] : node.default;
  await note(run, flowEntry.decided(nodeId), `decision:${s.step}`, { on: on ?? null, digits: digits ?? null, next });
  return enter(run, next, why);
}

export function connectContext(run: FlowRun): string {
  const s = stateOf(run);
  return `connect:${run.ctx.call.id}:${s.step}:${s.connectAttempts}`;
}

async function connect(run: FlowRun, node: NodeOf<'connect'>): Promise<void> {
  const { ctx } = run;
  const target = node.target
    ? fill(node.target, run.settings.variables)
    : (run.settings.agentTarget ?? ctx.settings.agentTarget);
  const s = stateOf(run);
  if (!target) return connectDecided(run, node.failure, 'no AGENT_TARGET is configured');
  // A variable may fill in anything; the row was not checked for it.
  const raw = rawIdOrUndefined(target);
  if (!raw) return connectDecided(run, node.failure, `"${target}" is not a number or raw id to call`);
  await ctx.store.timers.schedule({
    id: deterministicUuid(ctx.call.id, CONNECT_TIMEOUT, String(s.step)),
    callId: ctx.call.id,
    kind: CONNECT_TIMEOUT,
    dueAt: ctx.clock.now() + node.timeoutSeconds * 1000,
    payload: { step: s.step },
  });
  await invite(run, raw);
}

function rawIdOrUndefined(target: string): string | undefined {
  try {
    return parseRawId(target).rawId;
  } catch {
    return undefined;
  }
}

/** Invites the connect node's target once more (the first time, or a retry after a failed invite). */
export async function invite(run: FlowRun, target: string): Promise<void> {
  const s = stateOf(run);
  const attempt = (s.connectAttempts ?? 0) + 1;
  await save(run, { phase: 'connecting', connectAttempts: attempt, invitee: target });
  await request(run.ctx, 'inviting a participant', () =>
    run.ctx.client.addParticipant(
      leg(run),
      { target, callerId: run.ctx.settings.alternateCallerId, operationContext: connectContext(run) },
      opts(run, `connect-${s.step}-${attempt}`),
    ),
  );
}

/** The connect node is done: the person joined (`next`) or could not be reached (`failure`). */
export async function connectDecided(run: FlowRun, next: string, reason: string): Promise<void> {
  const s = stateOf(run);
  await run.ctx.store.timers.cancel(run.ctx.call.id, CONNECT_TIMEOUT, run.ctx.clock.now());
  await note(run, flowEntry.decided(s.node as string), `decision:${s.step}`, { next, reason, invitee: s.invitee ?? null });
  return enter(run, next, reason);
}

async function ask(run: FlowRun, nodeId: string, node: NodeOf<'ask'>): Promise<void> {
  const { ctx } = run;
  const s = stateOf(run);
  await save(run, { phase: 'asking' });
  const answer = await ctx.settings.flows.ask({
    url: fill(node.url, run.settings.variables, true),
    // The same id if this step is re-run after a crash, so the organisation can tell a repeat.
    id: `ask_${deterministicUuid(ctx.call.id, 'ask', String(s.step))}`,
    body: {
      type: 'flow.ask',
      callId: ctx.call.id,
      target: ctx.call.target,
      campaignId: ctx.call.campaignId ?? null,
      flow: run.settings.flow,
      node: nodeId,
      variables: run.settings.variables,
      gathered: s.gathered ?? {},
      routes: node.routes,
    },
    timeoutMs: node.timeoutSeconds * 1000,
  });
  const accepted = answer.next !== null && node.routes.includes(answer.next);
  const next = accepted ? (answer.next as string) : node.fallback;
  const reason = accepted ? 'answered' : answer.next === null ? answer.error : `answered "${answer.next}", which is not one of its routes`;
  await note(run, flowEntry.decided(nodeId), `decision:${s.step}`, { next, reason, status: answer.status, latencyMs: answer.latencyMs });
  return enter(run, next, `the organisation's answer: ${reason}`);
}

async function hangup(run: FlowRun, nodeId: string, node: NodeOf<'hangup'>, why: string | undefined): Promise<void> {
  const s = stateOf(run);
  await decideOutcome(run.ctx, node.outcome, node.reason ?? why ?? `the flow reached "${nodeId}"`);
  // The callee is talking to the person a connect brought in: leave them be until that person leaves.
  if (s.agent && s.agentPresent !== false) {
    await save(run, { phase: 'after-agent' });
    return;
  }
  if (s.agent) await agentLeft(run.ctx, s.agent);
  await hangUp(run.ctx);
}

export async function agentLeft(ctx: FlowRun['ctx'], agent: string): Promise<void> {
  await ctx.store.timeline.append({ callId: ctx.call.id, at: ctx.clock.now(), kind: 'note', name: 'agent_left', detail: { agent }, dedupeKey: 'agent-left' });
}
