import type { Logger } from '../logger';
import type { Operation } from './types';

/** One logical follow-up call, as the call's timeline shows it. */
export interface RequestRecord {
  /** Our own call id, when the caller named one. */
  callId?: string;
  operation: Operation;
  method: 'POST' | 'DELETE';
  /** Path relative to the endpoint, encoded as sent, without the query string. */
  path: string;
  /** The Repeatability-Request-ID sent on every attempt. */
  requestId: string;
  /** Status of the last response; absent when none arrived. */
  status?: number;
  ok: boolean;
  errorCode?: string;
  errorMessage?: string;
  attempts: number;
  latencyMs: number;
  /** ISO-8601 time of the first attempt. */
  startedAt: string;
  /** Parsed body of a successful response, when it had one. */
  response?: unknown;
}

export type RequestRecorder = (record: RequestRecord) => void | Promise<void>;

/**
 * The timeline is bookkeeping: a follow-up call that reached the service must
 * not be reported as failed because the record of it could not be written.
 */
export async function recordSafely(recorder: RequestRecorder | undefined, record: RequestRecord, logger: Logger): Promise<void> {
  if (!recorder) return;
  try {
    await recorder(record);
  } catch (err) {
    logger.error({ err, operation: record.operation, requestId: record.requestId }, 'request recorder failed; timeline entry lost');
  }
}
