import type { Workflow } from './workflow';

const WORKFLOWS: Record<string, Workflow> = {};

export function workflowFor(flow: string): Workflow | undefined {
  return WORKFLOWS[flow];
}
