import { Router } from 'express';
import type { Registry } from 'prom-client';

/** Prometheus scrape endpoint; no key, like /healthz (put it behind the network, not on the internet). */
export function metricsRouter(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
