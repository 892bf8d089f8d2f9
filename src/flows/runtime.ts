import type { Logger } from '../logger';
import { signatureHeaders } from '../webhooks/signing';
import { postWebhook } from '../webhooks/http-post';
import type { FlowDocument } from './document';

export type AskAnswer = { next: string; status: number; latencyMs: number } | { next: null; status: number | null; latencyMs: number; error: string };

/** What the flow engine needs from the service beyond a handler's context. */
export interface FlowRuntime {
  /** A stored flow version (versions never change, so they are cached). */
  load(name: string, version: number): Promise<FlowDocument | undefined>;
  /** POSTs an `ask` node's question, signed as webhooks are, and reads the node it answers. */
  ask(input: { url: string; id: string; body: unknown; timeoutMs: number }): Promise<AskAnswer>;
}

const CACHED_VERSIONS = 500;

export interface StoredFlows {
  get(name: string, version: number): Promise<{ document: FlowDocument } | undefined>;
}

export function createFlowRuntime(deps: { flows: StoredFlows; secrets: string[]; allowPrivate: boolean; logger: Logger }): FlowRuntime {
  const cache = new Map<string, FlowDocument>();
  return {
    async load(name, version) {
      const key = `${name}@${version}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const found = await deps.flows.get(name, version);
      if (!found) return undefined;
      if (cache.size >= CACHED_VERSIONS) cache.delete(cache.keys().next().value as string);
      cache.set(key, found.document);
      return found.document;
    },

    async ask({ url, id, body, timeoutMs }) {
      if (!deps.secrets.length) return { next: null, status: null, latencyMs: 0, error: 'WEBHOOK_SECRET is not set, so the question cannot be signed' };
      const started = performance.now();
      const text = JSON.stringify(body);
      const headers = signatureHeaders(deps.secrets, id, new Date(), text);
      const result = await postWebhook(url, headers, text, { timeoutMs, allowPrivate: deps.allowPrivate });
      const latencyMs = Math.round(performance.now() - started);
      if (result.status === null || result.error) return { next: null, status: result.status, latencyMs, error: result.error ?? 'no answer' };
      try {
        const next = (JSON.parse(result.body ?? '') as { next?: unknown })?.next;
        if (typeof next === 'string') return { next, status: result.status, latencyMs };
      } catch {
        // answered below
      }
      deps.logger.warn({ url, status: result.status }, 'a flow ask answered without {"next": "<node id>"}');
      return { next: null, status: result.status, latencyMs, error: 'the answer is not JSON with a "next" node id' };
    },
  };
}
