import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** The deterministic id of the logical request being sent, and when its first attempt started. */
export interface PinnedRequest {
  requestId: string;
  firstSentAt: number;
  /** Attempts sent and the status of the last answer: the SDK returns neither, and the timeline shows both. */
  attempts: number;
  status?: number;
}

/**
 * The SDK mints a fresh Repeatability-Request-ID for every method call, so a
 * step re-run after a crash would be a new request to the service. Our
 * wrapper runs each SDK call inside `pinned.run({requestId, firstSentAt})`,
 * and this policy, placed per retry (after the SDK has set its own headers),
 * replaces the SDK's values with ours on every attempt.
 */
export function createRepeatabilityPolicy(pinned: AsyncLocalStorage<PinnedRequest>): PipelinePolicy {
  return {
    name: 'callhookRepeatability',
    async sendRequest(request, next) {
      const pin = pinned.getStore();
      if (!pin) return next(request);
      // Only requests the API makes repeatable carry the header; leave the others as they are.
      if (request.headers.has('Repeatability-Request-ID')) {
        request.headers.set('Repeatability-Request-ID', pin.requestId);
        request.headers.set('Repeatability-First-Sent', new Date(pin.firstSentAt).toUTCString());
      }
      pin.attempts += 1;
      const response = await next(request);
      pin.status = response.status;
      return response;
    },
  };
}
