import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { hangUp } from '../call-leg';
import { createCall, joinConversation, startScriptedKeys } from '../calls';
import type { EmulatorContext } from '../context';
import { EmulatorError } from '../errors';
import { invite } from '../invites';
import { jsonBodyOf } from '../json-body';
import { cancelMedia, playAudio } from '../media';
import type { Leg } from '../model';
import type { Reply } from '../reply';
import { findMember, removeMember } from '../roster';
import { parseOrThrow } from '../validation';
import { RESULTS } from './cloud-events';
import { emitGa } from './emit-ga';
import { callConnectionNotFound, callNotConnected } from './errors';
import { gaIdentifier } from './identifiers';
import { cancelRecognition, startRecognition } from './recognize';
import type { GaLegState } from './state';
import { callConnectionProperties, callParticipant, rosterOfLeg } from './views';
import {
  addParticipantSchema,
  connectSchema,
  continuousDtmfSchema,
  createCallSchema,
  playSchema,
  recognizeSchema,
  removeParticipantSchema,
} from './wire-schemas';

export type { GaOperation } from './operation-names';
import type { GaOperation } from './operation-names';

export type GaHandler = (req: Request) => Reply;

/** Who the emulator's calls come from when a request names no source (the SDK sends none). */
const DEFAULT_SOURCE = '8:acs:00000000-0000-0000-0000-00000000ac5e_emulator';
/** Defaults of the spec's recognize options. */
const RECOGNIZE_DEFAULTS = { initialSilenceS: 5, interToneS: 2, maxTones: 1 };
const PAGE_SIZE = 100;

function id(req: Request): string {
  return String(req.params[0]);
}

/** The base URL the client reached us at: the `iss` of the call's callback tokens. */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

