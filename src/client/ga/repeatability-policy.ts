import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** The deterministic id of the logical request being sent, and when its first attempt started. */
export interface PinnedRequest {
  requestId: string;
  firstSentAt: number;
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
      // Only requests the API makes repeatable carry the header; leave the others as they are.
      if (pin && request.headers.has('Repeatability-Request-ID')) {
        request.headers.set('Repeatability-Request-ID', pin.requestId);
        request.headers.set('Repeatability-First-Sent', new Date(pin.firstSentAt).toUTCString());
      }
      return next(request);
    },
  };
}
