import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../src/errors';
import { layoutFlow } from '../src/flows/diagram-layout';
import { validate } from '../src/http/validate';
import type { Store } from '../src/store';
import { flowNotFound } from '../src/store/flows';

const querySchema = z.strictObject({
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, 'must be a version number: 1, 2, …')
    .transform(Number)
    .optional(),
});

/**
 * GET /api/flows/:name/graph[?version=N]: the flow laid out for drawing, nodes
 * placed and edges routed (src/flows/diagram-layout.ts), which the flow page
 * (/flows/:name) draws as SVG. The latest version without ?version.
 */
export function flowGraphRouter(deps: { store: Store }): Router {
  const router = Router();
  router.get('/:name/graph', async (req, res) => {
    const name = String(req.params.name);
    const { version } = validate(querySchema, req.query, 'query');
    const [flow, all] = await Promise.all([deps.store.flows.get(name, version), deps.store.flows.versions(name)]);
    const versions = all.map((v) => v.version);
    // The same answers as GET /api/flows/:name, so the page can say which it was.
    if (!flow) {
      if (versions.length === 0) throw flowNotFound(name);
      throw new NotFoundError(`flow "${name}" has no version ${version} (its latest is ${versions.at(-1)})`, 'flow_version_not_found');
    }
    res.json({ name: flow.name, version: flow.version, versions, description: flow.document.description ?? null, ...layoutFlow(flow.document) });
  });
  return router;
}
