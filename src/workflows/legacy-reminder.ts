import type { HandlerContext } from '../dispatch/context';
import { deterministicUuid } from '../ids';
import { callSteps } from './call-steps';
import { decideOutcome, Outcome } from './outcomes';
import { MAX_CALL_SECONDS, type KeyAction, type ReminderSettings } from './reminder-settings';
import { onWatchdog, scheduleWatchdog, WATCHDOG } from './watchdog';
import type { Workflow } from './workflow';

type Phase = 'playing' | 'connecting-agent' | 'connected' | 'ending';

interface ReminderState {
  phase?: Phase;
  establishedAt?: number;
  key?: string;
  playContext?: string;
  inviteAttempts?: number;
  /** Whether the last roster had the agent on it; unset until it first did (so false means they left). */
  agentPresent?: boolean;
}

const NO_KEY = 'no-key';
const INVITE_TIMEOUT = 'invite-timeout';

const state = (ctx: HandlerContext) => ctx.call.workflow as ReminderState;
const settings = (ctx: HandlerContext) => ctx.call.settings as unknown as ReminderSettings;

const save = (ctx: HandlerContext, patch: ReminderState) => ctx.saveWorkflow(patch as Record<string, unknown>);

const { request, hangUp } = callSteps({
  ending: (ctx) => state(ctx).phase === 'ending',
  markEnding: (ctx) => save(ctx, { phase: 'ending' }),
  onTerminated: (ctx) => onTerminated(ctx),
});

function leg(ctx: HandlerContext): string {
  return ctx.call.callLegId as string;
}

function opts(ctx: HandlerContext, purpose: string) {
  return { callId: ctx.call.id, requestId: ctx.requestId(purpose) };
}

async function agentLeft(ctx: HandlerContext): Promise<void> {
  await ctx.store.timeline.append({
    callId: ctx.call.id,
    at: ctx.clock.now(),
    kind: 'note',
    name: 'agent_left',
    detail: { agent: settings(ctx).agentTarget },
    dedupeKey: 'agent-left',
  });
  await hangUp(ctx);
}

async function finish(ctx: HandlerContext, outcome: Outcome, reason: string): Promise<void> {
  await decideOutcome(ctx, outcome, reason);
  await hangUp(ctx);
}

async function onEstablished(ctx: HandlerContext): Promise<void> {
  if (state(ctx).phase || ctx.call.state === 'terminated') return;
  const s = settings(ctx);
  await scheduleWatchdog(ctx, 'call', MAX_CALL_SECONDS);
  const playContext = s.operationContext ?? `play:${ctx.call.id}`;
  await save(ctx, { phase: 'playing', establishedAt: ctx.clock.now(), playContext });
  const played = await request(ctx, 'playing the message', () =>
    ctx.client.startPrompt(leg(ctx), { audioUri: s.audioFileUri, loop: true, operationContext: playContext, listenTo: ctx.call.target as string }, opts(ctx, 'play')),
  );
  if (!played) return;
  await ctx.store.timers.schedule({
    id: deterministicUuid(ctx.call.id, NO_KEY),
    callId: ctx.call.id,
    kind: NO_KEY,
    dueAt: ctx.clock.now() + s.waitSeconds * 1000,
  });
}

async function onTerminated(ctx: HandlerContext): Promise<void> {
  await ctx.store.timers.cancelAll(ctx.call.id, ctx.clock.now());
  const s = state(ctx);
  if (!s.establishedAt) await decideOutcome(ctx, 'not-answered', 'the call ended before it was answered');
  else if (s.phase === 'connecting-agent') await decideOutcome(ctx, 'agent-unavailable', 'the call ended while the agent was being invited');
  else await decideOutcome(ctx, 'no-response', 'the callee hung up without pressing a key');
}

async function inviteAgent(ctx: HandlerContext): Promise<void> {
  const s = settings(ctx);
  const attempt = (state(ctx).inviteAttempts ?? 0) + 1;
  // The workflow state is rewound on a re-run, so `attempt` and the request id it names are the same again.
  if (!s.agentTarget) return finish(ctx, 'agent-unavailable', 'no AGENT_TARGET is configured');
  await save(ctx, { phase: 'connecting-agent', inviteAttempts: attempt });
  await request(ctx, 'inviting the agent', () =>
    ctx.client.addParticipant(
      leg(ctx),
      { target: s.agentTarget as string, callerId: ctx.settings.alternateCallerId, operationContext: `invite:${ctx.call.id}:${attempt}` },
      opts(ctx, `invite-${attempt}`),
    ),
  );
}

