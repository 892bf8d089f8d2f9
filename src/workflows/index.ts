import { conversationMonitorWorkflow } from './conversation-monitor';
import { reminderWorkflow } from './reminder';
import type { Workflow } from './workflow';

/** A call's `flow` names its workflow. */
const WORKFLOWS: Record<string, Workflow> = {
  reminder: reminderWorkflow,
  monitor: conversationMonitorWorkflow,
};

export function workflowFor(flow: string): Workflow | undefined {
  return WORKFLOWS[flow];
}
