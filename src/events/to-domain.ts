import { TIMER_EVENT_TYPE, type TimerBody } from '../store/timers';
import type { DomainEvent } from './domain';
import type { GaEvent } from './ga/schemas';
import { gaToDomain } from './ga/to-domain';
import { looksLikeCloudEvent } from './ga/types';
import { previewToDomain } from './preview/to-domain';
import type { CallEvent } from './schemas';

/** What the inbox holds about one event: its type, whether it was known when received, and the body as received. */
export interface StoredEvent {
  eventType: string;
  known: boolean;
  body: unknown;
}

/**
 * The one place that picks an adapter for a stored event (the body was
 * validated by its generation's schema before it was stored). Returns null
 * for an event the workflows have no word for: it is recorded, not handled.
 */
export function toDomainEvent(stored: StoredEvent): DomainEvent | null {
  if (stored.eventType === TIMER_EVENT_TYPE) {
    const t = stored.body as TimerBody;
    return { kind: 'timer', legId: null, timerId: t.timerId, timerKind: t.kind, dueAt: t.dueAt, payload: t.payload, raw: t };
  }
  if (!stored.known) return null;
  return looksLikeCloudEvent(stored.body) ? gaToDomain(stored.body as GaEvent) : previewToDomain(stored.body as CallEvent);
}
