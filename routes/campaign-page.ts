import { Router } from 'express';
import { loadPublicFiles, sendPublicFile, serveAssets } from '../src/http/public-files';

const PAGE = 'campaign-report.html';
const ASSETS = ['api-key.js', 'report.js', 'funnel.js', 'report.css'] as const;

/** Campaign ids are UUIDs; anything else is not a page we serve. */
const ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The campaign report page: a static shell whose script asks for the API key
 * and reads /api/campaigns/:id itself, so the page holds no data and needs no
 * key to load. Files are read once (src/http/public-files.ts).
 */
export function campaignPageRouter(): Router {
  const files = loadPublicFiles([PAGE, ...ASSETS]);
  const router = Router();
  serveAssets(router, files, ASSETS);

  router.get('/:id', (req, res, next) => {
    const id = String(req.params.id);
    if (!ID.test(id)) return next();
    // Asset URLs in the page are relative to /campaigns/<id>; a trailing slash would shift them.
    if (req.path.endsWith('/')) return res.redirect(301, `../${encodeURIComponent(id)}`);
    sendPublicFile(res, files[PAGE]);
  });

  return router;
}
