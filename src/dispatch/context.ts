import type { CallAutomationPort } from '../client/port';
import type { Clock } from '../clock';
import type { FlowRuntime } from '../flows/runtime';
import type { Logger } from '../logger';
import type { CallPatch, CallRecord, Store } from '../store';
import type { InboxEvent } from '../store/inbox';

/** What the service knows that handlers need beyond the event: who we are and who to bring in. */
export interface WorkflowSettings {
  sourceIdentity: string;
  alternateCallerId: string | undefined;
  agentTarget: string | undefined;
  /** Default seconds to wait for a key before hanging up. */
  waitSeconds: number;
  callbackUriFor(callId: string): string;
  /** Stored flows and the `ask` node's signed POST. */
  flows: FlowRuntime;
}

/**
 * Everything a handler may use. A handler is a function of the workflow state
 * before its event and the event itself; its effects are idempotent (stored
 * decisions are first-wins, timers have deterministic ids, requests carry
 * deterministic repeatability ids), so a re-run after a crash converges.
 * Handlers run after the acknowledgement and may
 * be re-run after a crash, so every follow-up request they make carries
 * `requestId(purpose)`: the same id on a re-run, which the service deduplicates.
 */
export interface HandlerContext {
  /** `call.workflow` is the workflow state as it was before this event, plus what this run saved. */
  call: CallRecord;
  inbox: InboxEvent;
  store: Store;
  client: CallAutomationPort;
  clock: Clock;
  logger: Logger;
  settings: WorkflowSettings;
  requestId(purpose: string): string;
  /**
   * Merges into the workflow state (`call.workflow` at once); written once the handler returns,
   * with the state before this event, so a re-run starts from that.
   */
  saveWorkflow(patch: Record<string, unknown>): Promise<void>;
  /** Updates the call record (not its workflow state) and `call` with it. */
  updateCall(patch: Omit<CallPatch, 'workflow'>): Promise<void>;
}

export type Handler<E> = (event: E, ctx: HandlerContext) => Promise<void>;
