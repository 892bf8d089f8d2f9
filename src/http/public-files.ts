import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

/**
 * Where the pages' static files live. tsc copies no assets, so they stay in
 * src/http/public: from src/http/ (tsx, ts-jest) that is ./public, from
 * dist/src/http/ (npm start, the image) ../../../src/http/public.
 */
const CANDIDATE_DIRS = [path.resolve(__dirname, 'public'), path.resolve(__dirname, '../../../src/http/public')];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface PublicFile {
  body: Buffer;
  type: string;
}

/** Reads the named files once; failing at start-up beats a page that 404s in production (the image must ship src/http/public). */
export function loadPublicFiles<N extends string>(names: readonly N[]): Record<N, PublicFile> {
  const dir = CANDIDATE_DIRS.find((d) => names.every((name) => existsSync(path.join(d, name))));
  if (!dir) throw new Error(`page assets ${names.join(', ')} not found in ${CANDIDATE_DIRS.join(' or ')}`);
  const files = {} as Record<N, PublicFile>;
  for (const name of names) {
    const type = TYPES[path.extname(name)];
    if (!type) throw new Error(`no content type for page asset ${name}`);
    files[name] = { body: readFileSync(path.join(dir, name)), type };
  }
  return files;
}

/** Sends a page file; Express adds an ETag, and no-cache makes browsers revalidate so a deploy never leaves a stale script behind. */
export function sendPublicFile(res: Parameters<Parameters<Router['get']>[1]>[1], file: PublicFile): void {
  res.type(file.type).set('Cache-Control', 'no-cache').send(file.body);
}

/** GET /assets/<name> for each of `names`. */
export function serveAssets<N extends string>(router: Router, files: Record<N, PublicFile>, names: readonly N[]): void {
  for (const name of names) router.get(`/assets/${name}`, (_req, res) => sendPublicFile(res, files[name]));
}

/**
 * A page at `/<mount>/:param`: a static shell whose script asks for the API key
 * and reads the API itself, so the page holds no data and needs no key to
 * load. `param` values that do not match `pattern` are not pages we serve.
 */
export function pageRouter(page: string, assets: readonly string[], pattern: RegExp): Router {
  const files = loadPublicFiles([page, ...assets]);
  const router = Router();
  serveAssets(router, files, assets);

  router.get('/:param', (req, res, next) => {
    const param = String(req.params.param);
    if (!pattern.test(param)) return next();
    // Asset URLs in the page are relative to /<mount>/<param>; a trailing slash would shift them.
    if (req.path.endsWith('/')) return res.redirect(301, `../${encodeURIComponent(param)}`);
    sendPublicFile(res, files[page]);
  });

  return router;
}
