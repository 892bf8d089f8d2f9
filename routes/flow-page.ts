import { Router } from 'express';
import { loadPublicFiles, sendPublicFile, serveAssets } from '../src/http/public-files';

const PAGE = 'flow-graph.html';
const ASSETS = ['api-key.js', 'flow-graph.js', 'flow-graph.css', 'report.css'] as const;

/** Flow names as /api/flows accepts them (routes/flows.ts); anything else is not a page we serve. */
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * GET /flows/:name[?version=N]: a static shell, as the campaign page is, whose
 * script asks for the API key and draws /api/flows/:name/graph as SVG; the
 * page holds no flow and needs no key to load.
 */
export function flowPageRouter(): Router {
  const files = loadPublicFiles([PAGE, ...ASSETS]);
  const router = Router();
  serveAssets(router, files, ASSETS);

  router.get('/:name', (req, res, next) => {
    const name = String(req.params.name);
    if (!NAME.test(name)) return next();
    // Asset URLs in the page are relative to /flows/<name>; a trailing slash would shift them.
    if (req.path.endsWith('/')) return res.redirect(301, `../${encodeURIComponent(name)}`);
    sendPublicFile(res, files[PAGE]);
  });

  return router;
}
