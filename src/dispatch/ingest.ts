import type { Clock } from '../clock';
import type { ParsedEvent } from '../events/parse';
import type { Store } from '../store';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** Commits a callback body to the inbox; the promise resolves only once it is durable. */
export function createIngest(deps: { store: Store; clock: Clock; onCommitted?: (callId: string, result: IngestResult) => void }) {
  return async function ingest(callId: string, events: ParsedEvent[]): Promise<IngestResult> {
    const incoming = events.map((e) => ({
      dedupeKey: e.dedupeKey,
      eventType: e.eventType,
      known: e.known,
      callLegId: e.callLegId,
      eventTimeMs: e.eventTimeMs,
      body: e.event,
    }));
    const result = await deps.store.tx((r) => r.inbox.ingest(callId, incoming, deps.clock.now()));
    deps.onCommitted?.(callId, result);
    return result;
  };
}

export type Ingest = ReturnType<typeof createIngest>;
