import { randomUUID } from 'node:crypto';
import { endNow, establish, hangUp, startEstablishing } from './call-leg';
import type { EmulatorContext } from './context';
import { newConversationId } from './conversations';
import { pressKeys, tonesOf } from './dtmf';
import type { CallEventName, Conversation, Leg } from './model';
import { RingBuffer } from './ring-buffer';
import type { Behaviour, KeyPress } from './scripts';
import type { GaLegState } from './ga/state';

export interface NewLeg {
  source: string;
  callbackUri: string;
  subject: string | null;
  requestedModalities: string[];
  requestedCallEvents: CallEventName[];
  ga?: GaLegState;
}

function newLeg(ctx: EmulatorContext, kind: Leg['kind'], input: NewLeg, targets: string[], conversation: Conversation, id: string): Leg {
  const leg: Leg = {
    id,
    kind,
    source: input.source,
    targets,
    callbackUri: input.callbackUri,
    subject: input.subject,
    requestedModalities: input.requestedModalities,
    requestedCallEvents: new Set(input.requestedCallEvents),
    state: 'Establishing',
    conversationId: conversation.id,
    createdAt: ctx.clock.now(),
    establishedAt: null,
    endedAt: null,
    endReason: null,
    timers: ctx.timers.group(),
    media: { current: null, queue: [] },
    dtmfSequence: 0,
    silentHangUp: null,
    ownParticipantId: null,
    requests: new RingBuffer(ctx.options.legLogLimit),
    events: new RingBuffer(ctx.options.legLogLimit),
    ga: input.ga ?? null,
  };
  conversation.legIds.add(leg.id);
  ctx.legs.add(leg);
  return leg;
}

/**
 * Places an outbound call. The first target's script decides how it goes
 * (later targets join the roster with it and follow no script of their own);
 * an unscripted target answers after the default ring.
 */
export function createCall(ctx: EmulatorContext, input: NewLeg & { targets: string[] }): Leg {
  const id = randomUUID();
  const conversation = ctx.conversations.create(newConversationId(), id);
  const leg = newLeg(ctx, 'call', input, input.targets, conversation, id);
  startEstablishing(ctx, leg);
  ring(ctx, leg, ctx.scripts.next(input.targets[0]));
  return leg;
}

function ring(ctx: EmulatorContext, leg: Leg, behaviour: Behaviour): void {
  const ringMs = behaviour.ringMs ?? ctx.options.ringMs;
  const timeout = ctx.options.noAnswerTimeoutMs;
  const notAnswered = () => endNow(ctx, leg, 'notAnswered');
  switch (behaviour.answer) {
    case 'accept':
      if (ringMs >= timeout) leg.timers.after(timeout, notAnswered);
      else
        leg.timers.after(ringMs, () => {
          establish(ctx, leg);
          if (leg.state === 'Established') followScript(ctx, leg, behaviour);
        });
      return;
    case 'never':
      leg.timers.after(timeout, notAnswered);
      return;
    case 'reject':
      leg.timers.after(ringMs, () => endNow(ctx, leg, 'rejected'));
      return;
    case 'fail':
      leg.timers.after(ringMs, () => endNow(ctx, leg, 'failed'));
      return;
  }
}

/** Keys and the remote hang-up, timed from the answer (keys on a GA call: from when the application first listens). */
function followScript(ctx: EmulatorContext, leg: Leg, behaviour: Behaviour): void {
  if (leg.ga) leg.ga.scriptedKeys = behaviour.dtmf;
  else scheduleKeys(ctx, leg, behaviour.dtmf);
  if (behaviour.hangUpAfterMs !== undefined) leg.timers.after(behaviour.hangUpAfterMs, () => hangUp(ctx, leg, 'remoteHangUp'));
  // Without a scripted hang-up a real callee does not hold the line forever in silence.
  else if (ctx.options.silentCalleeHangUpMs > 0 && behaviour.dtmf.length === 0) {
    leg.silentHangUp = leg.timers.after(ctx.options.silentCalleeHangUpMs, () => hangUp(ctx, leg, 'silentCallee'));
  }
}

function scheduleKeys(ctx: EmulatorContext, leg: Leg, presses: readonly KeyPress[]): void {
  for (const press of presses) {
    const tones = tonesOf(press);
    leg.timers.after(press.afterMs, () => pressKeys(ctx, leg, tones));
  }
}

/** A GA call's recognition started: the callee's scripted keys now count from here, once per call. */
export function startScriptedKeys(ctx: EmulatorContext, leg: Leg): void {
  const presses = leg.ga?.scriptedKeys;
  if (!leg.ga || !presses) return;
  leg.ga.scriptedKeys = null;
  scheduleKeys(ctx, leg, presses);
}

/**
 * Joins a conversation. An unknown id is created, the way the first joiner
 * of a group id starts that group call; it then outlives the legs in it.
 * Joining takes the default ring time.
 */
export function joinConversation(ctx: EmulatorContext, conversationId: string, input: NewLeg): Leg {
  const conversation = ctx.conversations.get(conversationId) ?? ctx.conversations.create(conversationId, null);
  const leg = newLeg(ctx, 'join', input, [], conversation, randomUUID());
  startEstablishing(ctx, leg);
  leg.timers.after(ctx.options.ringMs, () => establish(ctx, leg));
  return leg;
}
