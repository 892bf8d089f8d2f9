import { Router } from 'express';

export interface Readiness {
  /** Null when ready, otherwise what is wrong. */
  check(): Promise<Record<string, string> | null>;
}

/** Liveness says the process answers; readiness says it can do its job (database, inbox). No key needed. */
export function healthRouter(deps: { readiness: Readiness }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const problems = await deps.readiness.check();
    res.status(problems ? 503 : 200).json(problems ? { status: 'unavailable', problems } : { status: 'ready' });
  });
  return router;
}
