import { z } from 'zod';
import { CALL_STATES, EventType, SUBJECT_SUFFIX, TONES } from './types';

const text = (max = 1024) => z.string().max(max);
const id = text(256).min(1);

const resultInfo = z.looseObject({
  Code: z.number().int(),
  Subcode: z.number().int(),
  Message: text(4096).nullable().optional(),
});

const eventIdentifier = z.looseObject({
  RawId: id,
  CommunicationUser: z.looseObject({ Id: id }).nullable().optional(),
  PhoneNumber: z.looseObject({ Value: id }).nullable().optional(),
  MicrosoftTeamsUser: z.looseObject({}).nullable().optional(),
});

const operationStatus = z.enum(['NotStarted', 'Running', 'Completed', 'Failed']);

export const dataSchemas = {
  'Microsoft.Communication.CallLegStateChanged': z.looseObject({
    ConversationId: text(2048).nullable(),
    CallLegId: id,
    CallState: z.enum(CALL_STATES),
  }),
  'Microsoft.Communication.DtmfReceived': z.looseObject({
    ToneInfo: z.looseObject({ SequenceId: z.number().int().nonnegative(), Tone: z.enum(TONES) }),
    CallLegId: id,
  }),
  'Microsoft.Communication.PlayAudioResult': z.looseObject({
    ResultInfo: resultInfo,
    OperationContext: text().nullable(),
    Status: operationStatus,
    CallLegId: id,
  }),
  'Microsoft.Communication.InviteParticipantResult': z.looseObject({
    ResultInfo: resultInfo.nullable(),
    OperationContext: text().nullable(),
    Status: operationStatus,
    CallLegId: id,
    Participants: z.array(eventIdentifier).max(1000).nullable(),
  }),
  'Microsoft.Communication.ParticipantsUpdated': z.looseObject({
    CallLegId: id,
    Participants: z
      .array(z.looseObject({ Identifier: eventIdentifier, ParticipantId: id, IsMuted: z.boolean() }))
      .max(1000),
  }),
} satisfies Record<EventType, z.ZodType>;

const SUBJECT = /^callLeg\/([^/]{1,256})\/([A-Za-z]+)$/;

/** The Event Grid style envelope every event shares; `data` is typed per event type. */
function envelope<T extends z.ZodType>(eventType: z.ZodType<string>, data: T) {
  return z.looseObject({
    id: id.nullable(),
    topic: text(2048).nullable().optional(),
    subject: text(512),
    data,
    eventType,
    eventTime: z.iso.datetime({ offset: true }),
    metadataVersion: text(64).nullable().optional(),
    dataVersion: text(64).nullable().optional(),
  });
}

export const knownEventSchemas = Object.fromEntries(
  Object.entries(dataSchemas).map(([type, data]) => [
    type,
    envelope(z.literal(type), data).superRefine((event, ctx) => {
      const match = SUBJECT.exec(event.subject);
      const expected = `callLeg/${event.data.CallLegId}/${SUBJECT_SUFFIX[type as EventType]}`;
      if (!match || match[1] !== event.data.CallLegId || match[2] !== SUBJECT_SUFFIX[type as EventType]) {
        ctx.addIssue({ code: 'custom', path: ['subject'], message: `must be "${expected}"` });
      }
    }),
  ]),
) as unknown as { [K in EventType]: z.ZodType<CallEventOf<K>> };

export const unknownEventSchema = envelope(text(256).min(1), z.unknown());

type Data<K extends EventType> = z.infer<(typeof dataSchemas)[K]>;

export interface CallEventOf<K extends EventType> {
  id: string | null;
  topic?: string | null;
  subject: string;
  data: Data<K>;
  eventType: K;
  eventTime: string;
  metadataVersion?: string | null;
  dataVersion?: string | null;
  [extra: string]: unknown;
}

export type CallEvent = { [K in EventType]: CallEventOf<K> }[EventType];
export type UnknownEvent = z.infer<typeof unknownEventSchema>;
