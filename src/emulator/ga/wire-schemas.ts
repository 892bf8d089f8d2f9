import { z } from 'zod';
import { rawIdOfGa } from './identifiers';
import { GA_TONE_NAMES } from './identifiers';

/**
 * Request bodies of the GA REST spec (2026-03-12,
 * communicationservicescallautomation.json), limited to the fields the
 * emulator acts on; other spec fields are accepted and ignored, since the SDK
 * may send them.
 */

export const gaIdentifierSchema = z.looseObject({}).transform((value, ctx) => {
  try {
    return rawIdOfGa(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const callbackUri = z.url({ protocol: /^https?$/ });
const operationContext = z.string().max(5000).optional();

const fileSource = z.looseObject({
  kind: z.literal('file').optional(),
  file: z.looseObject({ uri: z.url() }),
});

export const createCallSchema = z.looseObject({
  targets: z.array(gaIdentifierSchema).min(1).max(20),
  sourceCallerIdNumber: z.looseObject({ value: z.string() }).optional(),
  sourceDisplayName: z.string().max(256).optional(),
  source: z.looseObject({ id: z.string() }).optional(),
  operationContext,
  callbackUri,
});

export const connectSchema = z.looseObject({
  callLocator: z.looseObject({
    kind: z.enum(['groupCallLocator', 'serverCallLocator', 'roomCallLocator']).optional(),
    groupCallId: z.string().min(1).optional(),
    serverCallId: z.string().min(1).optional(),
    roomId: z.string().min(1).optional(),
  }),
  callbackUri,
  operationContext,
});

const textSource = z.looseObject({
  kind: z.literal('text'),
  text: z.looseObject({ text: z.string().min(1).max(4000), voiceName: z.string().optional(), sourceLocale: z.string().optional() }),
});

export const playSchema = z.looseObject({
  playSources: z.array(z.union([fileSource, textSource])).min(1).max(10),
  playTo: z.array(gaIdentifierSchema).optional(),
  playOptions: z.looseObject({ loop: z.boolean() }).optional(),
  operationContext,
});

export const recognizeSchema = z.looseObject({
  recognizeInputType: z.literal('dtmf'),
  playPrompt: fileSource.optional(),
  interruptCallMediaOperation: z.boolean().optional(),
  recognizeOptions: z.looseObject({
    interruptPrompt: z.boolean().optional(),
    initialSilenceTimeoutInSeconds: z.number().int().min(1).max(300).optional(),
    targetParticipant: gaIdentifierSchema,
    dtmfOptions: z
      .looseObject({
        interToneTimeoutInSeconds: z.number().int().min(1).max(60).optional(),
        maxTonesToCollect: z.number().int().min(1).max(100).optional(),
        stopTones: z.array(z.enum(GA_TONE_NAMES)).max(16).optional(),
      })
      .optional(),
  }),
  operationContext,
});

export const continuousDtmfSchema = z.looseObject({
  targetParticipant: gaIdentifierSchema,
  operationContext,
});

export const cancelMediaSchema = z.looseObject({}).optional();

export const addParticipantSchema = z.looseObject({
  participantToAdd: gaIdentifierSchema,
  sourceCallerIdNumber: z.looseObject({ value: z.string() }).optional(),
  sourceDisplayName: z.string().max(256).optional(),
  invitationTimeoutInSeconds: z.number().int().min(1).max(180).optional(),
  operationContext,
});

export const removeParticipantSchema = z.looseObject({
  participantToRemove: gaIdentifierSchema,
  operationContext,
});

export const terminateSchema = z.looseObject({}).optional();
