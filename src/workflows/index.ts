import { flowWorkflow } from '../flows/engine';
import { conversationMonitorWorkflow } from './conversation-monitor';
import { reminderWorkflow } from './reminder';
import type { Workflow } from './workflow';

/** A call's `flow` names its workflow: a built-in one, or a stored flow the flow engine runs. */
const WORKFLOWS: Record<string, Workflow> = {
  reminder: reminderWorkflow,
  monitor: conversationMonitorWorkflow,
};

export function workflowFor(flow: string): Workflow {
  return WORKFLOWS[flow] ?? flowWorkflow;
}
