import type { EmittedEvent } from '../preview/events';

export interface AttemptRecord {
  /** Clock ms when the attempt started. */
  at: number;
  /** HTTP status, or null when nothing came back (network error, timeout, injected failure). */
  status: number | null;
  error?: string;
  /** The duplicate-delivery fault sent this copy after a successful delivery. */
  duplicate?: true;
}

export type DeliveryOutcome = 'pending' | 'delivered' | 'rejected' | 'gaveUp' | 'dropped';

/** What happened to one emitted event; kept in its leg's event log. */
export interface DeliveryRecord {
  eventType: string;
  subject: string;
  eventTime: string;
  attempts: AttemptRecord[];
  outcome: DeliveryOutcome;
  /** Held back behind the next event of the leg by the reorder fault. */
  reordered?: true;
  /** Size of the array it travelled in, when batching is on. */
  batch?: number;
}

export function newRecord(event: EmittedEvent): DeliveryRecord {
  return { eventType: event.eventType, subject: event.subject, eventTime: event.eventTime, attempts: [], outcome: 'pending' };
}

export interface DeliveryStats {
  queued: number;
  inFlight: number;
  delivered: number;
  rejected: number;
  gaveUp: number;
  dropped: number;
  attempts: number;
  failedAttempts: number;
  duplicatesSent: number;
  reordered: number;
}

export function emptyStats(): DeliveryStats {
  return {
    queued: 0,
    inFlight: 0,
    delivered: 0,
    rejected: 0,
    gaveUp: 0,
    dropped: 0,
    attempts: 0,
    failedAttempts: 0,
    duplicatesSent: 0,
    reordered: 0,
  };
}

/** An event that will not be delivered: rejected by the receiver or out of attempts. */
export interface DeadLetter {
  at: number;
  callLegId: string;
  url: string;
  eventType: string;
  eventTime: string;
  outcome: 'rejected' | 'gaveUp';
  attempts: number;
  lastStatus: number | null;
  lastError?: string;
}
