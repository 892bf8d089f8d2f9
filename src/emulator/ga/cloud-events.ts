import { randomUUID } from 'node:crypto';
import type { Leg } from '../model';
import type { GaLegState } from './state';

/** One GA callback event, CloudEvents 1.0 as the service sends it (see the SDK's recorded live tests). */
export interface CloudEvent {
  id: string;
  source: string;
  type: string;
  data: Record<string, unknown>;
  time: string;
  specversion: '1.0';
  datacontenttype: 'application/json';
  subject: string;
}

export interface ResultInformation {
  code: number;
  subCode: number;
  message: string;
}

export const RESULTS = {
  connected: { code: 200, subCode: 0, message: 'Call connected.' },
  disconnected: { code: 200, subCode: 7000, message: 'The conversation has ended.' },
  notAnswered: { code: 408, subCode: 10004, message: 'Call was not answered.' },
  rejected: { code: 603, subCode: 0, message: 'Call was declined by the callee.' },
  failed: { code: 480, subCode: 0, message: 'The callee could not be reached.' },
  playStarted: { code: 200, subCode: 0, message: 'Action started.' },
  playFailed: { code: 400, subCode: 8535, message: 'Action failed, file format is invalid.' },
  playCompleted: { code: 200, subCode: 0, message: 'Action completed successfully.' },
  canceled: { code: 400, subCode: 8508, message: 'Action failed, the operation was cancelled.' },
  maxTones: { code: 200, subCode: 8531, message: 'Action completed, max digits received.' },
  stopTone: { code: 200, subCode: 8514, message: 'Action completed, stop tone detected.' },
  interToneTimeout: { code: 200, subCode: 8532, message: 'Action completed, inter-digit silence timeout reached.' },
  initialSilence: { code: 400, subCode: 8510, message: 'Action failed, initial silence timeout reached.' },
  continuousStopped: { code: 200, subCode: 0, message: 'Continuous DTMF recognition stopped.' },
  toneReceived: { code: 200, subCode: 0, message: 'DTMF tone received successfully.' },
  participantAdded: { code: 200, subCode: 0, message: 'Participant added.' },
  participantRemoved: { code: 200, subCode: 0, message: 'Participant removed.' },
} satisfies Record<string, ResultInformation>;

/** Every GA event's data starts with the ids that name its call, then what the event says. */
export function cloudEvent(leg: Leg, ga: GaLegState, name: string, data: Record<string, unknown>, time: string): CloudEvent {
  const type = `Microsoft.Communication.${name}`;
  const path = `calling/callConnections/${leg.id}`;
  return {
    id: randomUUID(),
    source: path,
    type,
    data: {
      version: ga.apiVersion,
      callConnectionId: leg.id,
      serverCallId: ga.serverCallId,
      correlationId: ga.correlationId,
      ...data,
      publicEventType: type,
    },
    time,
    specversion: '1.0',
    datacontenttype: 'application/json',
    subject: path,
  };
}
