import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { SeedOperation } from '../../client/types';
import {
  cancelMediaSchema,
  createCallSchema,
  inviteConversationParticipantsSchema,
  inviteParticipantsSchema,
  joinConversationSchema,
  playAudioSchema,
} from './api-schemas';
import { hangUp } from '../call-leg';
import { createCall, joinConversation } from '../calls';
import type { EmulatorContext } from '../context';
import { callLegEnded, callLegNotFound, conversationNotFound, notEstablished, participantNotFound } from '../errors';
import { invite } from '../invites';
import { jsonBodyOf } from '../json-body';
import { emitToLeg } from '../emit';
import { accepted, cancelMedia, playAudio } from '../media';
import { PLAY_FAILED, playAudioResultEvent } from './events';
import type { Leg } from '../model';
import type { Reply } from '../reply';
import type { OperationHandler } from '../serve';
import { findMember, removeMember } from '../roster';
import { parseOrThrow } from '../validation';

/** The nine operations: validate, act, answer with the seed's status and body. */
export type { OperationHandler };

const ACCEPTED: Reply = { status: 202 };

/** Express 5 types params as string | string[] (for wildcards); these routes have none. */
function param(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : value;
}

export function operationHandlers(ctx: EmulatorContext): Record<SeedOperation, OperationHandler> {
  /** A leg that ended long ago and was forgotten still answers as ended, not as unknown. */
  function legOf(id: string): Leg | 'forgotten' {
    const leg = ctx.legs.get(id);
    if (leg) return leg;
    if (ctx.legs.forgotten(id)) return 'forgotten';
    throw callLegNotFound(id);
  }

  function establishedLeg(id: string): Leg {
    const leg = legOf(id);
    if (leg === 'forgotten' || leg.state === 'Terminating' || leg.state === 'Terminated') throw callLegEnded(id);
    if (leg.state !== 'Established') throw notEstablished(id, leg.state);
    return leg;
  }

  function conversationOf(id: string) {
    const conversation = ctx.conversations.get(id);
    if (!conversation) throw conversationNotFound(id);
    return conversation;
  }

  return {
    createCall(req) {
      const body = parseOrThrow(createCallSchema, jsonBodyOf(req));
      const leg = createCall(ctx, {
        source: body.source,
        targets: body.targets,
        callbackUri: body.callbackUri,
        subject: body.subject ?? null,
        requestedModalities: body.requestedModalities,
        requestedCallEvents: body.requestedCallEvents,
      });
      return { status: 200, body: { callLegId: leg.id } };
    },

    // Hanging up a call that already ended is accepted and changes nothing:
    // the caller's intent holds, and a retried hang-up must not fail.
    hangUp(req) {
      const leg = legOf(param(req, 'callLegId'));
      if (leg !== 'forgotten') hangUp(ctx, leg, 'hungUp');
      return ACCEPTED;
    },

    playAudio(req) {
      const body = parseOrThrow(playAudioSchema, jsonBodyOf(req));
      const leg = establishedLeg(param(req, 'callLegId'));
      // A file the audio catalog marks as failing (PUT /emulator/audio {fails: true}) is accepted, then reported Failed, as on GA.
      if (ctx.audio.fails(body.audioFileUri)) {
        emitToLeg(ctx, leg, playAudioResultEvent(leg.id, body.operationContext ?? null, PLAY_FAILED, ctx.eventTime(), 'Failed'));
        return { status: 202, body: accepted(randomUUID(), body.operationContext ?? null) };
      }
      return { status: 202, body: playAudio(ctx, leg, body) };
    },

    cancelMediaProcessing(req) {
      const body = parseOrThrow(cancelMediaSchema, jsonBodyOf(req) ?? {});
      const leg = establishedLeg(param(req, 'callLegId'));
      return { status: 202, body: cancelMedia(ctx, leg, body.operationContext) };
    },

    inviteParticipant(req) {
      const body = parseOrThrow(inviteParticipantsSchema, jsonBodyOf(req));
      const leg = establishedLeg(param(req, 'callLegId'));
      invite(ctx, {
        conversation: conversationOf(leg.conversationId),
        timers: leg.timers,
        invitees: body.participants,
        operationContext: body.operationContext,
        resultTo: { leg },
      });
      return ACCEPTED;
    },

    removeParticipant(req) {
      const leg = establishedLeg(param(req, 'callLegId'));
      const conversation = conversationOf(leg.conversationId);
      const member = findMember(conversation, param(req, 'participantId'));
      if (!member) throw participantNotFound(param(req, 'participantId'));
      removeMember(ctx, conversation, member);
      return ACCEPTED;
    },

    joinConversation(req) {
      const body = parseOrThrow(joinConversationSchema, jsonBodyOf(req));
      const leg = joinConversation(ctx, param(req, 'conversationId'), {
        source: body.source,
        callbackUri: body.callbackUri,
        subject: body.subject ?? null,
        requestedModalities: body.requestedModalities,
        requestedCallEvents: body.requestedCallEvents,
      });
      return { status: 200, body: { callLegId: leg.id } };
    },

    // Out of call there is no leg to report to: the result goes to the
    // request's callbackUri when it has one (under the CallLegId of our leg in
    // that conversation with the same callbackUri, else a fresh id); roster changes
    // reach joined legs as ParticipantsUpdated either way.
    inviteConversationParticipants(req) {
      const body = parseOrThrow(inviteConversationParticipantsSchema, jsonBodyOf(req));
      const conversation = conversationOf(param(req, 'conversationId'));
      const url = body.callbackUri ?? null;
      const ownLeg = url === null ? undefined : [...conversation.legIds].map((id) => ctx.legs.get(id)).find((l) => l?.callbackUri === url);
      invite(ctx, {
        conversation,
        timers: conversation.timers,
        invitees: body.participants,
        operationContext: body.operationContext,
        resultTo: url === null ? null : ownLeg ? { leg: ownLeg } : { callLegId: randomUUID(), url },
      });
      return ACCEPTED;
    },

    removeConversationParticipant(req) {
      const conversation = conversationOf(param(req, 'conversationId'));
      const member = findMember(conversation, param(req, 'participantId'));
      if (!member) throw participantNotFound(param(req, 'participantId'));
      removeMember(ctx, conversation, member);
      return ACCEPTED;
    },
  };
}
