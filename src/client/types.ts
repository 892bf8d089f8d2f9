import type { WireIdentifier } from '../identifiers';

/** Request and response bodies of the nine operations, camelCase as on the wire (see the seed). */

export type CallModality = 'audio' | 'video';
export type CallEventSubscription = 'participantsUpdated' | 'dtmfReceived';

export interface CreateCallRequest {
  source: { communicationUser: { id: string } };
  targets: WireIdentifier[];
  subject?: string;
  callbackUri: string;
  requestedModalities: CallModality[];
  requestedCallEvents: CallEventSubscription[];
  alternateCallerId?: { value: string };
}

export interface CallLegResponse {
  callLegId: string;
}

export interface PlayAudioRequest {
  audioFileUri: string;
  loop: boolean;
  operationContext: string;
  resourceId?: string;
}

export interface ResultInfo {
  code: number;
  subcode: number;
  message: string;
}

export interface MediaOperationResponse {
  id: string;
  status: 'notStarted' | 'running' | 'completed' | 'failed';
  operationContext: string;
  resultInfo: ResultInfo;
}

export interface CancelMediaProcessingRequest {
  operationContext: string;
}

export interface InviteParticipantsRequest {
  participants: WireIdentifier[];
  alternateCallerId?: { value: string };
  operationContext: string;
}

export interface JoinConversationRequest {
  source: { communicationUser: { id: string } };
  subject?: string;
  callbackUri: string;
  requestedModalities: CallModality[];
  requestedCallEvents: CallEventSubscription[];
}

export interface InviteConversationParticipantsRequest {
  participants: WireIdentifier[];
  operationContext: string;
  callbackUri?: string;
}

/** The error body every operation answers with on failure. */
export interface ErrorBody {
  code: string;
  message: string;
}

export const OPERATIONS = [
  'createCall',
  'hangUp',
  'playAudio',
  'cancelMediaProcessing',
  'inviteParticipant',
  'removeParticipant',
  'joinConversation',
  'inviteConversationParticipants',
  'removeConversationParticipant',
] as const;
/** The seed's operations: the preview emulator serves exactly these. */
export type SeedOperation = (typeof OPERATIONS)[number];
/** What a request is, on the timeline and in errors: a seed operation, or GA's own request for keys (the service sends none until asked). */
export type Operation = SeedOperation | 'startDtmfRecognition';
