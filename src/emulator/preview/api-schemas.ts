import { z } from 'zod';
import { isE164, parseRawId, rawIdOfWire } from '../../identifiers';

/**
 * Request bodies of the nine operations, camelCase as on the wire (the seed).
 * Identifiers come out as canonical raw ids. Unknown fields are ignored, as
 * the service ignores them.
 */

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const httpUrlSchema = text(2048).refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

const phoneNumberSchema = z.object({ value: text(32).refine(isE164, 'must be an E.164 phone number like +14255550123') });

function userId(kind: 'communicationUser', value: string, ctx: z.RefinementCtx, path: PropertyKey[]): string {
  try {
    const parsed = parseRawId(value);
    if (parsed.kind === kind) return parsed.rawId;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', path, message: 'must be a communication user id like 8:acs:…' });
  return value;
}

/** `{communicationUser:{id}}` | `{phoneNumber:{value}}` | `{microsoftTeamsUser:{microsoftTeamsUserId}}`, exactly one. */
export const identifierSchema = z
  .object({
    communicationUser: z.object({ id: text(256).min(1) }).nullish(),
    phoneNumber: phoneNumberSchema.nullish(),
    microsoftTeamsUser: z
      .object({
        microsoftTeamsUserId: text(256).min(1),
        isAnonymous: z.boolean().nullish(),
        cloud: z.enum(['public', 'dod', 'gcch']).nullish(),
      })
      .nullish(),
  })
  .transform((value, ctx) => {
    const kinds = (['communicationUser', 'phoneNumber', 'microsoftTeamsUser'] as const).filter((k) => value[k]);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'must have exactly one of communicationUser{id}, phoneNumber{value}, microsoftTeamsUser{microsoftTeamsUserId}' });
      return z.NEVER;
    }
    if (value.communicationUser) return userId('communicationUser', value.communicationUser.id, ctx, ['communicationUser', 'id']);
    const teams = value.microsoftTeamsUser;
    return rawIdOfWire({
      phoneNumber: value.phoneNumber ?? undefined,
      microsoftTeamsUser: teams ? { microsoftTeamsUserId: teams.microsoftTeamsUserId, isAnonymous: teams.isAnonymous ?? undefined, cloud: teams.cloud ?? undefined } : undefined,
    });
  });

const sourceSchema = z
  .object({ communicationUser: z.object({ id: text(256).min(1) }) })
  .transform((value, ctx) => userId('communicationUser', value.communicationUser.id, ctx, ['communicationUser', 'id']));

const modalities = z.array(z.enum(['audio', 'video'])).min(1, 'must name at least one modality').max(2);
const callEvents = z.array(z.enum(['participantsUpdated', 'dtmfReceived'])).max(2).nullish().transform((v) => v ?? []);
const operationContext = text(1024).nullish().transform((v) => v ?? null);
const alternateCallerId = z.object({ value: text(32).refine(isE164, 'must be an E.164 phone number like +14255550123') }).nullish();

/** Calling a phone needs a caller id the resource owns, as the service insists. */
function requireCallerIdForPhones(field: 'targets' | 'participants') {
  return (body: { alternateCallerId?: unknown } & Record<string, unknown>, ctx: z.RefinementCtx) => {
    const ids = body[field] as string[];
    if (!body.alternateCallerId && ids.some((id) => id.startsWith('4:'))) {
      ctx.addIssue({ code: 'custom', path: ['alternateCallerId'], message: `is required when ${field} include a phone number` });
    }
  };
}

export const createCallSchema = z
  .object({
    source: sourceSchema,
    targets: z.array(identifierSchema).min(1, 'must name at least one target').max(10),
    subject: text(1024).nullish(),
    callbackUri: httpUrlSchema,
    requestedModalities: modalities,
    requestedCallEvents: callEvents,
    alternateCallerId,
  })
  .superRefine(requireCallerIdForPhones('targets'));

export const joinConversationSchema = z.object({
  source: sourceSchema,
  subject: text(1024).nullish(),
  callbackUri: httpUrlSchema,
  requestedModalities: modalities,
  requestedCallEvents: callEvents,
});

export const playAudioSchema = z.object({
  audioFileUri: httpUrlSchema,
  loop: z.boolean().nullish().transform((v) => v ?? false),
  operationContext,
  resourceId: text(256).nullish(),
});

export const cancelMediaSchema = z.object({ operationContext });

export const inviteParticipantsSchema = z
  .object({
    participants: z.array(identifierSchema).min(1, 'must name at least one participant').max(10),
    alternateCallerId,
    operationContext,
  })
  .superRefine(requireCallerIdForPhones('participants'));

export const inviteConversationParticipantsSchema = z.object({
  participants: z.array(identifierSchema).min(1, 'must name at least one participant').max(10),
  alternateCallerId,
  operationContext,
  callbackUri: httpUrlSchema.nullish(),
});
