import { RingBuffer } from './ring-buffer';

/** One REST request the emulator received; `at` is the receive time (clock ms), so a test can measure rates. */
export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  /** The query string's parameters (api-version among them). */
  query: Record<string, string>;
  /** The JSON body as received; a body that is not JSON is kept as text, one over 16 KB cut short. */
  body?: unknown;
  /** One of OPERATIONS, or 'unknown' for a path the API does not have. */
  operation: string;
  status: number;
  callLegId?: string;
  conversationId?: string;
  repeatabilityRequestId?: string;
  repeatabilityResult?: string;
  /** The client closed the connection before the answer went out; status is the one it would have got. */
  clientGone?: true;
}

export interface RequestLogFilter {
  operation?: string;
  since?: number;
  callLegId?: string;
  status?: number;
  limit?: number;
}

export interface RequestLog {
  add(entry: RequestLogEntry): void;
  /** Oldest first; `limit` keeps the newest matching ones. */
  list(filter: RequestLogFilter): { requests: RequestLogEntry[]; dropped: number };
  clear(): void;
}

/** The global log. Bounded: the oldest entries go first, and `dropped` says how many. */
export function createRequestLog(capacity: number): RequestLog {
  const buffer = new RingBuffer<RequestLogEntry>(capacity);
  return {
    add: (entry) => buffer.push(entry),
    list(filter) {
      let requests = buffer
        .toArray()
        .filter(
          (e) =>
            (filter.operation === undefined || e.operation.toLowerCase() === filter.operation.toLowerCase()) &&
            (filter.since === undefined || e.at >= filter.since) &&
            (filter.callLegId === undefined || e.callLegId === filter.callLegId) &&
            (filter.status === undefined || e.status === filter.status),
        );
      if (filter.limit !== undefined && requests.length > filter.limit) requests = requests.slice(requests.length - filter.limit);
      return { requests, dropped: buffer.dropped };
    },
    clear: () => buffer.clear(),
  };
}
