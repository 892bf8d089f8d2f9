import type { CallState } from '../events/types';
import type { EmulatorContext } from './context';
import { emitToLeg } from './emit';
import { callStateEvent, participantsUpdatedEvent } from './preview/events';
import { stopMedia } from './media';
import type { Leg } from './model';
import { addMember, broadcastRoster, rosterOf } from './roster';

/**
 * The leg state machine: Establishing → Established → Terminating →
 * Terminated, or Establishing → Terminated when the call is not answered,
 * rejected or fails. Every transition emits its callState event; ending stops
 * everything still pending on the leg (timers, playbacks, invites).
 */

function emitState(ctx: EmulatorContext, leg: Leg, state: CallState): void {
  leg.state = state;
  // The service has no conversation to name until the call is up.
  const conversationId = leg.establishedAt === null ? null : leg.conversationId;
  emitToLeg(ctx, leg, callStateEvent(leg.id, conversationId, state, ctx.eventTime()));
}

export function startEstablishing(ctx: EmulatorContext, leg: Leg): void {
  emitState(ctx, leg, 'Establishing');
}

/** The callee answered (or the join completed): the leg and its people enter the conversation's roster. */
export function establish(ctx: EmulatorContext, leg: Leg): void {
  if (leg.state !== 'Establishing') return;
  const conversation = ctx.conversations.get(leg.conversationId);
  if (!conversation) return endNow(ctx, leg, 'conversationEnded');
  leg.establishedAt = ctx.clock.now();
  emitState(ctx, leg, 'Established');
  const own = addMember(conversation, leg.source);
  // Only the entry this leg added is this leg's to take away again.
  leg.ownParticipantId = own.added ? own.member.participantId : null;
  let changed = own.added;
  for (const target of leg.targets) changed = addMember(conversation, target).added || changed;
  // Legs already in the conversation hear only about real changes; the new leg always gets the roster.
  if (changed) broadcastRoster(ctx, conversation);
  else emitToLeg(ctx, leg, participantsUpdatedEvent(leg.id, rosterOf(conversation), ctx.eventTime()));
}

/** A hang-up, ours or the remote side's: Terminating now, Terminated shortly after. */
export function hangUp(ctx: EmulatorContext, leg: Leg, reason: string): void {
  if (leg.state === 'Terminating' || leg.state === 'Terminated') return;
  stopPending(leg);
  emitState(ctx, leg, 'Terminating');
  leaveConversation(ctx, leg);
  leg.timers.after(ctx.options.terminatingMs, () => finish(ctx, leg, reason));
}

/** Not answered, rejected, unreachable: the leg never got up, so it goes straight to Terminated. */
export function endNow(ctx: EmulatorContext, leg: Leg, reason: string): void {
  if (leg.state === 'Terminated') return;
  stopPending(leg);
  leaveConversation(ctx, leg);
  finish(ctx, leg, reason);
}

function stopPending(leg: Leg): void {
  leg.timers.cancelAll();
  stopMedia(leg);
}

function finish(ctx: EmulatorContext, leg: Leg, reason: string): void {
  leg.endedAt = ctx.clock.now();
  leg.endReason = reason;
  emitState(ctx, leg, 'Terminated');
  ctx.legs.ended(leg);
}

/**
 * An outbound call's conversation ends with the call, taking any leg that
 * joined it along; a joined conversation just loses this leg's own
 * participant, and the legs still in it hear about it.
 */
function leaveConversation(ctx: EmulatorContext, leg: Leg): void {
  const conversation = ctx.conversations.get(leg.conversationId);
  if (!conversation || !conversation.legIds.delete(leg.id)) return;
  if (conversation.ownerLegId === leg.id) {
    ctx.conversations.delete(conversation.id);
    for (const otherId of conversation.legIds) {
      const other = ctx.legs.get(otherId);
      if (other) hangUp(ctx, other, 'conversationEnded');
    }
    return;
  }
  if (leg.ownParticipantId !== null && conversation.participants.delete(leg.ownParticipantId)) {
    broadcastRoster(ctx, conversation);
  }
}
