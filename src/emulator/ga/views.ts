import type { EmulatorContext } from '../context';
import type { Leg } from '../model';
import type { Participant } from '../model';
import { gaIdentifier } from './identifiers';
import type { GaLegState } from './state';

const STATES: Record<Leg['state'], string> = {
  Establishing: 'connecting',
  Established: 'connected',
  Terminating: 'disconnecting',
  Terminated: 'disconnected',
};

/** CallConnectionProperties, as create, connect and get return it. */
export function callConnectionProperties(leg: Leg, ga: GaLegState): Record<string, unknown> {
  return {
    callConnectionId: leg.id,
    serverCallId: ga.serverCallId,
    targets: leg.targets.map(gaIdentifier),
    callConnectionState: STATES[leg.state],
    callbackUri: leg.callbackUri,
    ...(ga.sourceCallerIdNumber ? { sourceCallerIdNumber: { value: ga.sourceCallerIdNumber } } : {}),
    ...(ga.sourceDisplayName ? { sourceDisplayName: ga.sourceDisplayName } : {}),
    source: gaIdentifier(leg.source),
    correlationId: ga.correlationId,
  };
}

export function callParticipant(p: Pick<Participant, 'rawId' | 'isMuted'>): Record<string, unknown> {
  return { identifier: gaIdentifier(p.rawId), isMuted: p.isMuted, isOnHold: false };
}

export function rosterOfLeg(ctx: EmulatorContext, leg: Leg): Participant[] {
  const conversation = ctx.conversations.get(leg.conversationId);
  return conversation ? [...conversation.participants.values()] : [];
}