export function gaOperationHandlers(ctx: EmulatorContext): Record<GaOperation, GaHandler> {
  /** A GA call connection that has not ended; anything else is 404, as the service answers. */
  function liveCall(callConnectionId: string): { leg: Leg; ga: GaLegState } {
    const leg = ctx.legs.get(callConnectionId);
    if (!leg?.ga || leg.state === 'Terminated') throw callConnectionNotFound(callConnectionId);
    return { leg, ga: leg.ga };
  }
  function connectedCall(callConnectionId: string) {
    const call = liveCall(callConnectionId);
    if (call.leg.state !== 'Established') throw callNotConnected(callConnectionId, call.leg.state);
    return call;
  }
  function conversationOf(leg: Leg) {
    const conversation = ctx.conversations.get(leg.conversationId);
    if (!conversation) throw callConnectionNotFound(leg.id);
    return conversation;
  }
  function newState(req: Request, operationContext: string | undefined, extra: Partial<GaLegState> = {}): GaLegState {
    return {
      apiVersion: String(req.query['api-version']),
      issuer: baseUrlOf(req),
      serverCallId: '',
      correlationId: randomUUID(),
      operationContext: operationContext ?? null,
      sourceCallerIdNumber: null,
      sourceDisplayName: null,
      continuousDtmf: false,
      continuousDtmfContext: null,
      recognition: null,
      participantsSequence: 0,
      scriptedKeys: null,
      ...extra,
    };
  }

  return {
    createCall(req) {
      const body = parseOrThrow(createCallSchema, jsonBodyOf(req));
      const ga = newState(req, body.operationContext, {
        sourceCallerIdNumber: body.sourceCallerIdNumber?.value ?? null,
        sourceDisplayName: body.sourceDisplayName ?? null,
      });
      const leg = createCall(ctx, {
        source: body.source?.id ?? DEFAULT_SOURCE,
        targets: body.targets,
        callbackUri: body.callbackUri,
        subject: null,
        requestedModalities: ['audio'],
        requestedCallEvents: [],
        ga,
      });
      // The conversation is the server call: `:connect` with this serverCallId joins it.
      ga.serverCallId = leg.conversationId;
      return { status: 201, body: callConnectionProperties(leg, ga) };
    },

    connect(req) {
      const body = parseOrThrow(connectSchema, jsonBodyOf(req));
      const locator = body.callLocator;
      const conversationId = locator.groupCallId ?? locator.serverCallId ?? locator.roomId;
      if (!conversationId) {
        throw new EmulatorError(400, 'BadRequest', 'callLocator: needs one of groupCallId, serverCallId, roomId');
      }
      const ga = newState(req, body.operationContext);
      const leg = joinConversation(ctx, conversationId, {
        source: DEFAULT_SOURCE,
        callbackUri: body.callbackUri,
        subject: null,
        requestedModalities: ['audio'],
        requestedCallEvents: [],
        ga,
      });
      ga.serverCallId = conversationId;
      return { status: 200, body: callConnectionProperties(leg, ga) };
    },

    getCall(req) {
      const { leg, ga } = liveCall(id(req));
      return { status: 200, body: callConnectionProperties(leg, ga) };
    },

    hangUp(req) {
      const { leg } = liveCall(id(req));
      hangUp(ctx, leg, 'hungUp');
      return { status: 204 };
    },

    // For everyone: every leg in the conversation goes, not just ours.
    terminate(req) {
      const { leg } = liveCall(id(req));
      const conversation = ctx.conversations.get(leg.conversationId);
      const others = conversation ? [...conversation.legIds].filter((l) => l !== leg.id) : [];
      hangUp(ctx, leg, 'terminated');
      for (const otherId of others) {
        const other = ctx.legs.get(otherId);
        if (other) hangUp(ctx, other, 'terminated');
      }
      return { status: 204 };
    },

    play(req) {
      const body = parseOrThrow(playSchema, jsonBodyOf(req));
      const { leg, ga } = connectedCall(id(req));
      const source = body.playSources[0];
      // Spoken text plays for the default audio duration.
      const uri = source.kind === 'text' ? `text:${source.text.text}` : source.file.uri;
      if (ctx.audio.fails(uri)) {
        emitGa(ctx, leg, ga, 'PlayFailed', { operationContext: body.operationContext ?? null, resultInformation: RESULTS.playFailed });
        return { status: 202 };
      }
      const accepted = playAudio(ctx, leg, {
        audioFileUri: uri,
        loop: body.playOptions?.loop ?? false,
        operationContext: body.operationContext ?? null,
      });
      if (leg.media.current?.operationId === accepted.id) {
        emitGa(ctx, leg, ga, 'PlayStarted', { operationContext: accepted.operationContext, resultInformation: RESULTS.playStarted });
      }
      return { status: 202 };
    },

    cancelAllMediaOperations(req) {
      const { leg, ga } = liveCall(id(req));
      cancelMedia(ctx, leg, null);
      cancelRecognition(ctx, leg, ga);
      return { status: 202 };
    },

    recognize(req) {
      const body = parseOrThrow(recognizeSchema, jsonBodyOf(req));
      const { leg, ga } = connectedCall(id(req));
      const options = body.recognizeOptions;
      const dtmf = options.dtmfOptions ?? {};
      if (body.interruptCallMediaOperation) cancelMedia(ctx, leg, null);
      startRecognition(ctx, leg, ga, {
        operationContext: body.operationContext ?? null,
        promptMs: body.playPrompt ? ctx.audio.durationOf(body.playPrompt.file.uri) : 0,
        maxTones: dtmf.maxTonesToCollect ?? RECOGNIZE_DEFAULTS.maxTones,
        stopTones: dtmf.stopTones ?? [],
        interToneMs: (dtmf.interToneTimeoutInSeconds ?? RECOGNIZE_DEFAULTS.interToneS) * 1000,
        initialSilenceMs: (options.initialSilenceTimeoutInSeconds ?? RECOGNIZE_DEFAULTS.initialSilenceS) * 1000,
        interruptPrompt: options.interruptPrompt ?? false,
      });
      startScriptedKeys(ctx, leg);
      return { status: 202 };
    },

    startContinuousDtmfRecognition(req) {
      const body = parseOrThrow(continuousDtmfSchema, jsonBodyOf(req));
      const { leg, ga } = connectedCall(id(req));
      ga.continuousDtmf = true;
      ga.continuousDtmfContext = body.operationContext ?? null;
      startScriptedKeys(ctx, leg);
      return { status: 200 };
    },

    stopContinuousDtmfRecognition(req) {
      const body = parseOrThrow(continuousDtmfSchema, jsonBodyOf(req));
      const { leg, ga } = connectedCall(id(req));
      if (ga.continuousDtmf) {
        ga.continuousDtmf = false;
        emitGa(ctx, leg, ga, 'ContinuousDtmfRecognitionStopped', {
          operationContext: body.operationContext ?? ga.continuousDtmfContext,
          resultInformation: RESULTS.continuousStopped,
        });
      }
      return { status: 200 };
    },

    addParticipant(req) {
      const body = parseOrThrow(addParticipantSchema, jsonBodyOf(req));
      const { leg } = connectedCall(id(req));
      const invitationId = randomUUID();
      invite(ctx, {
        conversation: conversationOf(leg),
        timers: leg.timers,
        invitees: [body.participantToAdd],
        operationContext: body.operationContext ?? null,
        resultTo: { leg },
        noAnswerTimeoutMs: body.invitationTimeoutInSeconds === undefined ? undefined : body.invitationTimeoutInSeconds * 1000,
      });
      return {
        status: 202,
        body: {
          participant: callParticipant({ rawId: body.participantToAdd, isMuted: false }),
          operationContext: body.operationContext,
          invitationId,
        },
      };
    },

    removeParticipant(req) {
      const body = parseOrThrow(removeParticipantSchema, jsonBodyOf(req));
      const { leg, ga } = connectedCall(id(req));
      const conversation = conversationOf(leg);
      const member = findMember(conversation, body.participantToRemove);
      if (!member) throw new EmulatorError(404, 'NotFound', `participantToRemove: ${body.participantToRemove} is not in the call`);
      removeMember(ctx, conversation, member);
      emitGa(ctx, leg, ga, 'RemoveParticipantSucceeded', {
        operationContext: body.operationContext ?? null,
        participant: gaIdentifier(member.rawId),
        resultInformation: RESULTS.participantRemoved,
      });
      return { status: 202, body: { operationContext: body.operationContext } };
    },

    // Paged as the spec's GetParticipantsResponse; nextLink keeps the api-version so the SDK can follow it.
    listParticipants(req) {
      const { leg } = liveCall(id(req));
      const roster = rosterOfLeg(ctx, leg);
      const skip = Math.max(0, Number.parseInt(String(req.query.skip ?? '0'), 10) || 0);
      const page = roster.slice(skip, skip + PAGE_SIZE);
      const more = skip + PAGE_SIZE < roster.length;
      const version = encodeURIComponent(String(req.query['api-version']));
      return {
        status: 200,
        body: {
          value: page.map(callParticipant),
          ...(more ? { nextLink: `${baseUrlOf(req)}/calling/callConnections/${leg.id}/participants?api-version=${version}&skip=${skip + PAGE_SIZE}` } : {}),
        },
      };
    },

    getParticipant(req) {
      const { leg } = liveCall(id(req));
      const participantRawId = String(req.params[1]);
      const member = findMember(conversationOf(leg), participantRawId);
      if (!member) throw new EmulatorError(404, 'NotFound', `participant ${participantRawId} is not in the call`);
      return { status: 200, body: callParticipant(member) };
    },
  };
}
