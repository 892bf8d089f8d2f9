import type { CallLocator } from '@azure/communication-call-automation';
import { deterministicUuid } from '../../ids';
import type { CallAutomationPort } from '../port';
import type { GaClient } from './ga-client';

/** A server call id is a base64 URL (`aHR0…`); anything else we are given to join is a group call id. */
function locatorFor(conversationId: string): CallLocator {
  return conversationId.startsWith('aHR0') ? { kind: 'serverCallLocator', id: conversationId } : { kind: 'groupCallLocator', id: conversationId };
}

/** Today's GA requests for each verb. */
export function gaPort(client: GaClient): CallAutomationPort {
  return {
    generation: 'ga',

    createCall: (input, opts) => client.createCall({ target: input.target, callbackUri: input.callbackUri, callerId: input.callerId }, opts),

    join: (conversationId, input, opts) => client.connect(locatorFor(conversationId), { callbackUri: input.callbackUri }, opts),

    // Without continuous DTMF recognition the GA service sends no keys at all.
    async startPrompt(legId, input, opts) {
      await client.play(legId, { audioUri: input.audioUri, loop: input.loop, operationContext: input.operationContext }, opts);
      const keysId = opts.requestId ? deterministicUuid(opts.requestId, 'keys') : undefined;
      await client.startKeyRecognition(legId, { target: input.listenTo, operationContext: `keys:${input.operationContext}` }, { ...opts, requestId: keysId });
    },

    play: (legId, input, opts) => client.play(legId, input, opts),

    listenForKeys: (legId, input, opts) => client.startKeyRecognition(legId, input, opts),

    stopMedia: (legId, _input, opts) => client.cancelMedia(legId, opts),

    addParticipant: (legId, input, opts) => client.addParticipant(legId, input, opts),

    hangUp: (legId, opts) => client.hangUp(legId, opts),
  };
}
