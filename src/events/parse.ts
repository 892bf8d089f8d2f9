import { z } from 'zod';
import { ValidationError } from '../errors';
import { contentHash } from './canonical-json';
import { eventInstant } from './event-time';
import { knownEventSchemas, unknownEventSchema } from './schemas';
import { isKnownEventType } from './types';
import { gaKnownEventSchemas, gaUnknownEventSchema } from './ga/schemas';
import { isKnownGaEventType, looksLikeCloudEvent } from './ga/types';

export const MAX_EVENTS_PER_BODY = 5000;

/** Which API generation's envelope the event came in: the seed's Event Grid style, or GA's CloudEvents. */
export type Generation = 'preview' | 'ga';

export interface ParsedEvent {
  generation: Generation;
  known: boolean;
  eventType: string;
  callLegId: string | null;
  eventTimeMs: number;
  /** 100 ns ticks within eventTimeMs (see event-time.ts). */
  eventTick: number;
  /** Same id, or for `id: null` the same canonical content, means the same event delivered again. */
  dedupeKey: string;
  /** The event as received, extra fields included. */
  event: Record<string, unknown>;
}

export interface FieldProblem {
  field: string;
  message: string;
}

function fieldName(prefix: (string | number)[], path: PropertyKey[]): string {
  return [...prefix, ...path]
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

function problems(error: z.ZodError, prefix: (string | number)[]): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldName(prefix, issue.path) || '(body)', message: issue.message }));
}

function parseOne(raw: unknown, prefix: (string | number)[]): ParsedEvent {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid([{ field: fieldName(prefix, []) || '(body)', message: 'must be an event object' }]);
  }
  if (looksLikeCloudEvent(raw)) return parseCloudEvent(raw as Record<string, unknown>, prefix);
  const eventType = (raw as Record<string, unknown>).eventType;
  const known = typeof eventType === 'string' && isKnownEventType(eventType);
  const schema = known ? knownEventSchemas[eventType] : unknownEventSchema;
  const result = schema.safeParse(raw);
  if (!result.success) throw invalid(problems(result.error, prefix));
  const event = raw as Record<string, unknown> & { id: string | null; subject: string; eventType: string; eventTime: string };
  const data = event.data as Record<string, unknown> | null;
  const legFromData = data && typeof data === 'object' && typeof data.CallLegId === 'string' ? data.CallLegId : null;
  const legFromSubject = /^callLeg\/([^/]+)\//.exec(event.subject)?.[1] ?? null;
  return {
    generation: 'preview',
    known,
    eventType: event.eventType,
    callLegId: legFromData ?? legFromSubject,
    ...(({ ms, tick }) => ({ eventTimeMs: ms, eventTick: tick }))(eventInstant(event.eventTime)),
    dedupeKey: event.id ? `id:${event.id}` : `sha256:${contentHash(event)}`,
    event,
  };
}

/** A GA CloudEvent: deduplicated by its `id`, bound to its leg by `data.callConnectionId`. */
function parseCloudEvent(raw: Record<string, unknown>, prefix: (string | number)[]): ParsedEvent {
  const type = raw.type;
  const known = typeof type === 'string' && isKnownGaEventType(type);
  const schema = known ? gaKnownEventSchemas[type] : gaUnknownEventSchema;
  const result = schema.safeParse(raw);
  if (!result.success) throw invalid(problems(result.error, prefix));
  const event = raw as Record<string, unknown> & { id: string; type: string; time: string };
  const data = event.data as Record<string, unknown> | null;
  const leg = data && typeof data === 'object' && typeof data.callConnectionId === 'string' ? data.callConnectionId : null;
  const { ms, tick } = eventInstant(event.time);
  return { generation: 'ga', known, eventType: event.type, callLegId: leg, eventTimeMs: ms, eventTick: tick, dedupeKey: `id:${event.id}`, event };
}

function invalid(details: FieldProblem[]): ValidationError {
  const first = details[0];
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new ValidationError(`${first.field}: ${first.message}${more}`, details, 'invalid_event');
}

/** A callback body is one event or an array of them; any invalid event rejects the whole body. */
export function parseCallbackBody(body: unknown): ParsedEvent[] {
  if (!Array.isArray(body)) return [parseOne(body, [])];
  if (body.length === 0) throw invalid([{ field: '(body)', message: 'must hold at least one event' }]);
  if (body.length > MAX_EVENTS_PER_BODY) {
    throw invalid([{ field: '(body)', message: `must hold at most ${MAX_EVENTS_PER_BODY} events` }]);
  }
  return body.map((raw, i) => parseOne(raw, [i]));
}
