import { z } from 'zod';
import { GA_TONES, GaEventType } from './types';

const text = (max = 1024) => z.string().max(max);
const id = text(256).min(1);

const resultInformation = z.looseObject({
  code: z.number().int(),
  subCode: z.number().int(),
  message: text(4096).nullable().optional(),
});

/** `{kind, rawId, communicationUser | phoneNumber | microsoftTeamsUser}` */
export const gaIdentifier = z.looseObject({
  rawId: id,
  kind: text(64).optional(),
  communicationUser: z.looseObject({ id }).nullable().optional(),
  phoneNumber: z.looseObject({ value: id }).nullable().optional(),
  microsoftTeamsUser: z.looseObject({}).nullable().optional(),
});

/** Every GA call event carries these; callConnectionId binds the event to its leg. */
const common = {
  callConnectionId: id,
  serverCallId: text(4096).nullable().optional(),
  correlationId: text(256).nullable().optional(),
  operationContext: text().nullable().optional(),
  resultInformation: resultInformation.nullable().optional(),
};

const plain = z.looseObject(common);

export const gaDataSchemas = {
  'Microsoft.Communication.CallConnected': plain,
  'Microsoft.Communication.CallDisconnected': plain,
  'Microsoft.Communication.CreateCallFailed': plain,
  'Microsoft.Communication.ConnectFailed': plain,
  'Microsoft.Communication.PlayStarted': plain,
  'Microsoft.Communication.PlayCompleted': plain,
  'Microsoft.Communication.PlayFailed': plain,
  'Microsoft.Communication.PlayCanceled': plain,
  'Microsoft.Communication.ContinuousDtmfRecognitionToneReceived': z.looseObject({
    ...common,
    sequenceId: z.number().int().nonnegative().optional(),
    tone: z.enum(GA_TONES),
  }),
  'Microsoft.Communication.AddParticipantSucceeded': z.looseObject({ ...common, participant: gaIdentifier.nullable().optional() }),
  'Microsoft.Communication.AddParticipantFailed': z.looseObject({ ...common, participant: gaIdentifier.nullable().optional() }),
  'Microsoft.Communication.ParticipantsUpdated': z.looseObject({
    ...common,
    sequenceNumber: z.number().int().nonnegative().optional(),
    participants: z
      .array(z.looseObject({ identifier: gaIdentifier, isMuted: z.boolean().optional(), isOnHold: z.boolean().optional() }))
      .max(1000),
  }),
} satisfies Record<GaEventType, z.ZodType>;

/** CloudEvents 1.0 as Call Automation sends it; `data` is typed per event type. */
function cloudEvent<T extends z.ZodType>(type: z.ZodType<string>, data: T) {
  return z.looseObject({
    id: id,
    source: text(2048),
    type,
    subject: text(2048).nullable().optional(),
    time: z.iso.datetime({ offset: true }),
    specversion: z.literal('1.0'),
    datacontenttype: text(256).nullable().optional(),
    data,
  });
}

export const gaKnownEventSchemas = Object.fromEntries(
  Object.entries(gaDataSchemas).map(([type, data]) => [type, cloudEvent(z.literal(type), data)]),
) as unknown as { [K in GaEventType]: z.ZodType<GaEventOf<K>> };

export const gaUnknownEventSchema = cloudEvent(text(256).min(1), z.unknown());

export interface GaEventOf<K extends GaEventType> {
  id: string;
  source: string;
  type: K;
  subject?: string | null;
  time: string;
  specversion: '1.0';
  datacontenttype?: string | null;
  data: z.infer<(typeof gaDataSchemas)[K]>;
  [extra: string]: unknown;
}

export type GaEvent = { [K in GaEventType]: GaEventOf<K> }[GaEventType];
