import type { CallAutomationClient } from '../client';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { CallRecord, Store } from '../store';
import type { InboxEvent } from '../store/inbox';

/** What the service knows that handlers need beyond the event: who we are and who to bring in. */
export interface WorkflowSettings {
  sourceIdentity: string;
  alternateCallerId: string | undefined;
  agentTarget: string | undefined;
  /** Default seconds to wait for a key before hanging up. */
  waitSeconds: number;
  callbackUriFor(callId: string): string;
}

/**
 * Everything a handler may use. Handlers run after the acknowledgement and may
 * be re-run after a crash, so every follow-up request they make carries
 * `requestId(purpose)`: the same id on a re-run, which the service deduplicates.
 */
export interface HandlerContext {
  call: CallRecord;
  inbox: InboxEvent;
  store: Store;
  client: CallAutomationClient;
  clock: Clock;
  logger: Logger;
  settings: WorkflowSettings;
  requestId(purpose: string): string;
}

export type Handler<E> = (event: E, ctx: HandlerContext) => Promise<void>;
