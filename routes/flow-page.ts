import type { Router } from 'express';
import { pageRouter } from '../src/http/public-files';

/** Flow names as /api/flows accepts them (routes/flows.ts). */
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** GET /flows/:name[?version=N]: its script draws /api/flows/:name/graph as SVG. */
export function flowPageRouter(): Router {
  return pageRouter('flow-graph.html', ['api-key.js', 'flow-graph.js', 'flow-graph.css', 'report.css'], NAME);
}
