import { z } from 'zod';

/**
 * A call flow: a small menu an organisation writes itself (docs/flows.md).
 * Nodes are named; each says where the call goes next. `{{variable}}` in a
 * text or an audio URI is filled from the call's variables (a campaign row's
 * columns). Shape only: the graph checks (unknown or unreachable nodes,
 * loops that cannot end, variables no row provides) are in validate.ts.
 */

export const FLOW_FORMAT = 1;

const NODE_ID_RULE = 'node ids are a letter then up to 63 letters, digits, _ or -';
export const nodeIdSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, NODE_ID_RULE);
/** The organisation's own outcome names (`confirmed`, `reschedule`), beside callhook's built-in ones. */
export const outcomeNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'outcome names are lowercase letters, digits and -, up to 40');
export const keySchema = z.string().regex(/^[0-9*#]$/, 'keys are 0-9, * or #');
const DIGITS_RULE = 'digits are 1 to 32 of 0-9, * or #';
const digitsSchema = z.string().regex(/^[0-9*#]{1,32}$/, DIGITS_RULE);

/** An http(s) URL once its `{{variables}}` are filled; checked again when filled. */
const templatedUrl = z
  .string()
  .max(2048)
  .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL');

/** What to play: a pre-recorded file (both generations) or text to speak (GA only). */
export const promptSchema = z.union(
  [
    z.strictObject({ audioUri: templatedUrl, loop: z.boolean().optional() }),
    z.strictObject({
      text: z.string().min(1).max(4000),
      voice: z.string().max(100).optional(),
      language: z.string().max(20).optional(),
      loop: z.boolean().optional(),
    }),
  ],
  // Both keys, or neither: zod would say only "Invalid input".
  { error: 'a prompt is an object, either {"audioUri": "https://…"} or {"text": "…"}, not both' },
);

const retrySchema = z.strictObject({
  /** Played instead of the node's prompt when asking again. */
  prompt: promptSchema.optional(),
  /** How many times to ask again before going to `next`. */
  retries: z.number().int().min(0).max(10).default(0),
  next: nodeIdSchema,
});

const playSchema = z.strictObject({
  type: z.literal('play'),
  prompt: promptSchema,
  next: nodeIdSchema,
});

const gatherSchema = z.strictObject({
  type: z.literal('gather'),
  /** Keys pressed while it plays stop it and count. */
  prompt: promptSchema.optional(),
  maxDigits: z.number().int().min(1).max(32).default(1),
  /** Ends the input early; not part of the digits. */
  finishKey: keySchema.optional(),
  /** From the end of the prompt (from its start when it loops) to the first key. */
  firstKeyTimeoutSeconds: z.number().int().min(1).max(3600).default(5),
  interDigitTimeoutSeconds: z.number().int().min(1).max(60).default(3),
  /** Accepted inputs; without it any input is accepted. */
  valid: z.array(digitsSchema).min(1).max(100).optional(),
  /** When nothing is pressed in time. Without it the call hangs up with `no-response`. */
  noInput: retrySchema.optional(),
  /** When the input is not in `valid`. Without it the call hangs up with `no-response`. */
  invalid: retrySchema.optional(),
  next: nodeIdSchema,
});

const branchSchema = z.strictObject({
  type: z.literal('branch'),
  /** The gather node whose digits decide; the most recent gather when left out. */
  on: nodeIdSchema.optional(),
  cases: z.record(digitsSchema, nodeIdSchema, { error: (issue) => (issue.code === 'invalid_key' ? DIGITS_RULE : undefined) }),
  default: nodeIdSchema,
});

const connectSchema = z.strictObject({
  type: z.literal('connect'),
  /** A raw id (`4:+1…`, `8:acs:…`) or a `{{variable}}`; AGENT_TARGET when left out. */
  target: z.string().min(1).max(256).optional(),
  timeoutSeconds: z.number().int().min(5).max(600).default(60),
  retries: z.number().int().min(0).max(5).default(0),
  /** Entered once the person joined. */
  next: nodeIdSchema,
  /** Entered when they could not be reached (declined, no answer, every retry failed). */
  failure: nodeIdSchema,
});

const askSchema = z.strictObject({
  type: z.literal('ask'),
  /** POSTed the call's state, signed as the outbound webhooks are; answers `{ "next": "<node id>" }`. */
  url: templatedUrl,
  timeoutSeconds: z.number().int().min(1).max(30).default(5),
  /** The nodes the answer may name. */
  routes: z.array(nodeIdSchema).min(1).max(50),
  /** On a timeout, an error, or an answer naming a node not in `routes`. */
  fallback: nodeIdSchema,
});

const hangupSchema = z.strictObject({
  type: z.literal('hangup'),
  outcome: outcomeNameSchema,
  /** Why, for the timeline and the report; otherwise what led here. */
  reason: z.string().min(1).max(200).optional(),
});

export const nodeSchema = z.discriminatedUnion('type', [playSchema, gatherSchema, branchSchema, connectSchema, askSchema, hangupSchema]);

export const flowDocumentSchema = z.strictObject({
  format: z.literal(FLOW_FORMAT).default(FLOW_FORMAT),
  description: z.string().max(1000).optional(),
  start: nodeIdSchema,
  nodes: z
    // zod names a bad key "Invalid key in record"; say what a node id must be.
    .record(nodeIdSchema, nodeSchema, { error: (issue) => (issue.code === 'invalid_key' ? NODE_ID_RULE : undefined) })
    .refine((nodes) => Object.keys(nodes).length >= 1, 'a flow needs at least one node')
    .refine((nodes) => Object.keys(nodes).length <= 200, 'a flow has at most 200 nodes'),
});

export type Prompt = z.infer<typeof promptSchema>;
export type FlowNode = z.infer<typeof nodeSchema>;
export type FlowDocument = z.infer<typeof flowDocumentSchema>;
export type NodeOf<T extends FlowNode['type']> = Extract<FlowNode, { type: T }>;

/** The node named `id`; own properties only, since `constructor` or `toString` are valid node ids. */
export function nodeOf(doc: FlowDocument, id: string): FlowNode | undefined {
  return Object.hasOwn(doc.nodes, id) ? doc.nodes[id] : undefined;
}

/** The node ids a node may go to next, with the field that names each. */
export function exitsOf(node: FlowNode): { field: string; to: string }[] {
  switch (node.type) {
    case 'play':
      return [{ field: 'next', to: node.next }];
    case 'gather':
      return [
        { field: 'next', to: node.next },
        ...(node.noInput ? [{ field: 'noInput.next', to: node.noInput.next }] : []),
        ...(node.invalid ? [{ field: 'invalid.next', to: node.invalid.next }] : []),
      ];
    case 'branch':
      return [...Object.entries(node.cases).map(([digits, to]) => ({ field: `cases.${digits}`, to })), { field: 'default', to: node.default }];
    case 'connect':
      return [
        { field: 'next', to: node.next },
        { field: 'failure', to: node.failure },
      ];
    case 'ask':
      return [...node.routes.map((to, i) => ({ field: `routes.${i}`, to })), { field: 'fallback', to: node.fallback }];
    case 'hangup':
      return [];
  }
}

const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The `{{variables}}` a text or URI uses. */
export function variablesIn(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => m[1]);
}

/** Fills `{{variables}}`; URI-encodes the values when `encode` is set (audio URIs, ask URLs). */
export function fill(template: string, variables: Record<string, string>, encode = false): string {
  return template.replace(VARIABLE, (_, name: string) => {
    const value = variables[name] ?? '';
    return encode ? encodeURIComponent(value) : value;
  });
}

/** Every templated field of a node, for the variable check and for filling. */
export function templatesOf(node: FlowNode): { field: string; template: string }[] {
  const ofPrompt = (prefix: string, p: Prompt | undefined) =>
    !p ? [] : 'audioUri' in p ? [{ field: `${prefix}.audioUri`, template: p.audioUri }] : [{ field: `${prefix}.text`, template: p.text }];
  switch (node.type) {
    case 'play':
      return ofPrompt('prompt', node.prompt);
    case 'gather':
      return [...ofPrompt('prompt', node.prompt), ...ofPrompt('noInput.prompt', node.noInput?.prompt), ...ofPrompt('invalid.prompt', node.invalid?.prompt)];
    case 'connect':
      return node.target ? [{ field: 'target', template: node.target }] : [];
    case 'ask':
      return [{ field: 'url', template: node.url }];
    default:
      return [];
  }
}
