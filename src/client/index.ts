export { createCallAutomationClient, DEFAULT_TIMEOUT_MS } from './client';
export type { CallAutomationClient, CallAutomationClientDeps } from './client';
export type { RequestOptions } from './transport';
export { CallAutomationError, isCallAutomationError } from './errors';
export type { CallAutomationErrorInit, LocalFailureCode } from './errors';
export type { RequestRecord, RequestRecorder } from './recorder';
export {
  DEFAULT_RETRY_OPTIONS,
  RETRIABLE_STATUSES,
  backoffDelay,
  isRetriableStatus,
  nextRetryDelay,
  parseRetryAfter,
} from './retry';
export type { RetryOptions } from './retry';
export { signRequest, verifyRequest, SIGNED_HEADERS, DATE_TOLERANCE_MS } from './signing';
export type { VerifyFailure } from './signing';
export { parseConnectionString, formatConnectionString, ConnectionStringError } from './connection-string';
export type { AcsConnection } from './connection-string';
export * from './types';
