import { z } from 'zod';
import { ValidationError } from '../errors';
import { reminderOptionsSchema, webhookOf } from '../workflows/reminder-settings';
import type { FlowCallSettings } from './call-settings';
import type { FlowDocument } from './document';
import { checkVariables, describeIssue, validateFlow, type FlowIssue, type Generation } from './validate';

/** What a caller may choose for a call or a campaign that runs a stored flow: the reminder's options that are not about its message. */
export const flowOptionsSchema = z.object({
  flow: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'flow names are lowercase letters, digits and -'),
  /** The latest version when left out; the call keeps the version it started with. */
  flowVersion: z.number().int().min(1).optional(),
  ...reminderOptionsSchema.pick({ operationContext: true, subject: true, webhookUrl: true, webhookEvents: true }).shape,
});
export type FlowOptions = z.infer<typeof flowOptionsSchema>;

export const variablesSchema = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'variable names are a letter then letters, digits or _'), z.string().max(2048));

export interface FlowSource {
  get(name: string, version?: number): Promise<{ name: string; version: number; document: FlowDocument } | undefined>;
}

function invalidFlow(name: string, issues: FlowIssue[]): ValidationError {
  const details = issues.map((i) => ({ ...i, field: i.field === 'start' ? 'start' : `nodes.${i.node}${i.field ? `.${i.field}` : ''}` }));
  return new ValidationError(`flow "${name}": ${describeIssue(issues[0])}`, details, 'invalid_flow');
}

/**
 * Resolves the flow a call or campaign names and checks it can run here with
 * the variables it will have (`provided`: the call's variables, or the columns
 * every campaign row fills): 400 naming the node and field otherwise.
 */
export async function flowCallSettings(
  flows: FlowSource,
  options: FlowOptions,
  check: { generation: Generation; provided: ReadonlySet<string>; variables: Record<string, string>; agentTarget: string | undefined },
): Promise<FlowCallSettings> {
  const found = await flows.get(options.flow, options.flowVersion);
  if (!found) {
    const which = options.flowVersion ? `version ${options.flowVersion} of flow "${options.flow}"` : `flow "${options.flow}"`;
    throw new ValidationError(`flow: ${which} is not stored (create it with POST /api/flows/${options.flow})`, [{ field: 'flow', message: 'unknown flow' }], 'unknown_flow');
  }
  const issues = [...validateFlow(found.document, { generation: check.generation }), ...checkVariables(found.document, check.provided)];
  if (issues.length) throw invalidFlow(found.name, issues);
  return {
    flow: { name: found.name, version: found.version },
    variables: check.variables,
    operationContext: options.operationContext ?? null,
    subject: options.subject ?? null,
    agentTarget: check.agentTarget ?? null,
    webhook: webhookOf(options),
  };
}
