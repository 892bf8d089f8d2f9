import type { EmulatorContext } from './context';
import { emitTo, emitToLeg } from './emit';
import { inviteResultEvent, type EventResultInfo } from './preview/events';
import type { Conversation, Leg } from './model';
import { hangUp } from './call-leg';
import { addMember, broadcastRoster, removeMember } from './roster';
import type { Behaviour } from './scripts';
import type { TimerGroup } from './timers';

/**
 * Inviting people into a conversation. Each invitee's script decides (accept
 * after its ring, reject, never answer, fail). One InviteParticipantResult
 * answers the whole request once every invitee has decided: Completed when
 * all accepted, otherwise Failed with the first failure's ResultInfo; then
 * one ParticipantsUpdated carries the roster with everyone who accepted.
 * An invite still ringing when its call ends is dropped without a result.
 */

export const INVITE_FAILURES = {
  reject: { Code: 603, Subcode: 0, Message: 'The invitee declined the call.' },
  never: { Code: 408, Subcode: 0, Message: 'The invitee did not answer.' },
  fail: { Code: 480, Subcode: 0, Message: 'The invitee could not be reached.' },
} satisfies Record<string, EventResultInfo>;

/** Where the result goes: the inviting leg, the callbackUri of an out-of-call request, or nowhere. */
export type ResultTarget = { leg: Leg } | { callLegId: string; url: string } | null;

interface InviteOperation {
  conversation: Conversation;
  timers: TimerGroup;
  invitees: string[];
  operationContext: string | null;
  resultTo: ResultTarget;
  /** GA's invitationTimeoutInSeconds, in emulated ms; the emulator's no-answer timeout otherwise. */
  noAnswerTimeoutMs?: number;
}

interface Decision {
  accepted: boolean;
  failure: EventResultInfo | null;
  behaviour: Behaviour;
}

export function invite(ctx: EmulatorContext, op: InviteOperation): void {
  const decisions = new Map<string, Decision>();
  let pending = op.invitees.length;
  const decide = (rawId: string, decision: Decision) => {
    decisions.set(rawId, decision);
    pending -= 1;
    if (pending === 0) conclude(ctx, op, decisions);
  };
  for (const rawId of op.invitees) {
    const behaviour = ctx.scripts.next(rawId);
    const ringMs = behaviour.ringMs ?? ctx.options.ringMs;
    const failWith = (kind: keyof typeof INVITE_FAILURES) => () =>
      decide(rawId, { accepted: false, failure: failureOf(behaviour) ?? INVITE_FAILURES[kind], behaviour });
    const timeout = op.noAnswerTimeoutMs ?? ctx.options.noAnswerTimeoutMs;
    switch (behaviour.answer) {
      case 'accept':
        if (ringMs >= timeout) op.timers.after(timeout, failWith('never'));
        else op.timers.after(ringMs, () => decide(rawId, { accepted: true, failure: null, behaviour }));
        break;
      case 'never':
        op.timers.after(timeout, failWith('never'));
        break;
      case 'reject':
        op.timers.after(ringMs, failWith('reject'));
        break;
      case 'fail':
        op.timers.after(ringMs, failWith('fail'));
        break;
    }
  }
}

function conclude(ctx: EmulatorContext, op: InviteOperation, decisions: Map<string, Decision>): void {
  const firstFailure = op.invitees.map((id) => decisions.get(id)!).find((d) => !d.accepted);
  const outcome = firstFailure
    ? { status: 'Failed' as const, resultInfo: firstFailure.failure! }
    : { status: 'Completed' as const, resultInfo: null };
  sendResult(ctx, op, outcome);

  let joined = false;
  for (const rawId of op.invitees) {
    const decision = decisions.get(rawId)!;
    if (!decision.accepted) continue;
    const { member, added } = addMember(op.conversation, rawId);
    joined ||= added;
    const leaveAfter = decision.behaviour.hangUpAfterMs;
    if (added && leaveAfter !== undefined) op.timers.after(leaveAfter, () => removeMember(ctx, op.conversation, member));
    else if (added) endAfterTalkTime(ctx, op);
  }
  if (joined) broadcastRoster(ctx, op.conversation);
}

function sendResult(
  ctx: EmulatorContext,
  op: InviteOperation,
  outcome: { status: 'Completed'; resultInfo: null } | { status: 'Failed'; resultInfo: EventResultInfo },
): void {
  if (op.resultTo === null) return;
  if ('leg' in op.resultTo) {
    const { leg } = op.resultTo;
    emitToLeg(ctx, leg, inviteResultEvent(leg.id, op.operationContext, outcome, op.invitees, ctx.eventTime()));
  } else {
    const { callLegId, url } = op.resultTo;
    emitTo(ctx, callLegId, url, inviteResultEvent(callLegId, op.operationContext, outcome, op.invitees, ctx.eventTime()));
  }
}

function failureOf(behaviour: Behaviour): EventResultInfo | null {
  const f = behaviour.failure;
  return f ? { Code: f.code, Subcode: f.subcode, Message: f.message } : null;
}

/**
 * An agent brought into a call talks, then ends the call (so a campaign's
 * connected-to-agent calls free their slots); the callee's silence timer no
 * longer applies once someone is talking to them.
 */
function endAfterTalkTime(ctx: EmulatorContext, op: InviteOperation): void {
  if (op.resultTo === null || !('leg' in op.resultTo)) return;
  const { leg } = op.resultTo;
  leg.silentHangUp?.();
  leg.silentHangUp = null;
  if (ctx.options.agentTalkMs > 0) leg.timers.after(ctx.options.agentTalkMs, () => hangUp(ctx, leg, 'agentEnded'));
}
