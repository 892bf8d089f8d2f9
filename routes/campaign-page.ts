import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

/**
 * Where the page's static files live. tsc copies no assets, so they stay in
 * src/http/public: from routes/ (tsx, ts-jest) that is ../src/http/public,
 * from dist/routes/ (npm start, the image) ../../src/http/public.
 */
const CANDIDATE_DIRS = [path.resolve(__dirname, '../src/http/public'), path.resolve(__dirname, '../../src/http/public')];

const ASSETS = {
  page: { file: 'campaign-report.html', type: 'text/html; charset=utf-8' },
  'report.js': { file: 'report.js', type: 'text/javascript; charset=utf-8' },
  'report.css': { file: 'report.css', type: 'text/css; charset=utf-8' },
} as const;

/** Campaign ids are UUIDs; anything else is not a page we serve. */
const ID = /^[A-Za-z0-9_-]{1,100}$/;

function loadAssets(): Record<keyof typeof ASSETS, Buffer> {
  const dir = CANDIDATE_DIRS.find((d) => existsSync(path.join(d, ASSETS.page.file)));
  // Failing at start-up beats a page that 404s in production: the image must ship src/http/public.
  if (!dir) throw new Error(`campaign page assets not found in ${CANDIDATE_DIRS.join(' or ')}`);
  return {
    page: readFileSync(path.join(dir, ASSETS.page.file)),
    'report.js': readFileSync(path.join(dir, ASSETS['report.js'].file)),
    'report.css': readFileSync(path.join(dir, ASSETS['report.css'].file)),
  };
}

/**
 * The campaign report page: a static shell whose script asks for the API key
 * and reads /api/campaigns/:id itself, so the page holds no data and needs no
 * key to load. Files are read once; Express adds an ETag, and no-cache makes
 * browsers revalidate so a deploy never leaves a stale script behind.
 */
export function campaignPageRouter(): Router {
  const files = loadAssets();
  const router = Router();

  for (const name of ['report.js', 'report.css'] as const) {
    router.get(`/assets/${name}`, (_req, res) => {
      res.type(ASSETS[name].type).set('Cache-Control', 'no-cache').send(files[name]);
    });
  }

  router.get('/:id', (req, res, next) => {
    const id = String(req.params.id);
    if (!ID.test(id)) return next();
    // Asset URLs in the page are relative to /campaigns/<id>; a trailing slash would shift them.
    if (req.path.endsWith('/')) return res.redirect(301, `../${encodeURIComponent(id)}`);
    res.type(ASSETS.page.type).set('Cache-Control', 'no-cache').send(files.page);
  });

  return router;
}
