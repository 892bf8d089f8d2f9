import { Router } from 'express';
import { layoutFlow } from '../src/flows/diagram-layout';
import type { Store } from '../src/store';
import { requestedVersion } from './flows';

/**
 * GET /api/flows/:name/graph[?version=N]: the flow laid out for drawing, nodes
 * placed and edges routed (src/flows/diagram-layout.ts), which the flow page
 * (/flows/:name) draws as SVG. The latest version without ?version.
 */
export function flowGraphRouter(deps: { store: Store }): Router {
  const router = Router();
  router.get('/:name/graph', async (req, res) => {
    // The same answers as GET /api/flows/:name, so the page can say which it was.
    const flow = await requestedVersion(deps.store, String(req.params.name), req.query);
    const versions = (await deps.store.flows.versions(flow.name)).map((v) => v.version);
    res.json({ name: flow.name, version: flow.version, versions, description: flow.document.description ?? null, ...layoutFlow(flow.document) });
  });
  return router;
}
