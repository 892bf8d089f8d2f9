import { parseRawId } from '../../identifiers';
import type { CallAutomationClient } from '../client';
import type { CallAutomationPort } from '../port';
import type { CallEventSubscription } from '../types';

/** The seed sends keys and rosters only for the events a call subscribed to at creation. */
export const REQUESTED_CALL_EVENTS: CallEventSubscription[] = ['dtmfReceived', 'participantsUpdated'];

/** The seed's (2021 preview) requests for each verb, exactly as callhook sent them before the port existed. */
export function previewPort(client: CallAutomationClient): CallAutomationPort {
  return {
    generation: 'preview',

    async createCall(input, opts) {
      const target = parseRawId(input.target);
      const { callLegId } = await client.createCall(
        {
          source: { communicationUser: { id: input.sourceIdentity } },
          targets: [target.wire],
          ...(input.subject ? { subject: input.subject } : {}),
          callbackUri: input.callbackUri,
          requestedModalities: ['audio'],
          requestedCallEvents: REQUESTED_CALL_EVENTS,
          ...(target.kind === 'phoneNumber' && input.callerId ? { alternateCallerId: { value: input.callerId } } : {}),
        },
        opts,
      );
      return { legId: callLegId };
    },

    async join(conversationId, input, opts) {
      const { callLegId } = await client.joinConversation(
        conversationId,
        {
          source: { communicationUser: { id: input.sourceIdentity } },
          callbackUri: input.callbackUri,
          requestedModalities: ['audio'],
          requestedCallEvents: ['participantsUpdated'],
        },
        opts,
      );
      return { legId: callLegId };
    },

    // Keys need nothing more: the call subscribed to dtmfReceived when it was created.
    async startPrompt(legId, input, opts) {
      await client.playAudio(legId, { audioFileUri: input.audioUri, loop: input.loop, operationContext: input.operationContext }, opts);
    },

    async play(legId, input, opts) {
      // Flow validation refuses text prompts on this generation before a call is placed.
      if (!('audioUri' in input)) throw new TypeError('the seed generation cannot speak text; use a pre-recorded audioUri');
      await client.playAudio(legId, { audioFileUri: input.audioUri, loop: input.loop, operationContext: input.operationContext }, opts);
    },

    // Keys come already: the call subscribed to dtmfReceived when it was created.
    async listenForKeys() {},

    async stopMedia(legId, input, opts) {
      await client.cancelMediaProcessing(legId, { operationContext: input.operationContext }, opts);
    },

    async addParticipant(legId, input, opts) {
      const target = parseRawId(input.target);
      await client.inviteParticipant(
        legId,
        {
          participants: [target.wire],
          operationContext: input.operationContext,
          ...(target.kind === 'phoneNumber' && input.callerId ? { alternateCallerId: { value: input.callerId } } : {}),
        },
        opts,
      );
    },

    async hangUp(legId, opts) {
      await client.hangUp(legId, opts);
    },
  };
}
