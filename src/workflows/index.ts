import { flowWorkflow } from '../flows/engine';
import { conversationMonitorWorkflow } from './conversation-monitor';
import type { CallRecord } from '../store';
import { legacyReminderWorkflow } from './legacy-reminder';
import type { Workflow } from './workflow';

/** A call's `flow` names its workflow: a built-in one, or a stored flow the flow engine runs. */
const WORKFLOWS: Record<string, Workflow> = {
  monitor: conversationMonitorWorkflow,
};

/**
 * The reminder is a built-in flow. A reminder call placed before it became one
 * (its state has a phase but no flow step) finishes on the workflow it started with.
 */
export function workflowFor(call: Pick<CallRecord, 'flow' | 'workflow'>): Workflow {
  if (call.flow === 'reminder' && call.workflow.phase !== undefined && call.workflow.step === undefined) return legacyReminderWorkflow;
  return WORKFLOWS[call.flow] ?? flowWorkflow;
}
