import type { Router } from 'express';
import { pageRouter } from '../src/http/public-files';

/** Campaign ids are UUIDs. */
const ID = /^[A-Za-z0-9_-]{1,100}$/;

/** GET /campaigns/:id: the campaign report page; its script reads /api/campaigns/:id (and its funnel). */
export function campaignPageRouter(): Router {
  return pageRouter('campaign-report.html', ['api-key.js', 'report.js', 'funnel.js', 'report.css'], ID);
}
