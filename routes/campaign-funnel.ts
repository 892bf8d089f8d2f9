import { Router } from 'express';
import { NotFoundError } from '../src/errors';
import type { FlowOf } from '../src/flows/campaign-flow';
import { inFlowOrder } from '../src/flows/funnel-order';
import type { Store } from '../src/store';

export interface CampaignFunnelDeps {
  store: Store;
  flowOf: FlowOf;
}

/** GET /api/campaigns/:id/funnel: how the campaign's calls went through its flow, node by node (docs/campaigns.md, Funnel). */
export function campaignFunnelRouter(deps: CampaignFunnelDeps): Router {
  const { store } = deps;
  const router = Router();

  router.get('/:id/funnel', async (req, res) => {
    const id = String(req.params.id);
    const campaign = await store.campaigns.get(id);
    if (!campaign) throw new NotFoundError(`no campaign with id "${id}"`, 'campaign_not_found');
    const [funnel, flow] = await Promise.all([store.campaigns.funnel(id), deps.flowOf(id)]);
    res.json({
      campaignId: id,
      flow: flow && { name: flow.name, version: flow.version },
      calls: funnel.calls,
      nodes: flow ? inFlowOrder(funnel.nodes, flow.document) : funnel.nodes,
    });
  });

  return router;
}
