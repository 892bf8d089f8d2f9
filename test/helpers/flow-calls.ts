import type { Store } from '../../src/store';

/** A campaign with no targets and paused, so the service dials nothing while a test writes its calls by hand. */
export async function quietCampaign(store: Store, id: string, settings: Record<string, unknown> = {}, name = id): Promise<void> {
  await store.tx(async (r) => {
    await r.campaigns.create(
      { id, name, settings, callsPerSecond: 1, maxConcurrent: 1, maxAttempts: 1, retryDelayMs: 0, retryOutcomes: [], callingWindow: null },
      [],
    );
    await r.campaigns.transition(id, ['running'], 'paused');
  });
}

/** A finished call (of the campaign, or none) with these flow entries, written as the engine writes them (timeline kind `flow`). */
export async function flowCall(store: Store, id: string, campaignId: string | null, names: string[]): Promise<void> {
  await store.calls.insert({ id, kind: 'call', flow: 'flow', target: '4:+14255550100', settings: {}, state: 'terminated', campaignId });
  let at = 1_000;
  for (const name of names) await store.timeline.append({ callId: id, at: at++, kind: 'flow', name });
}

/**
 * A completed campaign with one target per call, each called once, its flow
 * entries written and its attempt closed with `outcome`: as a campaign of a
 * flow looks once its calls have ended, without dialling anything.
 */
export async function settledFlowCampaign(
  store: Store,
  campaign: { id: string; name: string; settings?: Record<string, unknown> },
  calls: Array<{ names: string[]; outcome: string }>,
): Promise<void> {
  const at = Date.now();
  await store.tx(async (r) => {
    await r.campaigns.create(
      {
        id: campaign.id,
        name: campaign.name,
        settings: campaign.settings ?? {},
        callsPerSecond: 1000,
        maxConcurrent: calls.length,
        maxAttempts: 1,
        retryDelayMs: 0,
        retryOutcomes: [],
        callingWindow: null,
      },
      calls.map((_, i) => ({ rowNo: i + 1, target: `4:+1425555${String(i).padStart(4, '0')}`, fields: {} })),
    );
    // Targets become due when created, a moment after `at`.
    const callIdOf = (target: { rowNo: number }) => `${campaign.id}-${target.rowNo - 1}`;
    const claimed = await r.campaigns.claim(campaign.id, 3_600_000, Date.now(), callIdOf);
    if (claimed.length !== calls.length) throw new Error(`claimed ${claimed.length} of ${calls.length} targets`);
    for (const [i, { target }] of claimed.entries()) {
      const callId = callIdOf(target);
      await r.calls.insert({ id: callId, kind: 'call', flow: 'flow', target: target.target, settings: {}, state: 'terminated', campaignId: campaign.id, campaignTargetId: target.id, attempt: 1 });
      let entryAt = at;
      for (const name of calls[i].names) await r.timeline.append({ callId, at: entryAt++, kind: 'flow', name });
      await r.campaigns.finishAttempt(callId, calls[i].outcome, at + 1000);
    }
  });
}