const KEY_ACTIONS: Record<KeyAction, (ctx: HandlerContext) => Promise<void>> = {
  agent: async (ctx) => {
    const cancelled = await request(ctx, 'stopping the message', () =>
      ctx.client.stopMedia(leg(ctx), { operationContext: `cancel:${ctx.call.id}` }, opts(ctx, 'cancel')),
    );
    if (!cancelled) return;
    await ctx.store.timers.schedule({
      id: deterministicUuid(ctx.call.id, INVITE_TIMEOUT),
      callId: ctx.call.id,
      kind: INVITE_TIMEOUT,
      dueAt: ctx.clock.now() + settings(ctx).inviteTimeoutSeconds * 1000,
    });
    await inviteAgent(ctx);
  },
  acknowledge: async (ctx) => {
    await decideOutcome(ctx, 'answered-acknowledged', 'the callee acknowledged');
    const cancelled = await request(ctx, 'stopping the message', () =>
      ctx.client.stopMedia(leg(ctx), { operationContext: `cancel:${ctx.call.id}` }, opts(ctx, 'cancel')),
    );
    if (cancelled) await hangUp(ctx);
  },
  hangup: (ctx) => finish(ctx, 'answered-other-key', 'the callee pressed a key with no action'),
};

/**
 * The reminder as it ran before it became a built-in flow (reminder.ts),
 * kept only so reminder calls already answered when a service is upgraded
 * finish on the workflow they started with; remove it in the release after.
 */
export const legacyReminderWorkflow: Workflow = {
  async onStateChanged(event, ctx) {
    if (event.state === 'connected') await onEstablished(ctx);
    if (event.state === 'disconnected') await onTerminated(ctx);
  },

  async onKeyPressed(event, ctx) {
    // Only the first key while the message plays counts; later, duplicate or late keys change nothing.
    if (state(ctx).phase !== 'playing' || state(ctx).key !== undefined || ctx.call.state === 'terminated') return;
    const key = event.key;
    await ctx.store.timers.cancel(ctx.call.id, NO_KEY, ctx.clock.now());
    await save(ctx, { key });
    await KEY_ACTIONS[settings(ctx).keyMap[key] ?? 'hangup'](ctx);
  },

  // A cancelled playback is the one we stopped ourselves: expected, not an error.
  async onPlayback(event, ctx) {
    const s = state(ctx);
    if (event.operationContext !== s.playContext || event.kind !== 'playback-failed') return;
    const info = event.result;
    await decideOutcome(ctx, 'failed', 'the message could not be played', { code: info?.code ?? null, subcode: info?.subCode ?? null, message: info?.message ?? null });
    await hangUp(ctx);
  },

  async onParticipantResult(event, ctx) {
    const s = state(ctx);
    if (s.phase !== 'connecting-agent' || event.operationContext !== `invite:${ctx.call.id}:${s.inviteAttempts}`) return;
    if (event.kind === 'participant-added') {
      await ctx.store.timers.cancel(ctx.call.id, INVITE_TIMEOUT, ctx.clock.now());
      await save(ctx, { phase: 'connected' });
      await decideOutcome(ctx, 'connected-to-agent', 'the agent joined the call');
      // The roster can say they came and went before this result arrives.
      if (s.agentPresent === false) await agentLeft(ctx);
      return;
    }
    if (event.kind !== 'participant-failed') return;
    if ((s.inviteAttempts ?? 0) <= settings(ctx).inviteRetries) await inviteAgent(ctx);
    else await finish(ctx, 'agent-unavailable', `the agent invite failed ${s.inviteAttempts} times`);
  },

  /** Once the agent who joined leaves, nobody is left to talk to the callee: hang up (the outcome stays). */
  async onRoster(event, ctx) {
    const s = state(ctx);
    if (s.phase !== 'connecting-agent' && s.phase !== 'connected') return;
    const present = event.participants.some((p) => p.rawId === settings(ctx).agentTarget);
    if (present === (s.agentPresent ?? false)) return;
    await save(ctx, { agentPresent: present });
    if (!present && s.phase === 'connected') await agentLeft(ctx);
  },

  async onTimer(timer, ctx) {
    if (timer.timerKind === WATCHDOG) return onWatchdog(ctx, (timer.payload as { stage: string }).stage, onTerminated);
    const s = state(ctx);
    if (timer.timerKind === NO_KEY && s.phase === 'playing' && !s.key) await finish(ctx, 'no-response', `no key within ${settings(ctx).waitSeconds} s`);
    if (timer.timerKind === INVITE_TIMEOUT && s.phase === 'connecting-agent') await finish(ctx, 'agent-unavailable', 'the agent did not answer in time');
  },
};
