import type { Conversation, Leg } from './model';
import { rosterOf } from './roster';
import type { Script } from './scripts';

/** JSON views for the control API: plain data, times as clock ms. */

export function legSummary(leg: Leg) {
  return {
    callLegId: leg.id,
    kind: leg.kind,
    state: leg.state,
    source: leg.source,
    targets: leg.targets,
    conversationId: leg.establishedAt === null ? null : leg.conversationId,
    createdAt: leg.createdAt,
    establishedAt: leg.establishedAt,
    endedAt: leg.endedAt,
    endReason: leg.endReason,
    // Only GA legs say so: the seed's views stay exactly as they were.
    ...(leg.ga ? { generation: 'ga' as const } : {}),
  };
}

export function legDetail(leg: Leg, conversation: Conversation | undefined) {
  const playback = leg.media.current;
  return {
    ...legSummary(leg),
    callbackUri: leg.callbackUri,
    ...(leg.ga
      ? {
          ga: {
            apiVersion: leg.ga.apiVersion,
            serverCallId: leg.ga.serverCallId,
            correlationId: leg.ga.correlationId,
            callbackIssuer: leg.ga.issuer,
            continuousDtmf: leg.ga.continuousDtmf,
            recognizing: leg.ga.recognition !== null,
          },
        }
      : {}),
    subject: leg.subject,
    requestedModalities: leg.requestedModalities,
    requestedCallEvents: [...leg.requestedCallEvents],
    roster: conversation && leg.state === 'Established' ? rosterOf(conversation) : [],
    playback: playback
      ? {
          operationId: playback.operationId,
          audioFileUri: playback.audioFileUri,
          loop: playback.loop,
          operationContext: playback.operationContext,
          startedAt: playback.startedAt,
        }
      : null,
    queuedPlaybacks: leg.media.queue.length,
    dtmfSequence: leg.dtmfSequence,
    requests: leg.requests.toArray(),
    events: leg.events.toArray(),
  };
}

export function conversationView(conversation: Conversation) {
  return {
    conversationId: conversation.id,
    ownerCallLegId: conversation.ownerLegId,
    participants: rosterOf(conversation),
    callLegIds: [...conversation.legIds],
    createdAt: conversation.createdAt,
  };
}

export function scriptView(script: Script) {
  return { target: script.target, calls: script.calls, used: script.used };
}
