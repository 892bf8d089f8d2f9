import type { HandlerContext } from '../dispatch/context';
import type { FlowCallSettings } from './call-settings';
import type { FlowDocument } from './document';

type Phase = 'playing' | 'prompting' | 'waiting' | 'connecting' | 'asking' | 'after-agent' | 'ending';

/** A flow call's durable position, on the call record (rewound when an event's handling is re-run). */
export interface FlowState {
  /** Nodes entered so far; numbers each step, so every request id, timer and entry of a step is its own. */
  step?: number;
  node?: string;
  phase?: Phase;
  establishedAt?: number;
  playContext?: string;
  /** A prompt was started and has not ended or been stopped. */
  promptLive?: boolean;
  /** Prompts played at the current node (the first one and each re-prompt). */
  prompts?: number;
  digits?: string;
  /** The last key a gather took. */
  key?: string;
  noInputs?: number;
  invalids?: number;
  /** The last digits each gather node accepted, for branches. */
  gathered?: Record<string, string>;
  lastGather?: string;
  listening?: boolean;
  /** The sequence id of the last key taken in order (keys are numbered per call from 1). */
  keySeq?: number;
  /** Keys that came before an earlier one, by sequence id, until it comes. */
  heldKeys?: Record<number, string>;
  /** Re-armed gather timers get new numbers, so one that fires late is known as stale. */
  timerSeq?: number;
  connectAttempts?: number;
  /** Who the current connect node is inviting. */
  invitee?: string;
  /** Who a connect brought in, once they joined. */
  agent?: string;
  /** Whether the last roster had the agent on it; unset until it first did (so false means they left). */
  agentPresent?: boolean;
}

/** One event's view of its flow call. */
export interface FlowRun {
  ctx: HandlerContext;
  doc: FlowDocument;
  settings: FlowCallSettings;
}

export const flowState = (ctx: HandlerContext) => ctx.call.workflow as FlowState;
export const stateOf = (run: FlowRun) => flowState(run.ctx);

export const save = (run: FlowRun, patch: FlowState) => run.ctx.saveWorkflow(patch as Record<string, unknown>);

export const leg = (run: FlowRun) => run.ctx.call.callLegId as string;

export const opts = (run: FlowRun, purpose: string) => ({ callId: run.ctx.call.id, requestId: run.ctx.requestId(purpose) });

/** A step of the flow on the call's timeline (kind `flow`), written once per step however often it is re-run. */
export async function note(run: FlowRun, name: string, dedupeKey: string, detail?: Record<string, unknown>): Promise<void> {
  await run.ctx.store.timeline.append({ callId: run.ctx.call.id, at: run.ctx.clock.now(), kind: 'flow', name, detail, dedupeKey });
}
