import { AppError } from '../errors';
import { redactUrl } from '../logger';
import type { Operation } from './types';

/** Codes for failures that have no upstream body to name them. */
export type LocalFailureCode = 'network_error' | 'timeout' | 'aborted' | 'invalid_response';

export interface CallAutomationErrorInit {
  operation: Operation;
  /** Undefined when no HTTP response arrived (network error, timeout, abort). */
  upstreamStatus: number | undefined;
  upstreamCode: string;
  message: string;
  requestId: string;
  attempts: number;
  retriable: boolean;
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * A follow-up call to the Call Automation service failed. Our own API reports
 * that as 502: the fault is upstream, not in what our client sent us.
 */
export class CallAutomationError extends AppError {
  readonly operation: Operation;
  readonly upstreamStatus: number | undefined;
  readonly upstreamCode: string;
  readonly requestId: string;
  readonly attempts: number;
  /** True when the last failure was transient: the caller may try again later. */
  readonly retriable: boolean;

  constructor(init: CallAutomationErrorInit) {
    const message = sanitizeMessage(init.message);
    super('upstream_error', message, 502, {
      operation: init.operation,
      upstreamStatus: init.upstreamStatus,
      upstreamCode: init.upstreamCode,
      requestId: init.requestId,
      attempts: init.attempts,
    });
    this.operation = init.operation;
    this.upstreamStatus = init.upstreamStatus;
    this.upstreamCode = init.upstreamCode;
    this.requestId = init.requestId;
    this.attempts = init.attempts;
    this.retriable = init.retriable;
  }
}

export function isCallAutomationError(value: unknown): value is CallAutomationError {
  return value instanceof CallAutomationError;
}

/**
 * The service's message may echo what we sent, and what we sent includes the
 * callbackUri with its token, so tokens are redacted before the message can
 * reach a log line or an API answer.
 */
function sanitizeMessage(message: string): string {
  const redacted = redactUrl(message.replace(/\s+/g, ' ').trim());
  return redacted.length > MAX_MESSAGE_LENGTH ? `${redacted.slice(0, MAX_MESSAGE_LENGTH)}…` : redacted;
}
