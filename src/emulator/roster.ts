import { randomUUID } from 'node:crypto';
import { parseRawId } from '../identifiers';
import type { EmulatorContext } from './context';
import { emitToLeg } from './emit';
import { participantsUpdatedEvent, type RosterMember } from './preview/events';
import type { Conversation, Participant } from './model';

export function rosterOf(conversation: Conversation): RosterMember[] {
  return [...conversation.participants.values()].map((p) => ({ ...p }));
}

/** Adds `rawId` unless it is already there (a person is in a conversation once); returns its entry. */
export function addMember(conversation: Conversation, rawId: string, isMuted = false): { member: Participant; added: boolean } {
  for (const p of conversation.participants.values()) if (p.rawId === rawId) return { member: p, added: false };
  const member: Participant = { participantId: randomUUID(), rawId, isMuted };
  conversation.participants.set(member.participantId, member);
  return { member, added: true };
}

/** Accepts the ParticipantId the events carry, or the person's raw id. */
export function findMember(conversation: Conversation, idOrRawId: string): Participant | undefined {
  const byId = conversation.participants.get(idOrRawId);
  if (byId) return byId;
  let rawId: string;
  try {
    rawId = parseRawId(idOrRawId).rawId;
  } catch {
    return undefined;
  }
  for (const p of conversation.participants.values()) if (p.rawId === rawId) return p;
  return undefined;
}

/** Tells every Established leg in the conversation (that asked for it) the whole roster. */
export function broadcastRoster(ctx: EmulatorContext, conversation: Conversation): void {
  const roster = rosterOf(conversation);
  for (const legId of conversation.legIds) {
    const leg = ctx.legs.get(legId);
    if (leg?.state === 'Established') emitToLeg(ctx, leg, participantsUpdatedEvent(leg.id, roster, ctx.eventTime()));
  }
}

export function removeMember(ctx: EmulatorContext, conversation: Conversation, member: Participant): void {
  if (conversation.participants.delete(member.participantId)) broadcastRoster(ctx, conversation);
}

export function setMuted(ctx: EmulatorContext, conversation: Conversation, member: Participant, isMuted: boolean): void {
  if (member.isMuted === isMuted) return;
  member.isMuted = isMuted;
  broadcastRoster(ctx, conversation);
}

/**
 * Makes the roster exactly `wanted`, keeping the ParticipantId of everyone
 * who stays, and tells the legs once if anything changed.
 */
export function replaceRoster(
  ctx: EmulatorContext,
  conversation: Conversation,
  wanted: Array<{ rawId: string; isMuted: boolean }>,
): void {
  const next = new Map<string, Participant>();
  let changed = false;
  for (const w of wanted) {
    const existing = [...conversation.participants.values()].find((p) => p.rawId === w.rawId);
    if ([...next.values()].some((p) => p.rawId === w.rawId)) continue;
    const member = existing ?? { participantId: randomUUID(), rawId: w.rawId, isMuted: w.isMuted };
    if (!existing || existing.isMuted !== w.isMuted) changed = true;
    member.isMuted = w.isMuted;
    next.set(member.participantId, member);
  }
  if (next.size !== conversation.participants.size) changed = true;
  conversation.participants = next;
  if (changed) broadcastRoster(ctx, conversation);
}
