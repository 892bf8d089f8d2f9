import type { HandlerContext } from '../dispatch/context';
import { decideOutcome } from '../workflows/outcomes';
import { MAX_CALL_SECONDS, type ReminderSettings } from '../workflows/reminder-settings';
import { reminderCallSettings, reminderFlow } from '../workflows/reminder';
import { onWatchdog, scheduleWatchdog, WATCHDOG } from '../workflows/watchdog';
import type { Workflow } from '../workflows/workflow';
import type { FlowCallSettings } from './call-settings';
import { nodeOf, type FlowNode, type NodeOf } from './document';
import { GATHER_TIMEOUTS, onGatherTimer, onKey, onPromptEnded } from './gather';
import { agentLeft, CONNECT_TIMEOUT, connectContext, connectDecided, enter, invite } from './nodes';
import { hangUp, onFlowTerminated } from './steps';
import { flowState, save, stateOf, type FlowRun } from './state';

/** The call's flow version, or undefined (after deciding `failed` and hanging up) when it is not stored. */
async function runOf(ctx: HandlerContext): Promise<FlowRun | undefined> {
  if (ctx.call.flow === 'reminder') {
    const reminder = ctx.call.settings as unknown as ReminderSettings;
    return { ctx, doc: reminderFlow(reminder), settings: reminderCallSettings(reminder) };
  }
  const settings = ctx.call.settings as unknown as FlowCallSettings;
  const doc = await ctx.settings.flows.load(settings.flow.name, settings.flow.version);
  if (doc) return { ctx, doc, settings };
  await decideOutcome(ctx, 'failed', `flow "${settings.flow.name}" version ${settings.flow.version} is not stored`);
  await hangUp(ctx);
  return undefined;
}

const live = (ctx: HandlerContext) => ctx.call.state !== 'terminated' && ctx.call.state !== 'failed';

const at = (run: FlowRun, type: FlowNode['type']) => nodeOf(run.doc, stateOf(run).node ?? '')?.type === type;

/** One key, in sequence: only a gather takes keys; elsewhere they are let go. */
async function press(ctx: HandlerContext, key: string): Promise<void> {
  const s = flowState(ctx);
  if (s.phase !== 'prompting' && s.phase !== 'waiting') return;
  const run = await runOf(ctx);
  if (run && at(run, 'gather')) await onKey(run, key);
}

/** Presses key `seq`, then every held key that follows on from it. */
async function pressInOrder(ctx: HandlerContext, seq: number, key: string): Promise<void> {
  const held = { ...flowState(ctx).heldKeys };
  for (let next = seq, k: string | undefined = key; k !== undefined; k = held[++next]) {
    delete held[next];
    await ctx.saveWorkflow({ keySeq: next, heldKeys: { ...held } });
    await press(ctx, k);
    if (!live(ctx)) return;
  }
}

async function releaseHeldKeys(ctx: HandlerContext): Promise<void> {
  const held = flowState(ctx).heldKeys ?? {};
  const seqs = Object.keys(held).map(Number).sort((a, b) => a - b);
  await ctx.saveWorkflow({ keySeq: seqs[0] - 1 });
  await pressInOrder(ctx, seqs[0], held[seqs[0]]);
}

/**
 * Runs a stored flow (docs/flows.md). The position in the flow, the digits
 * gathered and the timers are on the call record, so a restart resumes at
 * the same node; every handler checks the step and the operation context of
 * its event, so duplicated, late or reordered events change nothing.
 */
