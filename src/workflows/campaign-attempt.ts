import type { Repos } from '../store';
import type { CallRecord } from '../store';

/** Once a campaign call is over, its target is retried or done (see campaignsRepo.finishAttempt). */
export async function closeCampaignAttempt(repos: Pick<Repos, 'campaigns'>, call: CallRecord, at: number): Promise<void> {
  if (!call.campaignId) return;
  await repos.campaigns.finishAttempt(call.id, call.outcome ?? 'failed', at);
}
