import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../src/errors';
import { FlowDocument, flowDocumentSchema } from '../src/flows/document';
import { ALWAYS_PROVIDED, describeIssue, flowVariables, Generation, validateFlow } from '../src/flows/validate';
import { iso } from '../src/http/views';
import { validate } from '../src/http/validate';
import type { FlowVersion, Store } from '../src/store';
import { flowNotFound } from '../src/store/flows';

/** The built-in workflows' names (a call's `flow`): a flow of the same name would be ambiguous. */
export const RESERVED_FLOW_NAMES: ReadonlySet<string> = new Set(['reminder', 'monitor']);

const paramsSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'flow names are a lowercase letter, then up to 62 lowercase letters, digits or -'),
});

const versionQuerySchema = z.strictObject({
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, 'must be a version number: 1, 2, …')
    .transform(Number)
    .optional(),
});

export interface FlowsRouterDeps {
  store: Store;
  /** The API generation calls are placed on: text prompts need GA. */
  generation: Generation;
  now(): number;
}

function flowName(params: unknown): string {
  const { name } = validate(paramsSchema, params, 'params');
  if (RESERVED_FLOW_NAMES.has(name)) {
    const message = `"${name}" is the name of a built-in workflow; give the flow another name`;
    throw new ValidationError(`params.name: ${message}`, [{ field: 'params.name', message }], 'reserved_flow_name');
  }
  return name;
}

/** The body as a flow document: its shape (400 naming the field), then its graph (400 `invalid_flow` with every issue). */
function flowDocument(body: unknown, generation: Generation): FlowDocument {
  const document = validate(flowDocumentSchema, body);
  const issues = validateFlow(document, { generation });
  if (issues.length > 0) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''} in details)` : '';
    throw new ValidationError(`${describeIssue(issues[0])}${more}`, issues, 'invalid_flow');
  }
  return document;
}

async function flowView(store: Store, flow: FlowVersion) {
  const versions = await store.flows.versions(flow.name);
  return {
    name: flow.name,
    version: flow.version,
    document: flow.document,
    // What a call's variables or a campaign's columns must fill (besides `to` and `callId`).
    variables: flowVariables(flow.document).filter((v) => !ALWAYS_PROVIDED.has(v)),
    createdAt: iso(flow.createdAt),
    versions: versions.map((v) => v.version),
  };
}

/** The version `?version=N` names, or the latest; 404 `flow_not_found` or `flow_version_not_found` (naming the latest). */
export async function requestedVersion(store: Store, name: string, query: unknown): Promise<FlowVersion> {
  const { version } = validate(versionQuerySchema, query, 'query');
  const flow = await store.flows.get(name, version);
  if (flow) return flow;
  const versions = version === undefined ? [] : await store.flows.versions(name);
  if (versions.length === 0) throw flowNotFound(name);
  throw new NotFoundError(`flow "${name}" has no version ${version} (its latest is ${versions.at(-1)!.version})`, 'flow_version_not_found');
}

/** Call flows: each save is a new version, validated first (docs/flows.md). */
export function flowsRouter(deps: FlowsRouterDeps): Router {
  const { store } = deps;
  const router = Router();

  router.get('/', async (_req, res) => {
    const flows = await store.flows.list();
    res.json({ flows: flows.map((f) => ({ name: f.name, latestVersion: f.latestVersion, createdAt: iso(f.createdAt), updatedAt: iso(f.updatedAt) })) });
  });

  router.post('/:name', async (req, res) => {
    const name = flowName(req.params);
    const flow = await store.flows.create(name, flowDocument(req.body, deps.generation), deps.now());
    res.status(201).location(`/api/flows/${name}`).json(await flowView(store, flow));
  });

  router.put('/:name', async (req, res) => {
    const name = flowName(req.params);
    const { flow, changed } = await store.flows.putVersion(name, flowDocument(req.body, deps.generation), deps.now());
    res.json({ ...(await flowView(store, flow)), changed });
  });

  router.get('/:name', async (req, res) => {
    res.json(await flowView(store, await requestedVersion(store, flowName(req.params), req.query)));
  });

  return router;
}