export const flowWorkflow: Workflow = {
  async onStateChanged(event, ctx) {
    if (event.state === 'disconnected') return onFlowTerminated(ctx);
    if (event.state !== 'connected' || flowState(ctx).step || !live(ctx)) return;
    const run = await runOf(ctx);
    if (!run) return;
    await scheduleWatchdog(ctx, 'call', MAX_CALL_SECONDS);
    await save(run, { establishedAt: ctx.clock.now() });
    await enter(run, run.doc.start);
  },

  async onKeyPressed(event, ctx) {
    if (!live(ctx)) return;
    const seq = event.sequenceId;
    if (seq === null) return press(ctx, event.key);
    const s = flowState(ctx);
    const last = s.keySeq ?? 0;
    if (seq <= last) return;
    // An earlier key has not come yet (events can arrive out of order): hold this one until it does.
    if (seq > last + 1) return ctx.saveWorkflow({ heldKeys: { ...s.heldKeys, [seq]: event.key } });
    await pressInOrder(ctx, seq, event.key);
  },

  // A cancelled playback is one we stopped ourselves: expected, not an error.
  async onPlayback(event, ctx) {
    const s = flowState(ctx);
    if (event.operationContext !== s.playContext || !live(ctx)) return;
    if (event.kind === 'playback-failed') {
      const info = event.result;
      await decideOutcome(ctx, 'failed', 'the message could not be played', { code: info?.code ?? null, subcode: info?.subCode ?? null, message: info?.message ?? null });
      return hangUp(ctx);
    }
    if (event.kind !== 'playback-finished') return;
    await ctx.saveWorkflow({ promptLive: false });
    const run = await runOf(ctx);
    if (!run) return;
    if (s.phase === 'playing' && at(run, 'play')) return enter(run, (run.doc.nodes[s.node as string] as NodeOf<'play'>).next);
    if (s.phase === 'prompting' && at(run, 'gather')) return onPromptEnded(run);
  },

  async onParticipantResult(event, ctx) {
    const s = flowState(ctx);
    if (s.phase !== 'connecting' || !live(ctx)) return;
    const run = await runOf(ctx);
    if (!run || !at(run, 'connect') || event.operationContext !== connectContext(run)) return;
    const node = run.doc.nodes[s.node as string] as NodeOf<'connect'>;
    if (event.kind === 'participant-added') {
      await save(run, { agent: s.invitee });
      return connectDecided(run, node.next, 'the agent joined the call');
    }
    if (event.kind !== 'participant-failed') return;
    if ((s.connectAttempts ?? 0) <= node.retries) return invite(run, s.invitee as string);
    return connectDecided(run, node.failure, `the agent invite failed ${s.connectAttempts} times`);
  },

  /** Once the person a connect brought in leaves after the flow ended, nobody is left to talk to the callee: hang up. */
  async onRoster(event, ctx) {
    const s = flowState(ctx);
    const who = s.agent ?? (s.phase === 'connecting' ? s.invitee : undefined);
    if (!who || !live(ctx)) return;
    const present = event.participants.some((p) => p.rawId === who);
    if (present === (s.agentPresent ?? false)) return;
    await ctx.saveWorkflow({ agentPresent: present });
    if (!present && s.phase === 'after-agent') {
      await agentLeft(ctx, who);
      await hangUp(ctx);
    }
  },

  async onTimer(timer, ctx) {
    if (timer.timerKind === WATCHDOG) return onWatchdog(ctx, (timer.payload as { stage: string }).stage, onFlowTerminated);
    if (!live(ctx)) return;
    const s = flowState(ctx);
    if (GATHER_TIMEOUTS.includes(timer.timerKind)) {
      // A key the held ones wait for never came: take them as they are rather than lose them too.
      if (s.heldKeys && Object.keys(s.heldKeys).length) return releaseHeldKeys(ctx);
      const run = await runOf(ctx);
      if (run && at(run, 'gather')) await onGatherTimer(run, (timer.payload as { seq: number }).seq);
      return;
    }
    if (timer.timerKind === CONNECT_TIMEOUT && s.phase === 'connecting' && (timer.payload as { step: number }).step === s.step) {
      const run = await runOf(ctx);
      if (!run || !at(run, 'connect')) return;
      return connectDecided(run, (run.doc.nodes[s.node as string] as NodeOf<'connect'>).failure, 'the agent did not answer in time');
    }
  },
};
